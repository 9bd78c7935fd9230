"""Each grading rule of docs/grading.md, on a purpose-made library that breaks if the rule does."""

from __future__ import annotations

import pytest
from conftest import bib_entry, claims_yaml

from kbase import Level


def link(ref: str, stance: str = "supports", extra: str = "", assessed: bool = True) -> str:
    """A link; assessed (``concerns: []``) unless ``extra`` gives concerns or ``assessed`` is False."""
    if assessed and "concerns" not in extra:
        extra = extra + "\nconcerns: []"
    return f"    - ref: {ref}\n      stance: {stance}\n" + "".join(f"      {line}\n" for line in extra.splitlines() if line)


def claim(cid: str, *links: str, depends: str = "") -> str:
    text = f"- id: {cid}\n  statement: Statement of {cid}.\n"
    if links:
        text += "  evidence:\n" + "".join(links)
    if depends:
        text += f"  depends_on: [{depends}]\n"
    return text


def grade_of(library, claims, bib, cid="c", **kw):
    return library.write(claims_yaml(*claims), bib).load(**kw).grade(cid)


@pytest.mark.parametrize(
    ("design", "level"),
    [
        ("meta-analysis", Level.HIGH),
        ("systematic-review", Level.HIGH),
        ("rct", Level.HIGH),
        ("guideline", Level.MODERATE),
        ("cohort", Level.LOW),
        ("case-control", Level.LOW),
        ("cross-sectional", Level.LOW),
        ("narrative-review", Level.LOW),
        ("case-series", Level.VERY_LOW),
        ("case-report", Level.VERY_LOW),
        ("expert-opinion", Level.VERY_LOW),
        ("preclinical", Level.VERY_LOW),
        ("press-release", Level.VERY_LOW),
        ("website", Level.VERY_LOW),
        ("news", Level.VERY_LOW),
        ("unknown", Level.VERY_LOW),
    ],
)
def test_rule3_design_sets_the_starting_level(library, design, level):
    grade = grade_of(library, [claim("c", link("r"))], bib_entry("r", design))
    assert grade.level == level
    assert grade.reasons[0].rule == "start"


def test_rule1_retracted_links_are_set_aside(library):
    bib = bib_entry("good", "cohort") + bib_entry("bad", "meta-analysis", pubstate="retracted")
    grade = grade_of(library, [claim("c", link("bad"), link("good"))], bib)
    assert grade.level == Level.LOW  # the meta-analysis would have made it high
    assert [r.rule for r in grade.reasons][:1] == ["retracted"]
    assert "bad" in grade.reasons[0].message
    assert [l.set_aside for l in grade.links] == ["retracted", ""]


def test_rule2_only_retracted_support_means_unsupported(library):
    grade = grade_of(library, [claim("c", link("bad"))], bib_entry("bad", "rct", pubstate="retracted"))
    assert grade.level == Level.UNSUPPORTED


def test_rule2_mentions_are_not_support(library):
    grade = grade_of(library, [claim("c", link("r", "mentions"))], bib_entry("r", "meta-analysis"))
    assert grade.level == Level.UNSUPPORTED
    assert grade.reasons[-1].rule == "unsupported"


def test_rule2_no_evidence_at_all(library):
    assert grade_of(library, [claim("c")], "").level == Level.UNSUPPORTED


@pytest.mark.parametrize(
    ("extra", "level"),
    [
        ("", Level.HIGH),
        ("concerns: [risk-of-bias]", Level.MODERATE),
        ("concerns: [risk-of-bias, imprecision]", Level.LOW),
        ("indirect: true", Level.MODERATE),
        ("indirect: false", Level.HIGH),
        ("concerns: [risk-of-bias, imprecision]\nindirect: true", Level.VERY_LOW),
        ("concerns: [risk-of-bias, imprecision, inconsistency, publication-bias]\nindirect: true", Level.VERY_LOW),
    ],
    ids=["none", "one-concern", "two-concerns", "indirect", "not-indirect", "floor-reached", "floor-holds"],
)
def test_rule3_concerns_and_indirectness_lower_a_link(library, extra, level):
    grade = grade_of(library, [claim("c", link("r", extra=extra))], bib_entry("r", "rct"))
    assert grade.level == level


def test_rule4_claim_starts_at_its_best_link(library):
    bib = bib_entry("weak", "website") + bib_entry("strong", "guideline")
    grade = grade_of(library, [claim("c", link("weak"), link("strong"))], bib)
    assert grade.level == Level.MODERATE
    assert "strong" in grade.reasons[0].message


def test_rule5_reports_join_sources_either_way_and_transitively(library):
    # news -> press -> study; study2 independent; both directions and through press (not linked)
    bib = (
        bib_entry("study", "rct")
        + bib_entry("press", "press-release", reports="study")
        + bib_entry("news", "news", reports="press")
        + bib_entry("study2", "cohort")
    )
    grade = grade_of(library, [claim("c", link("news"), link("study"), link("study2"))], bib)
    assert grade.independent_sources == 2
    assert sorted(map(sorted, grade.sources)) == [["news", "study"], ["study2"]]


def test_rule5_two_meta_analyses_plus_three_restatements_are_two_sources(library):
    bib = (
        bib_entry("ma1", "meta-analysis")
        + bib_entry("ma2", "meta-analysis")
        + "".join(bib_entry(f"echo{i}", "news", reports="ma1") for i in range(3))
    )
    grade = grade_of(library, [claim("c", *(link(k) for k in ["ma1", "ma2", "echo0", "echo1", "echo2"]))], bib)
    assert grade.independent_sources == 2
    assert "amplified" not in grade.flags


def test_rule5_a_reports_cycle_is_one_group_not_a_hang(library):
    bib = bib_entry("a", "news", reports="b") + bib_entry("b", "news", reports="a")
    grade = grade_of(library, [claim("c", link("a"), link("b"))], bib)
    assert grade.independent_sources == 1


def test_rule6_contradiction_at_or_above_lowers_one_level(library):
    bib = bib_entry("pro", "rct") + bib_entry("con", "meta-analysis")
    grade = grade_of(library, [claim("c", link("pro"), link("con", "contradicts"))], bib)
    assert grade.level == Level.MODERATE
    assert "contested" in grade.flags
    assert grade.reasons[-1].rule == "contradiction"


def test_rule6_contradiction_below_flags_but_keeps_level(library):
    bib = bib_entry("pro", "rct") + bib_entry("con", "case-report")
    grade = grade_of(library, [claim("c", link("pro"), link("con", "contradicts"))], bib)
    assert grade.level == Level.HIGH
    assert "contested" in grade.flags


def test_rule6_contradiction_lowers_only_once(library):
    bib = bib_entry("pro", "rct") + bib_entry("con1", "rct") + bib_entry("con2", "rct")
    grade = grade_of(library, [claim("c", link("pro"), link("con1", "contradicts"), link("con2", "contradicts"))], bib)
    assert grade.level == Level.MODERATE


def test_rule6_contradicted_and_unsupported_is_contested(library):
    grade = grade_of(library, [claim("c", link("con", "contradicts"))], bib_entry("con", "rct"))
    assert grade.level == Level.UNSUPPORTED and "contested" in grade.flags


def test_rule7_is_retired_three_agreeing_low_sources_stay_low(library):
    """Issue 28: GRADE rates a body of evidence; it adds no certainty for counting sources."""
    bib = "".join(bib_entry(k, "cohort") for k in "abc")
    grade = grade_of(library, [claim("c", link("a"), link("b"), link("c"))], bib)
    assert grade.level == Level.LOW and grade.independent_sources == 3
    assert "consistency" not in [r.rule for r in grade.reasons]


def test_dependent_sources_are_flagged_amplified(library):
    bib = bib_entry("a", "cohort") + bib_entry("b", "cohort", reports="a") + bib_entry("c", "cohort", reports="a")
    grade = grade_of(library, [claim("c", link("a"), link("b"), link("c"))], bib)
    assert grade.level == Level.LOW
    assert "amplified" in grade.flags


def test_rule8_premise_caps_the_claim(library):
    bib = bib_entry("strong", "rct") + bib_entry("weak", "website")
    kb = library.write(claims_yaml(claim("c", link("strong"), depends="p"), claim("p", link("weak"))), bib).load()
    grade = kb.grade("c")
    assert grade.level == Level.VERY_LOW
    assert grade.reasons[-1].rule == "premise" and "p" in grade.reasons[-1].message


def test_rule8_chains_of_premises_cap_transitively(library):
    bib = bib_entry("strong", "rct") + bib_entry("mid", "guideline") + bib_entry("weak", "cohort")
    claims = [claim("a", link("strong"), depends="b"), claim("b", link("mid"), depends="c2"), claim("c2", link("weak"))]
    kb = library.write(claims_yaml(*claims), bib).load()
    assert [kb.grade(c).level for c in ("a", "b", "c2")] == [Level.LOW, Level.LOW, Level.LOW]


def test_rule8_cycle_is_reported_and_grading_terminates(library):
    bib = bib_entry("r", "rct") + bib_entry("w", "website")
    kb = library.write(claims_yaml(claim("a", link("r"), depends="b"), claim("b", link("r"), depends="a")), bib).load()
    assert kb.grade("a").level == Level.HIGH
    assert kb.grade("b").level == Level.HIGH
    assert [r.message for r in kb.grade("a").reasons][-1] == "premise b skipped: it is in a cycle with this claim"
    assert kb.premise_cycles == [["a", "b"]]
    assert any(f.rule == "premise-cycle" and "a → b → a" in f.message for f in kb.audit())


def test_rule9_reasons_are_kept_in_order(library):
    bib = "".join(bib_entry(k, "cohort") for k in "abc") + bib_entry("gone", "rct", pubstate="retracted") + bib_entry("w", "website")
    kb = library.write(claims_yaml(claim("c", link("gone"), link("a"), link("b"), link("c"), depends="p"), claim("p", link("w"))), bib).load()
    grade = kb.grade("c")
    assert [r.rule for r in grade.reasons] == ["retracted", "start", "premise"]
    assert [r.level for r in grade.reasons] == [None, Level.LOW, Level.VERY_LOW]


@pytest.mark.parametrize(
    ("designs", "flag", "present"),
    [
        (["rct"], "single-source", True),
        (["rct", "cohort"], "single-source", False),
        (["narrative-review", "website"], "secondary-only", True),
        (["narrative-review", "rct"], "secondary-only", False),
    ],
)
def test_flags(library, designs, flag, present):
    keys = [f"r{i}" for i in range(len(designs))]
    bib = "".join(bib_entry(k, d) for k, d in zip(keys, designs))
    grade = grade_of(library, [claim("c", *(link(k) for k in keys))], bib)
    assert (flag in grade.flags) is present


# An undated reference says nothing about how recent the evidence is, so only dated ones count.
@pytest.mark.parametrize(("year", "stale"), [(2015, True), (2016, False), (None, True)])
def test_stale_flag_uses_the_newest_supporting_reference(library, year, stale):
    bib = bib_entry("old", "rct", year=2001) + bib_entry("new", "rct", year=year)
    grade = grade_of(library, [claim("c", link("old"), link("new"))], bib, year=2026)
    assert ("stale" in grade.flags) is stale


def test_undated_evidence_alone_is_not_called_stale(library):
    grade = grade_of(library, [claim("c", link("r"))], bib_entry("r", "website", year=None), year=2026)
    assert "stale" not in grade.flags


def test_stale_threshold_is_a_setting(library):
    grade = grade_of(library, [claim("c", link("r"))], bib_entry("r", "rct", year=2020), year=2026, stale_years=3)
    assert "stale" in grade.flags


def test_grading_does_not_depend_on_claim_or_reference_order(library):
    bib_parts = [bib_entry("a", "cohort"), bib_entry("b", "rct", reports="a"), bib_entry("c", "news")]
    claims = [claim("x", link("a"), link("b"), depends="y"), claim("y", link("c"), link("a", "contradicts"))]
    first = library.write(claims_yaml(*claims), "".join(bib_parts)).load().grades
    second = library.write(claims_yaml(*reversed(claims)), "".join(reversed(bib_parts))).load().grades
    assert {k: (g.level, g.flags, g.independent_sources) for k, g in first.items()} == {
        k: (g.level, g.flags, g.independent_sources) for k, g in second.items()
    }


def test_inferred_design_is_used_and_said(library):
    bib = bib_entry("r", None, title="Ketamine for pain: a systematic review and meta-analysis")
    grade = grade_of(library, [claim("c", link("r"))], bib)
    assert grade.level == Level.HIGH
    assert grade.links[0].design == "meta-analysis" and grade.links[0].design_inferred
    assert "inferred" in grade.reasons[0].message


def test_a_repeated_link_is_reported_and_the_more_cautious_copy_counts(tmp_path):
    import kbase

    (tmp_path / "references.bib").write_text("@article{t,\n  title = {A trial},\n  year = {2024},\n  design = {rct},\n}\n", encoding="utf-8")
    head = "kbase: 1\nclaims:\n  - id: c\n    statement: It works.\n    evidence:\n"
    plain = "      - ref: t\n        stance: supports\n"
    cautious = "      - ref: t\n        stance: supports\n        concerns: [imprecision]\n"
    levels = []
    for body, second in ((plain + cautious, 8), (cautious + plain, 9)):
        (tmp_path / "claims.yaml").write_text(head + body, encoding="utf-8")
        kb = kbase.load(tmp_path / "claims.yaml", tmp_path / "references.bib", year=2026)
        levels.append(kb.grade("c").level)
        repeats = [f for f in kb.audit() if f.rule == "duplicate-link"]
        assert [(f.where.line, f.message) for f in repeats] == [
            (second, "claim 'c' links 't' as 'supports' twice (first at line 6); keep one link with every concern it needs")
        ]
    assert levels == [kbase.Level.MODERATE, kbase.Level.MODERATE]  # rct high, -1 imprecision, in either order


# -- independence beyond reports: shared authors, overlapping syntheses -------------------------------


def _independence_library(tmp_path, entries, links):
    import kbase

    bib = "".join(
        "@article{{{},\n  title = {{{}}},\n  year = {{2020}},\n{}}}\n".format(key, key.title(), "".join(f"  {n} = {{{v}}},\n" for n, v in fields))
        for key, fields in entries.items()
    )
    (tmp_path / "references.bib").write_text(bib, encoding="utf-8")
    evidence = "".join(f"      - ref: {k}\n        stance: supports\n        concerns: []\n" for k in links)
    (tmp_path / "claims.yaml").write_text("kbase: 1\nclaims:\n  - id: c\n    statement: It works.\n    evidence:\n" + evidence, encoding="utf-8")
    return kbase.load(tmp_path / "claims.yaml", tmp_path / "references.bib", year=2026).grade("c")


def test_references_that_share_an_author_are_one_source_and_say_why(tmp_path):
    entries = {
        "a": [("author", "Cohen, Steven P. and Roe, R."), ("design", "rct")],
        "b": [("author", "S. Cohen and Other, O."), ("design", "rct")],
        "c": [("author", "Third, T."), ("design", "rct")],
    }
    grade = _independence_library(tmp_path, entries, ["a", "b", "c"])
    assert grade.sources == (("a", "b"), ("c",)) and grade.independent_sources == 2
    assert "shared-authors" in grade.flags
    assert any(r.rule == "independence" and r.message == "a and b count as one source: shared author Cohen S" for r in grade.reasons)
    assert grade.level == kbase_level("high")  # three trials, two sources


def kbase_level(name):
    import kbase

    return kbase.Level.parse(name)


@pytest.mark.parametrize(
    ("a", "b", "joined"),
    [
        ("t1, t2, t3", "t2, t3, t4", True),  # CCA 2/4 = 0.50
        ("t1, t2, t3, t4, t5, t6", "t6, t7, t8, t9, t10, t11", False),  # 1/11 = 0.09, under 0.15
        ("doi:10.1/X, pmid:1", "doi:10.1/x, pmid:2", True),  # identifiers compared normalised: 1/3
    ],
)
def test_syntheses_with_overlapping_studies_are_one_source(tmp_path, a, b, joined):
    entries = {
        "m1": [("author", "One, A."), ("design", "meta-analysis"), ("includes", a)],
        "m2": [("author", "Two, B."), ("design", "meta-analysis"), ("includes", b)],
    }
    grade = _independence_library(tmp_path, entries, ["m1", "m2"])
    assert (grade.independent_sources == 1) == joined
    if joined:
        assert any(r.rule == "independence" and "corrected covered area" in r.message for r in grade.reasons)


def test_a_review_that_includes_a_supporting_trial_is_one_source_with_it(tmp_path):
    entries = {
        "trial": [("author", "One, A."), ("design", "rct")],
        "review": [("author", "Two, B."), ("design", "systematic-review"), ("includes", "trial, other")],
    }
    grade = _independence_library(tmp_path, entries, ["trial", "review"])
    assert grade.sources == (("trial", "review"),)


def test_corrected_covered_area_matches_pieper():
    from kbase.independence import corrected_covered_area

    # Pieper et al. 2014's definition: (N - r) / (rc - r); three reviews over five studies, seven inclusions
    assert corrected_covered_area([{"a", "b"}, {"b", "c", "d"}, {"e", "a"}]) == pytest.approx((7 - 5) / (15 - 5))


def test_a_preprint_starts_one_level_below_its_design_and_says_why():
    from kbase.grading import link_grade
    from kbase.model import Reference

    trial = Reference("t", "article", design="rct", design_inferred=False, doi="10.1101/2021.02.03.21251000")
    grade = link_grade(trial, "t", "supports")
    assert grade.preprint and str(grade.start) == "high" and str(grade.level) == "moderate"
    published = Reference("p", "article", design="rct", design_inferred=False, doi="10.1097/j.pain.1")
    assert str(link_grade(published, "p", "supports").level) == "high"


def test_a_draft_citing_a_superseded_preprint_is_told_to_cite_the_article(tmp_path):
    import kbase

    title = "Ketamine infusions for chronic pain: a randomized trial"
    (tmp_path / "references.bib").write_text(
        f"@article{{pre,\n  title = {{{title}}},\n  author = {{Smith, Anna}},\n  year = {{2020}},\n  doi = {{10.1101/2020.05.01.1}},\n  design = {{rct}},\n}}\n"
        f"@article{{pub,\n  title = {{{title}}},\n  author = {{Smith, Anna}},\n  year = {{2021}},\n  journal = {{Pain}},\n  design = {{rct}},\n}}\n",
        encoding="utf-8",
    )
    (tmp_path / "claims.yaml").write_text("kbase: 1\nclaims:\n  - id: c\n    statement: Ketamine relieves chronic pain.\n", encoding="utf-8")
    draft = tmp_path / "d.md"
    draft.write_text("Ketamine relieved pain in one trial [@pre].\n", encoding="utf-8")
    kb = kbase.load(tmp_path / "claims.yaml", tmp_path / "references.bib", year=2026)
    assert kb.superseded == {"pre": "pub"}
    (hit,) = [f for f in kb.audit_draft(draft) if f.rule == "preprint-superseded"]
    assert hit.message == "cites the preprint pre; its published version pub is in the library: cite that instead"


def test_one_work_entered_twice_is_one_source(tmp_path):
    """Issue 29: a duplicate reference raised a claim a level (rule 7 counted it as a third source).
    One work entered twice, by a shared DOI or by title, year and first author, is one source."""
    import kbase

    bib = (
        "@article{a,\n  title = {Ketamine after spine surgery: a cohort},\n  author = {Roe, Ann},\n  year = {2020},\n"
        "  doi = {10.1000/abc},\n  design = {cohort},\n}\n"
        "@article{a2,\n  title = {Ketamine after spine surgery. A cohort},\n  author = {Anonymous},\n  year = {2021},\n"
        "  doi = {10.1000/ABC},\n  design = {cohort},\n}\n"
        "@article{b,\n  title = {Opioid use after ketamine},\n  author = {Doe, Bo},\n  year = {2019},\n  design = {cohort},\n}\n"
        "@article{b2,\n  title = {Opioid use after ketamine},\n  author = {Doe, B. and Poe, C.},\n  year = {2019},\n  design = {cohort},\n}\n"
        "@article{c,\n  title = {A third cohort},\n  author = {Third, T.},\n  year = {2018},\n  design = {cohort},\n}\n"
    )
    (tmp_path / "references.bib").write_text(bib, encoding="utf-8")
    evidence = "".join(f"      - ref: {k}\n        stance: supports\n" for k in ("a", "a2", "c"))
    (tmp_path / "claims.yaml").write_text(
        "kbase: 1\nclaims:\n  - id: c\n    statement: It works.\n    evidence:\n"
        + evidence
        + "  - id: d\n    statement: It spares opioids.\n    evidence:\n"
        + "".join(f"      - ref: {k}\n        stance: supports\n" for k in ("b", "b2", "c")),
        encoding="utf-8",
    )
    kb = kbase.load(tmp_path / "claims.yaml", tmp_path / "references.bib", year=2026)
    by_doi, by_title = kb.grade("c"), kb.grade("d")
    assert by_doi.sources == (("a", "a2"), ("c",)) and by_doi.level == kbase_level("low")
    assert any(r.message == "a and a2 count as one source: one work entered twice (they share the doi 10.1000/abc)" for r in by_doi.reasons), (
        by_doi.reasons
    )
    assert by_title.sources == (("b", "b2"), ("c",)) and by_title.level == kbase_level("low")
    assert {f.rule for f in kb.audit()} >= {"duplicate-reference"}


# -- GRADE's judgements, field for field (issue 28) --------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "level", "said"),
    [
        ("concerns: {risk-of-bias: very-serious}", Level.LOW, "-2 risk-of-bias (very serious)"),
        ("concerns: {risk-of-bias: serious, imprecision: serious}", Level.LOW, "-1 risk-of-bias, -1 imprecision"),
        ("concerns: {risk-of-bias: not-serious, inconsistency: not-serious}", Level.HIGH, "rct starts high"),
        ("concerns: {}", Level.HIGH, "rct starts high"),
        ("concerns: {risk-of-bias: very-serious, imprecision: very-serious}", Level.VERY_LOW, "-2 imprecision (very serious)"),
    ],
    ids=["very-serious", "two-serious", "not-serious", "empty-mapping", "floor"],
)
def test_a_domain_can_be_very_serious(library, extra, level, said):
    grade = grade_of(library, [claim("c", link("r", extra=extra))], bib_entry("r", "rct"))
    assert grade.level == level and said in grade.reasons[0].message and "unassessed" not in grade.flags


def test_a_concern_listed_twice_says_how_to_write_very_serious(library):
    library.write(claims_yaml(claim("c", link("r", extra="concerns: [risk-of-bias, risk-of-bias]"))), bib_entry("r", "rct"))
    problems = [p.message for p in library.load().problems]
    assert any("concerns: {risk-of-bias: very-serious}" in m for m in problems), problems


@pytest.mark.parametrize(
    ("design", "assessed", "setting", "level", "flagged"),
    [
        ("rct", False, "", Level.MODERATE, True),
        ("rct", True, "", Level.HIGH, False),
        ("rct", False, 'unassessed = "flag"', Level.HIGH, True),
        ("guideline", False, "", Level.MODERATE, True),
        ("cohort", False, "", Level.LOW, False),  # starts at low: nothing to assess it down from that matters here
    ],
)
def test_evidence_nobody_assessed_never_reads_as_high(library, design, assessed, setting, level, flagged):
    kw = {"unassessed": "flag"} if setting else {}
    grade = grade_of(library, [claim("c", link("r", assessed=assessed))], bib_entry("r", design), **kw)
    assert grade.level == level and ("unassessed" in grade.flags) == flagged
    if flagged and not setting and design == "rct":
        assert grade.reasons[-1].rule == "unassessed" and "concerns: []" in grade.reasons[-1].message
        findings = [f for f in library.load().audit() if f.rule == "unassessed-evidence"]
        assert len(findings) == 1 and findings[0].where.line > 0


@pytest.mark.parametrize(
    ("design", "extra", "level"),
    [
        ("cohort", "upgrades: [large-effect]", Level.MODERATE),
        ("cohort", "upgrades: [very-large-effect, dose-response]", Level.HIGH),
        ("case-series", "upgrades: [dose-response]", Level.LOW),
        ("cohort", "upgrades: [large-effect]\nconcerns: [risk-of-bias]", Level.VERY_LOW),  # a serious concern: not rated up
        ("rct", "upgrades: [large-effect]", Level.HIGH),  # starts high: GRADE rates up only low evidence
    ],
)
def test_upgrades_raise_only_evidence_that_starts_low_without_serious_concerns(library, design, extra, level):
    grade = grade_of(library, [claim("c", link("r", extra=extra))], bib_entry("r", design))
    assert grade.level == level
    refused = grade.links[0].refused
    assert bool(refused) == (level in (Level.VERY_LOW,) and "risk" in extra or design == "rct")
    if refused:
        assert any(f.rule == "upgrade-not-allowed" for f in library.load().audit())


@pytest.mark.parametrize(
    ("bib_pooled", "link_pooled", "level", "because"),
    [
        ("observational", "", Level.LOW, "pooled observational"),
        ("mixed", "", Level.LOW, "pooled mixed"),
        ("rct", "", Level.HIGH, "pooled trials"),
        ("rct", "observational", Level.LOW, "pooled observational"),  # the link overrides: this outcome pooled cohorts
        ("", "", Level.HIGH, ""),
    ],
)
def test_a_synthesis_starts_at_what_it_pooled(library, bib_pooled, link_pooled, level, because):
    fields = {"pooled": bib_pooled} if bib_pooled else {}
    extra = f"pooled: {link_pooled}" if link_pooled else ""
    grade = grade_of(library, [claim("c", link("m", extra=extra))], bib_entry("m", "meta-analysis", **fields))
    assert grade.level == level and (because in grade.reasons[0].message)


def test_a_prevalence_claim_starts_surveys_high(library):
    bib = bib_entry("survey", "cross-sectional")
    claims = claims_yaml(
        """
- id: c
  statement: About one in five adults lives with chronic pain.
  kind: prevalence
  evidence:
    - ref: survey
      stance: supports
      concerns: []
""",
        """
- id: e
  statement: Exercise reduces chronic pain.
  evidence:
    - ref: survey
      stance: supports
      concerns: []
""",
    )
    kb = library.write(claims, bib).load()
    assert kb.grade("c").level == Level.HIGH and "a prevalence claim" in kb.grade("c").reasons[0].message
    assert kb.grade("e").level == Level.LOW


@pytest.mark.parametrize(
    ("extra", "level", "said"),
    [
        ("participants: 120\nconcerns: []", Level.MODERATE, "120 participants"),
        ("participants: 1200\nevents: 90\nconcerns: []", Level.MODERATE, "90 events"),
        ("participants: 1200\nevents: 450\nconcerns: []", Level.HIGH, ""),
        ("participants: 120\nconcerns: {imprecision: not-serious}", Level.HIGH, ""),  # the link rated imprecision itself
        ("participants: 120\nconcerns: [imprecision]", Level.MODERATE, "-1 imprecision"),  # once, not twice
    ],
)
def test_imprecision_from_the_numbers(library, extra, level, said):
    grade = grade_of(library, [claim("c", link("r", extra=extra))], bib_entry("r", "rct"))
    assert grade.level == level and said in grade.reasons[0].message


def test_participants_and_events_must_be_whole_numbers_and_events_at_most_participants(library):
    library.write(
        claims_yaml(claim("c", link("r", extra="participants: many")), claim("d", link("r", extra="participants: 10\nevents: 20"))),
        bib_entry("r", "rct"),
    )
    problems = [p.message for p in library.load().problems]
    assert "participants must be a whole number, such as 120" in problems and "events (20) cannot be more than participants (10)" in problems


def test_the_unassessed_setting_is_read_from_kbase_toml_and_checked(library):
    from click.testing import CliRunner

    from kbase.cli import cli

    library.write(claims_yaml(claim("c", link("r", assessed=False))), bib_entry("r", "rct"))
    assert CliRunner().invoke(cli, ["grades"]).stdout.splitlines()[1].startswith("moderate")
    (library.folder / "kbase.toml").write_text('unassessed = "flag"\n', encoding="utf-8")
    assert CliRunner().invoke(cli, ["grades"]).stdout.splitlines()[1].startswith("high")
    (library.folder / "kbase.toml").write_text('unassessed = "ignore"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["grades"])
    assert result.exit_code == 2 and "setting 'unassessed' must be" in result.output


# -- a GRADE methodologist's reading (issue 28) ----------------------------------------------------------


def test_evidence_nobody_assessed_is_never_rated_up(library):
    grade = grade_of(library, [claim("c", link("r", extra="upgrades: [very-large-effect]", assessed=False))], bib_entry("r", "cohort"))
    assert grade.level == Level.LOW and grade.links[0].refused == ("very-large-effect",)
    assert any(f.rule == "upgrade-not-allowed" and "nobody has assessed it" in f.message for f in library.load().audit())


def test_a_synthesis_that_does_not_say_what_it_pooled_is_flagged(library):
    grade = grade_of(library, [claim("c", link("m"))], bib_entry("m", "meta-analysis"))
    assert grade.level == Level.HIGH and "pooled-assumed" in grade.flags
    assert "what it pooled not given: taken as trials" in grade.reasons[0].message


def test_a_synthesis_of_surveys_starts_high_for_prevalence_like_one_survey(library):
    claims = claims_yaml("""
- id: p
  statement: About one in five adults lives with chronic pain.
  kind: prevalence
  evidence:
    - ref: m
      stance: supports
      concerns: []
""")
    kb = library.write(claims, bib_entry("m", "meta-analysis", pooled="observational")).load()
    assert kb.grade("p").level == Level.HIGH and "a prevalence claim, pooled observational" in kb.grade("p").reasons[0].message


@pytest.mark.parametrize(
    ("extra", "level"),
    [
        ("indirect: true\nconcerns: {indirectness: serious}", Level.MODERATE),  # rated once, not twice
        ("indirect: true\nconcerns: {indirectness: not-serious}", Level.HIGH),  # the writer's rating wins
        ("indirect: true\nconcerns: {indirectness: very-serious}", Level.LOW),
        ("indirect: true\nconcerns: [indirectness]", Level.LOW),  # the list form: indirect and the concern, two levels
    ],
)
def test_a_rated_indirectness_is_the_one_that_counts(library, extra, level):
    assert grade_of(library, [claim("c", link("r", extra=extra))], bib_entry("r", "rct")).level == level
