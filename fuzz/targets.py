"""Fuzz targets for the loaders and the draft reader.

Each target takes bytes (a file as it might arrive) and must either return a result or raise
``KbaseError``; anything else (a traceback) is a bug. Inputs are random bytes, random text, and
mutations (deleted, repeated and flipped slices) of real seed files.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import strategies as st

from kbase.errors import KbaseError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {
    "claims": [(ROOT / "claims.yaml").read_bytes(), (ROOT / "tests" / "drafts" / "01-mechanism.expected.yaml").read_bytes()],
    "bib": [(ROOT / "references.bib").read_bytes()],
    "draft": [p.read_bytes() for p in sorted((ROOT / "tests" / "drafts").glob("*.md"))],
}
ALPHABET = "abc:-[]{}@,=#&*!|>'\"%\\ \n\t\r\x00éü💊"


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
            del data[at:at + size]
        elif op == "repeat":
            data[at:at] = data[at:at + size] * draw(st.integers(1, 4))
        elif op == "flip":
            data[at] = draw(st.integers(0, 255))
        else:
            data[at:at] = draw(st.text(alphabet=ALPHABET, max_size=32)).encode()
    return bytes(data)


def inputs(kind: str) -> st.SearchStrategy[bytes]:
    """Random bytes, random text in a syntax-heavy alphabet, and mutated seed files."""
    return st.one_of(
        st.binary(max_size=2000),
        st.text(alphabet=ALPHABET, max_size=2000).map(lambda t: t.encode()),
        mutated(SEEDS[kind]),
    )


def _file(data: bytes, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kbase-fuzz-"))
    path = folder / name
    path.write_bytes(data)
    return path


def target_claims(data: bytes) -> None:
    """claims.yaml loader."""
    from kbase.loaders.claims import load_claims

    result = load_claims(str(_file(data, "claims.yaml")))
    for problem in result.problems:
        assert problem.where is not None and problem.message


def target_bib(data: bytes) -> None:
    """references.bib loader, then lint and dedupe on what it read."""
    from kbase.loaders.bib import load_bib
    from kbase.refs.dedupe import find_duplicates
    from kbase.audit.refs import lint_references

    result = load_bib(str(_file(data, "references.bib")))
    for problem in result.problems:
        assert problem.where is not None and problem.message
    list(lint_references(result.references, 2026))
    find_duplicates(result.references)


def target_draft(data: bytes) -> None:
    """The draft reader and audit, against the bundled library."""
    _bundled().audit_draft(_file(data, "draft.md"))


_KB = None


def _bundled():  # type: ignore[no-untyped-def]
    global _KB
    if _KB is None:
        from kbase.kb import load

        _KB = load(ROOT / "claims.yaml", ROOT / "references.bib", year=2026)
    return _KB


TARGETS = {"claims": target_claims, "bib": target_bib, "draft": target_draft}


def run_one(kind: str, data: bytes) -> None:
    """Run target ``kind`` on ``data``; a KbaseError is a clean refusal, anything else a crash."""
    try:
        TARGETS[kind](data)
    except KbaseError:
        pass
