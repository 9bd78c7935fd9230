"""The review a writer opens: one draft with each finding on the sentence it is about.

:func:`draft_review` turns a draft audit (:class:`~kbase.audit.drafts.DraftReport`) into plain
records: the draft's own blocks in reading order (headings, paragraphs, list items, its reference
list), each sentence with its findings, the claim it states and that claim's evidence row (level,
the library's wording, references and stances). ``kbase/render/review.py`` writes them as one HTML
page or as Word comments on the writer's own document; it asks the library nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .model import Finding
from .vocabulary import Severity

if TYPE_CHECKING:
    from .audit.drafts import DraftReport
    from .language.sentences import Citation
    from .tables import EvidenceRow

__all__ = ["DraftReview", "ReviewPart", "ReviewSentence", "draft_review"]

_ANCHOR = re.compile("[\U000f0000-\U000ffffd]")


@dataclass(frozen=True, slots=True)
class ReviewSentence:
    """A sentence as written, in pieces (``("text", …)`` or ``("cite", label)`` for a Word citation
    field), with its findings (worst first) and the claim it states ("" for none)."""

    pieces: tuple[tuple[str, str], ...]
    findings: tuple[Finding, ...]
    claim_id: str = ""
    score: float = 0.0
    paragraph: int = 0  # a Word draft's place (its paragraph number); else 0
    clean: str = ""  # the sentence as the matcher read it (no citations): a comment's anchor

    @property
    def text(self) -> str:
        return "".join(text if kind == "text" else f"[{text}]" for kind, text in self.pieces)


@dataclass(frozen=True, slots=True)
class ReviewPart:
    """One block of the draft: a heading, a paragraph, a list item, or an entry of its reference list."""

    kind: str
    text: str = ""
    sentences: tuple[ReviewSentence, ...] = ()
    number: int = 0
    level: int = 0
    findings: tuple[Finding, ...] = ()  # a reference entry's own findings
    place: int = 0  # a Word draft's reference entry: its paragraph number


@dataclass(frozen=True, slots=True)
class DraftReview:
    """Everything the review shows of one draft."""

    path: str
    title: str
    unit: str  # "line", or "paragraph" for Word drafts
    parts: tuple[ReviewPart, ...]
    claims: Mapping[str, EvidenceRow]  # the evidence row of each claim the draft states
    findings: tuple[Finding, ...]  # all of them, in the draft's order
    general: tuple[Finding, ...]  # those that belong to no sentence or entry
    summary: str
    elements: tuple[int, ...] = ()  # a Word draft's places as body paragraph positions
    source: bytes = b""  # a Word draft's package, to write the reviewed copy from

    @property
    def counts(self) -> dict[str, int]:
        """Findings by severity name, worst first."""
        return {str(s): sum(1 for f in self.findings if f.severity == s) for s in sorted(Severity, reverse=True)}

    @property
    def by_rule(self) -> dict[str, int]:
        """Findings by rule, most frequent first."""
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _item_label(item: Mapping[str, Any]) -> str:
    """A Word citation field's item as a reader would name it: ``Cohen 2018``."""
    authors = item.get("author")
    family = ""
    if isinstance(authors, list) and authors and isinstance(authors[0], Mapping):
        family = str(authors[0].get("family") or authors[0].get("literal") or "")
    issued = item.get("issued")
    parts = issued.get("date-parts") if isinstance(issued, Mapping) else None
    year = str(parts[0][0]) if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0] else ""
    label = " ".join(p for p in (family, year) if p)
    return label or " ".join(str(item.get("title") or "a cited item").split()[:6])


def _pieces(text: str, citations: Sequence[Citation]) -> tuple[tuple[str, str], ...]:
    fields = iter([c for c in citations if c.kind == "field"])
    pieces: list[tuple[str, str]] = []
    last = 0
    for match in _ANCHOR.finditer(text):
        if match.start() > last:
            pieces.append(("text", text[last : match.start()]))
        citation = next(fields, None)
        pieces.append(("cite", "; ".join(_item_label(i) for i in citation.items) if citation is not None else "citation"))
        last = match.end()
    if last < len(text):
        pieces.append(("text", text[last:]))
    return tuple(pieces)


def _worst_first(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: -int(f.severity)))


def draft_review(
    report: DraftReport, rows: Mapping[str, EvidenceRow], summary: str, min_severity: Severity = Severity.INFO, source: bytes = b""
) -> DraftReview:
    """The review of one audited draft; ``rows`` holds the evidence row of (at least) every claim it states."""
    draft = report.draft
    if draft is None:
        raise ValueError("the report keeps no draft to review")
    kept = [f for f in report.findings if f.severity >= min_severity]
    at: dict[tuple[int, int], list[Finding]] = {}
    for f in kept:
        if f.where is not None:
            at.setdefault((f.where.line, f.where.col), []).append(f)
    placed: set[int] = set()

    def take(line: int, column: int) -> tuple[Finding, ...]:
        found = at.get((line, column), [])
        placed.update(id(f) for f in found)
        return _worst_first(found)

    sentences = []
    for i, s in enumerate(draft.sentences):
        match = report.matches[i] if i < len(report.matches) else None
        sentences.append(
            ReviewSentence(
                _pieces(s.text, s.citations),
                take(s.where.line, s.where.col),
                match.claim_id if match is not None else "",
                match.score if match is not None else 0.0,
                s.where.line if draft.unit == "paragraph" else 0,
                s.clean,
            )
        )
    parts = []
    for part in draft.outline:
        if part.kind == "reference":
            entry = draft.references[part.number]
            parts.append(
                ReviewPart(
                    "reference",
                    _ANCHOR.sub("", part.text),
                    number=entry.number,
                    findings=take(entry.where.line, entry.where.col),
                    place=entry.where.line if draft.unit == "paragraph" else 0,
                )
            )
        else:
            parts.append(ReviewPart(part.kind, _ANCHOR.sub("", part.text), tuple(sentences[i] for i in part.sentences), part.number, part.level))
    stated = {s.claim_id for s in sentences if s.claim_id}
    title = next((p.text for p in parts if p.kind == "heading"), "") or report.path
    return DraftReview(
        report.path,
        title,
        draft.unit,
        tuple(parts),
        {c: rows[c] for c in sorted(stated) if c in rows},
        tuple(kept),
        tuple(f for f in kept if id(f) not in placed),
        summary,
        tuple(draft.elements),
        source,
    )
