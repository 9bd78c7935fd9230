"""The files of a library, read through the parse cache and, when they are large, by forked workers.

The loaders (:mod:`kbase.loaders.claims`, :mod:`kbase.loaders.bib`) turn bytes into records and
know nothing of caches or processes. This module decides:

* what comes from the parse cache (:mod:`kbase.cache`): each file under the key of its bytes
  (a ``.bib`` also under its predecessors', whose ``@string`` macros it may use), and what was
  derived from all of them (:class:`Derived`: problems, grades, findings);
* what is parsed by a forked worker (:mod:`kbase.loading.processes`): a ``claims.yaml`` from
  :data:`PARALLEL_CLAIMS_BYTES` while this process reads the ``.bib``, and a ``.bib`` from
  :data:`PARALLEL_BIB_BYTES` in two halves at once. Both measured to save 20–24 % of a cold
  ``kbase check`` of 20,000 references on two cores (docs/performance.md).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import slot_name
from ..errors import LoadError
from ..loaders.bib import BibFile, bib_problem, library_references, load_bibs, parse_bib
from ..loaders.claims import ClaimsFile, claims_from_bytes, load_claims, read_claims_bytes
from ..loaders.inputs import decode_text, input_size, read_input
from ..model import Article, Claim, Reference
from ..retractions import apply_notices, read_retraction_watch
from .processes import forked_pool, paused_gc, pickled_call, unpickled_when_done

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from ..cache import Cache

__all__ = [
    "PARALLEL_BIB_BYTES",
    "PARALLEL_CLAIMS_BYTES",
    "CachedRecords",
    "Derived",
    "claims_entry",
    "has_large_bib",
    "parse_bib_at_once",
    "read_bibs",
    "read_claims",
    "start_claims",
    "worker_pool",
]

#: Claims files larger than this are parsed in a second process while the main one reads the
#: BibTeX files; below it, starting the process costs more than it saves.
PARALLEL_CLAIMS_BYTES = 256_000

#: A ``.bib`` of at least this many bytes is parsed in two halves at once when a worker pool is
#: given (:func:`worker_pool` makes one for a large library on a machine with two or more cores).
PARALLEL_BIB_BYTES = 2_000_000
_STRING_BLOCK = re.compile(r"@\s*string\s*[{(]", re.IGNORECASE)
_ENTRY_LINE = re.compile(r"\n@")


def has_large_bib(paths: Sequence[str]) -> bool:
    """Whether one of the files is large enough to parse in two halves (:data:`PARALLEL_BIB_BYTES`)."""
    return any(input_size(path) >= PARALLEL_BIB_BYTES for path in paths)


def worker_pool(claims: str, bibs: Sequence[str]) -> AbstractContextManager[Executor | None]:
    """Three forked workers when the library is large enough to parse in parallel: a claims file from
    :data:`PARALLEL_CLAIMS_BYTES`, or a ``.bib`` from :data:`PARALLEL_BIB_BYTES` (one parses
    ``claims.yaml``, two the halves of the ``.bib``, while this process waits for what they hand
    back); they are forked only when work is handed to them (a file the cache holds needs none)."""
    return forked_pool(input_size(claims) >= PARALLEL_CLAIMS_BYTES or has_large_bib(bibs), workers=3)


# -- claims.yaml ---------------------------------------------------------------------------


def claims_entry(cache: Cache, path: str, digest: str) -> tuple[str, str]:
    """The cache slot and key of the claims file ``path`` whose bytes have the SHA-256 ``digest``."""
    return slot_name("claims", path), cache.key("claims", path, digest)


def read_claims(path: str, store: Cache | None = None) -> ClaimsFile:
    """:func:`~kbase.loaders.claims.load_claims`, from the parse cache ``store`` while the file is unchanged."""
    return start_claims(path, store, None)()


def start_claims(path: str, store: Cache | None, pool: Executor | None) -> Callable[[], ClaimsFile]:
    """Start reading ``claims.yaml``; the returned function gives the result.

    A large file is parsed by a worker of ``pool``, so that YAML and BibTeX parse at the same time;
    a small one, or one without a pool, is read in this process when the result is asked for.
    """
    try:
        digest, data = store.file_digest(path, read_claims_bytes) if store is not None else ("", read_claims_bytes(path))
    except LoadError:
        return lambda: load_claims(path)  # which reports why it cannot be read
    entry = claims_entry(store, path, digest) if store is not None else None
    hit = store.get(*entry) if store is not None and entry is not None else None
    if hit is not None:
        return lambda: hit
    if data is None:
        try:
            data = read_claims_bytes(path)
        except LoadError:
            return lambda: load_claims(path)
    worker = (
        unpickled_when_done(pool.submit(pickled_call, claims_from_bytes, path, data))
        if pool is not None and len(data) >= PARALLEL_CLAIMS_BYTES
        else None
    )

    def result() -> ClaimsFile:
        # the worker's pickle, loaded as soon as it came back, is kept in the cache as it is
        try:
            claims_file, pickled = worker() if worker is not None else (claims_from_bytes(path, data), None)
        except Exception:  # noqa: BLE001 - a worker that died (out of memory, killed): parse here
            claims_file, pickled = claims_from_bytes(path, data), None
        if store is not None and entry is not None:  # kept by this process: a worker's copy of the cache is not
            store.put(*entry, claims_file, size=len(data), pickled=pickled)
        return claims_file

    return result


# -- references.bib ------------------------------------------------------------------------


def read_bibs(paths: Sequence[str], encoding: str = "utf-8", store: Cache | None = None, *, pool: Executor | None = None) -> list[BibFile]:
    """:func:`~kbase.loaders.bib.load_bibs`, each file from the parse cache ``store`` while its bytes, and
    its predecessors' bytes, are unchanged; a large file parsed in two halves at once by the ``pool``
    of worker processes given, or by one made for it. The garbage collector is paused meanwhile."""
    with paused_gc():
        if pool is not None:
            return _read_bibs(paths, encoding, store, pool)
        large = has_large_bib(paths)
        # a pool runs threads: large cache entries are written once it has closed
        with store.holding_writes() if store is not None and large else nullcontext(), forked_pool(large) as own:
            return _read_bibs(paths, encoding, store, own)


def _read_bibs(paths: Sequence[str], encoding: str, store: Cache | None, pool: Executor | None) -> list[BibFile]:
    if store is None and pool is None:
        return load_bibs(paths, encoding)
    files: list[BibFile] = []
    strings: list[object] = []
    before = ""
    for path in paths:
        try:
            digest, data = store.file_digest(path, read_input) if store is not None else ("", read_input(path))
            key = store.key("bib", path, encoding, digest, before) if store is not None else ""
            bib_file = store.get(slot_name("bib", path), key) if store is not None else None
            if bib_file is None:
                data = read_input(path) if data is None else data
                bib_file = _parse_or_problem(data, path, encoding, strings, pool)
                if store is not None:
                    store.put(slot_name("bib", path), key, bib_file, size=len(data))
        except LoadError as exc:
            bib_file = BibFile(path, problems=[bib_problem(exc.location, exc.message)], strings=list(strings))
            key = store.key(before, "unreadable", path) if store is not None else before
        before = key
        strings = bib_file.strings
        files.append(bib_file)
    return files


def _parse_or_problem(data: bytes, path: str, encoding: str, strings: Sequence[object], pool: Executor | None) -> BibFile:
    try:
        return parse_bib_at_once(decode_text(path, data, encoding), path, strings, pool)
    except LoadError as exc:
        return BibFile(path, problems=[bib_problem(exc.location, exc.message)], strings=list(strings))


def parse_bib_at_once(text: str, path: str, strings: Sequence[object] = (), pool: Executor | None = None) -> BibFile:
    """:func:`~kbase.loaders.bib.parse_bib`, by two workers of ``pool`` at once for a text of
    :data:`PARALLEL_BIB_BYTES` or more.

    The text is cut in two at an entry that starts a line outside any braces. The halves are used
    only when neither has a problem and no key is in both, and when the file defines no
    ``@string`` (a macro may be used after its definition); otherwise, the whole text is parsed in
    one piece, so that problems are found and reported exactly as they would be without a pool.
    """
    if pool is not None and len(text) >= PARALLEL_BIB_BYTES and not strings:
        halves = _parse_in_halves(text, path, pool)
        if halves is not None:
            return halves
    return parse_bib(text, path, strings)


def _parse_in_halves(text: str, path: str, pool: Executor) -> BibFile | None:
    """The file parsed as two halves by two workers at once; None when it cannot be cut safely or a half had a problem."""
    if _STRING_BLOCK.search(text):
        return None
    cut, middle = None, len(text) // 2
    depth, counted = text.count("{", 0, middle) - text.count("}", 0, middle), middle  # braces open, counted up to `counted`
    for match in _ENTRY_LINE.finditer(text, middle):
        at = match.start() + 1
        if at - middle > len(text) // 10:  # no safe cut near the middle (unbalanced braces): one piece
            return None
        depth += text.count("{", counted, at) - text.count("}", counted, at)  # each byte counted once: linear
        counted = at
        if depth == 0:  # outside every entry
            cut = at
            break
    if cut is None:
        return None
    head = text[:cut]
    # the second half keeps its line numbers: it starts after as many empty lines as the first half has
    try:
        workers = [pool.submit(parse_bib, part, path) for part in (head, "\n" * head.count("\n") + text[cut:])]
        first, second = (worker.result() for worker in workers)
    except Exception:  # noqa: BLE001 - a worker that died or could not be reached: parse in one piece
        return None
    if first.problems or second.problems or {r.key for r in first.references} & {r.key for r in second.references}:
        return None
    return BibFile(first.path, first.references + second.references, [], first.warnings + second.warnings, [])


# -- what is derived from all the files -----------------------------------------------------


class CachedRecords:
    """The records of a library whose files are unchanged and read without a problem, each list taken
    from its file's cache entry when first asked for: ``kbase grades`` needs the claims, not the
    references, and neither needs the graph. (The graph's records are these, in the same order.)"""

    def __init__(self, claims: str, bibs: Sequence[str], encoding: str, retractions: str | Path | None, store: Cache) -> None:
        self._claims, self._bibs, self._encoding, self._retractions, self._store = claims, bibs, encoding, retractions, store

    @cached_property
    def _claims_file(self) -> ClaimsFile:
        with paused_gc():
            return read_claims(self._claims, self._store)

    @property
    def claims(self) -> Sequence[Claim]:
        return self._claims_file.claims

    @property
    def articles(self) -> Mapping[str, Article]:
        return self._claims_file.articles

    @cached_property
    def references(self) -> Sequence[Reference]:
        references = library_references(read_bibs(self._bibs, self._encoding, self._store))[0]
        if self._retractions is not None:
            references = apply_notices(references, read_retraction_watch(str(self._retractions)))
        return references


class Derived:
    """What was derived from all the files of a library (problems, counts, grades, library findings),
    kept in the cache under the key of every file's bytes, the grading settings and today's date."""

    def __init__(self, store: Cache, claims: str, key: str, size: int = 0) -> None:
        self.store, self.key, self.size = store, key, size  # size: the input bytes, large entries are written in the background
        self._slot = slot_name("library", claims)
        self.meta: dict[str, object] | None = store.get(f"{self._slot}-meta", key)

    @classmethod
    def open(
        cls, store: Cache, claims: str, bibs: Sequence[str], retractions: str | Path | None, encoding: str, settings: Sequence[object]
    ) -> Derived | None:
        """The entries of the library whose files are ``claims``, ``bibs`` and ``retractions``, graded with
        ``settings``; None when a file cannot be read: its problem is then found by the loaders, uncached."""
        parts: list[object] = ["library", claims, encoding, *settings, _dt.date.today().isoformat()]
        size = 0
        try:
            for path in [claims, *bibs, *([str(retractions)] if retractions is not None else [])]:
                parts += [path, store.file_digest(path, read_input)[0]]
                size += input_size(path)
        except LoadError:
            return None
        return cls(store, claims, store.key(*parts), size)  # type: ignore[arg-type]

    def keep_meta(self, problems: Sequence[object], warnings: Sequence[object], counts: tuple[int, int], reviewed: bool) -> None:
        """Keep what a warm load answers without the records: the problems and warnings, the counts, and
        whether a claim was ever reviewed (which sends the audit to git for reference change dates)."""
        self.meta = {"problems": tuple(problems), "warnings": tuple(warnings), "counts": counts, "reviewed": reviewed}
        self.store.put(f"{self._slot}-meta", self.key, self.meta)

    def fetch(self, name: str, compute: Callable[[], object]) -> object:
        """The entry ``name`` (``grades``, ``findings``), computed and kept when there is none."""
        return self.store.fetch(f"{self._slot}-{name}", self.key, compute, size=self.size)
