"""Reading a draft (Markdown through markdown-it-py, or plain text) into located sentences.

Code, front matter and HTML blocks are skipped; headings become the section of the sentences
under them; a numbered reference list (under a "References" heading, or a trailing numbered
list whose items look like references) is kept apart for resolving numbered citations.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Location
from ..loaders.text import read_text
from .text import Citation, clean_for_matching, find_citations, split_sentences

__all__ = ["Draft", "ListEntry", "Sentence", "read_draft", "parse_draft"]

MAX_DRAFT_BYTES = 5_000_000
REFERENCE_HEADING = re.compile(r"^\s*(references|reference list|sources|bibliography|works cited|citations|literature)\s*:?\s*$", re.I)
_LOOKS_LIKE_REFERENCE = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\bet al\b|\bdoi\b|https?://", re.I)
_NUMBERED_LINE = re.compile(r"^(\s*)\[?(\d{1,3})[.)\]]\s+(\S.*)$")
_EXAMPLE_LABEL = re.compile(r"^ {0,3}\(@([\w-]+)\)(?:[ \t]|$)", re.M)  # pandoc example lists: "(@good) text"
_FOOTNOTE_LABEL = re.compile(r"^( {0,3})\[\^[^\]\s]{1,100}\]:[ \t]*")  # "[^1]: text": the text is read as a paragraph
_BULLET_LINE = re.compile(r"^(\s*)(?:[•*\-–]|\d{1,3}[.)])\s+(\S.*)$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a draft, where it is, and what it cites."""

    text: str                       # as written (citations included)
    clean: str                      # as a reader sees it: no citations, markup or URLs
    citations: tuple[Citation, ...]
    where: Location
    section: str = ""
    paragraph: int = 0              # sentences with the same number share a paragraph


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One entry of the draft's own numbered reference list."""

    number: int
    text: str
    where: Location


@dataclass
class Draft:
    """A draft's sentences and its reference list."""

    path: str
    sentences: list[Sentence] = field(default_factory=list)
    references: list[ListEntry] = field(default_factory=list)
    unit: str = "line"              # what a place's line counts: "line", or "paragraph" (Word drafts)


def read_draft(path: str | Path) -> Draft:
    """Read the draft at ``path`` (``.md``/``.markdown`` as Markdown, anything else as plain text).

    Raises
    ------
    LoadError
        When the file is missing, too large, binary, or not UTF-8 (with the first bad byte's place).
    """
    name = str(path)
    text = read_text(name, max_bytes=MAX_DRAFT_BYTES, what="drafts")
    markdown = name.lower().endswith((".md", ".markdown", ".mdown", ".qmd", ".rmd"))
    return parse_draft(text, name, markdown=markdown)


def parse_draft(text: str, path: str = "draft.md", *, markdown: bool = True) -> Draft:
    """Split ``text`` into located sentences (see :func:`read_draft`)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = _markdown_blocks(lines) if markdown else _text_blocks(lines)
    examples = frozenset(_EXAMPLE_LABEL.findall(text)) if markdown else frozenset()
    return draft_from_blocks(blocks, path, examples=examples)


def draft_from_blocks(blocks: list[_Block], path: str, anchors: Mapping[str, Citation] | None = None,
                      examples: frozenset[str] = frozenset(), unit: str = "line") -> Draft:
    """The sentences and reference list of a draft read into blocks (by any of the readers)."""
    draft = Draft(path, unit=unit)
    references = _reference_list(blocks)
    draft.references = [ListEntry(b.number, b.lines[0][1].strip(), Location(path, b.lines[0][0] + 1, b.lines[0][2] + 1))
                        for b in references]
    skip = {id(b) for b in references}
    paragraph = 0
    for block in blocks:
        if block.kind == "heading" or id(block) in skip:
            continue
        paragraph += 1
        joined, starts = _join(block.lines)
        for a, b in split_sentences(joined):
            sentence = joined[a:b]
            line_index = bisect.bisect_right(starts, a) - 1
            line_no, line_text, col0 = block.lines[line_index]
            citations = tuple(find_citations(sentence, anchors, examples))
            draft.sentences.append(Sentence(
                text=sentence,
                clean=clean_for_matching(sentence, list(citations)),
                citations=citations,
                where=Location(path, line_no + 1, col0 + a - starts[line_index] + 1),
                section=block.section,
                paragraph=paragraph,
            ))
    return draft


@dataclass
class _Block:
    kind: str                                   # heading, paragraph, item
    lines: list[tuple[int, str, int]]           # (0-based line, text, 0-based column of the text)
    section: str = ""
    number: int = 0                             # for numbered list items
    after_reference_heading: bool = False


def _join(lines: list[tuple[int, str, int]]) -> tuple[str, list[int]]:
    starts, parts, offset = [], [], 0
    for _, text, _ in lines:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 1
    return " ".join(parts), starts


def _front_matter_end(lines: list[str]) -> int:
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return i + 1
    return 0


def _markdown_blocks(lines: list[str]) -> list[_Block]:
    from markdown_it import MarkdownIt

    skip = _front_matter_end(lines)
    source = "\n".join([""] * skip + [_FOOTNOTE_LABEL.sub(r"\1", line) for line in lines[skip:]])
    # block structure only (tables included: each cell is read on its own line); the inline parse of
    # children is not needed here, and is slow on hostile text
    tokens = MarkdownIt("commonmark").enable("table").disable("inline").parse(source)
    blocks: list[_Block] = []
    section = ""
    under_references = False
    pending_kind, pending_number = "paragraph", 0
    for i, token in enumerate(tokens):
        if token.type == "list_item_open":
            pending_kind = "item"
            pending_number = int(token.info) if token.info.isdigit() else 0
        elif token.type == "inline" and token.map:
            parent = tokens[i - 1].type if i else ""
            kind = "heading" if parent == "heading_open" else pending_kind
            block = _Block(kind, _locate(lines, token.map, token.content), section, pending_number, under_references)
            if kind == "heading":
                section = token.content.strip()
                under_references = bool(REFERENCE_HEADING.match(section))
            blocks.append(block)
        elif token.type in ("list_item_close",):
            pending_kind, pending_number = "paragraph", 0
    return blocks


def _locate(lines: list[str], span: list[int], content: str) -> list[tuple[int, str, int]]:
    """Each content line with its source line and column (markers and indentation removed)."""
    out = []
    line_no = span[0]
    for piece in content.split("\n"):
        source = lines[line_no] if line_no < len(lines) else ""
        col = source.find(piece) if piece else 0
        out.append((line_no, piece, max(col, 0)))
        line_no += 1
    return out


def _text_blocks(lines: list[str]) -> list[_Block]:
    """Plain text: a blank line ends a paragraph; bullet and numbered lines are items; a short line
    without closing punctuation, alone between blank lines, is a heading."""
    blocks: list[_Block] = []
    section = ""
    under_references = False
    current: list[tuple[int, str, int]] = []

    def flush() -> None:
        nonlocal section, under_references
        if not current:
            return
        text = " ".join(t for _, t, _ in current).strip()
        if len(current) == 1 and len(text.split()) <= 14 and not re.search(r"[.!?:;,\"”]$", text):
            section = text
            under_references = bool(REFERENCE_HEADING.match(text))
            blocks.append(_Block("heading", list(current), section))
        else:
            blocks.append(_Block("paragraph", list(current), section, 0, under_references))
        current.clear()

    for number, line in enumerate(lines):
        if not line.strip():
            flush()
            continue
        item = _NUMBERED_LINE.match(line) or _BULLET_LINE.match(line)
        if item:
            flush()
            numbered = _NUMBERED_LINE.match(line)
            body = numbered.group(3) if numbered else item.group(2)
            col = line.find(body)
            blocks.append(_Block("item", [(number, body, col)], section, int(numbered.group(2)) if numbered else 0, under_references))
            continue
        stripped = line.strip()
        current.append((number, stripped, line.find(stripped)))
    flush()
    return blocks


def _reference_list(blocks: list[_Block]) -> list[_Block]:
    """The numbered items that form the draft's reference list, if it has one."""
    runs: list[list[_Block]] = []
    run: list[_Block] = []
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
