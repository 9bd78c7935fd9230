"""What every draft reader produces: blocks of located text lines, then sentences, citations and the
draft's own reference list (:func:`draft_from_blocks`, shared by the Markdown, text, HTML and Word readers)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import Location
from ..language.sentences import Citation, clean_for_matching, find_citations, split_sentences

__all__ = ["REFERENCE_HEADING", "Block", "Draft", "ListEntry", "Part", "Sentence", "draft_from_blocks"]

REFERENCE_HEADING = re.compile(r"^\s*(references|reference list|sources|bibliography|works cited|citations|literature)\s*:?\s*$", re.I)
_ANCHORS = re.compile("[\U000f0000-\U000ffffd]+")
_LOOKS_LIKE_REFERENCE = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\bet al\b|\bdoi\b|https?://", re.I)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a draft, where it is, and what it cites."""

    text: str  # as written (citations included)
    clean: str  # as a reader sees it: no citations, markup or URLs
    citations: tuple[Citation, ...]
    where: Location
    section: str = ""
    paragraph: int = 0  # sentences with the same number share a paragraph


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One entry of the draft's own numbered reference list."""

    number: int
    text: str
    where: Location


@dataclass(frozen=True, slots=True)
class Part:
    """One block of a draft in reading order, for showing the draft itself (``kbase audit --format html``):
    a heading (its ``text``), a paragraph or list item (the indexes of its ``sentences``), or an entry
    of the draft's own reference list (``reference``: the index of its :class:`ListEntry`)."""

    kind: str  # heading, paragraph, item, reference
    text: str = ""
    sentences: tuple[int, ...] = ()
    number: int = 0  # a numbered item's number; a reference entry's index in Draft.references
    level: int = 0  # a heading's level (1 for the title), when the format says


@dataclass
class Draft:
    """A draft's sentences and its reference list."""

    path: str
    sentences: list[Sentence] = field(default_factory=list)
    references: list[ListEntry] = field(default_factory=list)
    unit: str = "line"  # what a place's line counts: "line", or "paragraph" (Word drafts)
    outline: list[Part] = field(default_factory=list)
    # a Word draft's place n (a paragraph holding text) is the body's paragraph elements[n - 1], counting
    # every paragraph in reading order (kbase.drafts.docx.paragraph_elements): where a comment goes
    elements: list[int] = field(default_factory=list)


def _entry_text(block: Block, anchors: Mapping[str, Citation]) -> str:
    """A reference list entry's text, with the identifiers its links cite written out (``doi:10.1/x``)."""
    text = " ".join(t.strip() for _, t, _ in block.lines)
    return _ANCHORS.sub(lambda m: " " + " ".join(k for c in m.group() for k in (anchors[c].keys if c in anchors else ())) + " ", text).strip()


def _first_words(text: str, count: int = 6) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


@dataclass
class Block:
    kind: str  # heading, paragraph, item
    lines: list[tuple[int, str, int]]  # (0-based line, text, 0-based column of the text)
    section: str = ""
    number: int = 0  # for numbered list items
    after_reference_heading: bool = False
    level: int = 0  # a heading's level, when the reader knows it


def draft_from_blocks(
    blocks: list[Block], path: str, anchors: Mapping[str, Citation] | None = None, examples: frozenset[str] = frozenset(), unit: str = "line"
) -> Draft:
    """The sentences and reference list of a draft read into blocks (by any of the readers)."""
    draft = Draft(path, unit=unit)
    references = _reference_list(blocks)
    draft.references = [
        ListEntry(
            b.number,
            _entry_text(b, anchors or {}),
            Location(path, b.lines[0][0] + 1, b.lines[0][2] + 1, unit, _first_words(b.lines[0][1]) if unit == "paragraph" else ""),
        )
        for b in references
    ]
    entry_of = {id(b): i for i, b in enumerate(references)}
    paragraph = 0
    for block in blocks:
        if block.kind == "heading":
            draft.outline.append(Part("heading", " ".join(t.strip() for _, t, _ in block.lines), level=block.level))
            continue
        if id(block) in entry_of:
            draft.outline.append(Part("reference", draft.references[entry_of[id(block)]].text, number=entry_of[id(block)]))
            continue
        paragraph += 1
        first = len(draft.sentences)
        joined, starts = _join(block.lines)
        for a, b in split_sentences(joined):
            sentence = joined[a:b]
            line_index = bisect.bisect_right(starts, a) - 1
            line_no, _, col0 = block.lines[line_index]
            citations = tuple(find_citations(sentence, anchors, examples))
            draft.sentences.append(
                Sentence(
                    text=sentence,
                    clean=clean_for_matching(sentence, list(citations)),
                    citations=citations,
                    where=Location(
                        path,
                        line_no + 1,
                        col0 + a - starts[line_index] + 1,
                        unit,
                        _first_words(clean_for_matching(sentence, list(citations))) if unit == "paragraph" else "",
                    ),
                    section=block.section,
                    paragraph=paragraph,
                )
            )
        draft.outline.append(Part(block.kind, "", tuple(range(first, len(draft.sentences))), block.number))
    return draft


def _join(lines: list[tuple[int, str, int]]) -> tuple[str, list[int]]:
    starts, parts, offset = [], [], 0
    for _, text, _ in lines:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 1
    return " ".join(parts), starts


def _reference_list(blocks: list[Block]) -> list[Block]:
    """The numbered items that form the draft's reference list, if it has one."""
    runs: list[list[Block]] = []
    run: list[Block] = []
    for block in blocks:
        if block.kind == "item" and block.number:
            run.append(block)
        elif run and block.kind != "item":
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    for candidate in reversed(runs):
        if any(b.after_reference_heading for b in candidate):
            return candidate
    for candidate in reversed(runs):
        looks = sum(1 for b in candidate if _LOOKS_LIKE_REFERENCE.search(" ".join(t for _, t, _ in b.lines)))
        if len(candidate) >= 2 and looks * 2 >= len(candidate):
            return candidate
    return []
