"""The files of a library, read through the parse cache.

The loaders (:mod:`kbase.loaders.claims`, :mod:`kbase.loaders.bib`) turn bytes into records and
know nothing of caches or processes. This module decides:

* what comes from the parse cache (:mod:`kbase.cache`): each file under the key of its bytes
  (a ``.bib`` also under its predecessors', whose ``@string`` macros it may use), and what was
  derived from all of them (:class:`Derived`: problems, grades, findings);
* and which file is unchanged without reading it (:meth:`kbase.cache.Cache.file_digest`).

A large ``claims.yaml`` that must be parsed is parsed by a forked worker while this process parses
the ``.bib`` files (:func:`claims_meanwhile`), the one use of a second process in a load
(docs/performance.md has its measurements, and those of the tricks removed).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import slot_name
from ..errors import LoadError
from ..loaders.bib import BibFile, bib_problem, load_bibs, parse_bib
from ..loaders.claims import ClaimsFile, claims_from_bytes, load_claims, read_claims_bytes
from ..loaders.inputs import decode_text, read_input
from ..model import Article, Claim, Reference
from ..retractions import apply_notices, read_retraction_watch
from .processes import forked_worker, paused_gc

if TYPE_CHECKING:
    from ..cache import Cache

__all__ = [
    "PARALLEL_CLAIMS_BYTES",
    "CachedRecords",
    "Derived",
    "FileRead",
    "ReferencesByKey",
    "claims_meanwhile",
    "read_bibs",
    "read_claims",
]

#: A claims file of this many bytes or more is parsed by a forked worker while this process parses
#: the ``.bib`` (:func:`claims_meanwhile`); below it, starting the worker costs more than it saves.
PARALLEL_CLAIMS_BYTES = 256_000

#: What was read of a file to know its version: its SHA-256 and, when the file had to be read for it, its bytes.
FileRead = tuple[str, bytes | None]

# -- claims.yaml ---------------------------------------------------------------------------


def read_claims(path: str, store: Cache | None = None) -> ClaimsFile:
    """:func:`~kbase.loaders.claims.load_claims`, from the parse cache ``store`` while the file is unchanged."""
    with claims_meanwhile(path, store, parallel=False) as result:
        return result()


@contextmanager
def claims_meanwhile(path: str, store: Cache | None, *, parallel: bool = True, known: FileRead | None = None) -> Iterator[Callable[[], ClaimsFile]]:
    """Start reading ``claims.yaml`` (as :func:`read_claims`) while the caller parses the ``.bib``; the
    function yielded gives the result.

    A file that must be parsed (no cache entry) of :data:`PARALLEL_CLAIMS_BYTES` or more is parsed by
    a forked worker, when ``parallel`` and the machine can fork (:func:`~kbase.loading.processes.forked_worker`);
    otherwise it is parsed here when the result is asked for. ``known`` is what :meth:`Derived.open` read
    of the file (:meth:`Derived.take_files`).
    """
    try:
        digest, data = known or (store.file_digest(path, read_claims_bytes) if store is not None else ("", None))
        entry = (slot_name("claims", path), store.key("claims", path, digest)) if store is not None else None
        hit = store.get(*entry) if store is not None and entry is not None else None
        if hit is None:
            data = read_claims_bytes(path) if data is None else data
    except LoadError:
        yield lambda: load_claims(path)  # which reports why it cannot be read
        return
    if hit is not None:
        yield lambda: hit
        return
    assert data is not None
    with forked_worker(parallel and len(data) >= PARALLEL_CLAIMS_BYTES) as worker:
        # the worker keeps what it parsed in a cache of files itself: pickling it is off this process's path
        shared = store is not None and store.shared
        parsing = worker(_parsed, path, data, store if shared else None, entry) if worker is not None else None

        def result() -> ClaimsFile:
            if parsing is not None:
                try:
                    claims_file: ClaimsFile = parsing.result()
                except Exception:  # noqa: BLE001 - a worker that died (out of memory, killed): parse here
                    pass
                else:
                    return claims_file if shared else _kept(claims_file, store, entry)
            return _parsed(path, data, store, entry)

        yield result


def _parsed(path: str, data: bytes, store: Cache | None, entry: tuple[str, str] | None) -> ClaimsFile:
    """The claims file ``path`` whose bytes are ``data``, kept in ``store`` under ``entry``."""
    return _kept(claims_from_bytes(path, data), store, entry)


def _kept(claims_file: ClaimsFile, store: Cache | None, entry: tuple[str, str] | None) -> ClaimsFile:
    if store is not None and entry is not None:
        store.put(*entry, claims_file)
    return claims_file


# -- references.bib ------------------------------------------------------------------------


def read_bibs(
    paths: Sequence[str], encoding: str = "utf-8", store: Cache | None = None, known: Mapping[str, FileRead] | None = None
) -> list[BibFile]:
    """:func:`~kbase.loaders.bib.load_bibs`, each file from the parse cache ``store`` while its bytes, and
    its predecessors' bytes, are unchanged (``known``: what :meth:`Derived.open` read of them). The garbage
    collector is paused meanwhile."""
    with paused_gc():
        if store is None:
            return load_bibs(paths, encoding)
        return [
            parsed if parsed is not None else replace(bib_file, references=[pickle.loads(data) for _, data in pickles])
            for (bib_file, pickles), parsed in _cached_bibs(paths, encoding, store, known or {})
        ]


#: A cache entry of a ``.bib`` file: the file without its references, and each reference by key, pickled
#: on its own (:class:`ReferencesByKey` unpickles only those asked for).
_BibEntry = tuple[BibFile, list[tuple[str, bytes]]]


def _cached_bibs(paths: Sequence[str], encoding: str, store: Cache, known: Mapping[str, FileRead]) -> list[tuple[_BibEntry, BibFile | None]]:
    """Each file's cache entry, and the file as parsed now where there was no entry (its entry then kept)."""
    entries: list[tuple[_BibEntry, BibFile | None]] = []
    strings: list[object] = []
    before = ""
    for path in paths:
        parsed = None
        try:
            digest, data = known.get(path) or store.file_digest(path, read_input)
            key = store.key("bib", path, encoding, digest, before)
            entry = store.get(slot_name("bib", path), key)
            if entry is None:
                data = read_input(path) if data is None else data
                parsed = _parse_or_problem(data, path, encoding, strings)
                entry = (replace(parsed, references=[]), [(r.key, pickle.dumps(r, pickle.HIGHEST_PROTOCOL)) for r in parsed.references])
                store.put(slot_name("bib", path), key, entry)
        except LoadError as exc:
            entry = (BibFile(path, problems=[bib_problem(exc.location, exc.message)], strings=list(strings)), [])
            key = store.key(before, "unreadable", path)
        before = key
        strings = entry[0].strings
        entries.append((entry, parsed))
    return entries


class ReferencesByKey(Mapping[str, Reference]):
    """A library's references by key, in file order, each unpickled from its cache entry when first asked
    for: ``kbase evidence`` reads a claim's few references, not the library's 20,000. The first of two
    entries with one key counts (:func:`~kbase.loaders.bib.library_references`)."""

    def __init__(self, entries: Sequence[_BibEntry]) -> None:
        self._pickles: dict[str, bytes] = {}
        for _, pickles in entries:
            for key, data in pickles:
                self._pickles.setdefault(key, data)
        self._loaded: dict[str, Reference] = {}

    def __getitem__(self, key: str) -> Reference:
        reference = self._loaded.get(key)
        if reference is None:
            reference = self._loaded[key] = pickle.loads(self._pickles[key])
        return reference

    def __iter__(self) -> Iterator[str]:
        return iter(self._pickles)

    def __len__(self) -> int:
        return len(self._pickles)


def _parse_or_problem(data: bytes, path: str, encoding: str, strings: Sequence[object]) -> BibFile:
    try:
        return parse_bib(decode_text(path, data, encoding), path, strings)
    except LoadError as exc:
        return BibFile(path, problems=[bib_problem(exc.location, exc.message)], strings=list(strings))


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
    def references(self) -> Mapping[str, Reference]:
        """By key, in file order (:class:`ReferencesByKey`; all of them read at once when a retraction list is given)."""
        with paused_gc():
            by_key = ReferencesByKey([entry for entry, _ in _cached_bibs(self._bibs, self._encoding, self._store, {})])
            if self._retractions is None:
                return by_key
            notices = read_retraction_watch(str(self._retractions))
            return {r.key: r for r in apply_notices(list(by_key.values()), notices)}


class Derived:
    """What was derived from all the files of a library (problems, counts, grades, library findings),
    kept in the cache under the key of every file's bytes, the grading settings and today's date."""

    def __init__(
        self, store: Cache, claims: str, head: Sequence[object], readers: Sequence[tuple[str, Callable[[str], bytes]]], files: dict[str, FileRead]
    ) -> None:
        self.store, self._head, self._readers, self._files = store, head, readers, files
        self._slot = slot_name("library", claims)
        self.key = self._key()
        self.meta: dict[str, object] | None = store.get(f"{self._slot}-meta", self.key)

    def _key(self) -> str:
        return self.store.key("library", *self._head, *(part for path, _ in self._readers for part in (path, self._files[path][0])))

    @classmethod
    def open(
        cls, store: Cache, claims: str, bibs: Sequence[str], retractions: str | Path | None, encoding: str, settings: Sequence[object]
    ) -> Derived | None:
        """The entries of the library whose files are ``claims``, ``bibs`` and ``retractions``, graded with
        ``settings``; None when a file cannot be read: its problem is then found by the loaders, uncached."""
        readers: list[tuple[str, Callable[[str], bytes]]] = [
            (claims, read_claims_bytes),
            *((b, read_input) for b in bibs),
            *([(str(retractions), read_input)] if retractions is not None else []),
        ]
        try:
            files = {path: store.file_digest(path, read) for path, read in readers}
        except LoadError:
            return None
        return cls(store, claims, (claims, encoding, *settings, _dt.date.today().isoformat()), readers, files)

    def take_files(self) -> dict[str, FileRead]:
        """Every file's digest and bytes, for a cold load to parse, given once: the bytes :meth:`open` read,
        and those of each file its stamp vouched for, read now. A file changed since it was vouched for
        is keyed by the bytes read now (the entries follow: :attr:`key`), so whatever the load keeps is
        kept under the version it parsed, and no file is read twice."""
        try:
            for path, read in self._readers:
                if self._files[path][1] is None:
                    data = read(path)
                    self._files[path] = (hashlib.sha256(data).hexdigest(), data)
        except LoadError:
            pass  # gone or grown since: the loaders report it (its entries keyed by what was read before)
        self.key = self._key()
        files, self._files = self._files, {path: (digest, None) for path, (digest, _) in self._files.items()}
        return files

    def keep_meta(self, problems: Sequence[object], warnings: Sequence[object], counts: tuple[int, int], reviewed: bool) -> None:
        """Keep what a warm load answers without the records: the problems and warnings, the counts, and
        whether a claim was ever reviewed (which sends the audit to git for reference change dates)."""
        self.meta = {"problems": tuple(problems), "warnings": tuple(warnings), "counts": counts, "reviewed": reviewed}
        self.store.put(f"{self._slot}-meta", self.key, self.meta)

    def fetch(self, name: str, compute: Callable[[], object]) -> object:
        """The entry ``name`` (``grades``, ``findings``), computed and kept when there is none."""
        return self.store.fetch(f"{self._slot}-{name}", self.key, compute)
