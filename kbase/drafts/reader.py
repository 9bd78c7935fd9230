"""Reading a draft (Markdown through markdown-it-py, or plain text) into located sentences.

Code, front matter and HTML blocks are skipped; headings become the section of the sentences
under them; a numbered reference list (under a "References" heading, or a trailing numbered
list whose items look like references) is kept apart for resolving numbered citations.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..loaders.inputs import read_text
from .blocks import REFERENCE_HEADING, Block, Draft, ListEntry, Sentence, draft_from_blocks
from .docx import read_docx
from .html_draft import read_html

__all__ = ["DRAFT_SUFFIXES", "Draft", "ListEntry", "Sentence", "read_draft", "parse_draft"]

MAX_DRAFT_BYTES = 5_000_000
#: The extensions of drafts: a glob (``content/**/*``) audits only these; a file named itself is read whatever its name.
DRAFT_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".qmd", ".rmd", ".txt", ".text", ".html", ".htm", ".xhtml", ".docx", ".docm"})
_NUMBERED_LINE = re.compile(r"^(\s*)\[?(\d{1,3})[.)\]]\s+(\S.*)$")
_EXAMPLE_LABEL = re.compile(r"^ {0,3}\(@([\w-]+)\)(?:[ \t]|$)", re.M)  # pandoc example lists: "(@good) text"
_FOOTNOTE_LABEL = re.compile(r"^( {0,3})\[\^[^\]\s]{1,100}\]:[ \t]*")  # "[^1]: text": the text is read as a paragraph
_BULLET_LINE = re.compile(r"^(\s*)(?:[•*\-–]|\d{1,3}[.)])\s+(\S.*)$")


def read_draft(path: str | Path) -> Draft:
    """Read the draft at ``path``: ``.docx`` as Word (:mod:`kbase.drafts.docx`), ``.html``/``.htm`` as a web
    page (:mod:`kbase.drafts.html_draft`), ``.md``/``.markdown``/``.qmd``/``.rmd`` as Markdown, anything else as plain text.

    Raises
    ------
    LoadError
        When the file is missing, too large, binary, or not UTF-8 (with the first bad byte's place).
    """
    name = str(path)
    suffix = Path(name).suffix.lower()
    if suffix in (".docx", ".docm"):
        return read_docx(name)
    if suffix in (".html", ".htm", ".xhtml"):
        return read_html(name)
    text = read_text(name, max_bytes=MAX_DRAFT_BYTES, what="drafts")
    markdown = name.lower().endswith((".md", ".markdown", ".mdown", ".qmd", ".rmd"))
    return parse_draft(text, name, markdown=markdown)


def parse_draft(text: str, path: str = "draft.md", *, markdown: bool = True) -> Draft:
    """Split ``text`` into located sentences (see :func:`read_draft`)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = _markdown_blocks(lines) if markdown else _text_blocks(lines)
    examples = frozenset(_EXAMPLE_LABEL.findall(text)) if markdown else frozenset()
    return draft_from_blocks(blocks, path, examples=examples)


def _front_matter_end(lines: list[str]) -> int:
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return i + 1
    return 0


def _markdown_blocks(lines: list[str]) -> list[Block]:
    from markdown_it import MarkdownIt

    skip = _front_matter_end(lines)
    source = "\n".join([""] * skip + [_FOOTNOTE_LABEL.sub(r"\1", line) for line in lines[skip:]])
    # block structure only (tables included: each cell is read on its own line); the inline parse of
    # children is not needed here, and is slow on hostile text
    tokens = MarkdownIt("commonmark").enable("table").disable("inline").parse(source)
    blocks: list[Block] = []
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
            block = Block(kind, _locate(lines, token.map, token.content), section, pending_number, under_references)
            if kind == "heading":
                block.level = int(tokens[i - 1].tag[1:]) if tokens[i - 1].tag[1:].isdigit() else 0
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


def _text_blocks(lines: list[str]) -> list[Block]:
    """Plain text: a blank line ends a paragraph; bullet and numbered lines are items; a short line
    without closing punctuation, alone between blank lines, is a heading."""
    blocks: list[Block] = []
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
            blocks.append(Block("heading", list(current), section))
        else:
            blocks.append(Block("paragraph", list(current), section, 0, under_references))
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
            blocks.append(Block("item", [(number, body, col)], section, int(numbered.group(2)) if numbered else 0, under_references))
            continue
        stripped = line.strip()
        current.append((number, stripped, line.find(stripped)))
    flush()
    return blocks
