"""A short fuzzing run of each loader and the draft reader (the long run is fuzz/run.py)."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(ROOT))
from fuzz.targets import inputs, run_one  # noqa: E402

SHORT = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("kind", ["claims", "bib", "draft", "html", "docx"])
def test_short_fuzz_run(kind):
    @SHORT
    @given(inputs(kind))
    def check(data: bytes) -> None:
        run_one(kind, data)

    check()


# Edge cases written by hand; inputs that crash a version (from fuzz/run.py) are added here.
REGRESSIONS = [
    ("claims", b"kbase: 1\nclaims:\n  - id: a\n    statement: S.\n    evidence:\n      - ref: \n        stance: supports\n"),
    ("claims", b"\xef\xbb\xbfkbase: 1\nclaims: [*x]\n"),
    ("claims", b"claims:\n- {id: a, statement: [1, 2]}\n"),
    ("bib", b"@article{x,\n  title = {T},\n  design = {\x00}\n}\n"),
    ("bib", b"@string{a = b # c}\n@article{k, title = a}\n"),
    ("draft", b"[@]. [1-999999999]. ^^. \\cite{}\n"),
    ("html", b"<p>a<sup>1<sup>2</p></sup><script>never closed"),
    ("html", b"<![a>"),
    ("html", b"<![>"),  # found by the fuzzer: html.parser raised AssertionError
    ("html", b"<ol start='x'><li value='-3'>A. B.</ol></li></div><p>\x00"),
    (
        "docx",
        b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body><w:p><w:r>"
        b"<w:fldChar w:fldCharType='end'/><w:fldChar w:fldCharType='separate'/><w:t>x. Y.</w:t></w:r></w:p></w:body></w:document>",
    ),
    (
        "docx",
        b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body><w:p><w:fldSimple "
        b"w:instr='ADDIN EN.CITE &lt;EndNote'/></w:p></w:body></w:document>",
    ),
    ("docx", b"PK\x03\x04 not really a zip"),
    ("docx", b'<?xml version="" encoding="T"?>'),  # found by the fuzzer: an unknown encoding is a LookupError
]


@pytest.mark.parametrize(("kind", "data"), REGRESSIONS)
def test_regressions(kind, data):
    run_one(kind, data)
