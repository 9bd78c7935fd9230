"""Reading a Word draft (``.docx``): paragraphs, headings and lists in order, and the citations
that reference managers store in Word fields.

A ``.docx`` is a zip package; the text is ``word/document.xml`` (OOXML). It is read directly with
:mod:`zipfile` and :mod:`xml.etree.ElementTree` rather than through python-docx: python-docx
exposes paragraphs and runs but not fields (``w:fldChar`` begin / ``w:instrText`` / separate /
result / end, or ``w:fldSimple``), and the fields are what this reader is for, so it would walk the
same XML itself and add a dependency for nothing.

Fields understood:

* Zotero: ``ADDIN ZOTERO_ITEM CSL_CITATION {json}``, whose ``citationItems[].itemData`` is the
  CSL-JSON of each cited item; ``ADDIN ZOTERO_BIBL`` is the bibliography it writes.
* Mendeley: ``ADDIN CSL_CITATION {json}`` (same layout); ``ADDIN Mendeley Bibliography``.
* EndNote: ``ADDIN EN.CITE <EndNote><Cite>…</Cite></EndNote>`` (author, year, title, DOI in
  ``electronic-resource-num``, PubMed id in ``accession-num``); ``ADDIN EN.REFLIST``.

Each citation field becomes one placeholder character in the paragraph's text (see
:data:`kbase.language.sentences.ANCHOR_BASE`) and a :class:`~kbase.language.sentences.Citation` of kind
``field`` holding its items; the field's displayed text ("[1]", "(Cohen 2018)") is dropped.
A bibliography field's paragraphs are not read as sentences. Plain typed citations ("[1]", a
superscript "1") are read as in any other draft, with the document's own numbered reference list.
With a note style, the fields are in footnotes or endnotes: the citations of a note stand where
its mark is in the text (the note's own prose is not audited).

Places are paragraph numbers (counting the paragraphs that hold text, tables included) and
character offsets within the paragraph.
"""

from __future__ import annotations

import json
import lzma
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree import ElementTree

from ..errors import LoadError, Location
from ..files import NotRegularFile, open_regular
from ..language.sentences import MAX_FIELDS, Citation, anchor_char, find_citations
from ..loaders.inputs import json_text
from .blocks import REFERENCE_HEADING, Block, Draft, draft_from_blocks

__all__ = ["MAX_DOCX_BYTES", "MAX_XML_BYTES", "NOT_RUNNING_TEXT", "W", "package_bytes", "paragraph_elements", "read_docx"]

MAX_DOCX_BYTES = 50_000_000  # the package on disk
MAX_XML_BYTES = 20_000_000  # the parts read (PARTS), unpacked together (a zip bomb stops here)
MAX_RATIO = 200  # no part may unpack to more than this many times its packed size
PARTS = ("word/document.xml", "word/numbering.xml", "word/styles.xml", "word/footnotes.xml", "word/endnotes.xml")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Elements inside a paragraph whose text is not the paragraph's running text: pictures, text boxes
#: (their own story), embedded objects, and Word's fallback copies of them. The reader leaves them out,
#: and a reviewed copy's comments never reach into them (kbase.render.review).
NOT_RUNNING_TEXT = ("}drawing", "}pict", "}Fallback", "}object")
_HEADING_STYLE = re.compile(r"^(heading\s?\d|title|subtitle|überschrift\s?\d|titre\s?\d)$", re.I)
_TYPED_NUMBER = re.compile(r"^\s*\[?(\d{1,3})[.)\]]\s+(\S.*)$")
_SUPERSCRIPT_CITE = re.compile(r"^[\d,\-–\s]+$")


def read_docx(path: str | Path) -> Draft:
    """Read the Word draft at ``path``.

    Raises
    ------
    LoadError
        When the file is missing, too large, not a Word package (or encrypted: Word saves a
        password-protected document as an OLE file, not a zip), a zip bomb, or holds XML or a
        citation field that cannot be read (the paragraph is named).
    """
    name = str(path)
    parts = _package_parts(name)
    reader = _Reader(name)
    try:
        root = ElementTree.fromstring(parts["word/document.xml"])
    except (ElementTree.ParseError, LookupError, ValueError) as exc:  # LookupError: an unknown encoding declared
        raise LoadError(Location(name, 0, 0), f"word/document.xml is not well-formed XML ({exc}); open the file in Word and save it again") from None
    body = root.find(f"{W}body")
    if body is None:
        raise LoadError(Location(name, 0, 0), "word/document.xml has no body: this is not a Word document")
    reader.numbering = _Numbering(_xml(parts.get("word/numbering.xml")), _xml(parts.get("word/styles.xml")))
    try:
        reader.notes = _notes(name, reader, parts)
        reader.walk(body)
    except RecursionError:
        raise LoadError(Location(name, 0, 0), "word/document.xml is nested too deeply to be a Word document") from None
    draft = draft_from_blocks(reader.blocks, name, reader.anchors, unit="paragraph")
    draft.elements = reader.elements
    return draft


def package_bytes(path: str | Path) -> bytes:
    """The whole ``.docx`` package at ``path``, for writing a reviewed copy of it, after the checks a
    reader of every part needs: a regular file of at most :data:`MAX_DOCX_BYTES` whose members
    declare at most ten times that unpacked and none more than :data:`MAX_RATIO` times its packed
    size (a zip member is never read past its declared size)."""
    import io

    name = str(path)
    where = Location(name, 0, 0)
    with _open_package(name) as handle:
        data = handle.read(MAX_DOCX_BYTES + 1)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError(where, f"not a .docx package ({exc})") from None
    # python-docx parses every XML part it reaches: they share the reader's budget; other parts (pictures)
    # are kept as bytes, and may unpack to ten times the package's limit
    xml = [m for m in members if m.filename.endswith((".xml", ".rels"))]
    if (
        sum(m.file_size for m in members) > 10 * MAX_DOCX_BYTES
        or sum(m.file_size for m in xml) > MAX_XML_BYTES
        or any(m.file_size > MAX_RATIO * max(m.compress_size, 10_000) for m in members)
    ):
        raise LoadError(
            where,
            f"refused as a possible zip bomb (its XML parts unpack to more than {MAX_XML_BYTES / 1e6:.0f} MB, "
            f"or a part to more than {MAX_RATIO} times its size)",
        )
    return data


def _package_parts(name: str) -> dict[str, bytes]:
    """The XML parts kbase reads (:data:`PARTS`), unpacked: word/document.xml always, the others when present.

    A zip bomb stops early: all the parts together unpack to at most :data:`MAX_XML_BYTES`, none
    may unpack to more than :data:`MAX_RATIO` times its packed size, and each is read only up to
    what is left of the budget (a header may lie about the size). Damaged data (bad deflate or
    LZMA streams, a truncated package) is a located error, never a traceback.
    """
    with _open_package(name) as handle:  # one open: the file checked is the file read
        return _unpacked_parts(handle, Location(name, 0, 0))


def _open_package(name: str) -> BinaryIO:
    """The Word package ``name``, opened once: a regular file (not a FIFO or a device) of at most
    :data:`MAX_DOCX_BYTES`; a located error otherwise."""
    where = Location(name, 0, 0)
    try:
        handle = open_regular(name)
    except FileNotFoundError:
        raise LoadError(where, "no such file") from None
    except NotRegularFile:
        raise LoadError(where, "not a regular file (a FIFO or a device): kbase reads Word drafts from files") from None
    except OSError as exc:
        raise LoadError(where, f"cannot read: {exc.strerror}") from None
    if os.fstat(handle.fileno()).st_size > MAX_DOCX_BYTES:
        handle.close()
        raise LoadError(where, f"the file is over {MAX_DOCX_BYTES / 1e6:.0f} MB; kbase reads Word drafts up to {MAX_DOCX_BYTES / 1e6:.0f} MB")
    return handle


def _unpacked_parts(handle: BinaryIO, where: Location) -> dict[str, bytes]:
    """:func:`_package_parts` of an open package."""
    bomb = f"refused as a possible zip bomb (kbase reads Word drafts whose text parts unpack to at most {MAX_XML_BYTES / 1e6:.0f} MB)"
    try:
        if handle.read(8).startswith(b"\xd0\xcf\x11\xe0"):
            raise LoadError(
                where,
                "this is an OLE file, not a .docx package: a password-protected document, or an old .doc; "
                "remove the password (or save as .docx) in Word and try again",
            )
        handle.seek(0)
        parts: dict[str, bytes] = {}
        left = MAX_XML_BYTES
        with zipfile.ZipFile(handle) as package:
            _check_main_part(package, where)
            for part in PARTS:
                try:
                    info = package.getinfo(part)
                except KeyError:
                    if part == "word/document.xml":
                        raise LoadError(where, "the package has no word/document.xml: this is not a Word document") from None
                    continue
                if info.file_size > left or info.file_size > MAX_RATIO * max(info.compress_size, 10_000):
                    raise LoadError(where, f"{part} unpacks to {info.file_size / 1e6:.1f} MB from {info.compress_size / 1e6:.1f} MB; {bomb}")
                with package.open(info) as member:
                    data = member.read(left + 1)
                if len(data) > left:
                    raise LoadError(where, f"{part} unpacks to more than it says; {bomb}")
                left -= len(data)
                if b"<!DOCTYPE" in data[:4096].upper():
                    raise LoadError(
                        where,
                        f"{part} declares a DOCTYPE, which Word never writes (its entities would read differently "
                        "in different programs); open the file in Word and save it again",
                    )
                parts[part] = data
        return parts
    except LoadError:
        raise
    except zipfile.BadZipFile:
        raise LoadError(where, "not a .docx package (not a zip file); save the draft from Word as .docx") from None
    except RuntimeError as exc:  # an encrypted zip member
        raise LoadError(where, f"cannot open the package ({exc})") from None
    except (OSError, ValueError, NotImplementedError, EOFError, zlib.error, lzma.LZMAError) as exc:
        raise LoadError(where, f"the package is damaged ({exc}); open it in Word and save it again") from None


_TARGET = re.compile(rb'Target="([^"]*)"')


def _check_main_part(package: zipfile.ZipFile, where: Location) -> None:
    """The package's main part, as ``_rels/.rels`` names it, must be word/document.xml: the part Word
    shows is the part kbase reads (a package that names another main part could show one text to
    the writer and another to kbase)."""
    try:
        info = package.getinfo("_rels/.rels")
    except KeyError:
        return  # no relationships: Word would not open it; the reader reads word/document.xml
    if info.file_size > 1_000_000:
        raise LoadError(where, "_rels/.rels is over 1 MB; this is not a package Word saved")
    with package.open(info) as member:
        rels = member.read(1_000_001)
    for match in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = match.group()
        if b"/officeDocument\"" in tag:
            target = _TARGET.search(tag)
            name = target.group(1).decode("utf-8", "replace").lstrip("/") if target else ""
            if name != "word/document.xml":
                raise LoadError(
                    where,
                    f"the package's main part is {name!r}, not word/document.xml, so Word would show a text "
                    "other than the one kbase reads; open the file in Word and save it again",
                )


def _xml(data: bytes | None) -> ElementTree.Element | None:
    """A part other than the document, parsed; None when absent or not well-formed (it is then ignored)."""
    if data is None:
        return None
    try:
        return ElementTree.fromstring(data)
    except (ElementTree.ParseError, LookupError, ValueError, RecursionError):
        return None


def _notes(name: str, reader: _Reader, parts: dict[str, bytes]) -> dict[tuple[str, str], list[Citation]]:
    """The citations of each footnote and endnote (word/footnotes.xml, word/endnotes.xml), by ``(kind, id)``:
    with a note style (Chicago notes, OSCOLA) Zotero puts its fields there, behind a note mark in the text."""

    notes: dict[tuple[str, str], list[Citation]] = {}
    for kind in ("footnote", "endnote"):
        root = _xml(parts.get(f"word/{kind}s.xml"))
        if root is None:
            continue
        for note in root.iter(f"{W}{kind}"):
            inner = _Reader(name)
            inner.numbering = reader.numbering
            texts = ["".join(value for _, value in inner._pieces(p)) for p in paragraph_elements(note)]
            notes[(kind, note.get(f"{W}id", ""))] = find_citations(" ".join(texts), inner.anchors)
    return notes


class _Numbering:
    """Word's list numbering, resolved as Word shows it (word/numbering.xml and word/styles.xml).

    A paragraph is numbered by its own ``w:numPr`` or by its style's (a "List Number" paragraph
    carries only the style; styles inherit ``w:basedOn``); ``numId`` 0 means not numbered. Each
    ``w:num`` names an abstract list; lists that share one continue its count, unless the ``w:num``
    restarts a level (``w:lvlOverride/w:startOverride``). A level starts at its ``w:start``; a
    number at one level restarts the levels below it.
    """

    MAX_LEVELS = 9

    def __init__(self, numbering: ElementTree.Element | None, styles: ElementTree.Element | None) -> None:
        self.levels: dict[str, dict[int, tuple[str, int]]] = {}  # abstractNumId -> {ilvl: (numFmt, start)}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, {ilvl: startOverride})
        self.styles: dict[str, tuple[str, int | None]] = {}  # styleId -> (numId, ilvl) of the style itself
        self.based_on: dict[str, str] = {}
        self.counts: dict[str, list[int | None]] = {}
        self.restarted: set[str] = set()
        if numbering is not None:
            for node in numbering.iter(f"{W}abstractNum"):
                levels = self.levels.setdefault(node.get(f"{W}abstractNumId", ""), {})
                for level in node.iter(f"{W}lvl"):
                    levels[_int(level.get(f"{W}ilvl"), 0)] = (_val(level.find(f"{W}numFmt"), "decimal"), _int(_val(level.find(f"{W}start"), "1"), 1))
            for num in numbering.iter(f"{W}num"):
                overrides = {
                    _int(o.get(f"{W}ilvl"), 0): _int(_val(o.find(f"{W}startOverride"), ""), 1)
                    for o in num.iter(f"{W}lvlOverride")
                    if o.find(f"{W}startOverride") is not None
                }
                self.nums[num.get(f"{W}numId", "")] = (_val(num.find(f"{W}abstractNumId"), ""), overrides)
        if styles is not None:
            for style in styles.iter(f"{W}style"):
                sid = style.get(f"{W}styleId", "")
                based = style.find(f"{W}basedOn")
                if based is not None:
                    self.based_on[sid] = based.get(f"{W}val", "")
                numbered = style.find(f"{W}pPr/{W}numPr")
                if numbered is not None:
                    level = numbered.find(f"{W}ilvl")
                    self.styles[sid] = (_val(numbered.find(f"{W}numId"), ""), _int(level.get(f"{W}val"), 0) if level is not None else None)

    def _from_style(self, style: str) -> tuple[str, int | None] | None:
        for _ in range(20):  # a style's ancestry, bounded (a cycle of basedOn ends here)
            if style in self.styles:
                return self.styles[style]
            style = self.based_on.get(style, "")
            if not style:
                return None
        return None

    def number(self, p: ElementTree.Element, style: str) -> tuple[bool, int]:
        """(whether the paragraph is a list item, its number: 0 for a bullet or an unnumbered level)."""
        own = p.find(f"{W}pPr/{W}numPr")
        inherited = self._from_style(style)
        num_id, level = inherited if inherited is not None else ("", None)
        if own is not None:
            if own.find(f"{W}numId") is not None:
                num_id = _val(own.find(f"{W}numId"), "")
            if own.find(f"{W}ilvl") is not None:
                level = _int(_val(own.find(f"{W}ilvl"), "0"), 0)
        if own is None and inherited is None or num_id in ("", "0"):
            return False, 0
        level = min(max(level or 0, 0), self.MAX_LEVELS - 1)
        abstract, overrides = self.nums.get(num_id, (f"num {num_id}", {}))
        fmt, start = self.levels.get(abstract, {}).get(level, ("decimal", 1))
        counts = self.counts.setdefault(abstract, [None] * self.MAX_LEVELS)
        if num_id not in self.restarted:
            self.restarted.add(num_id)
            for at, begin in overrides.items():
                if 0 <= at < self.MAX_LEVELS:
                    counts[at] = begin - 1
        counts[level] = (start - 1 if counts[level] is None else counts[level]) + 1  # type: ignore[operator]
        for deeper in range(level + 1, self.MAX_LEVELS):
            counts[deeper] = None
        if fmt in ("bullet", "none", ""):
            return True, 0
        return True, min(counts[level] or 0, 10**6)


def _val(node: ElementTree.Element | None, default: str) -> str:
    return node.get(f"{W}val", default) if node is not None else default


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None and len(text) < 8 else default
    except ValueError:
        return default


class _Field:
    __slots__ = ("instruction", "separated", "kind", "citation")

    def __init__(self) -> None:
        self.instruction: list[str] = []
        self.separated = False
        self.kind = ""  # "citation", "bibliography" or "" (any other field: its result is text)
        self.citation: Citation | None = None


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.blocks: list[Block] = []
        self.anchors: dict[str, Citation] = {}
        self.numbering = _Numbering(None, None)
        self.fields: list[_Field] = []  # open complex fields (they nest, and span paragraphs)
        self.paragraph = 0  # paragraphs with text so far
        self.elements: list[int] = []  # the position of each of them among all the body's paragraphs
        self.section = ""
        self.under_references = False
        self.notes: dict[tuple[str, str], list[Citation]] = {}  # the citations in each footnote and endnote

    # -- fields ------------------------------------------------------------

    def _classify(self, instruction: str) -> tuple[str, Citation | None]:
        text = instruction.strip()
        upper = text.upper()
        if upper.startswith("ADDIN ZOTERO_ITEM") or upper.startswith("ADDIN CSL_CITATION"):
            source = "zotero" if "ZOTERO" in upper[:20] else "mendeley"
            start = text.find("{")
            try:
                data = json.loads(json_text(text[start:])) if start >= 0 else None
                raw = data.get("citationItems") if isinstance(data, dict) else None
                items = tuple(entry.get("itemData") or {} for entry in raw if isinstance(entry, dict)) if isinstance(raw, list) else ()
            except (ValueError, RecursionError):
                raise LoadError(
                    self._here(), f"a {source.title()} citation field holds data that is not valid JSON; refresh the citations in Word and save again"
                ) from None
            items = tuple(item for item in items if isinstance(item, dict))
            if not items:
                raise LoadError(self._here(), f"a {source.title()} citation field cites no item; refresh the citations in Word and save again")
            return "citation", Citation("field", items=items, source=source)
        if upper.startswith("ADDIN EN.CITE") and not upper.startswith("ADDIN EN.CITE.DATA"):
            if "<EndNote" not in text:
                # the record is only in the nested EN.CITE.DATA field's binary data: the displayed text
                # ("[1]", "(Cohen, 2018)") is read instead, as a typed citation
                return "", None
            return "citation", Citation("field", items=_endnote_items(text, self._here()), source="endnote")
        if upper.startswith("ADDIN EN.CITE.DATA"):
            return "data", None  # EndNote's copy of the same citation, nested inside EN.CITE
        if upper.startswith(("ADDIN ZOTERO_BIBL", "ADDIN MENDELEY BIBLIOGRAPHY", "ADDIN EN.REFLIST", "ADDIN CSL_BIBLIOGRAPHY")):
            return "bibliography", None
        return "", None

    def _here(self) -> Location:
        """The paragraph being read, as a place."""
        return Location(self.name, self.paragraph + 1, 1, "paragraph")

    def _hidden(self) -> bool:
        """Whether text here is a citation's or bibliography's displayed result (not read as prose)."""
        return any(f.separated and f.kind in ("citation", "bibliography") for f in self.fields) or any(not f.separated for f in self.fields)

    # -- walking -----------------------------------------------------------

    def walk(self, body: ElementTree.Element) -> None:
        for position, paragraph in enumerate(paragraph_elements(body)):
            counted = self.paragraph
            self._paragraph(paragraph)
            if self.paragraph > counted:
                self.elements.append(position)
            if len(self.anchors) > MAX_FIELDS:
                raise LoadError(Location(self.name, 0, 0), f"more than {MAX_FIELDS:,} citation fields; kbase reads drafts with fewer")

    def _paragraph(self, p: ElementTree.Element) -> None:
        # a bibliography field's result, like a citation's, is hidden: its paragraphs come out empty
        text = " ".join("".join(value for _, value in self._pieces(p)).split())
        if not text:
            return
        self.paragraph += 1
        style = _style(p)
        line = (self.paragraph - 1, text, 0)
        if _HEADING_STYLE.match(style) or p.find(f"{W}pPr/{W}outlineLvl") is not None:
            self.section = text
            self.under_references = bool(REFERENCE_HEADING.match(text))
            digits = re.sub(r"\D", "", style)[:1]
            self.blocks.append(Block("heading", [line], self.section, level=int(digits) if digits else 1))
            return
        if REFERENCE_HEADING.match(text):  # a "References" line in bold, not styled as a heading
            self.section, self.under_references = text, True
            self.blocks.append(Block("heading", [line], self.section))
            return
        listed, number = self.numbering.number(p, style)
        if listed:
            self.blocks.append(Block("item", [line], self.section, number, self.under_references))
            return
        typed = _TYPED_NUMBER.match(text)
        if typed:
            body = typed.group(2)
            self.blocks.append(Block("item", [(self.paragraph - 1, body, text.find(body))], self.section, int(typed.group(1)), self.under_references))
            return
        self.blocks.append(Block("paragraph", [line], self.section, 0, self.under_references))

    def _pieces(self, node: ElementTree.Element) -> Iterator[tuple[str, str]]:
        """The text of a paragraph in order, with a placeholder where a citation field was."""
        for child in node:
            tag = child.tag
            if tag == f"{W}fldSimple":
                kind, citation = self._classify(child.get(f"{W}instr", ""))
                if kind == "citation" and citation is not None:
                    yield "anchor", self._anchor(citation)
                elif kind not in ("bibliography", "data"):
                    yield from self._pieces(child)
            elif tag == f"{W}fldChar":
                yield from self._field_char(child.get(f"{W}fldCharType"))
            elif tag == f"{W}instrText":
                if self.fields and not self.fields[-1].separated:
                    self.fields[-1].instruction.append(child.text or "")
            elif tag.endswith(NOT_RUNNING_TEXT):
                continue  # text boxes and pictures: not the draft's running text
            elif tag in (f"{W}footnoteReference", f"{W}endnoteReference"):
                kind = "footnote" if tag == f"{W}footnoteReference" else "endnote"
                for citation in self.notes.get((kind, child.get(f"{W}id", "")), []):
                    yield "anchor", self._anchor(citation)  # a note that cites: its citations stand at the note mark
            elif tag in (f"{W}del", f"{W}delText", f"{W}moveFrom", f"{W}rPr", f"{W}pPr", f"{W}commentReference"):
                continue
            elif tag == f"{W}t":
                if not self._hidden():
                    yield "text", child.text or ""
            elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                if not self._hidden():
                    yield "text", " "
            elif tag == f"{W}r" and _superscript(child) and not self._hidden():
                text = "".join(t.text or "" for t in child.iter(f"{W}t"))
                if text.strip() and _SUPERSCRIPT_CITE.match(text):
                    yield "text", f"^{text.strip()}^"  # a typed superscript citation
                else:
                    yield from self._pieces(child)
            else:
                yield from self._pieces(child)

    def _field_char(self, state: str | None) -> Iterator[tuple[str, str]]:
        """A complex field's begin, separate or end mark: a citation field's anchor where its result starts
        (or, for a field with no result part, where it ends)."""
        if state == "begin":
            self.fields.append(_Field())
        elif state == "separate" and self.fields:
            field = self.fields[-1]
            field.kind, field.citation = self._classify("".join(field.instruction))
            field.separated = True
            if field.kind == "citation" and field.citation is not None:
                yield "anchor", self._anchor(field.citation)
        elif state == "end" and self.fields:
            field = self.fields.pop()
            if not field.separated:  # a field without a result part
                kind, citation = self._classify("".join(field.instruction))
                if kind == "citation" and citation is not None:
                    yield "anchor", self._anchor(citation)

    def _anchor(self, citation: Citation) -> str:
        char = anchor_char(len(self.anchors))
        self.anchors[char] = citation
        return char


def paragraph_elements(node: Any) -> Iterator[Any]:
    """The paragraphs of the body in reading order, those inside tables and content controls included
    (an ElementTree or an lxml body: the reviewed copy of a draft finds its paragraphs the same way)."""
    for child in node:
        if child.tag == f"{W}p":
            yield child
        elif child.tag in (f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins"):
            yield from paragraph_elements(child)


def _style(p: ElementTree.Element) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val", "") if style is not None else ""


def _superscript(run: ElementTree.Element) -> bool:
    align = run.find(f"{W}rPr/{W}vertAlign")
    return align is not None and align.get(f"{W}val") == "superscript"


def _endnote_items(instruction: str, where: Location) -> tuple[dict[str, Any], ...]:
    """EndNote's ``<EndNote><Cite>…</Cite></EndNote>`` as CSL-JSON-like items (title, author, year, DOI, PMID)."""
    start = instruction.find("<EndNote")
    try:
        root = ElementTree.fromstring(instruction[start:]) if start >= 0 else None
    except (ElementTree.ParseError, LookupError, ValueError):
        root = None
    if root is None:
        raise LoadError(where, "an EndNote citation field holds data that is not valid XML; update the citations in Word and save again")
    items = []
    for cite in root.iter("Cite"):
        record = cite.find("record")
        item: dict[str, Any] = {}
        title = record.findtext("titles/title") if record is not None else None
        if title:
            item["title"] = " ".join("".join(record.find("titles/title").itertext()).split())  # type: ignore[union-attr]
        authors = [" ".join("".join(a.itertext()).split()) for a in record.iter("author")] if record is not None else []
        authors = authors or [cite.findtext("Author") or ""]
        item["author"] = [{"family": a.split(",")[0].strip()} for a in authors if a.strip()]
        year = (cite.findtext("Year") or (record.findtext("dates/year") if record is not None else "") or "").strip()
        if year[:4].isdigit():
            item["issued"] = {"date-parts": [[int(year[:4])]]}
        if record is not None:
            doi = "".join(record.find("electronic-resource-num").itertext()) if record.find("electronic-resource-num") is not None else ""
            if "10." in doi:
                item["DOI"] = doi[doi.find("10.") :].strip()
            accession = "".join(record.find("accession-num").itertext()).strip() if record.find("accession-num") is not None else ""
            if accession.isdigit():
                item["PMID"] = accession
        if item.get("title") or item.get("DOI") or item.get("PMID"):
            items.append(item)
    if not items:
        raise LoadError(where, "an EndNote citation field names no reference (no title, DOI or PubMed id)")
    return tuple(items)
