"""The library audit: what is wrong with the claims and references themselves.

Rules (registered in :mod:`kbase.audit.rules`): dangling references, repeated links, premise cycles, unsupported,
weak, contested, amplified, single-source, secondary-only and stale claims, retracted and unused
references, reports lineage, invalid identifiers, duplicate identifiers and inferred designs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from ..graph import claim_node, node_id, ref_node
from ..identifiers import identifier_problems, normalize_doi
from ..language.spelling import did_you_mean
from ..language.wording import contradict_it
from ..lineage import lineage_graph, missing_primary_sources, reports_cycles
from ..model import Claim, Evidence, Finding, Grade, Reference
from ..queries import linked_claims
from ..same_work import ascii_lower, identifier_conflict, normal_title, same_part
from ..vocabulary import HEDGED_KINDS, Level
from .rules import finding

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["changed_since_review", "library_findings"]


def library_findings(
    G: nx.MultiDiGraph,
    grades: Mapping[str, Grade],
    cycles: list[list[str]],
    stale_years: int,
    superseded: Mapping[str, str] | None = None,
    review_days: int = 365,
    today: datetime.date | None = None,
) -> Iterator[Finding]:
    """Every library-rule finding, claims first (file order), then references.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The library graph.
    grades : dict
        The grade of every claim (:func:`kbase.grading.grade_claims`).
    cycles : list
        Premise cycles (:func:`kbase.grading.premise_cycles`).
    stale_years : int
        The staleness threshold, for the message.
    superseded : mapping, optional
        Preprint key → the key of its published version in the library (``preprint-superseded``).
    """
    superseded = superseded or {}
    today = today or datetime.date.today()
    for _node, data in G.nodes(data=True):
        if data["kind"] == "claim" and data["record"] is not None:
            claim = data["record"]
            yield from _claim_findings(G, claim, grades[claim.id], stale_years)
            yield from _review_findings(G, claim, review_days, today)
            graded = {(g.ref, g.stance): g for g in grades[claim.id].links}
            for link in claim.evidence:
                worth = graded.get((link.ref, link.stance))
                if worth is not None and worth.unassessed and not worth.set_aside:
                    yield finding(
                        "unassessed-evidence",
                        f"claim {claim.id!r}: the link to {link.ref!r} ({worth.design}, starts "
                        f"{worth.start}) has no concerns; assess it (concerns: [] when there are none)",
                        link.where,
                        claim.id,
                    )
                if worth is not None and worth.refused:
                    why = (
                        f"it starts {worth.start}"
                        if worth.start > Level.LOW
                        else "it has a serious concern"
                        if worth.assessed
                        else "nobody has assessed it (no concerns)"
                    )
                    yield finding(
                        "upgrade-not-allowed",
                        f"claim {claim.id!r}: the link to {link.ref!r} gives upgrades "
                        f"({', '.join(worth.refused)}), but {why}; GRADE rates up only evidence that starts low "
                        "and was found free of serious concerns: not applied",
                        link.where,
                        claim.id,
                    )
                if link.ref in superseded:
                    yield finding(
                        "preprint-superseded",
                        f"claim {claim.id!r} links the preprint {link.ref!r}; its published version "
                        f"{superseded[link.ref]!r} is in the library: link that instead",
                        link.where,
                        claim.id,
                    )
    yield from premise_cycle_findings(G, cycles)
    yield from _reference_findings(G)
    yield from _lineage_findings(G)


def _review_findings(G: nx.MultiDiGraph, claim: Claim, review_days: int, today: datetime.date) -> Iterator[Finding]:
    if not claim.reviewed:
        return
    reviewed = datetime.date.fromisoformat(claim.reviewed)
    age = (today - reviewed).days
    if age > review_days:
        yield finding(
            "review-due",
            f"claim {claim.id!r} was last reviewed {age} days ago ({claim.reviewed}"
            f"{', by ' + claim.reviewed_by if claim.reviewed_by else ''}); the interval is {review_days} days",
            claim.where,
            claim.id,
        )
        return
    for link in claim.evidence:
        node = G.nodes.get(ref_node(link.ref))
        ref = node["record"] if node else None
        if ref is not None and ref.notice_date and ref.notice_date[:10] > claim.reviewed:
            yield finding(
                "review-due",
                f"claim {claim.id!r} was reviewed on {claim.reviewed}, before the {ref.retraction or 'notice'} "
                f"of {link.ref!r} ({ref.notice_date[:10]})",
                claim.where,
                claim.id,
            )
            return


def changed_since_review(claims: Iterable[Claim], changed_on: Mapping[str, str]) -> Iterator[Finding]:
    """``review-due`` for each reviewed claim that links a reference whose entry changed after the review
    (``changed_on``: key → date, from :func:`kbase.loaders.blame.entry_change_dates`). Kept apart from
    :func:`library_findings` because it depends on git history, not only on the files."""
    for claim in claims:
        for link in claim.evidence if claim.reviewed else ():
            if changed_on.get(link.ref, "") > claim.reviewed:
                yield finding(
                    "review-due",
                    f"claim {claim.id!r} was reviewed on {claim.reviewed}; the entry of {link.ref!r} changed on {changed_on[link.ref]} (git)",
                    claim.where,
                    claim.id,
                )
                break


def _lineage_findings(G: nx.MultiDiGraph) -> Iterator[Finding]:

    lineage = lineage_graph(G)
    for key, missing in missing_primary_sources(G, lineage):
        ref: Reference = G.nodes[ref_node(key)]["record"]
        yield finding(
            "missing-primary-source",
            f"reference {key!r} reports {missing!r}, which is not in the library: add and cite the original study",
            ref.where,
            key,
        )
    for cycle in reports_cycles(G, lineage):
        ref = G.nodes[ref_node(cycle[0])]["record"]
        yield finding(
            "reports-cycle", f"references report each other in a cycle: {' → '.join(cycle + [cycle[0]])}", ref.where if ref else None, cycle[0]
        )


def dangling_references(G: nx.MultiDiGraph, claim: Claim) -> Iterator[Finding]:
    """``dangling-reference``: the links, premises and articles of ``claim`` that the library lacks
    (the one home of the rule: the library audit, and the claims editor before it writes)."""
    cid = claim.id
    for link in claim.evidence:
        if G.nodes[ref_node(link.ref)]["missing"]:
            hint = _did_you_mean(G, link.ref, "ref")
            yield finding("dangling-reference", f"claim {cid!r} links to {link.ref!r}, which is not in the bibliography{hint}", link.where, cid)
    for premise in claim.depends_on:
        if G.nodes[claim_node(premise)]["missing"]:
            hint = _did_you_mean(G, premise, "claim")
            yield finding("dangling-reference", f"claim {cid!r} depends on {premise!r}, which is not a claim{hint}", claim.where, cid)
    for appearance in claim.appears_in:
        if G.nodes[f"article:{appearance.article}"]["missing"]:
            hint = _did_you_mean(G, appearance.article, "article")
            yield finding(
                "dangling-reference",
                f"claim {cid!r} appears in {appearance.article!r}, which is not listed under articles{hint}",
                appearance.where,
                cid,
            )


def premise_cycle_findings(G: nx.MultiDiGraph, cycles: Iterable[list[str]]) -> Iterator[Finding]:
    """``premise-cycle``: one finding per cycle of ``depends_on`` premises (:func:`~kbase.grading.premise_cycles`), at its first claim."""
    for cycle in cycles:
        first: Claim = G.nodes[claim_node(cycle[0])]["record"]
        path = " → ".join(cycle + [cycle[0]])
        yield finding("premise-cycle", f"premises form a cycle: {path}", first.where, cycle[0])


def _claim_findings(G: nx.MultiDiGraph, claim: Claim, grade: Grade, stale_years: int) -> Iterator[Finding]:
    where, cid = claim.where, claim.id
    seen: dict[tuple[str, str], Evidence] = {}
    stances: dict[str, Evidence] = {}
    for link in claim.evidence:
        first = seen.setdefault((link.ref, link.stance), link)
        if first is not link:
            at = f" (first at line {first.where.line})" if first.where else ""
            yield finding(
                "duplicate-link",
                f"claim {cid!r} links {link.ref!r} as {link.stance!r} twice{at}; keep one link with every concern it needs",
                link.where,
                cid,
            )
        other = stances.setdefault(link.ref, link)
        # "contradicts" beside "supports" or "mentions": the grade reads both ("supports" with "mentions" adds a note, no conflict)
        if other.stance != link.stance and first is link and "contradicts" in (other.stance, link.stance):
            at = f" (line {other.where.line})" if other.where else ""
            yield finding(
                "duplicate-link",
                f"claim {cid!r} links {link.ref!r} as {other.stance!r}{at} and as {link.stance!r}: "
                "a reference takes one stance on a claim; keep the one it takes",
                link.where,
                cid,
            )
    yield from dangling_references(G, claim)
    retracted = [l.ref for l in grade.links if l.set_aside == "retracted" and l.stance == "supports"]
    if grade.level == Level.UNSUPPORTED:
        why = f"its only support ({', '.join(retracted)}) is retracted" if retracted else "no reference supports it"
        yield finding("unsupported-claim", f"claim {cid!r} is unsupported: {why}", where, cid)
        if grade.has_flag("contested"):
            yield finding("contested-claim", f"claim {cid!r} is contradicted by {_refs(grade, 'contradicts')} and supported by nothing", where, cid)
        return
    if grade.level == Level.VERY_LOW:
        # a fact (prevalence, regulatory, definition) is not softened: it needs a better source
        remedy = (
            "find a stronger source or soften it" if grade.kind in HEDGED_KINDS else f"find a stronger, more direct source for this {grade.kind} fact"
        )
        yield finding("weak-claim", f"claim {cid!r} rests on very-low certainty evidence ({_refs(grade, 'supports')}); {remedy}", where, cid)
    if grade.has_flag("contested"):
        yield finding("contested-claim", f"claim {cid!r} is contested: {contradict_it(_keys(grade, 'contradicts'))}", where, cid)
    if grade.has_flag("amplified"):
        n = sum(1 for l in grade.links if l.stance == "supports" and not l.set_aside)
        yield finding(
            "amplified-claim", f"claim {cid!r} cites {n} references but they restate one source ({', '.join(grade.sources[0])})", where, cid
        )
    elif grade.has_flag("single-source"):
        yield finding("single-source", f"claim {cid!r} rests on one independent source ({', '.join(grade.sources[0])})", where, cid)
    if grade.has_flag("secondary-only"):
        yield finding(
            "secondary-only", f"claim {cid!r} is supported only by secondary sources ({_refs(grade, 'supports')}); cite the primary study", where, cid
        )
    if grade.has_flag("stale"):
        yield finding("stale-evidence", f"claim {cid!r}: its newest supporting reference is more than {stale_years} years old", where, cid)


def _keys(grade: Grade, stance: str) -> list[str]:
    return [l.ref for l in grade.links if l.stance == stance and not l.set_aside]


def _refs(grade: Grade, stance: str) -> str:
    return ", ".join(_keys(grade, stance))


def _did_you_mean(G: nx.MultiDiGraph, name: str, kind: str) -> str:

    choices = [node_id(n) for n, d in G.nodes(data=True) if d["kind"] == kind and not d["missing"]]
    return did_you_mean(name, choices)


def _reference_findings(G: nx.MultiDiGraph) -> Iterator[Finding]:
    seen: dict[tuple[str, str], Reference] = {}
    works: dict[tuple[str, str, str], Reference] = {}
    reported: set[str] = set()
    for _node, data in G.nodes(data=True):
        ref: Reference | None = data["record"]
        if data["kind"] != "ref" or ref is None:
            continue
        used = linked_claims(G, ref.key)
        uses = f"; claims linked: {', '.join(used)}" if used else ""
        when = f" ({ref.notice_date})" if ref.notice_date else ""
        if ref.retracted:
            yield finding("retracted-reference", f"reference {ref.key!r} is retracted{when}{uses}", ref.where, ref.key)
        elif ref.retraction in ("expression of concern", "correction"):
            yield finding("retraction-notice", f"reference {ref.key!r} has a notice: {ref.retraction}{when}{uses}", ref.where, ref.key)
        if not used:
            yield finding("unused-reference", f"reference {ref.key!r} is not linked to any claim", ref.where, ref.key)
        for problem in identifier_problems(ref.doi, ref.pmid, ref.isbn, ref.url):
            yield finding("invalid-identifier", f"reference {ref.key!r}: {problem}", ref.where, ref.key)
        for kind, value in (("doi", normalize_doi(ref.doi) if ref.doi else ""), ("pmid", ref.pmid.strip())):
            if not value:
                continue
            other = seen.get((kind, value))
            if other is None:
                seen[(kind, value)] = ref
            elif other.key != ref.key:
                line = other.where.line if other.where else "?"
                shared = f"references {other.key!r} (line {line}) and {ref.key!r} share the {kind} {value}"
                conflict = identifier_conflict(other, ref)  # the test kbase refs dedupe uses before merging
                if conflict:
                    yield finding("identifier-conflict", f"{shared}, but {conflict}: one of them has a wrong {kind}", ref.where, ref.key)
                else:
                    yield finding("duplicate-reference", shared, ref.where, ref.key)
                    reported.add(ref.key)
        # one work entered twice without a shared identifier (the same title, year and first author; the grades
        # count the two as one source, kbase.same_work.one_work): what kbase refs dedupe merges at its most certain
        surnames = ref.surnames()
        work = (normal_title(ref.title), str(ref.year or ""), ascii_lower(surnames[0]) if surnames else "")
        twin = works.get(work) if all(work) else None
        if twin is None and all(work):
            works[work] = ref
        elif twin is not None and ref.key not in reported and same_part(twin, ref):
            line = twin.where.line if twin.where else "?"
            yield finding(
                "duplicate-reference",
                f"references {twin.key!r} (line {line}) and {ref.key!r} have the same title, year "
                "and first author: one work entered twice (graded as one source; kbase refs dedupe --apply merges them)",
                ref.where,
                ref.key,
            )
        if ref.design_inferred:
            inferred = (
                f"inferred {ref.design!r} from its title or entry type"
                if ref.design != "unknown"
                else "none could be inferred from its title, so it counts as 'unknown'"
            )
            yield finding("design-inferred", f"reference {ref.key!r} has no design field; {inferred}", ref.where, ref.key)
