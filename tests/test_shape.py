"""The shape of the evidence: lineage, impact, retraction lists, premises, contested sides, queries."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import bib_entry, claims_yaml

from kbase import Level
from kbase.cli import cli
from kbase.lineage import missing_primary_sources, reports_chain, reports_cycles, source_chains
from kbase.queries import (
    critical_references,
    most_cited_references,
    orphan_references,
    single_reference_claims,
    unsupported_claims,
    weakest_claims_by_article,
)


def claim(cid, *links, extra=""):
    text = f"- id: {cid}\n  statement: Statement {cid}.\n"
    if links:
        text += "  evidence:\n" + "".join(
            f"    - ref: {r}\n      stance: {s}\n      concerns: []\n" for r, s in (l.split(":") if ":" in l else (l, "supports") for l in links)
        )
    return text + extra


PRESS_CHAIN = (
    bib_entry("news2023", "news", reports="blog2023")
    + bib_entry("blog2023", "website", reports="asa2019press")
    + bib_entry("asa2019press", "press-release", reports="duke2019study")
)


def test_three_hop_press_release_chain_is_one_source(library):
    kb = library.write(claims_yaml(claim("c", "news2023", "blog2023", "asa2019press")), PRESS_CHAIN).load()
    grade = kb.grade("c")
    assert grade.independent_sources == 1
    assert "amplified" in grade.flags
    assert reports_chain(kb.references, "news2023") == ["news2023", "blog2023", "asa2019press", "duke2019study"]
    assert source_chains(kb.references, grade.sources) == ["news2023 → blog2023 → asa2019press → duke2019study (not in library)"]


def test_reporting_a_source_not_in_the_library_is_a_finding(library):
    kb = library.write(claims_yaml(claim("c", "news2023")), PRESS_CHAIN).load()
    assert list(missing_primary_sources(kb.graph)) == [("asa2019press", "duke2019study")]
    (finding,) = [f for f in kb.audit() if f.rule == "missing-primary-source"]
    assert finding.subject == "asa2019press" and finding.where.line == 17


def test_a_reports_cycle_is_reported_not_a_hang(library):
    bib = bib_entry("a", "news", reports="b") + bib_entry("b", "news", reports="c") + bib_entry("c", "news", reports="a")
    kb = library.write(claims_yaml(claim("x", "a", "b")), bib).load()
    assert reports_cycles(kb.graph) == [["a", "b", "c"]]
    assert reports_chain(kb.references, "a") == ["a", "b", "c"]
    assert kb.grade("x").independent_sources == 1
    assert [f.message for f in kb.audit() if f.rule == "reports-cycle"] == ["references report each other in a cycle: a → b → c → a"]


def test_evidence_shows_the_chain(library):
    library.write(claims_yaml(claim("c", "news2023", "asa2019press")), PRESS_CHAIN)
    out = CliRunner().invoke(cli, ["evidence", "c"]).stdout
    assert (
        "  independent sources:  1 of 2 supporting references\n      1. news2023 → blog2023 → asa2019press → duke2019study (not in library)\n" in out
    )


IMPACT_BIB = bib_entry("ma", "meta-analysis") + bib_entry("coh", "cohort") + bib_entry("con", "rct")
IMPACT_CLAIMS = claims_yaml(
    claim("only", "ma", extra="  appears_in:\n    - article: art\n"),
    claim("both", "ma", "coh"),
    claim("against", "coh", "ma:contradicts"),
    claim("rests", "con", extra="  depends_on: [only]\n"),
    articles="articles:\n  art:\n    title: An article\n",
)


def test_impact_lists_every_claim_whose_level_changes(library):
    kb = library.write(IMPACT_CLAIMS, IMPACT_BIB).load()
    report = kb.impact("ma")
    assert report.linked == ("only", "both", "against")
    changes = {c.claim_id: (c.before, c.after, c.lost_best, c.becomes_unsupported, c.articles) for c in report.changes}
    assert changes == {
        "only": (Level.HIGH, Level.UNSUPPORTED, True, True, ("art",)),
        "both": (Level.HIGH, Level.LOW, True, False, ()),
        "against": (Level.VERY_LOW, Level.LOW, False, False, ()),
        "rests": (Level.HIGH, Level.UNSUPPORTED, False, True, ()),
    }
    assert kb.grade("only").level == Level.HIGH  # the library itself is untouched


def test_impact_cli_text_and_json(library):
    library.write(IMPACT_CLAIMS, IMPACT_BIB)
    result = CliRunner().invoke(cli, ["impact", "ma"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "withdrawing ma: linked to 3 claims; 4 change level"
    assert "only" in result.stdout and "becomes UNSUPPORTED" in result.stdout
    data = json.loads(CliRunner().invoke(cli, ["impact", "ma", "--format", "json"]).stdout)
    assert [c["claim"] for c in data["impacts"][0]["changes"]] == ["only", "both", "against", "rests"]


def test_impact_of_an_unknown_key_is_exit_2(library):
    library.write(IMPACT_CLAIMS, IMPACT_BIB)
    result = CliRunner().invoke(cli, ["impact", "mma"])
    assert result.exit_code == 2
    assert result.stderr == "kbase: no reference 'mma' in references.bib (did you mean 'ma'?)\n"


RW_HEADER = (
    "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,"
    "RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,"
    "Reason,Paywalled,Notes\n"
)


def rw_row(record, doi="", pmid="", nature="Retraction", date="1/2/2023 0:00"):
    return (
        f'{record},"A title, with a comma",(HSC) Medicine;,Somewhere,J,P,X,Doe J,,Research Article;,{date},'
        f"10.9999/ret.{record},0,1/1/2020 0:00,{doi},{pmid},{nature},+Concerns;,No,\n"
    )


def write_rw(path, *rows):
    path.write_text(RW_HEADER + "".join(rows), encoding="utf-8")


def test_retraction_list_marks_references_by_doi_and_pmid(library):
    bib = bib_entry("ma", "meta-analysis", doi="10.1000/MA.1") + bib_entry("coh", "cohort", pmid="123") + bib_entry("eoc", "rct", doi="10.1000/eoc")
    library.write(claims_yaml(claim("a", "ma", "coh", "eoc")), bib)
    write_rw(
        library.folder / "rw.csv",
        rw_row(1, doi="https://doi.org/10.1000/ma.1"),
        rw_row(2, pmid="123"),
        rw_row(3, doi="10.1000/eoc", nature="Expression of concern"),
        rw_row(4, doi="10.1000/other"),
    )
    import kbase

    kb = kbase.load("claims.yaml", "references.bib", retractions="rw.csv", year=2026)
    assert kb.references["ma"].retracted and kb.references["coh"].retracted
    assert not kb.references["eoc"].retracted and kb.references["eoc"].retraction == "expression of concern"
    assert kb.grade("a").level == Level.HIGH  # only the rct with a notice still counts
    rules = [f.rule for f in kb.audit() if f.subject in ("ma", "coh", "eoc")]
    assert rules == ["retracted-reference", "retracted-reference", "retraction-notice"]


def test_impact_for_every_reference_in_a_retraction_list(library):
    library.write(IMPACT_CLAIMS, bib_entry("ma", "meta-analysis", doi="10.1000/ma") + bib_entry("coh", "cohort") + bib_entry("con", "rct"))
    write_rw(library.folder / "rw.csv", rw_row(1, doi="10.1000/MA"))
    result = CliRunner().invoke(cli, ["impact", "--retracted-list", "rw.csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == ["1 reference of the library found in rw.csv", "withdrawing ma: linked to 3 claims; 4 change level"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "Title,Journal\nx,y\n",
            "rw.csv:1:1: error syntax-error not a Retraction Watch CSV: missing column(s) OriginalPaperDOI, OriginalPaperPubMedID, RetractionNature",
        ),
        (
            RW_HEADER + rw_row(1, doi="10.1/x", nature="Withdrawn"),
            "rw.csv:2:1: error syntax-error unknown RetractionNature 'Withdrawn'; expected one of: Retraction, Expression of concern, Correction, Reinstatement",
        ),
    ],
    ids=["missing-columns", "unknown-nature"],
)
def test_bad_retraction_lists(library, content, message):
    library.write(claims_yaml(claim("a")), "")
    (library.folder / "rw.csv").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--retractions", "rw.csv", "check"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == message


def test_premise_tree_with_levels_and_cycles(library):
    bib = bib_entry("r", "rct") + bib_entry("w", "website")
    claims = claims_yaml(
        claim("top", "r", extra="  depends_on: [mid, other]\n"),
        claim("mid", "r", extra="  depends_on: [leaf]\n"),
        claim("leaf", "w", extra="  depends_on: [top]\n"),
        claim("other", "r"),
    )
    library.write(claims, bib)
    out = CliRunner().invoke(cli, ["evidence", "top", "--tree"]).stdout
    assert out == ("top  [high]\n├── mid  [high]\n│   └── leaf  [very-low]\n│       └── top  (cycle)\n└── other  [high]\n")


def test_contested_claims_show_both_sides(library):
    library.write(claims_yaml(claim("c", "pro", "con:contradicts")), bib_entry("pro", "cohort") + bib_entry("con", "rct"))
    out = CliRunner().invoke(cli, ["evidence", "c"]).stdout
    assert "  contested, side by side:\n" in out
    assert "pro [cohort, low]" in out and "con [rct, high]" in out
    data = json.loads(CliRunner().invoke(cli, ["evidence", "c", "--format", "json"]).stdout)
    assert data["sides"] == {
        "supports": [{"ref": "pro", "design": "cohort", "level": "low"}],
        "contradicts": [{"ref": "con", "design": "rct", "level": "high"}],
    }


def test_queries(library):
    bib = bib_entry("a", "rct") + bib_entry("b", "cohort") + bib_entry("gone", "rct", pubstate="retracted") + bib_entry("orphan")
    claims = claims_yaml(
        claim("one", "a", extra="  appears_in:\n    - article: art\n"),
        claim("two", "a", "b", "gone", extra="  appears_in:\n    - article: art\n"),
        claim("none", "gone", "b:mentions", extra="  appears_in:\n    - article: art\n"),
        claim("also-a", "a", "b:contradicts"),
        articles="articles:\n  art:\n    title: T\n",
    )
    kb = library.write(claims, bib).load()
    G = kb.graph
    assert list(unsupported_claims(G)) == ["none"]
    assert list(orphan_references(G)) == ["orphan"]
    assert list(single_reference_claims(G)) == [("one", "a"), ("also-a", "a")]
    assert list(critical_references(G)) == [("a", ["one", "also-a"])]
    assert most_cited_references(G) == [("a", 3), ("b", 2), ("gone", 2)]
    assert weakest_claims_by_article(G, kb.grades, n=2) == {"art": [("none", Level.UNSUPPORTED), ("one", Level.HIGH)]}
    assert kb.graph.number_of_edges() == G.number_of_edges()  # nothing mutated


def test_ketamine_impact_of_the_meta_analysis_and_of_the_guideline(monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["impact", "orhurhu2019ketamine"])
    assert result.exit_code == 0
    # since the GRADE reading of issue 28 the meta-analysis's links are low, no firmer than the reviews beside
    # them: withdrawing it moves no claim (the two harms it led are low either way)
    assert result.stdout.startswith("withdrawing orhurhu2019ketamine: linked to 6 claims; 0 change level")
    assert "unchanged: relief-three-months, relief-not-permanent" in result.stdout
    lines = CliRunner().invoke(cli, ["impact", "cohen2018consensus"]).stdout.splitlines()
    assert [line.split()[0] for line in lines if "loses its best evidence" in line] == ["response-varies", "serious-adverse-events-rare"]
    assert any("serious-adverse-events-rare" in line and "becomes UNSUPPORTED" in line for line in lines)
