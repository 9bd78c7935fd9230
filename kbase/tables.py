"""Evidence tables: one row per claim, with its level, its evidence and what a writer should do.

The rows are plain records; ``kbase/render`` turns them into Markdown, CSV, JSON or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .levels import DESIGN_START, HEDGE, Level
from .model import Grade

if TYPE_CHECKING:
    from .citations import Formatter
    from .kb import KnowledgeBase

__all__ = ["EvidenceCell", "EvidenceRow", "evidence_rows", "writer_action"]

PRIMARY = frozenset({"meta-analysis", "systematic-review", "rct", "cohort", "case-control", "cross-sectional"})
SECONDARY = frozenset({"press-release", "news", "website", "narrative-review"})


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


def writer_action(grade: Grade, supporting: tuple[EvidenceCell, ...], contradicting: tuple[EvidenceCell, ...]) -> str:
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
            return f"do not state it: {', '.join(c.ref for c in contradicting)} contradicts it"
        return "add a source, or do not state it as fact"
    actions = []
    strongest = max(counted, key=lambda c: DESIGN_START[c.design])
    weak_secondary = [c for c in counted if c.design in SECONDARY and DESIGN_START[c.design] < DESIGN_START[strongest.design]]
    if strongest.design in PRIMARY and weak_secondary:
        names = ", ".join(f"the {c.design} {c.ref}" for c in weak_secondary)
        actions.append(f"cite the {strongest.design} ({strongest.ref}) instead of {names}")
    elif grade.has_flag("secondary-only"):
        actions.append("find and cite the primary study behind the " + ", ".join(sorted({c.design for c in counted})))
    if grade.has_flag("amplified"):
        actions.append("the references restate one source: cite the original once")
    if contradicting:
        actions.append(f"present both sides: also cite {', '.join(c.ref for c in contradicting)}")
    if grade.has_flag("single-source") and grade.level <= Level.LOW:
        actions.append("add an independent source")
    if grade.level < Level.HIGH:
        actions.append(f"soften the wording: {HEDGE[grade.level]}")
    if grade.has_flag("stale"):
        actions.append("check for newer evidence")
    return "; ".join(actions) if actions else "fine as worded"


def _cell(kb: KnowledgeBase, formatter: Formatter, link: object, notes: dict[tuple[str, str], str], html: bool) -> EvidenceCell:
    ref = kb.references.get(link.ref)  # type: ignore[attr-defined]
    if ref is not None:
        citation = formatter.entry(link.ref, html=html)  # type: ignore[attr-defined]
    else:
        citation = f"{link.ref} (not in the library)"  # type: ignore[attr-defined]
        if html:
            import html as _html

            citation = _html.escape(citation)
    return EvidenceCell(
        ref=link.ref, citation=citation, design=link.design, level=link.level, locator=link.locator,  # type: ignore[attr-defined]
        doi=ref.doi if ref else "", pmid=ref.pmid if ref else "", url=ref.url if ref else "",
        note=notes.get((link.ref, link.stance), ""), set_aside=link.set_aside,  # type: ignore[attr-defined]
    )


def evidence_rows(kb: KnowledgeBase, *, article: str | None = None, topic: str | None = None,
                  level: Level | None = None, sort: str = "article", style: str | None = None,
                  html: bool = False) -> list[EvidenceRow]:
    """The rows of an evidence table.

    Parameters
    ----------
    kb : KnowledgeBase
        The library.
    article, topic : str, optional
        Keep only claims that appear in this article, or have this topic.
    level : Level, optional
        Keep only claims at this level.
    sort : {"article", "level"}
        File order (the order claims are written, which follows the article), or weakest first.
    style : str, optional
        CSL style name or ``.csl`` file for the citations (default AMA).
    html : bool
        Format citations as (escaped) HTML instead of plain text.
    """
    from .citations import Formatter

    if article is not None and article not in kb.articles:
        from .errors import KbaseError
        from .spelling import did_you_mean

        raise KbaseError(f"no article {article!r} in {kb.claims_path}{did_you_mean(article, kb.articles)}")
    formatter = Formatter(kb.references.values(), style)
    rows = []
    for claim in kb.claims.values():
        appears = [a for a in claim.appears_in if article is None or a.article == article]
        if article is not None and not appears:
            continue
        if topic is not None and claim.topic != topic:
            continue
        grade = kb.grades[claim.id]
        if level is not None and grade.level != level:
            continue
        notes = {(e.ref, e.stance): e.note for e in claim.evidence}
        supporting = tuple(_cell(kb, formatter, l, notes, html) for l in grade.links if l.stance == "supports")
        contradicting = tuple(_cell(kb, formatter, l, notes, html) for l in grade.links if l.stance == "contradicts" and not l.set_aside)
        rows.append(EvidenceRow(
            claim_id=claim.id, statement=claim.statement, topic=claim.topic,
            articles=tuple(dict.fromkeys(a.article for a in claim.appears_in)),
            section=appears[0].section if appears else "", grade=grade,
            supporting=supporting, contradicting=contradicting,
            action=writer_action(grade, supporting, contradicting),
        ))
    if sort == "level":
        rows.sort(key=lambda r: r.grade.level)
    return rows
