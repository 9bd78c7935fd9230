"""A short fuzzing run of each loader and the draft reader (the long run is fuzz/run.py)."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import ROOT

sys.path.insert(0, str(ROOT))
from fuzz.targets import inputs, run_one  # noqa: E402

SHORT = settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("kind", ["claims", "bib", "draft"])
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
]


@pytest.mark.parametrize(("kind", "data"), REGRESSIONS)
def test_regressions(kind, data):
    run_one(kind, data)
