"""Build .docx files the way Word and the reference-manager plug-ins store them, for tests.

Word writes ``word/document.xml`` with text split into many runs (each change of revision id,
spelling state or format starts one). Citation plug-ins insert *complex fields*: a run with
``<w:fldChar w:fldCharType="begin"/>``, the instruction in one or more ``<w:instrText>`` runs
(Zotero splits its long JSON into pieces of a few hundred characters), a ``separate`` fldChar, the
displayed result in ordinary runs, and an ``end`` fldChar; some tools write ``<w:fldSimple
w:instr="…">`` instead. Zotero's instruction is ``ADDIN ZOTERO_ITEM CSL_CITATION {json}``,
Mendeley's ``ADDIN CSL_CITATION {json}``, EndNote's ``ADDIN EN.CITE <EndNote>…</EndNote>`` (XML,
escaped inside instrText). The bibliography is itself a field (``ADDIN ZOTERO_BIBL …``).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"'
)

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"""
DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""
NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering {NS}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>"""


# The paragraph styles the tests use, defined as Word defines them (style ids with their names), so that
# other programs (LibreOffice) read the headings as headings.
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {NS}>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    + "".join(
        f'<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/><w:basedOn w:val="Normal"/>'
        f'<w:next w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="{n - 1}"/></w:pPr></w:style>'
        for n in (1, 2, 3)
    )
    + '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style></w:styles>'
)


def run(text: str, superscript: bool = False, rsid: str = "00A1B2C3") -> str:
    props = '<w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/>' + ('<w:vertAlign w:val="superscript"/>' if superscript else "") + "</w:rPr>"
    return f'<w:r w:rsidR="{rsid}">{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def runs(text: str) -> str:
    """Text split into runs at word boundaries, as Word does after edits."""
    words = text.split(" ")
    pieces = [" ".join(words[i : i + 3]) + (" " if i + 3 < len(words) else "") for i in range(0, len(words), 3)]
    return "".join(run(p, rsid=f"00{i:06X}") for i, p in enumerate(pieces))


def complex_field(instruction: str, result: str, superscript: bool = False, chunk: int = 250) -> str:
    """A complex field: begin, the instruction in pieces of ``chunk`` characters, separate, result, end."""
    parts = ['<w:r><w:fldChar w:fldCharType="begin"/></w:r>']
    for i in range(0, len(instruction), chunk):
        parts.append(f'<w:r><w:instrText xml:space="preserve">{escape(instruction[i : i + chunk])}</w:instrText></w:r>')
    parts.append('<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    parts.append(run(result, superscript))
    parts.append('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return "".join(parts)


def simple_field(instruction: str, result: str) -> str:
    return f'<w:fldSimple w:instr="{escape(instruction, {chr(34): "&quot;"})}">{run(result)}</w:fldSimple>'


def zotero(items: list[dict], result: str, citation_id: str = "a1b2c3") -> str:
    payload = {
        "citationID": citation_id,
        "properties": {"formattedCitation": result, "plainCitation": result, "noteIndex": 0},
        "citationItems": [
            {"id": i + 100, "uris": [f"http://zotero.org/users/local/abc/items/ITEM{i}"], "itemData": item} for i, item in enumerate(items)
        ],
        "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json",
    }
    return "ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(payload, ensure_ascii=False)


def mendeley(items: list[dict], result: str) -> str:
    payload = {
        "citationItems": [
            {"id": f"ITEM-{i + 1}", "itemData": item, "uris": [f"http://www.mendeley.com/documents/?uuid={i}"]} for i, item in enumerate(items)
        ],
        "mendeley": {"formattedCitation": result, "plainTextFormattedCitation": result},
        "properties": {"noteIndex": 0},
        "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json",
    }
    return "ADDIN CSL_CITATION " + json.dumps(payload, ensure_ascii=False)


def endnote(author: str, year: int, title: str, doi: str = "", pmid: str = "") -> str:
    record = (
        f"<record><rec-number>5</rec-number><ref-type name=\"Journal Article\">17</ref-type><contributors><authors><author>"
        f"{escape(author)}</author></authors></contributors><titles><title>{escape(title)}</title></titles>"
        f"<dates><year>{year}</year></dates>"
        + (f"<accession-num>{pmid}</accession-num>" if pmid else "")
        + (f"<electronic-resource-num>{escape(doi)}</electronic-resource-num>" if doi else "")
        + "</record>"
    )
    return (
        f"ADDIN EN.CITE <EndNote><Cite><Author>{escape(author.split(',')[0])}</Author><Year>{year}</Year><RecNum>5</RecNum>"
        f"<DisplayText>[1]</DisplayText>{record}</Cite></EndNote>"
    )


def paragraph(content: str, style: str = "", numbered: int = 0) -> str:
    props = ""
    if style or numbered:
        props = (
            "<w:pPr>"
            + (f'<w:pStyle w:val="{style}"/>' if style else "")
            + (f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{numbered}"/></w:numPr>' if numbered else "")
            + "</w:pPr>"
        )
    return f'<w:p w14:paraId="1A2B3C4D" w:rsidR="00A1B2C3">{props}{content}</w:p>'


def footnote_mark(note_id: int) -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{note_id}"/></w:r>'


def footnotes_xml(notes: dict[int, str]) -> str:
    """word/footnotes.xml: Word's two separator notes, then each note's paragraph content."""
    body = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    )
    for note_id, content in notes.items():
        body += (
            f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
            f'<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>{run(" ")}{content}</w:p></w:footnote>'
        )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {NS}>{body}</w:footnotes>'


def write_docx(path: Path, paragraphs: list[str], document_xml: str | None = None, footnotes: dict[int, str] | None = None) -> Path:
    body = "".join(paragraphs) + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
    xml = document_xml or f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NS}><w:body>{body}</w:body></w:document>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", RELS)
        package.writestr("word/_rels/document.xml.rels", DOC_RELS)
        package.writestr("word/numbering.xml", NUMBERING)
        package.writestr("word/styles.xml", STYLES)
        package.writestr("word/document.xml", xml)
        if footnotes:
            package.writestr("word/footnotes.xml", footnotes_xml(footnotes))
    return path
