"""The files of a library, read through the parse cache.

The loaders (:mod:`kbase.loaders.claims`, :mod:`kbase.loaders.bib`) turn bytes into records and
know nothing of caches or processes. This module decides:

* what comes from the parse cache (:mod:`kbase.cache`): each file under the key of its bytes
  (a ``.bib`` also under its predecessors', whose ``@string`` macros it may use), and what was
  derived from all of them (:class:`Derived`: problems, grades, findings);
* and which file is unchanged without reading it (:meth:`kbase.cache.Cache.file_digest`).

Every file is parsed in this process. Parsing a large ``.bib`` in two halves by two forked workers,
and ``claims.yaml`` by a third meanwhile, saved less than the 10 % of a cold command a trick must
save (docs/performance.md: the median of three runs at 20,000 references, 7 % and −3 %; at 100,000,
10 % and 7 %), and were removed with the pickling they needed.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import slot_name
from ..errors import LoadError
from ..loaders.bib import BibFile, bib_problem, library_references, load_bibs, parse_bib
from ..loaders.claims import ClaimsFile, claims_from_bytes, load_claims, read_claims_bytes
from ..loaders.inputs import decode_text, read_input
from ..model import Article, Claim, Reference
from ..retractions import apply_notices, read_retraction_watch
from .processes import paused_gc

if TYPE_CHECKING:
    from ..cache import Cache

__all__ = [
    "CachedRecords",
    "Derived",
    "read_bibs",
    "read_claims",
]

# -- claims.yaml ---------------------------------------------------------------------------


def read_claims(path: str, store: Cache | None = None) -> ClaimsFile:
    """:func:`~kbase.loaders.claims.load_claims`, from the parse cache ``store`` while the file is unchanged."""
    if store is None:
        return load_claims(path)
    try:
        digest, data = store.file_digest(path, read_claims_bytes)
        slot, key = slot_name("claims", path), store.key("claims", path, digest)
        hit = store.get(slot, key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        data = read_claims_bytes(path) if data is None else data
    except LoadError:
        return load_claims(path)  # which reports why it cannot be read
    claims_file = claims_from_bytes(path, data)
    store.put(slot, key, claims_file)
    return claims_file


# -- references.bib ------------------------------------------------------------------------


def read_bibs(paths: Sequence[str], encoding: str = "utf-8", store: Cache | None = None) -> list[BibFile]:
    """:func:`~kbase.loaders.bib.load_bibs`, each file from the parse cache ``store`` while its bytes, and
    its predecessors' bytes, are unchanged. The garbage collector is paused meanwhile."""
    with paused_gc():
        if store is None:
            return load_bibs(paths, encoding)
        files: list[BibFile] = []
        strings: list[object] = []
        before = ""
        for path in paths:
            try:
                digest, data = store.file_digest(path, read_input)
                key = store.key("bib", path, encoding, digest, before)
                bib_file = store.get(slot_name("bib", path), key)
                if bib_file is None:
                    data = read_input(path) if data is None else data
                    bib_file = _parse_or_problem(data, path, encoding, strings)
                    store.put(slot_name("bib", path), key, bib_file)
            except LoadError as exc:
                bib_file = BibFile(path, problems=[bib_problem(exc.location, exc.message)], strings=list(strings))
                key = store.key(before, "unreadable", path)
            before = key
            strings = bib_file.strings
            files.append(bib_file)
        return files


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
    def references(self) -> Sequence[Reference]:
        references = library_references(read_bibs(self._bibs, self._encoding, self._store))[0]
        if self._retractions is not None:
            references = apply_notices(references, read_retraction_watch(str(self._retractions)))
        return references


class Derived:
    """What was derived from all the files of a library (problems, counts, grades, library findings),
    kept in the cache under the key of every file's bytes, the grading settings and today's date."""

    def __init__(self, store: Cache, claims: str, key: str) -> None:
        self.store, self.key = store, key
        self._slot = slot_name("library", claims)
        self.meta: dict[str, object] | None = store.get(f"{self._slot}-meta", key)

    @classmethod
    def open(
        cls, store: Cache, claims: str, bibs: Sequence[str], retractions: str | Path | None, encoding: str, settings: Sequence[object]
    ) -> Derived | None:
        """The entries of the library whose files are ``claims``, ``bibs`` and ``retractions``, graded with
        ``settings``; None when a file cannot be read: its problem is then found by the loaders, uncached."""
        parts: list[object] = ["library", claims, encoding, *settings, _dt.date.today().isoformat()]
        try:
            for path in [claims, *bibs, *([str(retractions)] if retractions is not None else [])]:
                parts += [path, store.file_digest(path, read_input)[0]]
        except LoadError:
            return None
        return cls(store, claims, store.key(*parts))  # type: ignore[arg-type]

    def keep_meta(self, problems: Sequence[object], warnings: Sequence[object], counts: tuple[int, int], reviewed: bool) -> None:
        """Keep what a warm load answers without the records: the problems and warnings, the counts, and
        whether a claim was ever reviewed (which sends the audit to git for reference change dates)."""
        self.meta = {"problems": tuple(problems), "warnings": tuple(warnings), "counts": counts, "reviewed": reviewed}
        self.store.put(f"{self._slot}-meta", self.key, self.meta)

    def fetch(self, name: str, compute: Callable[[], object]) -> object:
        """The entry ``name`` (``grades``, ``findings``), computed and kept when there is none."""
        return self.store.fetch(f"{self._slot}-{name}", self.key, compute)
