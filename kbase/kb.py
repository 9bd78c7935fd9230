"""The knowledge base: a loaded library and the questions it answers."""

from __future__ import annotations

import datetime as _dt
import gc
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LoadError, Location, UnknownClaimError
from .grading import DEFAULT_STALE_YEARS, GradingOptions, grade_claims, premise_cycles
from .graph import build_graph, claim_node
from .levels import Level
from .loaders.claims import ClaimsFile
from .model import Article, Claim, Finding, Grade, Reference, Severity

if TYPE_CHECKING:
    import networkx as nx

    from .drafts.audit import DraftReport
    from .drafts.matcher import ClaimMatcher
    from .impact import Impact
    from .suggest import SuggestIndex, Suggestion

__all__ = ["KnowledgeBase", "load"]


def load(
    claims: str | Path = "claims.yaml",
    bib: str | Path | Sequence[str | Path] = "references.bib",
    *,
    strict: bool = False,
    year: int | None = None,
    stale_years: int = DEFAULT_STALE_YEARS,
    retractions: str | Path | None = None,
    encoding: str = "utf-8",
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

    Examples
    --------
    >>> import kbase
    >>> kb = kbase.load("claims.yaml", "references.bib")  # doctest: +SKIP
    >>> kb.grade("nmda-blockade").level  # doctest: +SKIP
    """
    from .loaders.bib import load_bibs

    bibs = [bib] if isinstance(bib, (str, Path)) else list(bib)
    with paused_gc(), _claims_loader(str(claims)) as pending:
        bib_files = load_bibs([str(path) for path in bibs], encoding)
        claims_file = pending()
    problems = list(claims_file.problems)
    references: list[Reference] = []
    keys: dict[str, Reference] = {}
    warnings: list[Finding] = []
    for bib_file in bib_files:
        problems.extend(bib_file.problems)
        warnings.extend(bib_file.warnings)
        for reference in bib_file.references:
            if reference.key in keys:
                first = keys[reference.key].where
                problems.append(Finding("duplicate-key", Severity.ERROR,
                                        f"duplicate entry key {reference.key!r} (first at {first})", reference.where, reference.key))
                continue
            keys[reference.key] = reference
            references.append(reference)
    if retractions is not None:
        from .retractions import apply_notices, read_retraction_watch

        try:
            references = apply_notices(references, read_retraction_watch(str(retractions)))
        except LoadError as exc:
            problems.append(Finding("syntax-error", Severity.ERROR, exc.message, exc.location))
    if strict and problems:
        first_problem = problems[0]
        raise LoadError(first_problem.where or Location(str(claims), 0, 0), first_problem.message)
    graph = build_graph(claims_file.claims, references, claims_file.articles.values())
    options = GradingOptions(year or _dt.date.today().year, stale_years)
    return KnowledgeBase(graph, tuple(problems), options, str(claims), tuple(str(p) for p in bibs), tuple(warnings))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many long-lived records.

    A load allocates millions of objects that all stay alive; each full collection walks them
    all, which made up about a quarter of the load time of a 100,000-reference library.
    Nothing kbase builds here forms reference cycles, so pausing frees nothing later.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: Claims files larger than this are parsed in a second process while the main one reads the
#: BibTeX files; below it, starting the process costs more than it saves.
PARALLEL_CLAIMS_BYTES = 256_000


@contextmanager
def _claims_loader(path: str) -> Iterator[Callable[[], ClaimsFile]]:
    """Start reading ``claims.yaml``; the yielded function returns the result.

    Large files are parsed in a forked worker process, so that on a machine with two or more
    cores YAML and BibTeX parse at the same time; small files, or platforms without ``fork``,
    are read in this process.
    """
    from .loaders.claims import load_claims

    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    if size < PARALLEL_CLAIMS_BYTES or (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        yield lambda: load_claims(path)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork")) as pool:
        future = pool.submit(load_claims, path)
        yield future.result


class KnowledgeBase:
    """A loaded library: its graph, the problems met while loading, and grading on demand.

    Everything is answered from :attr:`graph`; grades are computed once, on first use.
    """

    def __init__(self, graph: nx.MultiDiGraph, problems: tuple[Finding, ...], options: GradingOptions,
                 claims_path: str = "claims.yaml", bib_paths: tuple[str, ...] = ("references.bib",),
                 warnings: tuple[Finding, ...] = ()) -> None:
        self.graph = graph
        self.problems = problems
        self.options = options
        self.claims_path = claims_path
        self.bib_paths = bib_paths
        self.warnings = warnings  # read, but worth fixing (e.g. a field given twice)

    def __repr__(self) -> str:
        return f"<KnowledgeBase {len(self.claims)} claims, {len(self.references)} references, {len(self.problems)} problems>"

    # -- records -------------------------------------------------------------

    @cached_property
    def claims(self) -> Mapping[str, Claim]:
        """Claims by id, in file order."""
        return {c.id: c for c in _records(self.graph, "claim")}

    @cached_property
    def references(self) -> Mapping[str, Reference]:
        """References by key, in file order."""
        return {r.key: r for r in _records(self.graph, "ref")}

    @cached_property
    def articles(self) -> Mapping[str, Article]:
        """Articles by id, in file order."""
        return {a.id: a for a in _records(self.graph, "article")}

    def claim(self, claim_id: str) -> Claim:
        """The claim ``claim_id``; raises :class:`UnknownClaimError` with a did-you-mean."""
        node = self.graph.nodes.get(claim_node(claim_id))
        if node is None or node["record"] is None:
            from .spelling import did_you_mean

            raise UnknownClaimError(f"no claim {claim_id!r} in {self.claims_path}{did_you_mean(claim_id, self.claims)}")
        return node["record"]

    # -- grading -------------------------------------------------------------

    @cached_property
    def grades(self) -> Mapping[str, Grade]:
        """The grade of every claim, in file order."""
        with paused_gc():
            return grade_claims(self.graph, self.options)

    def grade(self, claim_id: str) -> Grade:
        """The grade of one claim: level, flags, independent sources and reasons."""
        self.claim(claim_id)
        return self.grades[claim_id]

    def unsupported(self) -> list[Claim]:
        """Claims that no reference supports, in file order."""
        return [self.claims[c] for c, g in self.grades.items() if g.level == Level.UNSUPPORTED]

    @cached_property
    def premise_cycles(self) -> list[list[str]]:
        """Cycles of ``depends_on`` premises, each as claim ids in order."""
        return premise_cycles(self.graph)

    def impact(self, key: str) -> Impact:
        """What changes if reference ``key`` is withdrawn (see :func:`kbase.impact.impact`)."""
        from .impact import impact

        if key not in self.references:
            from .spelling import did_you_mean

            raise UnknownClaimError(f"no reference {key!r} in {', '.join(self.bib_paths)}{did_you_mean(key, self.references)}")
        return impact(self.graph, key, self.options, self.grades)

    # -- audit ---------------------------------------------------------------

    def audit(self) -> list[Finding]:
        """Load problems, then every library-rule finding."""
        from .rules import library_findings

        return (list(self.problems) + list(self.warnings)
                + list(library_findings(self.graph, dict(self.grades), self.premise_cycles, self.options.stale_years)))

    def audit_draft(self, path: str | Path, threshold: float | None = None) -> list[Finding]:
        """Findings for one draft (Markdown or plain text): uncited, mis-cited, overstated claims and more."""
        return self.draft_report(path, threshold).findings

    def draft_report(self, path: str | Path, threshold: float | None = None, suggest: bool = False) -> DraftReport:
        """The full draft audit: findings, sentences and the claim each matched."""
        from .drafts.audit import audit_draft

        return audit_draft(self, str(path), matcher=self.matcher(threshold), suggest=suggest)

    def matcher(self, threshold: float | None = None) -> ClaimMatcher:
        """A sentence-to-claim matcher over this library's claims (built once per threshold)."""
        from .drafts.matcher import DEFAULT_THRESHOLD, ClaimMatcher

        threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        cache = self.__dict__.setdefault("_matchers", {})
        if threshold not in cache:
            cache[threshold] = ClaimMatcher(self.claims.values(), threshold)
        return cache[threshold]

    @cached_property
    def suggest_index(self) -> SuggestIndex:
        """The BM25 index over the references (cached beside the first ``.bib``)."""
        from .suggest import SuggestIndex

        return SuggestIndex.for_library(list(self.references.values()), list(self.bib_paths))

    def suggest(self, text: str, k: int = 10) -> list[Suggestion]:
        """Rank the library's references for ``text`` (a claim statement, or a claim id)."""
        if text in self.claims:
            claim = self.claims[text]
            text = " ".join((claim.statement, *claim.aliases))
        return self.suggest_index.search(text, k)

    def stats(self) -> dict[str, object]:
        """Counts a content lead wants at a glance."""
        levels = {str(level): 0 for level in sorted(Level, reverse=True)}
        flags: dict[str, int] = {}
        for grade in self.grades.values():
            levels[str(grade.level)] += 1
            for flag in grade.flags:
                flags[flag] = flags.get(flag, 0) + 1
        links = sum(len(c.evidence) for c in self.claims.values())
        designs: dict[str, int] = {}
        for ref in self.references.values():
            designs[ref.design] = designs.get(ref.design, 0) + 1
        return {
            "claims": len(self.claims),
            "references": len(self.references),
            "articles": len(self.articles),
            "links": links,
            "levels": levels,
            "flags": dict(sorted(flags.items())),
            "designs": dict(sorted(designs.items(), key=lambda kv: (-kv[1], kv[0]))),
            "problems": len(self.problems),
        }


def _records(G: nx.MultiDiGraph, kind: str) -> list:  # type: ignore[type-arg]
    return [d["record"] for _, d in G.nodes(data=True) if d["kind"] == kind and d["record"] is not None]
