"""Fuzz targets for the loaders and the draft reader.

Each target takes bytes (a file as it might arrive) and must either return a result or raise
``KbaseError``; anything else (a traceback) is a bug. Inputs are random bytes, random text, and
mutations (deleted, repeated and flipped slices) of real seed files.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from hypothesis import strategies as st

from kbase.errors import KbaseError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {
    "claims": [(ROOT / "claims.yaml").read_bytes(), (ROOT / "tests" / "drafts" / "01-mechanism.expected.yaml").read_bytes()],
    "bib": [(ROOT / "references.bib").read_bytes()],
    "draft": [p.read_bytes() for p in sorted((ROOT / "tests" / "drafts").glob("*.md"))],
}
SEEDS["html"] = [
    b"<html><body><nav>Menu.</nav><article><h1>T</h1><p>Ketamine eases pain.<sup><a href='#r1'>1</a></sup> "
    b"Half of adults <b>agree</b> [2].</p><script>x()</script><ol><li>Cohen SP. Title. 2018. "
    b"<a href='https://doi.org/10.1097/AAP.0000000000000808'>doi</a></li></ol></article></body></html>"
]
# word/document.xml as the Zotero plug-in writes it (fields split over runs); the target zips it into a .docx
SEEDS["docx"] = [
    (
        b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Title</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">'
        b'Ketamine eases pain. </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> ADDIN ZOTERO_ITEM CSL_CITATION '
        b'{"citationItems":[{"id":1,"itemData":{"title":"Ketamine for chronic pain: risks and benefits",</w:instrText></w:r><w:r><w:instrText>'
        b'"DOI":"10.1111/bcp.12094","author":[{"family":"Niesters"}]}}]}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        b'<w:r><w:t>[1]</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr=" ADDIN EN.CITE &lt;EndNote&gt;&lt;Cite&gt;'
        b'&lt;Author&gt;Cohen&lt;/Author&gt;&lt;Year&gt;2018&lt;/Year&gt;&lt;/Cite&gt;&lt;/EndNote&gt;"><w:r><w:t>(2)</w:t></w:r></w:fldSimple>'
        b'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>3</w:t></w:r></w:p></w:body></w:document>'
    )
]
ALPHABET = "abc:-[]{}@,=#&*!|>'\"%\\ \n\t\r\x00éü💊<>/"


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        size = draw(st.integers(1, 64))
        op = draw(st.sampled_from(["delete", "repeat", "flip", "insert"]))
        if op == "delete":
            del data[at : at + size]
        elif op == "repeat":
            data[at:at] = data[at : at + size] * draw(st.integers(1, 4))
        elif op == "flip":
            data[at] = draw(st.integers(0, 255))
        else:
            data[at:at] = draw(st.text(alphabet=ALPHABET, max_size=32)).encode()
    return bytes(data)


def repeated() -> st.SearchStrategy[bytes]:
    """Up to 64 kB of one short unit repeated: the shape that makes a backtracking pattern quadratic."""
    return st.builds(
        lambda unit, n: (unit * n)[:64_000].encode(),
        st.text(alphabet=ALPHABET, min_size=1, max_size=4),
        st.integers(min_value=1_000, max_value=64_000),
    )


def inputs(kind: str, long: bool = False) -> st.SearchStrategy[bytes]:
    """Random bytes, random text in a syntax-heavy alphabet, mutated seed files, and (``long``) 64 kB repeats."""
    return st.one_of(
        st.binary(max_size=2000),
        st.text(alphabet=ALPHABET, max_size=2000).map(lambda t: t.encode()),
        mutated(SEEDS[kind]),
        *([repeated()] if long else []),
    )


@contextlib.contextmanager
def _file(data: bytes, name: str) -> Iterator[str]:
    """``data`` as a file named ``name`` in a temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="kbase-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield str(path)


def _located(findings: Iterable[object]) -> None:
    """What a user sees of every finding: a registered rule, a message, and a place."""
    from kbase.audit import RULES

    for finding in findings:
        assert finding.rule in RULES, finding  # type: ignore[attr-defined]
        assert finding.message and "\n" not in finding.message, finding  # type: ignore[attr-defined]
        assert finding.where is not None and finding.where.path, finding  # type: ignore[attr-defined]


def target_claims(data: bytes) -> None:
    """claims.yaml loader."""
    from kbase.loaders.claims import load_claims

    with _file(data, "claims.yaml") as path:
        result = load_claims(path)
    _located(result.problems)


def target_bib(data: bytes) -> None:
    """references.bib loader, then lint and dedupe on what it read."""
    from kbase.audit.refs import lint_references
    from kbase.loaders.bib import load_bib
    from kbase.refs.dedupe import find_duplicates

    with _file(data, "references.bib") as path:
        result = load_bib(path)
    _located(result.problems)
    _located(lint_references(result.references, 2026))
    find_duplicates(result.references)


def target_draft(data: bytes) -> None:
    """The draft reader and audit, against the bundled library."""
    with _file(data, "draft.md") as path:
        _located(_bundled().audit_draft(path))


def target_html(data: bytes) -> None:
    """The HTML draft reader and audit."""
    with _file(data, "page.html") as path:
        _located(_bundled().audit_draft(path))


def target_docx(data: bytes) -> None:
    """The Word draft reader and audit: ``data`` is word/document.xml, zipped into a package (and, when it
    starts with "PK", used as the whole package as it is)."""
    import io
    import zipfile

    if data.startswith(b"PK"):
        package = data
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("word/document.xml", data)
        package = buffer.getvalue()
    with _file(package, "draft.docx") as path:
        _located(_bundled().audit_draft(path))


_KB = None


def _bundled():  # type: ignore[no-untyped-def]
    global _KB
    if _KB is None:
        from kbase import load

        _KB = load(ROOT / "claims.yaml", ROOT / "references.bib", year=2026)
    return _KB


TARGETS = {"claims": target_claims, "bib": target_bib, "draft": target_draft, "html": target_html, "docx": target_docx}


def run_one(kind: str, data: bytes) -> None:
    """Run target ``kind`` on ``data``; a KbaseError is a clean refusal, anything else a crash."""
    try:
        TARGETS[kind](data)
    except KbaseError:
        pass
