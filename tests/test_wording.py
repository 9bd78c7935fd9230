"""Claim kinds and the wording engine: certainty words for effects, associations, harms and mechanisms,
built from the claim's own words; facts (prevalence, regulatory, definitions) are stated with a source."""

from __future__ import annotations

import pytest
from conftest import bib_entry, claims_yaml

from kbase.language.wording import advice, claim_kind, firmness, worded
from kbase.vocabulary import HEDGED_KINDS


@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("Ketamine reduces the need for opioids in people with chronic pain.", "effect"),
        ("Smoking is associated with a higher risk of back pain.", "association"),
        ("Ketamine infusions can cause nausea and vomiting.", "harm"),
        ("Ketamine eases chronic pain by blocking overactive NMDA receptors.", "mechanism"),
        ("About one in five adults in the United States lives with chronic pain.", "prevalence"),
        ("The FDA has approved ketamine as an anesthetic but not for chronic pain.", "regulatory"),
        ("Neuropathic pain is chronic pain caused by damage to the nervous system.", "definition"),
    ],
)
def test_the_kind_is_inferred_from_the_statement(statement, kind):
    assert claim_kind(statement) == kind


@pytest.mark.parametrize(
    ("statement", "level", "expected"),
    [
        ("Ketamine reduces the need for opioids.", 4, "Ketamine reduces the need for opioids."),
        ("Ketamine reduces the need for opioids.", 3, "Ketamine probably reduces the need for opioids."),
        ("Ketamine reduces the need for opioids.", 2, "Ketamine may reduce the need for opioids."),
        ("Ketamine reduces the need for opioids.", 1, "It is uncertain whether ketamine reduces the need for opioids."),
        ("Ketamine infusions can cause nausea.", 2, "Ketamine infusions may cause nausea."),
        ("Smoking is associated with back pain.", 3, "Smoking is probably associated with back pain."),
        ("Ketamine has anti-inflammatory effects.", 2, "Ketamine may have anti-inflammatory effects."),
        ("Ketamine is not a first-line treatment.", 2, "Ketamine may not be a first-line treatment."),
        ("Ketamine may reduce migraine pain.", 2, "Ketamine may reduce migraine pain."),  # a hedge is not doubled
        ("Ketamine may reduce migraine pain.", 1, "It is uncertain whether ketamine can reduce migraine pain."),
        ("In opioid-dependent patients, ketamine lowers opioid use.", 3, "In opioid-dependent patients, ketamine probably lowers opioid use."),
        ("FDA rules changed in 2019.", 1, "It is uncertain whether FDA rules changed in 2019."),  # an acronym keeps its capitals
    ],
)
def test_wording_uses_the_claims_own_words(statement, level, expected):
    assert worded(statement, level) == expected


@pytest.mark.parametrize("level", [1, 2, 3])
def test_the_suggested_wording_is_accepted_by_the_audit_at_its_level(level):
    from kbase.vocabulary import Level, wording

    for statement in ["Ketamine reduces the need for opioids.", "Ketamine infusions can cause nausea.", "Ketamine is not a first-line treatment."]:
        assert firmness(worded(statement, level)) <= wording(Level(level)).firmness, worded(statement, level)


def test_facts_are_stated_with_their_source_not_hedged():
    assert advice("About one in five adults lives with chronic pain.", 2, "prevalence").startswith("state it with its source")
    assert advice("Ketamine reduces opioid use.", 0, "effect") == "do not state it as fact"
    assert advice("Ketamine reduces opioid use.", 4, "effect") == "state it plainly: “Ketamine reduces opioid use.”"


def test_an_already_hedged_sentence_is_not_overstated():
    for sentence in [
        "It’s thought that ketamine affects a receptor called NMDA.",
        "It's thought that ketamine affects NMDA.",
        "It is believed that ketamine affects NMDA.",
    ]:
        assert firmness(sentence) == 1


def _library(library, kind_line=""):
    claims = claims_yaml(f"""
    - id: fact
      statement: About one in five adults lives with chronic pain.{kind_line}
      evidence:
        - ref: survey
          stance: supports
    """)
    return library.write(claims, bib_entry("survey", "cross-sectional"))


def test_a_prevalence_fact_in_a_draft_is_not_flagged_for_hedges_but_an_effect_is(library, tmp_path):
    kb = _library(library).load()
    draft = tmp_path / "d.md"
    draft.write_text("About one in five adults lives with chronic pain [@survey].\n", encoding="utf-8")
    assert kb.grade("fact").kind == "prevalence" and [f.rule for f in kb.audit_draft(draft)] == []
    kb = _library(library, "\n      kind: effect").load()  # told it is an effect: now its certainty words are checked
    assert [f.rule for f in kb.audit_draft(draft)] == ["overstated-claim"]


def test_an_unknown_kind_is_an_error_with_did_you_mean(library):
    kb = _library(library, "\n      kind: prevalance").load(strict=False)
    assert any("unknown kind 'prevalance' (did you mean 'prevalence'?)" in p.message for p in kb.problems)


def test_a_weak_fact_asks_for_a_better_source_not_softer_words(library):
    claims = claims_yaml("""
    - id: fact
      statement: The FDA has approved ketamine as an anesthetic.
      evidence:
        - ref: site
          stance: supports
    - id: effect
      statement: Ketamine reduces pain.
      evidence:
        - ref: site
          stance: supports
    """)
    kb = library.write(claims, bib_entry("site", "website")).load()
    weak = {f.subject: f.message for f in kb.audit() if f.rule == "weak-claim"}
    assert weak["fact"].endswith("find a stronger, more direct source for this regulatory fact")
    assert weak["effect"].endswith("find a stronger source or soften it")


# -- effect size words (Santesso et al. 2020) ----------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "size"),
    [
        ("Ketamine greatly reduces pain.", "large"),
        ("Ketamine results in a large reduction in pain.", "large"),
        ("Opioid use was much lower after ketamine.", "large"),
        ("Ketamine is a highly effective pain reliever.", "large"),
        ("Ketamine significantly reduces pain.", "large"),  # read as large by a lay reader
        ("Ketamine reduces pain slightly.", "small"),
        ("Ketamine gives a modest benefit.", "small"),
        ("Ketamine makes little or no difference to mood.", "trivial"),
        ("Ketamine had no meaningful effect on sleep.", "trivial"),
        ("Ketamine reduces pain.", None),
        ("Ketamine does not greatly reduce pain.", None),  # negated: no large effect is claimed
    ],
)
def test_effect_size_words_are_read(sentence, size):
    from kbase.language.wording import effect_size

    assert effect_size(sentence) == size


@pytest.mark.parametrize(
    ("statement", "level", "expected"),
    [
        ("Ketamine greatly reduces pain.", 3, "Ketamine probably greatly reduces pain."),
        ("Ketamine greatly reduces pain.", 2, "Ketamine may greatly reduce pain."),
        ("Ketamine reduces pain slightly.", 3, "Ketamine probably reduces pain slightly."),
        ("Ketamine slightly reduces the need for opioids.", 2, "Ketamine may slightly reduce the need for opioids."),
        ("Ketamine makes little or no difference to mood.", 2, "Ketamine may make little or no difference to mood."),
        # very low certainty states no size (GRADE): the size words go, "little or no difference" stays
        ("Ketamine greatly reduces pain.", 1, "It is uncertain whether ketamine reduces pain."),
        ("Ketamine results in a large reduction in pain.", 1, "It is uncertain whether ketamine results in a reduction in pain."),
        ("Ketamine is a highly effective treatment.", 1, "It is uncertain whether ketamine is an effective treatment."),
        ("Ketamine is much more effective than placebo.", 1, "It is uncertain whether ketamine is more effective than placebo."),
        ("Ketamine also reduces pain.", 2, "Ketamine may also reduce pain."),  # the hedge goes before a leading adverb
    ],
)
def test_wording_keeps_the_claims_size_words_except_at_very_low(statement, level, expected):
    assert worded(statement, level) == expected


def _sized_library(library, statement):
    claims = claims_yaml(f"""
    - id: effect
      statement: {statement}
      evidence:
        - ref: a
          stance: supports
          concerns: []
        - ref: b
          stance: supports
          concerns: []
    """)
    return library.write(claims, bib_entry("a") + bib_entry("b")).load()


@pytest.mark.parametrize(
    ("statement", "sentence", "fires"),
    [
        ("Ketamine reduces pain slightly in chronic pain.", "Ketamine reduces pain in chronic pain [@a].", True),
        ("Ketamine reduces pain in chronic pain.", "Ketamine dramatically reduces pain in chronic pain [@a].", True),
        ("Ketamine makes little or no difference to pain in chronic pain.", "Ketamine slightly reduces pain in chronic pain [@a].", True),
        ("Ketamine greatly reduces pain in chronic pain.", "Ketamine greatly reduces pain in chronic pain [@a].", False),
        ("Ketamine reduces pain in chronic pain.", "Ketamine slightly reduces pain in chronic pain [@a].", False),  # smaller is not overstated
        ("Ketamine reduces pain in chronic pain.", "In one trial, ketamine greatly reduced pain in chronic pain [@a].", False),
        ("Ketamine reduces pain in chronic pain.", "It is unclear whether ketamine greatly reduces pain in chronic pain [@a].", False),
    ],
)
def test_a_draft_that_words_a_larger_effect_than_its_claim_is_overstated_effect(library, tmp_path, statement, sentence, fires):
    kb = _sized_library(library, statement)
    assert kb.grade("effect").level.name == "HIGH"
    draft = tmp_path / "d.md"
    draft.write_text(sentence + "\n", encoding="utf-8")
    found = [f for f in kb.audit_draft(draft) if f.rule == "overstated-effect"]
    assert bool(found) is fires, [f.message for f in kb.audit_draft(draft)]
    if fires:
        assert found[0].message.endswith(f"word it as “{statement}”")


def test_a_size_fact_is_not_checked_for_size_words(library, tmp_path):
    kb = _sized_library(library, "About one in five adults lives with chronic pain.")
    draft = tmp_path / "d.md"
    draft.write_text("About one in five adults lives with chronic pain, a substantially large share [@a].\n", encoding="utf-8")
    assert [f.rule for f in kb.audit_draft(draft)] == []


def test_every_suggested_wording_passes_the_audit_it_came_from():
    """No advice contradicts another: each "word it as “…”" of the labelled drafts, audited in its place,
    draws neither overstated-claim nor overstated-effect for that claim."""
    import re

    from conftest import ROOT

    import kbase

    kb = kbase.load(ROOT / "claims.yaml", ROOT / "references.bib", year=2026)
    checked = 0
    for path in sorted((ROOT / "tests" / "drafts").glob("*.md")):
        for finding in kb.audit_draft(path):
            suggestion = re.search(r"word it as “(.+)”$", finding.message)
            if finding.rule.startswith("overstated") and suggestion:
                grade = kb.grade(finding.subject)
                if grade.kind in HEDGED_KINDS:  # a harm, a fact, a caution keep their words (issue 27): only hype goes
                    assert firmness(suggestion[1]) <= firmness_allowed(grade.level), finding.message
                from kbase.language.wording import SIZE_RANK, effect_size

                statement = kb.claims[finding.subject].statement
                assert SIZE_RANK[effect_size(suggestion[1])] <= SIZE_RANK[effect_size(statement)], finding.message
                checked += 1
    assert checked >= 10


def firmness_allowed(level):
    from kbase.vocabulary import wording

    return wording(level).firmness


@pytest.mark.parametrize(
    ("statement", "kind", "low_advice"),
    [
        ("Ketamine reduces the need for opioids.", "effect", "“Ketamine may reduce the need for opioids.”"),
        ("Smoking is associated with back pain.", "association", "“Smoking may be associated with back pain.”"),
        ("Ketamine infusions can cause nausea.", "harm", "state it with its source, as firmly as it is: a harm is never weakened"),
        ("Ketamine eases pain by blocking NMDA receptors.", "mechanism", "“Ketamine may ease pain by blocking NMDA receptors.”"),
        (
            "About one in five adults lives with chronic pain.",
            "prevalence",
            "state it with its source: certainty words do not apply to a prevalence fact",
        ),
        (
            "The FDA has approved ketamine as an anesthetic.",
            "regulatory",
            "state it with its source: certainty words do not apply to a regulatory fact",
        ),
        (
            "Neuropathic pain is chronic pain caused by nerve damage.",
            "definition",
            "state it with its source: certainty words do not apply to a definition fact",
        ),
    ],
)
def test_advice_for_each_kind_of_claim(statement, kind, low_advice):
    from kbase.vocabulary import CLAIM_KINDS

    assert claim_kind(statement) == kind and kind in CLAIM_KINDS
    assert advice(statement, 2, kind) == low_advice


def test_one_wording_of_each_bundled_claim_in_evidence_table_report_and_audit(tmp_path):
    """kbase evidence, kbase table (Markdown and the HTML report) and the draft audit word every bundled claim the
    same way (issue 27: evidence suggested a rewording that table called "fine as worded")."""
    import html

    from click.testing import CliRunner
    from conftest import ROOT

    import kbase
    from kbase.cli import cli
    from kbase.language.wording import library_wording
    from kbase.vocabulary import HEDGED_KINDS

    base = ["--year", "2026", "--claims", str(ROOT / "claims.yaml"), "--bib", str(ROOT / "references.bib")]
    kb = kbase.load(ROOT / "claims.yaml", ROOT / "references.bib", year=2026)
    table = CliRunner().invoke(cli, [*base, "table"]).stdout
    report = html.unescape(CliRunner().invoke(cli, [*base, "table", "--format", "html"]).stdout)
    draft = tmp_path / "draft.md"
    checked = audited = 0
    for claim in kb.claims.values():
        grade = kb.grade(claim.id)
        if grade.kind not in HEDGED_KINDS or not 1 <= grade.level <= 3:
            continue
        wording = library_wording(claim.statement, grade.level, grade.kind)
        assert f"“{wording}”" in CliRunner().invoke(cli, [*base, "evidence", claim.id]).stdout, claim.id
        changed = wording != claim.statement.strip()
        assert (f"word it as “{wording}”" in table) == changed, claim.id
        assert (f"word it as “{wording}”" in report) == changed, claim.id
        draft.write_text(f"{claim.statement.rstrip('.')}, definitely.\n", encoding="utf-8")  # a hype word: always advised
        found = [f.message for f in kb.audit_draft(str(draft)) if f.rule == "overstated-claim" and f.subject == claim.id]
        assert all(f"word it as “{wording}”" in message for message in found), (claim.id, found)
        checked, audited = checked + 1, audited + len(found)
    assert checked >= 8 and audited >= checked // 2  # 9 claims of hedged kinds between very-low and moderate (harms are not)


def test_claim_set_kind_sets_a_kind_the_audit_then_uses(library, monkeypatch):
    """`kbase claim set ID --kind caution`: written after the statement, read back, and a caution is never hedged."""
    from click.testing import CliRunner

    from kbase.cli import cli

    library.write(
        claims_yaml("""
        - id: only-professionals
          statement: Ketamine is given by trained anaesthetists.
          evidence:
            - ref: a
              stance: supports
        """),
        bib_entry("a", "cross-sectional"),
    )
    assert CliRunner().invoke(cli, ["claim", "set", "only-professionals", "--kind", "caution"]).exit_code == 0
    assert "    statement: Ketamine is given by trained anaesthetists.\n    kind: caution\n" in library.claims_path.read_text()
    shown = CliRunner().invoke(cli, ["evidence", "only-professionals"]).stdout
    assert "kind:                 caution\n" in shown and "a caution is never weakened" in shown
    assert CliRunner().invoke(cli, ["claim", "set", "only-professionals", "--kind", "nonsense"]).exit_code == 2
