"""How kbase uses the machine for a large library: forked worker processes, and the garbage collector.

On a machine with two or more cores and ``fork`` (Linux, macOS), a large library is read by
several processes at once: ``claims.yaml`` and each half of a large ``.bib`` are parsed side by
side (:func:`kbase.load`, :mod:`kbase.loaders.bib`), half the claims are graded by a worker
(:mod:`kbase.grading`), and large cache entries are written by a child (:mod:`kbase.cache`).
A forked worker inherits the parent's memory, so nothing is copied to it; what it hands back is
pickled (:func:`pickled_call` hands back the bytes themselves, for a caller that keeps them). Where there is one
core, no ``fork`` (Windows), or — for a fork in the middle of the work — another thread in the
process (forking a threaded process can deadlock the child), everything runs in the calling
process, as it would without workers.

Loading builds millions of long-lived records; Python's cyclic garbage collector would walk them
all again and again while they are made, so it is paused meanwhile (:func:`paused_gc`).
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

__all__ = ["can_fork", "forked_pool", "joined_pickle", "paused_gc", "pickled_call", "short_lived_process", "unpickled", "unpickled_when_done"]


def can_fork(*, now: bool = False) -> bool:
    """Whether forked workers may help: two or more cores and ``fork``; with ``now``, also no other
    thread running in this process (a fork is about to happen in the middle of the work)."""
    import multiprocessing as mp  # here, not at import: a command that forks nothing does not load it

    if (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        return False
    return not now or threading.active_count() == 1


@contextmanager
def forked_pool(wanted: bool, workers: int = 2) -> Iterator[Executor | None]:
    """A pool of ``workers`` forked processes when ``wanted`` and :func:`can_fork`, else None.

    Processes are forked when work is first handed to the pool, not before. Where the system
    refuses (no writable ``/dev/shm`` for the pool's semaphores, ``fork`` refused by a process
    limit), the pool is None, or the work handed to it is done in this process: never an error.
    """
    if not wanted or not can_fork():
        yield None
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"))
    except OSError:
        yield None
        return
    with pool:
        yield _InProcessWhenRefused(pool)


class _InProcessWhenRefused:
    """A process pool whose ``submit`` does the work here when the system refuses to start a worker."""

    def __init__(self, pool: Executor) -> None:
        self._pool = pool

    def submit(self, function: Callable[..., Any], /, *args: Any) -> Future[Any]:
        from concurrent.futures import Future

        try:
            return self._pool.submit(function, *args)
        except OSError:
            done: Future[Any] = Future()
            try:
                done.set_result(function(*args))
            except Exception as exc:  # noqa: BLE001 - handed back as the worker's error would be
                done.set_exception(exc)
            return done


def pickled_call(function: Callable[..., object], *args: object) -> bytes:
    """``function(*args)`` pickled: what a worker hands back when the caller keeps the result's bytes
    too (the parse cache writes them as they are instead of pickling the result a second time)."""
    import pickle

    return pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL)


def unpickled(data: bytes) -> Any:
    """The value pickled in ``data`` (a worker's :func:`pickled_call`, a cache entry), loaded with the
    garbage collector paused: a large one is many long-lived records."""
    import pickle

    with paused_gc():
        return pickle.loads(data)


def unpickled_when_done(future: Future[bytes]) -> Callable[[], tuple[Any, bytes]]:
    """For a worker's :func:`pickled_call`: a function giving (value, its pickle), the value loaded once,
    as soon as the worker hands the bytes back (by the pool's thread, while this process waits for
    other workers), or when first asked for. A worker's exception is raised when asked for."""
    lock, box = threading.Lock(), []

    def load() -> tuple[Any, bytes]:
        with lock:
            if not box:
                data = future.result()
                box.append((unpickled(data), data))
            return box[0]  # type: ignore[no-any-return]

    def early(done: Future[bytes]) -> None:
        try:
            load()
        except BaseException:  # noqa: BLE001 - the caller sees it when it asks for the value
            pass

    future.add_done_callback(early)
    return load


class _Joined:
    """Pickles as ``combine`` and already pickled parts: pickling it copies bytes, loading it loads the parts."""

    __slots__ = ("combine", "parts")

    def __init__(self, combine: Callable[..., object], parts: tuple[bytes, ...]) -> None:
        self.combine, self.parts = combine, parts

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...]]:
        return _join, (self.combine, self.parts)


def _join(combine: Callable[..., object], parts: tuple[bytes, ...]) -> object:
    import pickle

    return combine(*(pickle.loads(part) for part in parts))


def joined_pickle(combine: Callable[..., object], parts: Sequence[bytes]) -> bytes:
    """The pickle of ``combine(*values)``, made from the values' pickles ``parts`` without loading them:
    what workers handed back as :func:`pickled_call` bytes is kept whole (``combine`` must be a
    module-level function)."""
    import pickle

    return pickle.dumps(_Joined(combine, tuple(parts)), protocol=pickle.HIGHEST_PROTOCOL)


_short_lived = False


def short_lived_process() -> None:
    """Declare that this process does one job and ends, as kbase's command line does (its ``main``
    calls this): from then on, each time the garbage collector resumes after a load
    (:func:`paused_gc`), what the load built is frozen (:func:`gc.freeze`), so the collector never
    walks it again. Without it, every later collection walks the whole library once more: a cold
    ``kbase audit`` of 20,000 references spent about 3 s of its 9 s in the collector.

    A program that keeps running must not call this: a library it drops would never be collected
    (its networkx graph holds reference cycles). Frozen objects are still freed by reference
    counting, and objects made outside a load are collected as usual.
    """
    global _short_lived
    _short_lived = True


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building (or unpickling) many long-lived records.

    A load allocates millions of objects that all stay alive; each full collection walks them
    all, which made up about a quarter of the load time of a 100,000-reference library (and
    about 40 % of reading one from the parse cache). Nothing kbase builds here forms reference
    cycles, so pausing frees nothing later.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if _short_lived:
                gc.freeze()  # what was built stays until the process ends: the collector need not walk it
            gc.enable()
