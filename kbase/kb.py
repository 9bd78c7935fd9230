"""The knowledge base: a loaded library and the questions it answers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LoadError, UnknownArticleError, UnknownClaimError, UnknownReferenceError
from .grading import GradingOptions, grade_claims, premise_cycles
from .model import Article, Claim, Finding, Grade, Reference
from .vocabulary import LINK_STANCES, Level, Severity

if TYPE_CHECKING:
    import networkx as nx

    from .audit.batch import DraftAuditor, DraftsAudit, Progress
    from .audit.drafts import DraftReport
    from .cache import Cache
    from .citations import Formatter
    from .draft_review import DraftReview
    from .drafts.matcher import ClaimMatcher
    from .impact import Impact
    from .loading.reading import CachedRecords, Derived
    from .suggest import Ranking, SuggestIndex, Suggestion
    from .tables import EvidenceRow, EvidenceTable

__all__ = ["KnowledgeBase"]


def _beside_their_claims(rules: list[Finding], extra: list[Finding], claim_order: list[str]) -> list[Finding]:
    """``rules`` (the library findings: each claim's together, claims in file order, then the rest) with
    each finding of ``extra`` placed after the findings of the claim it is about."""
    by_claim: dict[str, list[Finding]] = {}
    for f in extra:
        by_claim.setdefault(f.subject, []).append(f)
    merged: list[Finding] = []
    i = 0
    for claim_id in claim_order:
        while i < len(rules) and rules[i].subject == claim_id and rules[i].rule != "premise-cycle":
            merged.append(rules[i])
            i += 1
        merged.extend(by_claim.get(claim_id, ()))
    return merged + rules[i:]


class KnowledgeBase:
    """A loaded library: its graph, the problems met while loading, and grading on demand.

    Everything is answered from :attr:`graph`; grades are computed once, on first use. ``graph``
    may be a function that builds it, called on first use (a library from the parse cache whose
    grades and findings were cached too never builds it).
    """

    def __init__(
        self,
        graph: nx.MultiDiGraph | Callable[[], nx.MultiDiGraph],
        problems: tuple[Finding, ...],
        options: GradingOptions,
        claims_path: str = "claims.yaml",
        bib_paths: tuple[str, ...] = ("references.bib",),
        warnings: tuple[Finding, ...] = (),
        *,
        derived: Derived | None = None,
        grader: Callable[[nx.MultiDiGraph, GradingOptions], Mapping[str, Grade]] = grade_claims,
        records: CachedRecords | None = None,
    ) -> None:
        if callable(graph):
            self._build_graph = graph
        else:
            self.graph = graph
        self._derived = derived
        self._grader = grader  # kbase.load hands one that grades with the garbage collector paused (kbase.loading)
        self._records = records  # an unchanged library's records, from the cache entries of its files: no graph to build
        self.semantic = False  # match by meaning too when kbase[semantic] is installed and load(semantic=True) asked for it
        self.problems = problems
        self.options = options
        self.claims_path = claims_path
        self.bib_paths = bib_paths
        self.warnings = warnings  # read, but worth fixing (e.g. a field given twice)

    def __repr__(self) -> str:
        return f"<KnowledgeBase {len(self.claims)} claims, {len(self.references)} references, {len(self.problems)} problems>"

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The library as a graph (:mod:`kbase.graph`)."""
        return self._build_graph()

    @property
    def _store(self) -> Cache | None:
        """The parse cache this library was loaded with, where embeddings and the search index are kept too."""
        return self._derived.store if self._derived is not None else None

    @property
    def counts(self) -> tuple[int, int]:
        """``(claims, references)``: how many of each the library holds."""
        meta = self._derived.meta if self._derived is not None else None
        if meta is not None and "graph" not in self.__dict__:
            return meta["counts"]  # type: ignore[return-value]
        return len(self.claims), len(self.references)

    # -- records -------------------------------------------------------------

    @cached_property
    def claims(self) -> Mapping[str, Claim]:
        """Claims by id, in file order."""
        if self._records is not None and "graph" not in self.__dict__:
            return {c.id: c for c in self._records.claims}
        return {c.id: c for c in _records(self.graph, "claim")}

    @cached_property
    def references(self) -> Mapping[str, Reference]:
        """References by key, in file order."""
        if self._records is not None and "graph" not in self.__dict__:
            return self._records.references
        return {r.key: r for r in _records(self.graph, "ref")}

    @cached_property
    def articles(self) -> Mapping[str, Article]:
        """Articles by id, in file order."""
        if self._records is not None and "graph" not in self.__dict__:
            return dict(self._records.articles)
        return {a.id: a for a in _records(self.graph, "article")}

    def claim(self, claim_id: str) -> Claim:
        """The claim ``claim_id``; raises :class:`UnknownClaimError` with a did-you-mean."""
        claim = self.claims.get(claim_id)
        if claim is None:
            from .language.spelling import did_you_mean

            raise UnknownClaimError(f"no claim {claim_id!r} in {self.claims_path}{did_you_mean(claim_id, self.claims)}")
        return claim

    # -- grading -------------------------------------------------------------

    @cached_property
    def grades(self) -> Mapping[str, Grade]:
        """The grade of every claim, in file order."""

        def compute() -> Mapping[str, Grade]:
            return self._grader(self.graph, self.options)

        return compute() if self._derived is None else self._derived.fetch("grades", compute)  # type: ignore[return-value]

    def grade(self, claim_id: str) -> Grade:
        """The grade of one claim: level, flags, independent sources and reasons."""
        self.claim(claim_id)
        return self.grades[claim_id]

    def unsupported(self) -> list[Claim]:
        """Claims that no reference supports, in file order (:func:`kbase.queries.unsupported_claims`)."""
        from .queries import unsupported_claims

        return [self.claims[c] for c in unsupported_claims(self.graph)]

    def source_chains(self, claim_id: str) -> list[str]:
        """One line per independent source of a claim: the ``reports`` chains of its references."""
        from .lineage import source_chains

        return source_chains(self.references, self.grade(claim_id).sources)

    @cached_property
    def premise_cycles(self) -> list[list[str]]:
        """Cycles of ``depends_on`` premises, each as claim ids in order."""
        return premise_cycles(self.graph)

    def impact(self, key: str) -> Impact:
        """What changes if reference ``key`` is withdrawn (see :func:`kbase.impact.impact`)."""
        from .impact import impact

        if key not in self.references:
            from .language.spelling import did_you_mean

            raise UnknownReferenceError(f"no reference {key!r} in {', '.join(self.bib_paths)}{did_you_mean(key, self.references)}")
        return impact(self.graph, key, self.options, self.grades)

    # -- audit ---------------------------------------------------------------

    def audit(self, min_severity: Severity = Severity.INFO) -> list[Finding]:
        """Load problems, then every library-rule finding, at or above ``min_severity``."""
        from .audit.library import library_findings

        def compute() -> list[Finding]:
            return list(
                library_findings(self.graph, self.grades, self.premise_cycles, self.options.stale_years, self.superseded, self.options.review_days)
            )

        rules = list(compute() if self._derived is None else self._derived.fetch("findings", compute))  # type: ignore[call-overload]
        meta = self._derived.meta if self._derived is not None else None
        if meta.get("reviewed", True) if meta else any(c.reviewed for c in self.claims.values()):
            # a reference changed after a review: from git history, so never from the cache
            from .audit.library import changed_since_review
            from .loaders.blame import entry_change_dates

            due = {f.subject for f in rules if f.rule == "review-due"}
            extra = [
                f for f in changed_since_review(self.claims.values(), entry_change_dates(list(self.references.values()))) if f.subject not in due
            ]
            rules = _beside_their_claims(rules, extra, list(self.claims)) if extra else rules
        findings = list(self.problems) + list(self.warnings) + rules
        return [f for f in findings if f.severity >= min_severity]

    @cached_property
    def superseded(self) -> dict[str, str]:
        """Preprint key → the key of its published version in the library (``preprint-superseded``)."""
        from .refs.dedupe import published_versions

        return published_versions(list(self.references.values()))

    def check(self) -> list[Finding]:
        """The errors of the library (``kbase check``): what must be fixed before it can be trusted."""
        return self.audit(Severity.ERROR)

    def retraction_impact(self, csv_path: str | Path) -> list[Impact]:
        """The impact of every reference of the library that a retraction list (Retraction Watch CSV) retracts.

        References already marked retracted are left out: their links count for nothing already.
        """
        from .retractions import apply_notices, read_retraction_watch

        references = list(self.references.values())
        marked = apply_notices(references, read_retraction_watch(str(csv_path)))
        return [self.impact(new.key) for old, new in zip(references, marked) if new.retraction and not old.retraction]

    # -- tables and citations ---------------------------------------------------

    def article(self, article_id: str) -> Article:
        """The article ``article_id``; raises :class:`UnknownArticleError` with a did-you-mean."""
        if article_id not in self.articles:
            from .language.spelling import did_you_mean

            raise UnknownArticleError(f"no article {article_id!r} in {self.claims_path}{did_you_mean(article_id, self.articles)}")
        return self.articles[article_id]

    def formatter(self, style: str | None = None) -> Formatter:
        """A citation formatter for this library's references in a CSL style (default AMA)."""
        from .citations import Formatter

        cache = self.__dict__.setdefault("_formatters", {})
        if style not in cache:
            cache[style] = Formatter(self.references.values(), style)
            if self._store is not None:  # formatted entries kept while the .bib files are unchanged
                from .loaders.inputs import read_input

                try:
                    cache[style].remember_in(self._store, *(self._store.file_digest(path, read_input)[0] for path in self.bib_paths))
                except LoadError:
                    pass
        return cache[style]

    def evidence_rows(
        self,
        *,
        article: str | None = None,
        topic: str | None = None,
        level: Level | None = None,
        sort: str = "article",
        style: str | None = None,
        html: bool = False,
    ) -> list[EvidenceRow]:
        """The rows of an evidence table (``kbase table``): see :func:`kbase.tables.evidence_rows`."""
        from .tables import evidence_rows

        if article is not None:
            self.article(article)
        topics = {c.topic for c in self.claims.values() if c.topic} if topic is not None else set()
        if topic is not None and topic not in topics:
            from .errors import NotInLibraryError
            from .language.spelling import did_you_mean

            raise NotInLibraryError(f"no claim has the topic {topic!r}{did_you_mean(topic, topics)}; topics: {', '.join(sorted(topics))}")

        def compute() -> list[EvidenceRow]:
            formatter = self.formatter(style)
            rows = evidence_rows(self.graph, self.grades, formatter, article=article, topic=topic, level=level, sort=sort, html=html)
            formatter.keep()
            return rows

        if self._derived is None:
            return compute()
        # an unchanged library's rows come from the cache: formatting their citations is the slow part
        from .citations import resolve_style

        path = resolve_style(style)
        wanted = repr(
            (article, topic, int(level) if level is not None else None, sort, html, str(path), path.read_bytes() if path.is_file() else b"")
        )
        name = "rows-" + hashlib.sha256(wanted.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return self._derived.fetch(name, compute)  # type: ignore[return-value]

    def evidence_table(
        self,
        *,
        article: str | None = None,
        topic: str | None = None,
        level: Level | None = None,
        sort: str = "article",
        style: str | None = None,
        html: bool = False,
    ) -> EvidenceTable:
        """The evidence table (``kbase table``): its rows (:meth:`evidence_rows`) and title; with ``html``, the
        bibliography of the references in the rows and the graph the report draws."""
        from .citations import DEFAULT_STYLE
        from .tables import EvidenceTable

        rows = self.evidence_rows(article=article, topic=topic, level=level, sort=sort, style=style, html=html)
        title = (self.articles[article].title or article) if article else "All claims"
        if not html:
            return EvidenceTable(rows, title, style or DEFAULT_STYLE, article)
        keys = [c.ref for row in rows for c in (*row.supporting, *row.contradicting)]
        bibliography = self.formatter(style).bibliography(keys, html=True, numbered=False)
        return EvidenceTable(rows, title, style or DEFAULT_STYLE, article, bibliography, self.graph)

    def cited_keys(self, article: str | None = None) -> list[str]:
        """The references an article's claims rest on (supporting or contradicting), or every reference."""
        if article is None:
            return list(self.references)
        self.article(article)
        keys = [
            l.ref
            for c in self.claims.values()
            if any(a.article == article for a in c.appears_in)
            for l in self.grades[c.id].links
            if l.stance in LINK_STANCES and not l.set_aside
        ]
        return list(dict.fromkeys(keys))

    def bibliography(self, article: str | None = None, style: str | None = None, html: bool = False) -> list[str]:
        """Formatted references (``kbase cite``): an article's, or all, in the order the style sorts them."""
        return self.formatter(style).bibliography(self.cited_keys(article), html=html, numbered=False)

    def csl_json(self) -> list[dict[str, object]]:
        """Every reference as a CSL-JSON item (``kbase export``), for Zotero, pandoc and citeproc."""
        from .citations import csl_json

        return [csl_json(r) for r in self.references.values()]

    def audit_draft(self, path: str | Path, threshold: float | None = None) -> list[Finding]:
        """Findings for one draft (Markdown or plain text): uncited, mis-cited, overstated claims and more."""
        return self.draft_report(path, threshold).findings

    def draft_report(self, path: str | Path, threshold: float | None = None, suggest: bool = False) -> DraftReport:
        """The full draft audit: findings, sentences and the claim each matched."""
        return self.draft_auditor(threshold, suggest).report(str(path))  # type: ignore[no-any-return]

    def review(
        self,
        path: str | Path,
        threshold: float | None = None,
        suggest: bool = False,
        min_severity: Severity = Severity.INFO,
        style: str | None = None,
    ) -> DraftReview:
        """The draft at ``path`` with each finding on its sentence and the evidence of each claim it states
        (``kbase audit DRAFT --format html|docx``); raises :class:`~kbase.errors.LoadError` when it cannot be read."""
        from .draft_review import draft_review
        from .drafts.docx import package_bytes

        report = self.draft_report(path, threshold, suggest)
        source = package_bytes(path) if report.draft is not None and report.draft.unit == "paragraph" else b""
        stated = {m.claim_id for m in report.matches if m is not None}
        rows = {row.claim_id: row for row in self.evidence_rows(style=style) if row.claim_id in stated}
        from .audit.batch import draft_summary

        summary = draft_summary(1, len(report.sentences), report.matched)
        return draft_review(report, rows, summary, min_severity, source)

    def draft_auditor(self, threshold: float | None = None, suggest: bool = False) -> DraftAuditor:
        """This library as a picklable snapshot for draft audits (:mod:`kbase.audit.batch`)."""
        from .audit.batch import DraftAuditor

        matcher = self.matcher(threshold)
        return DraftAuditor(
            self.graph,
            self.grades,
            self.superseded,
            threshold,
            self.suggest_index if suggest else None,
            getattr(matcher, "vectors", None),
            getattr(matcher, "cache", None),
            matcher,
        )

    def audit_drafts(
        self,
        paths: Iterable[str | Path],
        threshold: float | None = None,
        suggest: bool = False,
        min_severity: Severity = Severity.INFO,
        progress: Progress | None = None,
        jobs: int = 1,
    ) -> DraftsAudit:
        """Audit several drafts; a draft that cannot be read is listed, not raised.

        Parameters
        ----------
        paths : iterable of paths
            The drafts, or glob patterns (``content/**/*.md``) that kbase expands, sorted.
        threshold, suggest
            As for :meth:`draft_report`.
        min_severity : Severity
            Keep only findings at or above it.
        progress : callable, optional
            ``progress(outcomes, count)`` wraps the outcomes as they arrive (a progress bar).
        jobs : int
            Audit in this many processes (0: one per core). The findings are the same, in the
            same order, whatever the number.
        """
        from .audit.batch import audit_drafts

        return audit_drafts(self.draft_auditor(threshold, suggest), (str(p) for p in paths), min_severity, progress, jobs, semantic=self.semantic)

    def matcher(self, threshold: float | None = None) -> ClaimMatcher:
        """A sentence-to-claim matcher over this library's claims (built once per threshold)."""
        from .drafts.matcher import DEFAULT_THRESHOLD, library_matcher

        threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        cache = self.__dict__.setdefault("_matchers", {})
        if threshold not in cache:
            cache[threshold] = library_matcher(self.claims.values(), threshold, semantic=self.semantic, store=self._store)
        return cache[threshold]

    @cached_property
    def suggest_index(self) -> SuggestIndex:
        """The BM25 index over the references (kept in the parse cache when the library has one)."""
        from .suggest import library_index

        return library_index(list(self.references.values()), list(self.bib_paths), self._store, semantic=self.semantic)

    def suggest(self, text: str, k: int = 10) -> list[Suggestion]:
        """Rank the library's references for ``text``, any text: a sentence, a phrase, one word ("insomnia")."""
        return self.suggest_index.search(text, k)

    def suggest_for(self, claim_id: str, k: int = 10) -> list[Suggestion]:
        """Rank the library's references for the claim ``claim_id`` (its statement and aliases); raises
        :class:`~kbase.errors.UnknownClaimError` for an id the library lacks."""
        claim = self.claim(claim_id)
        return self.suggest_index.search(" ".join((claim.statement, *claim.aliases)), k)

    def suggestions(self, query: str, k: int = 10, style: str | None = None) -> Ranking:
        """``kbase suggest``: references ranked for a claim id (its statement and aliases, the links it
        already has marked) or for any text, each with its citation in ``style``."""
        from .suggest import Ranking

        claim = self.claims.get(query)
        results = self.suggest_for(query, k) if claim is not None else self.suggest(query, k)
        formatter = self.formatter(style)
        citations = {s.key: formatter.entry(s.key) for s in results}
        formatter.keep()
        return Ranking(
            query,
            results,
            {s.key: self.references[s.key] for s in results},
            citations,
            {e.ref: e.stance for e in claim.evidence} if claim is not None else {},
        )

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
