"""Every real-world .bib of the shared corpus: read without loss, and formatted without loss.

The corpus (../shared/corpus/bib, see its README) holds bibtexparser's and biber's test data,
DBLP-derived and personal libraries, and PubMed, IEEE, ScienceDirect and ACM exports.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import BIB_CORPUS, BIB_FILES, LEGACY_ENCODINGS, WHOLE_BIB_CORPUS

from kbase.errors import LoadError
from kbase.loaders.bib import load_bib
from kbase.refs.fmt import format_bib, parsed_content

WHOLE, CORPUS, FILES = WHOLE_BIB_CORPUS, BIB_CORPUS, BIB_FILES
# BibTeX reads an entry wherever "@" starts one, also after a "%" (which is not a comment
# character outside entries); bibtexparser and pybtex agree, so the count does too.
# an entry commented out line by line with "%" (biber's own names.bib has two) is not an entry, as for biber
ENTRY = re.compile(r"^\s*@\s*(\w+)\s*[{(]", re.M)
LEGACY = LEGACY_ENCODINGS
# biblatex-only "%" comments inside an entry: bibtexparser stops in the middle of the block
UNFORMATTABLE = {"xdata.bib": 68}


def _text(path: Path) -> str:
    data = path.read_bytes()
    return data.decode(LEGACY.get(path.name, "utf-8-sig"))


def test_the_corpus_is_all_there():
    assert len(FILES) >= (470 if WHOLE else 14)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_every_entry_is_read_or_reported(path):
    encoding = LEGACY.get(path.name)
    if encoding:
        refused = load_bib(str(path))
        (problem,) = refused.problems
        assert problem.where.line >= 1 and re.match(r"not valid UTF-8: byte 0x[0-9a-f]{2} cannot be decoded", problem.message)
    result = load_bib(str(path), encoding or "utf-8")
    expected = sum(1 for m in ENTRY.finditer(_text(path)) if m.group(1).lower() not in ("string", "comment", "preamble"))
    # an entry is either read, or named in a problem with its line (a duplicate key, a block that does not parse)
    reported = [p for p in result.problems if p.rule in ("duplicate-key", "syntax-error") and "@string" not in p.message]
    assert len(result.references) + len(reported) == expected
    assert all(p.where is not None and p.where.line >= 1 for p in result.problems + result.warnings)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_round_trip_through_kbase_writer_is_lossless(path):
    text = _text(path)
    if path.name in UNFORMATTABLE:
        with pytest.raises(LoadError) as info:
            format_bib(text, str(path))
        assert info.value.location.line == UNFORMATTABLE[path.name]
        return
    formatted = format_bib(text, str(path))
    assert parsed_content(formatted) == parsed_content(text)
    assert format_bib(formatted) == formatted
