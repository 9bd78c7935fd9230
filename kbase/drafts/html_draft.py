"""Reading an HTML draft or a saved web article: the article's text, its citations and its reference list.

The standard library's :class:`html.parser.HTMLParser` reads the page: it never fails on broken
markup (unclosed tags, stray ``</div>``, bad entities) and knows where each tag starts, so places
are real source lines. Only text is read: scripts, styles, templates, frames, forms, SVG, and the
page furniture (``nav``, ``header``, ``footer``, ``aside``), hidden elements too, are skipped.
When the page has ``<main>`` or ``<article>``, only the text inside them is read.

Citations: ``<sup>`` numbers (``<sup>1</sup>``, ``<sup><a href="#ref1">1,2</a></sup>``) are
numbered citations; links to a DOI, PubMed or PMC page cite that identifier (resolved against the
library's identifiers); anything typed in the text (``[1]``, ``[@key]``) is read as in any draft.
An ordered list (``<ol>``/``<li>``) under a "References" heading, or at the end of the page and
looking like references, is the page's own reference list; its DOI and PubMed links resolve its
entries before their words do.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from ..errors import LoadError, Location
from ..identifiers import identifiers_in
from ..language.sentences import MAX_FIELDS, Citation, anchor_char
from ..loaders.inputs import read_text
from .blocks import REFERENCE_HEADING, Block, Draft, draft_from_blocks

__all__ = ["parse_html", "read_html"]

MAX_HTML_BYTES = 10_000_000
SKIP = frozenset(
    "script style noscript template iframe frame frameset object embed svg math canvas nav header footer aside form "
    "button select textarea head audio video map".split()
)
BLOCKS = frozenset(
    "p div li ol ul h1 h2 h3 h4 h5 h6 blockquote section article main td th tr table tbody thead dd dt dl figure "
    "figcaption pre hr address details summary body html".split()
)
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_LIST_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits, as browsers read start and value; longer is not a list number
_CITING_SUP = re.compile(r"^\[?\s*\d{1,4}(?:\s*[-–—,]\s*\d{1,4}){0,50}\s*\]?$")


def read_html(path: str | Path) -> Draft:
    """Read the HTML draft at ``path`` (UTF-8; read for its text only, whatever its markup).

    Raises
    ------
    LoadError
        When the file is missing, over 10 MB, binary or not UTF-8.
    """
    name = str(path)
    try:
        text = read_text(name, max_bytes=MAX_HTML_BYTES, what="HTML drafts")
    except LoadError as error:
        # a page saved in another encoding says so in a <meta charset>: read it in that encoding
        declared = _declared_charset(name) if error.message.startswith("not valid UTF-8") else None
        if declared is None:
            raise
        text = read_text(name, encoding=declared, max_bytes=MAX_HTML_BYTES, what="HTML drafts")
    return parse_html(text, name)


_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9_-]{1,40})", re.IGNORECASE)


def _declared_charset(name: str) -> str | None:
    """The encoding a page declares in its first 4 kB (``<meta charset=…>``), if Python knows it and it is not UTF-8."""
    import codecs

    try:
        with open(name, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    match = _CHARSET.search(head)
    if not match:
        return None
    try:
        encoding = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return None if encoding == "utf-8" else encoding


def parse_html(text: str, path: str = "draft.html") -> Draft:
    """Split an HTML page into located sentences (see :func:`read_html`)."""
    reader = _Reader(path)
    try:
        reader.feed(_defuse(text))
        reader.close()
    except AssertionError as exc:  # html.parser's way of refusing markup; not expected after _defuse
        raise LoadError(Location(path, *reader.getpos()), f"cannot be read as HTML ({exc})") from None
    reader.flush()
    blocks = [b for b, in_main in reader.blocks if in_main] if any(m for _, m in reader.blocks) else [b for b, _ in reader.blocks]
    return draft_from_blocks(blocks, path, reader.anchors)


_DECLARATION = re.compile(r"<!(?!--|\[CDATA\[|doctype)", re.IGNORECASE)


def _defuse(text: str) -> str:
    """``text`` with the "<" that can never start a complete tag or comment written as "&lt;".

    html.parser re-reads an unfinished tag or comment from its start up to the end of the input, once
    for each: quadratic on "<a: <a: …" (64 kB: a minute) or "<!--x> <!--x> …". A "<" after the last
    ">" cannot end, nor can a "<!--" after the last "-->"; what the page shows is the same.
    """
    text = _DECLARATION.sub("&lt;!", text)  # "<![a>": html.parser raises on marked sections it does not know
    last_gt = text.rfind(">")
    head, tail = text[: last_gt + 1], text[last_gt + 1 :].replace("<", "&lt;")
    last_comment = head.rfind("-->")
    return head[: last_comment + 1] + head[last_comment + 1 :].replace("<!--", "&lt;!--") + tail


class _Reader(HTMLParser):
    def __init__(self, path: str = "draft.html") -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.open_tags: Counter[str] = Counter()  # how many of each tag the stack holds: a stray end tag is found in O(1)
        self.blocks: list[tuple[Block, bool]] = []
        self.anchors: dict[str, Citation] = {}
        self.stack: list[str] = []  # open elements (for skipping and closing)
        self.skip_depth = 0  # > 0 inside skipped elements
        self.main_depth = 0  # > 0 inside <main> or <article>
        self.segments: list[list] = []  # the current block's lines: [line0, text, col0]
        self.kind = "paragraph"
        self.number = 0
        self.level = 0  # the open heading's level (h1: 1)
        self.lists: list[list[int]] = []  # [ordered, next number] per open list
        self.sup: list[str] | None = None  # text of an open <sup>
        self.link: list[tuple[str, str]] = []
        self.section = ""
        self.under_references = False

    # -- blocks ------------------------------------------------------------

    def flush(self) -> None:
        lines = []
        for line0, text, col0 in self.segments:
            stripped = text.strip()
            if stripped:
                lines.append((line0, " ".join(stripped.split()), col0 + len(text) - len(text.lstrip())))
        self.segments = []
        if not lines:
            return
        if self.kind == "heading":
            self.section = " ".join(t for _, t, _ in lines)
            self.under_references = bool(REFERENCE_HEADING.match(self.section))
            block = Block("heading", lines, self.section, level=self.level)
        else:
            block = Block(self.kind, lines, self.section, self.number, self.under_references)
        self.blocks.append((block, self.main_depth > 0))

    def write(self, text: str) -> None:
        if self.skip_depth or not text:
            return
        if self.sup is not None:
            self.sup.append(text)
            return
        line, col = self.getpos()
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            here = (line - 1 + i, col if i == 0 else 0)
            if self.segments and self.segments[-1][0] == here[0]:
                self.segments[-1][1] += piece
            elif piece.strip():
                self.segments.append([here[0], piece, here[1]])

    # -- parser events ------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        hidden = (
            "hidden" in attributes or attributes.get("aria-hidden") == "true" or "display:none" in (attributes.get("style") or "").replace(" ", "")
        )
        if tag in VOID:
            if tag == "br":
                self.write(" ")
            return
        self.stack.append(tag)
        self.open_tags[tag] += 1
        if tag in SKIP or hidden or self.skip_depth:
            self.skip_depth += 1
            return
        if tag in ("main", "article"):
            self.main_depth += 1
        if tag in BLOCKS:
            self.flush()
            self.kind, self.number = "paragraph", 0
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.kind, self.level = "heading", int(tag[1])
            elif tag in ("ol", "ul"):
                start = (attributes.get("start") or "1").strip()
                self.lists.append([tag == "ol", int(start) if _LIST_NUMBER.fullmatch(start) else 1])
            elif tag == "li":
                self.kind = "item"
                if self.lists and self.lists[-1][0]:
                    value = attributes.get("value") or ""
                    if _LIST_NUMBER.fullmatch(value.strip()):
                        self.lists[-1][1] = int(value)
                    self.number = self.lists[-1][1]
                    self.lists[-1][1] += 1
        elif tag == "sup":
            self.sup = []
        elif tag == "a":
            self.link.append((attributes.get("href") or "", tag))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.open_tags[tag]:
            return  # a stray end tag
        while self.stack:  # close what was left open inside it
            open_tag = self.stack.pop()
            self.open_tags[open_tag] -= 1
            self._close(open_tag)
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag in ("main", "article"):
            self.main_depth = max(0, self.main_depth - 1)
        if tag == "sup" and self.sup is not None:
            text, self.sup = " ".join("".join(self.sup).split()), None
            self.write(f"^{text.strip('[]').strip()}^" if _CITING_SUP.match(text) else text)
        elif tag == "a" and self.link:
            href, _ = self.link.pop()
            cited = [f"{scheme}:{value}" for scheme, value in identifiers_in(href)] if "http" in href else []
            if cited and self.sup is None:
                if len(self.anchors) >= MAX_FIELDS:
                    raise LoadError(Location(self.path, *self.getpos()), f"more than {MAX_FIELDS:,} citing links; kbase reads drafts with fewer")
                char = anchor_char(len(self.anchors))
                self.anchors[char] = Citation("link", tuple(cited[:1]))
                self.write(char)
        if tag in BLOCKS:
            self.flush()
            self.kind, self.number = "paragraph", 0
            if tag in ("ol", "ul") and self.lists:
                self.lists.pop()

    def handle_data(self, data: str) -> None:
        self.write(data)
