"""Loading a library: the files (from the parse cache or parsed; a large ``claims.yaml`` by a forked worker
meanwhile), the graph, the grades, and what a warm load answers without building anything.

:func:`load` is ``kbase.load``. The steps, and the measurement behind each trick, are in
docs/architecture.md ("Loading") and docs/performance.md.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import Cache, open_cache
from ..errors import LoadError, Location
from ..files import recover_before_reading
from ..grading import DEFAULT_STALE_YEARS, GradingOptions, grade_claims
from ..graph import build_graph
from ..kb import KnowledgeBase
from ..loaders.bib import library_references
from ..model import Finding, Grade
from ..retractions import apply_notices, read_retraction_watch
from ..vocabulary import Severity
from .processes import paused_gc
from .reading import CachedRecords, Derived, FileRead, claims_meanwhile, read_bibs

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["grade_library", "load", "read_library"]


def load(
    claims: str | Path = "claims.yaml",
    bib: str | Path | Sequence[str | Path] = "references.bib",
    *,
    strict: bool = False,
    year: int | None = None,
    stale_years: int = DEFAULT_STALE_YEARS,
    retractions: str | Path | None = None,
    encoding: str = "utf-8",
    review_days: int = 365,
    cache: bool | str | Path | Cache = False,
    semantic: bool = False,
    unassessed: str = "cap",
) -> KnowledgeBase:
    """Load a library from its claims file and one or more BibTeX files.

    Parameters
    ----------
    claims : path
        The ``claims.yaml`` file.
    bib : path or list of paths
        The ``references.bib`` file(s).
    strict : bool
        Raise the first problem as :class:`~kbase.errors.LoadError` instead of
        collecting problems in ``kb.problems``.
    year : int, optional
        The current year for the ``stale`` flag (default: this year).
    stale_years : int
        How old the newest supporting reference may be before a claim is stale.
    encoding : str
        The encoding of the BibTeX files (for legacy Latin-1 or GBK files; default UTF-8).
    retractions : path, optional
        A retraction list in the Retraction Watch CSV format; matching references are marked
        retracted (or carry the expression of concern or correction).
    cache : bool or path
        Keep what was parsed and graded in a parse cache (:mod:`kbase.cache`) and reuse it while
        the files are unchanged: ``True`` for ``.kbase-cache/`` beside the claims file, or a
        folder. Off by default for library use; the command line turns it on.
    semantic : bool
        With the ``kbase[semantic]`` extra installed, ``True`` makes draft audits and ``suggest`` also
        match by meaning (:mod:`kbase.semantic`). Off by default: on a library of one topic it costs
        precision (docs/drafts.md). Without the extra it changes nothing.
    unassessed : str
        ``"cap"`` (the default): a claim whose supporting evidence starts above low and that nobody
        assessed (no ``concerns`` on the link) grades at most moderate, flagged ``unassessed``;
        ``"flag"``: flagged only.

    Examples
    --------
    >>> import kbase
    >>> kb = kbase.load("claims.yaml", "references.bib")  # doctest: +SKIP
    >>> kb.grade("nmda-blockade").level  # doctest: +SKIP
    """
    bibs = [str(path) for path in ([bib] if isinstance(bib, (str, Path)) else list(bib))]
    recover_before_reading(claims, bibs)
    if unassessed not in ("cap", "flag"):
        raise ValueError(f"unassessed must be 'cap' or 'flag', not {unassessed!r}")
    options = GradingOptions(year or _dt.date.today().year, stale_years, review_days, unassessed)
    store = open_cache(cache, claims)
    settings = (options.year, options.stale_years, options.review_days, options.unassessed)
    derived = Derived.open(store, str(claims), bibs, retractions, encoding, settings) if store is not None else None
    meta = derived.meta if derived is not None else None
    if meta is not None and not (strict and meta["problems"]):  # warm: the graph is built only if a question needs it
        graph: nx.MultiDiGraph | object = lambda: read_library(str(claims), bibs, encoding, retractions, store)[0]  # noqa: E731
        problems, warnings = tuple(meta["problems"]), tuple(meta["warnings"])  # type: ignore[call-overload]
    else:
        graph, found, found_warnings = read_library(
            str(claims), bibs, encoding, retractions, store, derived.take_files() if derived is not None else {}
        )
        if strict and found:
            raise LoadError(found[0].where or Location(str(claims), 0, 0), found[0].message)
        problems, warnings = tuple(found), tuple(found_warnings)
    records = CachedRecords(str(claims), bibs, encoding, retractions, store) if meta is not None and store is not None and not problems else None
    kb = KnowledgeBase(graph, problems, options, str(claims), tuple(bibs), warnings, derived=derived, grader=grade_library, records=records)  # type: ignore[arg-type]
    kb.semantic = semantic
    if derived is not None and meta is None:
        derived.keep_meta(kb.problems, kb.warnings, (len(kb.claims), len(kb.references)), any(c.reviewed for c in kb.claims.values()))
    return kb


def read_library(
    claims: str, bibs: list[str], encoding: str, retractions: str | Path | None, store: Cache | None, known: Mapping[str, FileRead] | None = None
) -> tuple[nx.MultiDiGraph, list[Finding], list[Finding]]:
    """Parse (or take from the cache) every file of a library: its graph, problems and warnings. ``known`` is
    what was read of the files to key the library's cache entries (:meth:`~kbase.loading.reading.Derived.take_files`):
    those very bytes are parsed."""
    known = known or {}
    with paused_gc():  # all of it: millions of long-lived records (the collector re-enabled between would walk them all)
        with claims_meanwhile(claims, store, known=known.get(claims)) as claims_result:
            bib_files = read_bibs(bibs, encoding, store, known)
            claims_file = claims_result()
        problems = list(claims_file.problems)
        warnings: list[Finding] = []
        for bib_file in bib_files:
            problems.extend(bib_file.problems)
            warnings.extend(bib_file.warnings)
        references, twice = library_references(bib_files)
        problems.extend(twice)
        if retractions is not None:
            try:
                references = apply_notices(references, read_retraction_watch(str(retractions), known.get(str(retractions), ("", None))[1]))
            except LoadError as exc:
                problems.append(Finding("syntax-error", Severity.ERROR, exc.message, exc.location))
        graph = build_graph(claims_file.claims, references, claims_file.articles.values())
    return graph, problems, warnings


def grade_library(G: nx.MultiDiGraph, options: GradingOptions) -> Mapping[str, Grade]:
    """Every claim's grade (:func:`~kbase.grading.grade_claims`), in file order, with the garbage collector
    paused. (Grading half the claims in a forked worker was measured and removed: docs/performance.md.)"""
    with paused_gc():
        return grade_claims(G, options)
