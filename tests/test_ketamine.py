"""The bundled ketamine library: honest data, and the grades the issue asks for."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

import kbase
from conftest import ROOT, SHARED, needs_shared
from kbase import Level

ARTICLE = SHARED / "seed" / "ketamine-infusion-chronic-pain.txt"
FACTS = SHARED / "seed" / "references-facts.tsv"


@pytest.fixture(scope="module")
def kb():
    return kbase.load(ROOT / "claims.yaml", ROOT / "references.bib", year=2026)


def test_loads_without_problems(kb):
    assert kb.problems == ()
    assert not [f for f in kb.audit() if f.severity == kbase.Severity.ERROR]


@needs_shared
def test_holds_every_listed_reference_and_no_supplementary_row(kb):
    rows = list(csv.DictReader(FACTS.open(encoding="utf-8"), delimiter="\t"))
    listed = {r["citekey_suggestion"] for r in rows if not r["n"].startswith("S")}
    extra = {r["citekey_suggestion"] for r in rows if r["n"].startswith("S")}
    assert set(kb.references) == listed
    assert not extra & set(kb.references)
    assert all(not r.design_inferred for r in kb.references.values())


@pytest.mark.skipif(not (SHARED / "tools" / "check-seed-facts").exists(), reason="seed tools not present")
def test_bibliographic_facts_match_the_verified_seed():
    result = subprocess.run([sys.executable, str(SHARED / "tools" / "check-seed-facts"), str(ROOT / "references.bib")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@needs_shared
def test_at_least_thirty_claims_each_quoted_from_the_article(kb):
    text = ARTICLE.read_text(encoding="utf-8")
    assert len(kb.claims) >= 30
    for claim in kb.claims.values():
        assert claim.appears_in, claim.id
        for appearance in claim.appears_in:
            assert appearance.quote in text, (claim.id, appearance.quote)
            assert appearance.section == "Introduction" or appearance.section in text, (claim.id, appearance.section)


def test_headline_claims_exist(kb):
    assert {"nmda-blockade", "anti-inflammation", "opioid-sparing", "relief-three-months"} <= set(kb.claims)


def test_relief_three_months_is_not_above_low_and_is_contested(kb):
    grade = kb.grade("relief-three-months")
    assert grade.level <= Level.LOW
    assert "contested" in grade.flags


@pytest.mark.parametrize("claim_id", ["chronic-pain-prevalence", "cli-amputation-risk", "three-infusion-trial", "four-to-six-infusions"])
def test_claims_without_a_listed_source_are_unsupported(kb, claim_id):
    assert kb.grade(claim_id).level == Level.UNSUPPORTED
    assert kb.claims[claim_id] in kb.unsupported()


def test_opioid_sparing_is_graded_down_for_indirect_surgical_evidence(kb):
    grade = kb.grade("opioid-sparing")
    assert grade.level == Level.LOW and grade.independent_sources == 1
    assert "indirect" in grade.reasons[0].message


def test_a_chapter_restating_a_review_is_not_an_independent_source(kb):
    grade = kb.grade("nmda-blockade")
    assert grade.independent_sources == 2
    assert ("niesters2014ketamine", "yildirimguclu2022ketamine") in grade.sources
