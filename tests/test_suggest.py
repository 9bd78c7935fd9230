"""kbase suggest: tokenisation, ranking, the cached index, and suggestions in the draft audit."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import ROOT, bib_entry, claims_yaml

from kbase.cli import cli
from kbase.suggest import tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Beta-blockers reduce mortality", ["beta", "blocker", "betablock", "reduc", "mortal"]),
        ("Alzheimer's disease", ["alzheim", "s", "alzheim", "diseas"]),
        ("20% of 1,500 patients", ["20", "1", "500", "patient"]),
        ("The effects of the drug", ["effect", "drug"]),
    ],
    ids=["hyphen", "apostrophe", "numbers", "stopwords"],
)
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


LIB_BIB = (
    bib_entry(
        "ma",
        "meta-analysis",
        title="Ketamine infusion for complex regional pain syndrome: a meta-analysis",
        abstract="Fifteen studies were pooled. Pain fell after ketamine infusion in CRPS. Effects faded by three months.",
    )
    + bib_entry(
        "sleep",
        "rct",
        title="Melatonin and sleep quality in shift workers",
        abstract="Melatonin improved sleep onset. No effect on total sleep time.",
    )
    + bib_entry("opioid", "rct", title="Intraoperative ketamine reduces opioid consumption after spine surgery")
)
LIB_CLAIMS = claims_yaml("""
- id: crps
  statement: Ketamine infusions relieve pain in complex regional pain syndrome.
""")


def test_ranking_and_best_sentence(library):
    kb = library.write(LIB_CLAIMS, LIB_BIB).load()
    results = kb.suggest("Does ketamine relieve CRPS pain?", k=3)
    assert [r.key for r in results][:1] == ["ma"]
    assert results[0].sentence == "Pain fell after ketamine infusion in CRPS."
    assert "sleep" not in [r.key for r in results]  # shares no word: not suggested
    assert [r.key for r in kb.suggest_for("crps")][:1] == ["ma"]  # a claim ranks with its statement
    assert kb.suggest("insomnia") == []  # one word is text, never guessed to be a claim id (issue 29)


def test_index_is_cached_and_rebuilt_when_the_bib_changes(library, monkeypatch):
    monkeypatch.setenv("KBASE_NO_CACHE", "")
    kb = library.write(LIB_CLAIMS, LIB_BIB).load(cache=True)
    kb.suggest("ketamine")
    (cache,) = (library.folder / ".kbase-cache").glob("suggest.pickle")
    kept = cache.read_bytes()
    again = library.load(cache=True)
    assert again.suggest_index.keys == kb.suggest_index.keys
    assert cache.read_bytes() == kept  # reused, not rebuilt
    library.bib_path.write_text(LIB_BIB + bib_entry("new", "cohort", title="Ketamine for CRPS in children"), encoding="utf-8")
    changed = library.load(cache=True)
    assert "new" in [r.key for r in changed.suggest("ketamine CRPS children")]
    assert cache.read_bytes() != kept  # rebuilt in the same slot: the folder does not grow


def test_a_corrupt_cache_is_rebuilt(library, monkeypatch):
    monkeypatch.setenv("KBASE_NO_CACHE", "")
    kb = library.write(LIB_CLAIMS, LIB_BIB).load(cache=True)
    kb.suggest("ketamine")
    (cache,) = (library.folder / ".kbase-cache").glob("suggest.pickle")
    cache.write_bytes(b"not a pickle")
    assert [r.key for r in library.load(cache=True).suggest("melatonin sleep")] == ["sleep"]


def test_suggest_cli_text_and_json(library):
    library.write(LIB_CLAIMS, LIB_BIB)
    result = CliRunner().invoke(cli, ["suggest", "Does ketamine relieve CRPS pain?", "-k", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(" 1. ma  score ")
    assert "“Pain fell after ketamine infusion in CRPS.”" in result.stdout
    data = json.loads(CliRunner().invoke(cli, ["suggest", "melatonin and sleep", "--format", "json"]).stdout)
    assert data["suggestions"][0]["ref"] == "sleep" and data["suggestions"][0]["design"] == "rct"


def test_audit_suggest_adds_candidates(tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text("Ketamine infusions relieve pain in complex regional pain syndrome.\n", encoding="utf-8")
    for name in ("claims.yaml", "references.bib"):  # a copy: the suggest index is cached beside the .bib
        shutil.copy(ROOT / name, tmp_path / name)
    result = CliRunner().invoke(
        cli,
        ["--claims", str(tmp_path / "claims.yaml"), "--bib", str(tmp_path / "references.bib"), "audit", str(draft), "--suggest", "--format", "json"],
    )
    uncited = next(f for f in json.loads(result.stdout)["findings"] if f["rule"] == "uncited-claim")
    assert 1 <= len(uncited["suggestions"]) <= 3 and "zhao2018effect" in uncited["suggestions"]  # up to three, above the floor


def test_suggest_for_a_claim_marks_the_references_it_already_links(library):
    """Issue 29: `suggest CLAIM_ID` did not say which suggestions the claim already links."""
    claims = LIB_CLAIMS.replace(
        "complex regional pain syndrome.\n", "complex regional pain syndrome.\n    evidence:\n      - ref: ma\n        stance: supports\n"
    )
    library.write(claims, LIB_BIB)
    text = CliRunner().invoke(cli, ["suggest", "crps"]).stdout
    assert "ma  score" in text and "(already linked: supports)" in text.split("\n")[0]
    data = json.loads(CliRunner().invoke(cli, ["suggest", "crps", "--format", "json"]).stdout)
    assert data["suggestions"][0]["linked"] == "supports"


def test_a_reference_scoring_below_the_floor_is_not_suggested(monkeypatch):
    """Issue 29: `suggest` listed every reference sharing a word, down to scores of 0.04; a reference
    scoring below MIN_SHARE of the best one's score is left out (the floor is measured, docs/suggest.md)."""
    import kbase
    import kbase.suggest

    kb = kbase.load(ROOT / "claims.yaml", ROOT / "references.bib")
    query = "ketamine infusion for complex regional pain syndrome"
    floored = kb.suggest(query, k=15)
    assert floored and all(s.score >= kbase.suggest.MIN_SHARE * floored[0].score for s in floored)
    monkeypatch.setattr(kbase.suggest, "MIN_SHARE", 0.0)
    everything = kb.suggest(query, k=15)
    assert len(everything) > len(floored) and everything[: len(floored)] == floored
