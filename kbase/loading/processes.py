"""How kbase uses the machine: forked worker processes, pickles, and the garbage collector.

Every decision to start a process, to pickle something for another process or the parse cache,
or to pause the garbage collector is made in the :mod:`kbase.loading` package: here, the means;
in :mod:`kbase.loading.reading` and :mod:`kbase.loading.pipeline`, when each is used.

On a machine with two or more cores and ``fork`` (Linux, macOS), a forked worker parses a large
``claims.yaml`` while the loading process parses the ``.bib`` (:mod:`kbase.loading.reading`), the
one use of a second process in a load (docs/performance.md has the measurements). A forked worker
inherits the parent's memory, so nothing is copied to it; what it hands back is pickled. Where
there is one core, no ``fork`` (Windows), or another thread in the process (forking a threaded
process can deadlock the child), everything runs in the calling process, as it would without
workers.

Loading builds millions of long-lived records; Python's cyclic garbage collector would walk them
all again and again while they are made, so it is paused meanwhile (:func:`paused_gc`).
"""

from __future__ import annotations

import functools
import gc
import operator
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

__all__ = [
    "can_fork",
    "forked_worker",
    "paused_gc",
    "pickled_by_fields",
    "short_lived_process",
    "unpickled",
]


def can_fork() -> bool:
    """Whether a forked worker may help now: two or more cores, ``fork``, no other thread running in this
    process (forking a threaded process can deadlock the child), and a process that may have children
    (a worker of a ``multiprocessing`` pool, which is daemonic, may not)."""
    import multiprocessing as mp  # here, not at import: a command that forks nothing does not load it

    if (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods() or mp.current_process().daemon:
        return False
    return threading.active_count() == 1


@contextmanager
def forked_worker(wanted: bool) -> Iterator[Callable[..., Future[Any]] | None]:
    """One forked worker process when ``wanted`` and the machine can fork now (:func:`can_fork`), else None.

    What is yielded hands ``function(*args)`` to the worker and returns its future. Nothing of the
    call is pickled on the way: the worker is forked at that moment and inherits it with the rest of
    this process's memory (its result comes back pickled). Where the system refuses (no writable
    ``/dev/shm`` for the pool's semaphores, ``fork`` refused by a process limit), the worker is None,
    or the call is made in this process: never an error.
    """
    if not wanted or not can_fork():
        yield None
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
    except OSError:
        yield None
        return
    with pool:
        yield functools.partial(_submit_inherited, pool)


_inherited: Callable[[], Any] | None = None  # the call a worker forked by _submit_inherited makes


def _submit_inherited(pool: Executor, function: Callable[..., Any], *args: Any) -> Future[Any]:
    global _inherited
    _inherited = functools.partial(function, *args)
    try:
        return pool.submit(_call_inherited)  # a fork pool forks its worker within its first submit
    except OSError:
        from concurrent.futures import Future

        done: Future[Any] = Future()
        try:
            done.set_result(function(*args))
        except Exception as exc:  # noqa: BLE001 - handed back as the worker's error would be
            done.set_exception(exc)
        return done
    finally:
        _inherited = None


def _call_inherited() -> Any:
    assert _inherited is not None
    return _inherited()


def unpickled(data: bytes) -> Any:
    """The value pickled in ``data`` (a cache entry), loaded with the
    garbage collector paused: a large one is many long-lived records."""
    import pickle

    with paused_gc():
        return pickle.loads(data)


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


_Record = TypeVar("_Record")


def pickled_by_fields(cls: type[_Record]) -> type[_Record]:
    """Pickle a frozen, slotted dataclass as its class and field values: one constructor call to load
    and a C-level getter to dump, where dataclasses' own state functions loop over the fields in
    Python (three to five times slower for the grades and references the parse cache keeps)."""
    getter = operator.attrgetter(*cls.__slots__)  # type: ignore[attr-defined]

    def __reduce__(self: Any) -> tuple[type[_Record], tuple[Any, ...]]:
        return cls, getter(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls
