"""Grading: how certain the evidence behind each claim is (normative rules 1–9).

The numbered rules below are the ones in ``docs/grading.md``; each step that
sets or changes a claim's level is recorded as a :class:`~kbase.model.Reason`
so that ``kbase evidence`` can say why.

1. Links to retracted references are set aside (and reported).
2. No ``supports`` link left → unsupported.
3. Each supporting link starts at its reference's design level (a synthesis at what it
   pooled: trials high, observational studies or a mix low; for a prevalence claim,
   cross-sectional surveys and cohorts high) and drops one level per serious concern
   (two for a very serious one), once more if ``indirect``, once more if the reference is
   a preprint, and once more for imprecision when its participants or events are below
   GRADE's rule of thumb (unless the link rates imprecision itself); evidence that starts
   low with no serious concern is rated up for its ``upgrades``; floor very-low, top high.
4. The claim starts at its best supporting link. A supporting link that starts above low
   and that nobody assessed (no ``concerns`` key) flags the claim *unassessed* and caps it
   at moderate (``unassessed = "flag"`` in kbase.toml keeps the flag only).
5. Supporting references joined through ``reports`` edges (either way,
   transitively), sharing an author, or (syntheses) including overlapping studies
   are one source (:mod:`kbase.independence`); ``independent_sources`` counts the groups.
6. Any ``contradicts`` link flags *contested*; a contradicting link at or above
   the claim's current level lowers it one level (floor very-low).
7. Retired: counting independent sources raised no level in GRADE, which rates a body of
   evidence, so three agreeing sources no longer raise a claim (docs/grading.md).
8. A claim is no more certain than the least certain of its premises
   (``depends_on``); premises in a cycle with the claim are skipped (the cycle
   is reported by the audit as ``premise-cycle``).
9. Every step that sets or changes the level is kept as a :class:`~kbase.model.Reason`, in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from .graph import claim_node, evidence_edges, node_id, ref_node
from .independence import Join, independent_groups
from .lineage import source_groups
from .model import Claim, Evidence, Grade, LinkGrade, Reason, Reference, best_link
from .queries import cycles, premise_graph
from .vocabulary import (
    DESIGN_START,
    MIN_EVENTS,
    MIN_PARTICIPANTS,
    POOLED,
    PREVALENCE_DESIGNS,
    SECONDARY_DESIGNS,
    SYNTHESIS_DESIGNS,
    UNASSESSED_CAP,
    UPGRADES,
    Level,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["DEFAULT_STALE_YEARS", "GradingOptions", "grade_claims", "indirect_step", "link_grade", "premise_cycles"]

DEFAULT_STALE_YEARS = 10


@dataclass(frozen=True, slots=True)
class GradingOptions:
    """Settings that grading depends on.

    Attributes
    ----------
    year : int
        The current year, for ``stale``.
    stale_years : int
        A claim is stale when its newest supporting reference is more than this many years old.
    """

    year: int
    stale_years: int = DEFAULT_STALE_YEARS
    review_days: int = 365  # a claim reviewed longer ago than this is due for review (review-due)
    unassessed: str = "cap"  # "cap": unassessed evidence grades at most moderate; "flag": only flagged


def link_grade(
    reference: Reference | None,
    key: str,
    stance: str,
    concerns: tuple[str, ...] = (),
    indirect: bool = False,
    locator: str = "",
    *,
    evidence: Evidence | None = None,
    kind: str = "",
) -> LinkGrade:
    """What one link is worth on its own (rule 3), and whether rule 1 sets it aside.

    ``evidence`` (the link as written) adds what GRADE rates beyond the list of concerns: severities,
    upgrades, what a synthesis pooled, participants and events, and whether anyone assessed it;
    ``kind`` is the claim's kind (a prevalence claim starts cross-sectional surveys and cohorts high).

    Examples
    --------
    >>> from kbase.model import Reference
    >>> r = Reference("m", "article", design="meta-analysis", design_inferred=False)
    >>> str(link_grade(r, "m", "supports", ("risk-of-bias",), indirect=True).level)
    'low'
    """
    if evidence is not None:
        concerns, indirect, locator = evidence.concerns, evidence.indirect, evidence.locator
    if reference is None:
        return LinkGrade(key, stance, "unknown", True, Level.VERY_LOW, Level.VERY_LOW, concerns, indirect, locator, set_aside="not in the library")
    start, because = design_start(reference, evidence.pooled if evidence is not None else "", kind)
    preprint = reference.version == "preprint"  # not yet peer reviewed: one level below its design
    indirect_steps = indirect_step(indirect, evidence.severities if evidence is not None else ())
    imprecise = imprecision(evidence) if evidence is not None else ""
    level = start.lowered(len(concerns) + indirect_steps + int(preprint) + int(bool(imprecise)))
    upgrades, refused = (), ()
    if evidence is not None and evidence.upgrades:
        # GRADE rates up only evidence found free of serious limitations: assessed, with none
        serious = bool(concerns) or bool(indirect_steps) or bool(imprecise) or not evidence.assessed
        if start <= Level.LOW and not serious:
            upgrades = evidence.upgrades
            for _ in range(sum(UPGRADES[name] for name in upgrades)):
                level = level.raised()
        else:
            refused = evidence.upgrades
    unassessed = stance == "supports" and start > Level.LOW and evidence is not None and not evidence.assessed
    return LinkGrade(
        key,
        stance,
        reference.design,
        reference.design_inferred,
        start,
        level,
        concerns,
        indirect,
        locator,
        set_aside="retracted" if reference.retracted else "",
        preprint=preprint,
        unassessed=unassessed,
        upgrades=upgrades,
        refused=refused,
        starts_because=because,
        imprecise=imprecise,
        severities=evidence.severities if evidence is not None else (),
        participants=evidence.participants if evidence is not None else None,
        events=evidence.events if evidence is not None else None,
        assessed=evidence.assessed if evidence is not None else True,
    )


def indirect_step(indirect: bool, severities: Sequence[tuple[str, str]] = ()) -> int:
    """Rule 3's step for a link marked ``indirect: true``: one level, unless the writer rated indirectness in
    the link's ``concerns`` mapping, whose rating then counts instead (not the flag on top of it). The one
    home of this rule: grading, the reasons (``-1 indirect``) and the Summary-of-Findings table use it.

    In the bundled library, ``neuropathic-pain-definition`` cites an NINDS page on peripheral neuropathy
    only (``indirect: true``); had the writer also rated it ``concerns: {indirectness: serious}``, that
    rating would be the one step:

    >>> indirect_step(True), indirect_step(True, (("indirectness", "serious"),)), indirect_step(False)
    (1, 0, 0)
    """
    return int(indirect and not any(domain == "indirectness" for domain, _ in severities))


def design_start(reference: Reference, pooled: str = "", kind: str = "") -> tuple[Level, str]:
    """Rule 3's starting level of a reference's design, and why when it is not the design's own: a
    synthesis starts at what it pooled (``pooled`` on the link, else on the reference; trials when
    not given), and surveys, cohorts and syntheses of them start high for a prevalence claim.

    >>> from kbase.model import Reference
    >>> zhao = Reference("zhao2018effect", "article", design="meta-analysis", design_inferred=False, fields=(("pooled", "{mixed}"),))
    >>> start, because = design_start(zhao)
    >>> str(start), because
    ('low', 'pooled mixed')
    """
    start, because = DESIGN_START[reference.design], ""
    pooled = pooled or reference.field("pooled").strip().lower()
    if reference.design in SYNTHESIS_DESIGNS:
        if pooled in POOLED:
            start, because = POOLED[pooled], f"pooled {pooled}" if pooled != "rct" else "pooled trials"
        else:
            because = "what it pooled not given: taken as trials"
    observational = reference.design in PREVALENCE_DESIGNS or (reference.design in SYNTHESIS_DESIGNS and pooled in ("observational", "mixed"))
    if kind == "prevalence" and observational:  # surveys, cohorts, and syntheses of them: the right design for prevalence
        start, because = Level.HIGH, "a prevalence claim" + (f", pooled {pooled}" if reference.design in SYNTHESIS_DESIGNS else "")
    return start, because


def imprecision(evidence: Evidence) -> str:
    """Rule 3's imprecision step: ``"211 participants"`` when a link's events, or else its participants,
    are below GRADE's rule of thumb and the writer did not rate imprecision; else ``""``.

    >>> imprecision(Evidence("orhurhu2019ketamine", "contradicts", participants=211))
    '211 participants'
    """
    if "imprecision" in evidence.concerns or "imprecision" in dict(evidence.severities):
        return ""
    if evidence.events is not None and evidence.events < MIN_EVENTS:
        return f"{evidence.events} events"
    if evidence.events is None and evidence.participants is not None and evidence.participants < MIN_PARTICIPANTS:
        return f"{evidence.participants} participants"
    return ""


def premise_cycles(G: nx.MultiDiGraph) -> list[list[str]]:
    """Every cycle of ``depends_on`` premises, as lists of claim ids in cycle order."""
    return cycles(premise_graph(G))


def _premise_order(G: nx.MultiDiGraph) -> tuple[list[str], dict[str, int], int]:
    """Claim nodes with every premise before the claims that rest on it, each node's cycle, and how
    many nodes at the front of the order are joined by ``depends_on``.

    Only claims joined by ``depends_on`` need ordering; the rest keep file order, after them.
    """
    import networkx as nx

    premises = premise_graph(G)
    condensed = nx.condensation(premises)
    members = condensed.graph["mapping"]  # node -> component number
    order: list[str] = []
    for component in reversed(list(nx.topological_sort(condensed))):
        order.extend(sorted(condensed.nodes[component]["members"]))
    in_order, tied = set(order), len(order)
    order.extend(n for n, d in G.nodes(data=True) if d["kind"] == "claim" and n not in in_order)
    return order, members, tied


def grade_claims(
    G: nx.MultiDiGraph,
    options: GradingOptions,
    only: Iterable[str] | None = None,
    known: Mapping[str, Grade] | None = None,
    *,
    structure: nx.MultiDiGraph | None = None,
    without: Iterable[str] = (),
) -> dict[str, Grade]:
    """Grade the claims of the graph, premises first. Keys follow file order.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A library graph (see :mod:`kbase.graph`), or a view of one.
    options : GradingOptions
        The current year and the staleness threshold.
    only : iterable of str, optional
        Grade just these claims; premises outside them take their grade from ``known``.
    known : mapping, optional
        Grades already computed, for premises that are not regraded.
    structure, without : optional
        When ``G`` is a view of a larger graph with the reference nodes ``without`` hidden,
        pass the larger graph as ``structure``: lineage and premise order are read from it
        (minus ``without``), which is much faster than scanning the view.
    """
    base = G if structure is None else structure
    groups = source_groups(base, without)
    order, component, _ = _premise_order(base)
    wanted = None if only is None else {claim_node(c) for c in only}
    done: dict[str, Grade] = dict(known or {})
    graded: dict[str, Grade] = {}
    authors_of: dict[str, set[str]] = {}  # author ids by reference key, computed once per run
    for node in order:
        if (wanted is None or node in wanted) and G.nodes[node]["record"] is not None:
            cid = node_id(node)
            graded[cid] = done[cid] = _grade(G, G.nodes[node]["record"], done, groups, component, options, authors_of)
    return {c: graded[c] for c in (node_id(n) for n, d in G.nodes(data=True) if d["kind"] == "claim") if c in graded}


def _grade(
    G: nx.MultiDiGraph,
    claim: Claim,
    done: dict[str, Grade],
    groups: dict[str, int],
    component: dict[str, int],
    options: GradingOptions,
    authors_of: dict[str, set[str]],
) -> Grade:
    """One claim's grade: the rules below, in order, each adding its :class:`~kbase.model.Reason`."""
    kind = claim.inferred_kind  # read from the statement's words: once per claim, not once per link
    links = [
        link_grade(G.nodes[ref_node(key)]["record"], key, stance, evidence=data["evidence"], kind=kind)
        for key, stance, data in evidence_edges(G, claim.id)
    ]
    reasons = set_aside(links)  # rule 1
    supporting = [l for l in links if l.stance == "supports" and not l.set_aside]
    contradicting = [l for l in links if l.stance == "contradicts" and not l.set_aside]
    if not supporting:  # rule 2
        reasons.append(Reason("unsupported", "no reference supports this claim", Level.UNSUPPORTED))
        flags = ("contested",) if contradicting else ()
        return Grade(claim.id, Level.UNSUPPORTED, flags, 0, tuple(reasons), tuple(links), (), kind)
    best, level, started = starting_level(supporting, options.unassessed == "cap")  # rules 3 and 4
    reasons += started
    # rule 5 (kbase/independence.py): reports lineage, shared authors, overlapping syntheses
    keys = [l.ref for l in supporting]
    grouped, joins = independent_groups(
        keys, {k: G.nodes[ref_node(k)]["record"] for k in keys}, {k: groups[ref_node(k)] for k in keys if ref_node(k) in groups}, authors_of
    )
    reasons += [Reason("independence", f"{j.a} and {j.b} count as one source: {j.detail}", level) for j in joins if j.why != "reports"]
    level, contradicted = contradiction(level, contradicting)  # rule 6
    reasons += contradicted
    in_cycle = {p for p in claim.depends_on if claim_node(p) in component and component[claim_node(p)] == component.get(claim_node(claim.id))}
    level, capped = premise_cap(level, claim.depends_on, {p: done[p].level for p in claim.depends_on if p in done}, in_cycle)  # rule 8
    reasons += capped
    years = [y for y in (_year(G, l.ref) for l in supporting) if y is not None]
    flags = grade_flags(supporting, best, joins, len(grouped), max(years) if years else None, options, contested=bool(contradicting))
    return Grade(claim.id, level, flags, len(grouped), tuple(reasons), tuple(links), tuple(tuple(g) for g in grouped), kind)


def set_aside(links: Sequence[LinkGrade]) -> list[Reason]:
    """Rule 1: a reason for each ``supports`` or ``contradicts`` link set aside (retracted, or not in the library).

    From the bundled library, as if Loftus 2010 (the trial behind ``opioid-sparing``) were retracted:

    >>> from kbase.model import Reference
    >>> trial = Reference("loftus2010intraoperative", "article", design="rct", design_inferred=False, retracted=True)
    >>> [r.message for r in set_aside([link_grade(trial, trial.key, "supports")])]
    ['set aside loftus2010intraoperative: the reference is retracted']
    """
    reasons = []
    for link in links:
        if link.set_aside == "retracted" and link.stance != "mentions":
            reasons.append(Reason("retracted", f"set aside {link.ref}: the reference is retracted"))
        elif link.set_aside and link.stance != "mentions":
            reasons.append(Reason("not-in-library", f"set aside {link.ref}: no such reference in the library"))
    return reasons


def starting_level(supporting: Sequence[LinkGrade], cap_unassessed: bool = True) -> tuple[LinkGrade, Level, list[Reason]]:
    """Rules 3 and 4: the best supporting link (the first of the best, in file order), the level the
    claim starts at, and why; a link above low that nobody assessed caps the claim at moderate.

    ``intraoperative-opioid-reduction`` rests on one trial with serious imprecision:

    >>> from kbase.model import Evidence, Reference
    >>> trial = Reference("loftus2010intraoperative", "article", design="rct", design_inferred=False)
    >>> link = link_grade(trial, trial.key, "supports", evidence=Evidence(trial.key, "supports", concerns=("imprecision",), participants=102))
    >>> best, level, reasons = starting_level([link])
    >>> str(level), reasons[0].message
    ('moderate', 'starts at its best supporting link, loftus2010intraoperative: rct starts high, -1 imprecision → moderate')
    """
    best = cast(LinkGrade, best_link(supporting))
    level = best.level
    reasons = [Reason("start", f"starts at its best supporting link, {best.ref}: {_describe(best)}", level)]
    unassessed = [l.ref for l in supporting if l.unassessed]
    if unassessed and cap_unassessed and level > UNASSESSED_CAP:
        level = UNASSESSED_CAP
        reasons.append(
            Reason(
                "unassessed",
                f"capped at {level}: nobody has assessed {', '.join(unassessed)} for risk of bias, "
                "inconsistency, indirectness, imprecision or publication bias (write its concerns, "
                "or concerns: [] when there are none)",
                level,
            )
        )
    return best, level, reasons


def contradiction(level: Level, contradicting: Sequence[LinkGrade]) -> tuple[Level, list[Reason]]:
    """Rule 6: the strongest contradicting link lowers the claim one level when it is at or above the claim's level.

    ``relief-three-months`` starts at very-low; Orhurhu 2019, a meta-analysis of trials at low, contradicts it:

    >>> from kbase.model import Evidence, Reference
    >>> meta = Reference("orhurhu2019ketamine", "article", design="meta-analysis", design_inferred=False, fields=(("pooled", "{rct}"),))
    >>> link = link_grade(meta, meta.key, "contradicts", evidence=Evidence(meta.key, "contradicts", concerns=("risk-of-bias",), participants=211))
    >>> level, reasons = contradiction(Level.VERY_LOW, [link])
    >>> str(level), reasons[0].message.split(": ")[-1]
    ('very-low', 'stays at very-low (the floor)')
    """
    if not contradicting:
        return level, []
    strongest = max(contradicting, key=lambda l: l.level)
    if strongest.level < level:
        return level, [
            Reason("contradiction", f"contradicted by {strongest.ref} ({_describe(strongest)}), below the claim's level: no change", level)
        ]
    lowered = level.lowered()
    change = f"down one level to {lowered}" if lowered != level else f"stays at {lowered} (the floor)"
    text = f"contradicted by {strongest.ref} ({_describe(strongest)}), at or above the claim's level: {change}"
    return lowered, [Reason("contradiction", text, lowered)]


def premise_cap(
    level: Level, premises: Sequence[str], premise_levels: Mapping[str, Level], in_cycle: Iterable[str] = ()
) -> tuple[Level, list[Reason]]:
    """Rule 8: a claim is no more certain than its least certain premise; a premise in a cycle with
    the claim, or not graded (not in the library), is skipped.

    ``opioid-alternative`` rests on ``opioid-sparing`` (very-low):

    >>> level, reasons = premise_cap(Level.LOW, ["opioid-sparing"], {"opioid-sparing": Level.VERY_LOW})
    >>> str(level), reasons[0].message
    ('very-low', 'capped at very-low by its premise opioid-sparing')
    """
    cycle, reasons = set(in_cycle), []
    for premise in premises:
        if premise in cycle or premise not in premise_levels:
            reason = "it is in a cycle with this claim" if premise in cycle else "it is not in the library"
            reasons.append(Reason("premise", f"premise {premise} skipped: {reason}", level))
        elif premise_levels[premise] < level:
            level = premise_levels[premise]
            reasons.append(Reason("premise", f"capped at {level} by its premise {premise}", level))
    return level, reasons


def grade_flags(
    supporting: Sequence[LinkGrade],
    best: LinkGrade,
    joins: Sequence[Join],
    sources: int,
    newest: int | None,
    options: GradingOptions,
    *,
    contested: bool = False,
) -> tuple[str, ...]:
    """The flags of a supported claim, in this order: unassessed, contested (rule 6), pooled-assumed,
    shared-authors, single-source, amplified, secondary-only, stale.

    ``not-first-line`` rests on a website and a narrative review, the newest from 2014, read in 2026:

    >>> from kbase.model import Reference
    >>> site = Reference("apna_ketamine_considerations", "online", design="website", design_inferred=False)
    >>> review = Reference("niesters2014ketamine", "article", design="narrative-review", design_inferred=False)
    >>> links = [link_grade(r, r.key, "supports") for r in (site, review)]
    >>> grade_flags(links, links[1], [], 2, 2014, GradingOptions(2026))
    ('secondary-only', 'stale')
    """
    flags = []
    if any(l.unassessed for l in supporting):
        flags.append("unassessed")
    if contested:
        flags.append("contested")
    if best.starts_because.startswith("what it pooled not given"):
        flags.append("pooled-assumed")
    if any(j.why == "shared-authors" for j in joins):
        flags.append("shared-authors")
    if sources == 1:
        flags.append("single-source")
        if len(supporting) >= 3:
            flags.append("amplified")
    if all(l.design in SECONDARY_DESIGNS for l in supporting):
        flags.append("secondary-only")
    if newest is not None and options.year - newest > options.stale_years:
        flags.append("stale")
    return tuple(flags)


def _year(G: nx.MultiDiGraph, key: str) -> int | None:
    record = G.nodes[ref_node(key)]["record"]
    return record.year if record is not None else None


def _describe(link: LinkGrade) -> str:
    """``meta-analysis (inferred), high, -1 risk-of-bias, -1 indirect → low``."""
    because = f" ({link.starts_because})" if link.starts_because else ""
    parts = [f"{link.design}{' (inferred from the title)' if link.design_inferred else ''}{because} starts {link.start}"]
    for concern in dict.fromkeys(link.concerns):
        steps = link.concerns.count(concern)
        parts.append(f"-{steps} {concern}{' (very serious)' if steps == 2 else ''}")
    if link.imprecise:
        parts.append(f"-1 imprecision ({link.imprecise}, below GRADE's rule of thumb)")
    if indirect_step(link.indirect, link.severities):
        parts.append("-1 indirect")
    if link.preprint:
        parts.append("-1 preprint (not yet peer reviewed)")
    parts += [f"+{UPGRADES[u]} {u}" for u in link.upgrades]
    if link.refused:
        parts.append(
            f"upgrades not applied ({', '.join(link.refused)}): GRADE rates up only evidence that starts low and was found free of serious concerns"
        )
    text = ", ".join(parts)
    return f"{text} → {link.level}" if link.level != link.start else text
