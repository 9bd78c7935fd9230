"""Evidence tables: one row per claim, with its level, its evidence and what a writer should do.

The rows are plain records; ``kbase/render`` turns them into Markdown, CSV, JSON or HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from .grading import indirect_step
from .graph import claims, ref_node
from .language.wording import advice, contradict_it, joined, library_wording
from .loading.processes import pickled_by_fields
from .model import Grade, LinkGrade
from .vocabulary import CONCERNS, DESIGN_START, PRIMARY_DESIGNS, SECONDARY_DESIGNS, Level

if TYPE_CHECKING:
    import networkx as nx

    from .citations import Formatter

__all__ = ["CERTAINTY_SYMBOLS", "EvidenceCell", "EvidenceRow", "EvidenceTable", "SofRow", "evidence_rows", "sof_rows", "writer_action"]


@dataclass(frozen=True)
class EvidenceTable:
    """An evidence table with what its formats show around the rows: the title (the article's, or
    "All claims"), the citation style, and for the HTML report the formatted bibliography of the
    references in the rows and the graph to draw them from."""

    rows: Sequence[EvidenceRow]
    title: str
    style: str
    article: str | None = None
    bibliography: Sequence[str] = ()
    graph: nx.MultiDiGraph | None = None


@pickled_by_fields  # the parse cache keeps rows: loaded five times faster than by dataclasses' own state
@dataclass(frozen=True, slots=True)
class EvidenceCell:
    """One reference in a row: its key, formatted citation, design, locator and worth."""

    ref: str
    citation: str
    design: str
    level: Level
    locator: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    note: str = ""
    set_aside: str = ""


@pickled_by_fields  # the parse cache keeps rows: loaded five times faster than by dataclasses' own state
@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One claim in an evidence table."""

    claim_id: str
    statement: str
    topic: str
    articles: tuple[str, ...]
    section: str
    grade: Grade
    supporting: tuple[EvidenceCell, ...]
    contradicting: tuple[EvidenceCell, ...]
    action: str


def writer_action(grade: Grade, supporting: tuple[EvidenceCell, ...], contradicting: tuple[EvidenceCell, ...], statement: str = "") -> str:
    """What a writer should do about a claim, in a few words.

    Examples
    --------
    >>> from kbase.model import Grade
    >>> writer_action(Grade("c", Level.UNSUPPORTED), (), ())
    'add a source, or do not state it as fact'
    """
    counted = [c for c in supporting if not c.set_aside]
    if grade.level == Level.UNSUPPORTED:
        if contradicting:
            return f"do not state it: {contradict_it([c.ref for c in contradicting])}"
        return "add a source, or do not state it as fact"
    actions = []
    # the strongest link is the one graded highest for this claim (its design, less its concerns and
    # indirectness), not the one with the grandest label
    strongest = max(counted, key=lambda c: (c.level, DESIGN_START[c.design]))
    weak_secondary = [c for c in counted if c.design in SECONDARY_DESIGNS and c.level < strongest.level]
    if strongest.design in PRIMARY_DESIGNS and weak_secondary:
        names = ", ".join(f"the {c.design} {c.ref}" for c in weak_secondary)
        actions.append(f"cite the {strongest.design} ({strongest.ref}) instead of {names}")
    elif grade.has_flag("secondary-only"):
        actions.append("find and cite the primary study behind the " + joined(sorted({c.design.replace("-", " ") for c in counted})))
    if grade.has_flag("amplified"):
        actions.append("the references restate one source: cite the original once")
    if contradicting:
        actions.append(f"present both sides: also cite {', '.join(c.ref for c in contradicting)}")
    if grade.has_flag("single-source") and grade.level <= Level.LOW:
        actions.append("add an independent source")
    # the claim's own words, softened only when they say more than the level allows and certainty words apply
    if library_wording(statement, grade.level, grade.kind) != statement.strip():
        actions.append(f"word it as {advice(statement, grade.level, grade.kind)}")
    if grade.has_flag("stale"):
        actions.append("check for newer evidence")
    return "; ".join(actions) if actions else "fine as worded"


def _cell(G: nx.MultiDiGraph, formatter: Formatter, link: LinkGrade, notes: dict[tuple[str, str], str], html: bool) -> EvidenceCell:
    node = G.nodes.get(ref_node(link.ref))
    ref = node["record"] if node is not None else None
    if ref is not None:
        citation = formatter.entry(link.ref, html=html)
    else:
        citation = f"{link.ref} (not in the library)"
        if html:
            import html as _html

            citation = _html.escape(citation)
    return EvidenceCell(
        ref=link.ref,
        citation=citation,
        design=link.design,
        level=link.level,
        locator=link.locator,
        doi=ref.doi if ref else "",
        pmid=ref.pmid if ref else "",
        url=ref.url if ref else "",
        note=notes.get((link.ref, link.stance), ""),
        set_aside=link.set_aside,
    )


def evidence_rows(
    G: nx.MultiDiGraph,
    grades: Mapping[str, Grade],
    formatter: Formatter,
    *,
    article: str | None = None,
    topic: str | None = None,
    level: Level | None = None,
    sort: str = "article",
    html: bool = False,
) -> list[EvidenceRow]:
    """The rows of an evidence table.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The library graph.
    grades : mapping
        The grade of every claim.
    formatter : Formatter
        Formats the citations (a CSL style).
    article, topic : str, optional
        Keep only claims that appear in this article, or have this topic.
    level : Level, optional
        Keep only claims at this level.
    sort : {"article", "level"}
        File order (the order claims are written, which follows the article), or weakest first.
    html : bool
        Format citations as (escaped) HTML instead of plain text.
    """
    rows = []
    for claim in claims(G):
        appears = [a for a in claim.appears_in if article is None or a.article == article]
        if article is not None and not appears:
            continue
        if topic is not None and claim.topic != topic:
            continue
        grade = grades[claim.id]
        if level is not None and grade.level != level:
            continue
        notes = {(e.ref, e.stance): e.note for e in claim.evidence}
        supporting = tuple(_cell(G, formatter, l, notes, html) for l in grade.links if l.stance == "supports")
        contradicting = tuple(_cell(G, formatter, l, notes, html) for l in grade.links if l.stance == "contradicts" and not l.set_aside)
        rows.append(
            EvidenceRow(
                claim_id=claim.id,
                statement=claim.statement,
                topic=claim.topic,
                articles=tuple(dict.fromkeys(a.article for a in claim.appears_in)),
                section=appears[0].section if appears else "",
                grade=grade,
                supporting=supporting,
                contradicting=contradicting,
                action=writer_action(grade, supporting, contradicting, claim.statement),
            )
        )
    if sort == "level":
        rows.sort(key=lambda r: r.grade.level)
    return rows


#: GRADE's certainty symbols, as Summary-of-Findings tables print them.
CERTAINTY_SYMBOLS = {Level.HIGH: "⊕⊕⊕⊕", Level.MODERATE: "⊕⊕⊕◯", Level.LOW: "⊕⊕◯◯", Level.VERY_LOW: "⊕◯◯◯", Level.UNSUPPORTED: ""}
_JUDGEMENT = {0: "not serious", 1: "serious", 2: "very serious"}


@dataclass(frozen=True, slots=True)
class SofRow:
    """One claim as a row of a GRADE Summary-of-Findings table (``kbase table --format sof``).

    The domains are those of the link the claim's certainty starts from (grading rule 4): each
    ``not serious``, ``serious``, ``very serious`` or ``not assessed``; footnotes give each downgrade's
    reason from that link's note."""

    claim_id: str
    statement: str
    studies: int
    participants: int | None
    design: str
    domains: tuple[tuple[str, str], ...]
    upgrades: tuple[str, ...]
    level: Level
    flags: tuple[str, ...]
    footnotes: tuple[str, ...]

    @property
    def certainty(self) -> str:
        """``⊕⊕◯◯ low``, or ``no supporting evidence``."""
        return f"{CERTAINTY_SYMBOLS[self.level]} {self.level}" if self.level > Level.UNSUPPORTED else "no supporting evidence"


def _judgements(link: LinkGrade) -> tuple[tuple[str, str], ...]:

    out = []
    for concern in CONCERNS:
        rated = dict(link.severities)
        steps = link.concerns.count(concern)
        steps += (
            indirect_step(link.indirect, link.severities) if concern == "indirectness" else int(concern == "imprecision" and bool(link.imprecise))
        )
        if steps:
            out.append((concern, _JUDGEMENT[min(steps, 2)]))
        elif rated and concern not in rated:  # a mapping names what was judged; the rest was not
            out.append((concern, "not assessed"))
        else:
            out.append((concern, "not serious" if link.assessed else "not assessed"))
    return tuple(out)


def sof_rows(rows: Sequence[EvidenceRow]) -> list[SofRow]:
    """The Summary-of-Findings rows of the evidence ``rows`` (same claims, same order)."""
    out = []
    for row in rows:
        grade = row.grade
        supporting = [l for l in grade.links if l.stance == "supports" and not l.set_aside]
        notes = {c.ref: c.note for c in row.supporting}
        if not supporting:
            out.append(SofRow(row.claim_id, row.statement, 0, None, "", (), (), grade.level, grade.flags, ()))
            continue
        best = cast(LinkGrade, grade.best)  # the link grading rule 4 starts from (supporting is not empty)
        design = best.design + (f" ({best.starts_because})" if best.starts_because else "")
        domains = _judgements(best)
        footnotes = tuple(
            f"{concern}: {notes.get(best.ref) or 'no note on the link'}"
            + (f" ({best.imprecise})" if concern == "imprecision" and best.imprecise else "")
            for concern, judgement in domains
            if judgement in ("serious", "very serious")
        )
        if "unassessed" in grade.flags:
            footnotes += (
                f"certainty capped at moderate: {', '.join(l.ref for l in supporting if l.unassessed)} was never assessed (grading rule 4)",
            )
        out.append(
            SofRow(
                row.claim_id, row.statement, len(supporting), best.participants, design, domains, best.upgrades, grade.level, grade.flags, footnotes
            )
        )
    return out
