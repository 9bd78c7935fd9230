"""The audit rules: their ids, severities and descriptions, and the library audit.

Every rule kbase can report is registered in :data:`RULES`; the docs and the
``--help`` texts are generated from it, and a test checks each is documented.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .graph import claim_node, node_id, ref_node
from .identifiers import identifier_problems, normalize_doi
from .levels import Level
from .model import Claim, Finding, Grade, Reference, Severity

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["RULES", "Rule", "library_findings"]


@dataclass(frozen=True, slots=True)
class Rule:
    """An audit rule: its id, how serious it is, and what it means."""

    id: str
    severity: Severity
    summary: str
    kind: str = "library"  # "load" (a file cannot be read), "library", "draft" or "refs" (kbase refs lint)


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("syntax-error", Severity.ERROR, "A file cannot be read: bad YAML or BibTeX syntax, an encoding that is not UTF-8, an empty claims file.", "load"),
        Rule("invalid-field", Severity.ERROR, "A field is unknown, of the wrong type, or holds a value outside its vocabulary (stance, design, concern).", "load"),
        Rule("duplicate-key", Severity.ERROR, "A key, claim id, article id or BibTeX key is defined twice.", "load"),
        Rule("dangling-reference", Severity.ERROR, "An evidence link, premise or appears_in names a reference, claim or article the library does not hold."),
        Rule("premise-cycle", Severity.ERROR, "Claims depend on each other in a cycle; the whole cycle is named."),
        Rule("unsupported-claim", Severity.WARNING, "No reference supports the claim (after retracted references are set aside)."),
        Rule("weak-claim", Severity.WARNING, "The claim's evidence is of very-low certainty."),
        Rule("contested-claim", Severity.WARNING, "At least one reference contradicts the claim."),
        Rule("amplified-claim", Severity.WARNING, "Three or more references support the claim, but they restate one independent source."),
        Rule("secondary-only", Severity.WARNING, "All support comes from narrative reviews, press releases, websites or news."),
        Rule("retracted-reference", Severity.WARNING, "A reference is retracted (pubstate or a retraction list); links to it do not count."),
        Rule("retraction-notice", Severity.WARNING, "A retraction list carries an expression of concern or a correction for a reference; its links still count."),
        Rule("missing-primary-source", Severity.WARNING, "A reference reports (restates) a source that is not in the library: cite the study, not the press release."),
        Rule("reports-cycle", Severity.WARNING, "References report each other in a cycle; they count as one source."),
        Rule("duplicate-reference", Severity.WARNING, "Two entries share a DOI or PMID."),
        Rule("invalid-identifier", Severity.WARNING, "A DOI, PMID, ISBN or URL is malformed or fails its checksum."),
        Rule("single-source", Severity.INFO, "All support comes from one independent source."),
        Rule("stale-evidence", Severity.INFO, "The newest supporting reference is older than the staleness threshold (default 10 years)."),
        Rule("unused-reference", Severity.INFO, "No claim links to the reference."),
        Rule("design-inferred", Severity.INFO, "A reference has no design field; kbase inferred its design from the entry type and title."),
        Rule("duplicate-field", Severity.WARNING, "A BibTeX entry gives the same field more than once (common in ScienceDirect and Google Scholar exports); the first value is read.", "refs"),
        Rule("missing-field", Severity.WARNING, "An entry lacks a field its type requires (article: author, title, journal, year; and so on).", "refs"),
        Rule("empty-title", Severity.WARNING, "An entry's title is empty.", "refs"),
        Rule("impossible-year", Severity.WARNING, "An entry's year is not a four-digit year between 1400 and next year.", "refs"),
        Rule("missing-design", Severity.INFO, "An entry has no design field, or one outside the vocabulary.", "refs"),
        Rule("uncited-claim", Severity.WARNING, "A draft sentence states a known claim and cites nothing.", "draft"),
        Rule("miscited-claim", Severity.WARNING, "A draft sentence states a known claim but cites references the library does not link as its support.", "draft"),
        Rule("contradicting-citation", Severity.ERROR, "A draft sentence cites a reference that contradicts the claim it states.", "draft"),
        Rule("unknown-citation", Severity.ERROR, "A draft cites a key that is not in the library, a number its reference list lacks, or lists an entry that matches no reference.", "draft"),
        Rule("unregistered-claim", Severity.WARNING, "A factual-looking draft sentence (numbers, study language, causal or comparative verbs) cites nothing and matches no known claim.", "draft"),
        Rule("weak-claim-in-draft", Severity.INFO, "A draft sentence states a claim whose evidence is very-low certainty.", "draft"),
        Rule("reference-list-only", Severity.WARNING, "A draft has a reference list but no in-text citations.", "draft"),
        Rule("overstated-claim", Severity.WARNING, "A draft sentence words a claim more firmly than its level allows (the wording scale).", "draft"),
        Rule("one-sided-citation", Severity.WARNING, "A draft sentence states a contested claim and cites only its supporting side.", "draft"),
    )
}


def _finding(rule: str, message: str, where: object, subject: str) -> Finding:
    return Finding(rule, RULES[rule].severity, message, where, subject)  # type: ignore[arg-type]


def library_findings(G: nx.MultiDiGraph, grades: dict[str, Grade], cycles: list[list[str]], stale_years: int) -> Iterator[Finding]:
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
    """
    for node, data in G.nodes(data=True):
        if data["kind"] == "claim" and data["record"] is not None:
            yield from _claim_findings(G, data["record"], grades[data["record"].id], stale_years)
    for cycle in cycles:
        first: Claim = G.nodes[claim_node(cycle[0])]["record"]
        path = " → ".join(cycle + [cycle[0]])
        yield _finding("premise-cycle", f"premises form a cycle: {path}", first.where, cycle[0])
    yield from _reference_findings(G)
    yield from _lineage_findings(G)


def _lineage_findings(G: nx.MultiDiGraph) -> Iterator[Finding]:
    from .lineage import lineage_graph, missing_primary_sources, reports_cycles

    lineage = lineage_graph(G)
    for key, missing in missing_primary_sources(G, lineage):
        ref: Reference = G.nodes[ref_node(key)]["record"]
        yield _finding("missing-primary-source", f"reference {key!r} reports {missing!r}, which is not in the library: add and cite the original study", ref.where, key)
    for cycle in reports_cycles(G, lineage):
        ref = G.nodes[ref_node(cycle[0])]["record"]
        yield _finding("reports-cycle", f"references report each other in a cycle: {' → '.join(cycle + [cycle[0]])}", ref.where if ref else None, cycle[0])


def _claim_findings(G: nx.MultiDiGraph, claim: Claim, grade: Grade, stale_years: int) -> Iterator[Finding]:
    where, cid = claim.where, claim.id
    for link in claim.evidence:
        if G.nodes[ref_node(link.ref)]["missing"]:
            hint = _did_you_mean(G, link.ref, "ref")
            yield _finding("dangling-reference", f"claim {cid!r} links to {link.ref!r}, which is not in the bibliography{hint}", link.where, cid)
    for premise in claim.depends_on:
        if G.nodes[claim_node(premise)]["missing"]:
            hint = _did_you_mean(G, premise, "claim")
            yield _finding("dangling-reference", f"claim {cid!r} depends on {premise!r}, which is not a claim{hint}", where, cid)
    for appearance in claim.appears_in:
        if G.nodes[f"article:{appearance.article}"]["missing"]:
            hint = _did_you_mean(G, appearance.article, "article")
            yield _finding("dangling-reference", f"claim {cid!r} appears in {appearance.article!r}, which is not listed under articles{hint}", appearance.where, cid)
    retracted = [l.ref for l in grade.links if l.set_aside == "retracted" and l.stance == "supports"]
    if grade.level == Level.UNSUPPORTED:
        why = f"its only support ({', '.join(retracted)}) is retracted" if retracted else "no reference supports it"
        yield _finding("unsupported-claim", f"claim {cid!r} is unsupported: {why}", where, cid)
        if grade.has_flag("contested"):
            yield _finding("contested-claim", f"claim {cid!r} is contradicted by {_refs(grade, 'contradicts')} and supported by nothing", where, cid)
        return
    if grade.level == Level.VERY_LOW:
        yield _finding("weak-claim", f"claim {cid!r} rests on very-low certainty evidence ({_refs(grade, 'supports')}); find a stronger source or soften it", where, cid)
    if grade.has_flag("contested"):
        yield _finding("contested-claim", f"claim {cid!r} is contested: {_refs(grade, 'contradicts')} contradicts it", where, cid)
    if grade.has_flag("amplified"):
        n = sum(1 for l in grade.links if l.stance == "supports" and not l.set_aside)
        yield _finding("amplified-claim", f"claim {cid!r} cites {n} references but they restate one source ({', '.join(grade.sources[0])})", where, cid)
    elif grade.has_flag("single-source"):
        yield _finding("single-source", f"claim {cid!r} rests on one independent source ({', '.join(grade.sources[0])})", where, cid)
    if grade.has_flag("secondary-only"):
        yield _finding("secondary-only", f"claim {cid!r} is supported only by secondary sources ({_refs(grade, 'supports')}); cite the primary study", where, cid)
    if grade.has_flag("stale"):
        yield _finding("stale-evidence", f"claim {cid!r}: its newest supporting reference is more than {stale_years} years old", where, cid)


def _refs(grade: Grade, stance: str) -> str:
    return ", ".join(l.ref for l in grade.links if l.stance == stance and not l.set_aside)


def _did_you_mean(G: nx.MultiDiGraph, name: str, kind: str) -> str:
    from .spelling import did_you_mean

    choices = [node_id(n) for n, d in G.nodes(data=True) if d["kind"] == kind and not d["missing"]]
    return did_you_mean(name, choices)


def _reference_findings(G: nx.MultiDiGraph) -> Iterator[Finding]:
    seen: dict[tuple[str, str], Reference] = {}
    for node, data in G.nodes(data=True):
        ref: Reference | None = data["record"]
        if data["kind"] != "ref" or ref is None:
            continue
        used = [node_id(v) for _, v, k in G.out_edges(node, keys=True) if k in ("supports", "contradicts", "mentions")]
        uses = f"; claims linked: {', '.join(dict.fromkeys(used))}" if used else ""
        when = f" ({ref.notice_date})" if ref.notice_date else ""
        if ref.retracted:
            yield _finding("retracted-reference", f"reference {ref.key!r} is retracted{when}{uses}", ref.where, ref.key)
        elif ref.retraction in ("expression of concern", "correction"):
            yield _finding("retraction-notice", f"reference {ref.key!r} has a notice: {ref.retraction}{when}{uses}", ref.where, ref.key)
        if not used:
            yield _finding("unused-reference", f"reference {ref.key!r} is not linked to any claim", ref.where, ref.key)
        for problem in identifier_problems(ref.doi, ref.pmid, ref.isbn, ref.url):
            yield _finding("invalid-identifier", f"reference {ref.key!r}: {problem}", ref.where, ref.key)
        for kind, value in (("doi", normalize_doi(ref.doi) if ref.doi else ""), ("pmid", ref.pmid.strip())):
            if not value:
                continue
            other = seen.get((kind, value))
            if other is None:
                seen[(kind, value)] = ref
            elif other.key != ref.key:
                line = other.where.line if other.where else "?"
                yield _finding("duplicate-reference", f"references {other.key!r} (line {line}) and {ref.key!r} share the {kind} {value}", ref.where, ref.key)
        if ref.design_inferred:
            inferred = (f"inferred {ref.design!r} from its title or entry type" if ref.design != "unknown"
                        else "none could be inferred from its title, so it counts as 'unknown'")
            yield _finding("design-inferred", f"reference {ref.key!r} has no design field; {inferred}", ref.where, ref.key)
