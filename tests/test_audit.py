"""Each library audit rule fires on the case it describes, and stays quiet otherwise."""

from __future__ import annotations

import pytest
from conftest import bib_entry, claims_yaml

from kbase.audit import RULES
from kbase.model import Severity


def findings(library, claims, bib, rule):
    kb = library.write(claims_yaml(*claims), bib).load()
    return [f for f in kb.audit() if f.rule == rule]


def c(cid, *refs, extra=""):
    text = f"- id: {cid}\n  statement: Statement {cid}.\n"
    if refs:
        text += "  evidence:\n" + "".join(
            f"    - ref: {r}\n      stance: {s}\n" for r, s in (x.split(":") if ":" in x else (x, "supports") for x in refs)
        )
    return text + extra


POSITIVE_NEGATIVE = [
    # rule, (claims, bib) firing, (claims, bib) quiet
    ("unsupported-claim", ([c("a", "r:mentions")], bib_entry("r")), ([c("a", "r")], bib_entry("r"))),
    ("weak-claim", ([c("a", "r")], bib_entry("r", "website")), ([c("a", "r")], bib_entry("r", "cohort"))),
    (
        "contested-claim",
        ([c("a", "r", "x:contradicts")], bib_entry("r") + bib_entry("x", "case-report")),
        ([c("a", "r", "x:mentions")], bib_entry("r") + bib_entry("x")),
    ),
    (
        "preprint-superseded",
        (
            [c("a", "pre")],
            bib_entry("pre", title="Ketamine infusions for chronic pain: a randomized trial", doi="10.1101/2020.01.01.1")
            + bib_entry("pub", title="Ketamine infusions for chronic pain: a randomized trial", author="Doe-pre, Jane"),
        ),
        (
            [c("a", "pub")],
            bib_entry("pre", title="Ketamine infusions for chronic pain: a randomized trial", doi="10.1101/2020.01.01.1")
            + bib_entry("pub", title="Ketamine infusions for chronic pain: a randomized trial", author="Doe-pre, Jane"),
        ),
    ),
    (
        "review-due",
        ([c("a", "r", extra="  reviewed: 2001-02-03\n  reviewed_by: Dr Lee\n")], bib_entry("r")),
        ([c("a", "r", extra=f"  reviewed: {__import__('datetime').date.today().isoformat()}\n")], bib_entry("r")),
    ),
    ("duplicate-link", ([c("a", "r", "r")], bib_entry("r")), ([c("a", "r", "r:mentions")], bib_entry("r"))),
    ("single-source", ([c("a", "r")], bib_entry("r")), ([c("a", "r", "s")], bib_entry("r") + bib_entry("s"))),
    (
        "amplified-claim",
        ([c("a", "r", "p1", "p2")], bib_entry("r") + bib_entry("p1", "news", reports="r") + bib_entry("p2", "news", reports="p1")),
        ([c("a", "r", "p1", "p2")], bib_entry("r") + bib_entry("p1", "news") + bib_entry("p2", "news")),
    ),
    (
        "secondary-only",
        ([c("a", "r", "s")], bib_entry("r", "narrative-review") + bib_entry("s", "press-release")),
        ([c("a", "r", "s")], bib_entry("r", "narrative-review") + bib_entry("s", "cohort")),
    ),
    ("stale-evidence", ([c("a", "r")], bib_entry("r", year=2001)), ([c("a", "r")], bib_entry("r", year=2024))),
    ("retracted-reference", ([c("a", "r")], bib_entry("r", pubstate="retracted")), ([c("a", "r")], bib_entry("r", pubstate="inpress"))),
    ("dangling-reference", ([c("a", "rr")], bib_entry("r")), ([c("a", "r")], bib_entry("r"))),
    ("unused-reference", ([c("a", "r")], bib_entry("r") + bib_entry("s")), ([c("a", "r", "s:mentions")], bib_entry("r") + bib_entry("s"))),
    (
        "duplicate-reference",
        ([c("a", "r", "s")], bib_entry("r", doi="10.1000/ABC") + bib_entry("s", doi="https://doi.org/10.1000/abc")),
        ([c("a", "r", "s")], bib_entry("r", doi="10.1000/abc") + bib_entry("s", doi="10.1000/abd")),
    ),
    (
        "identifier-conflict",
        (
            [c("a", "r", "s")],
            bib_entry("r", doi="10.1000/abc", title="Ketamine for chronic pain")
            + bib_entry("s", pmid="123456", doi="10.1000/ABC", title="Grain prices in the Baltic trade, 1600-1700"),
        ),
        (
            [c("a", "r", "s")],
            bib_entry("r", doi="10.1000/abc", title="Ketamine for chronic pain")
            + bib_entry("s", doi="10.1000/abc", title="Ketamine for chronic pain: a trial"),
        ),
    ),
    (
        "invalid-identifier",
        ([c("a", "r")], bib_entry("r", doi="10.12/x", pmid="PMC123", isbn="978-0-306-40615-8", url="www.example.org")),
        ([c("a", "r")], bib_entry("r", doi="10.1000/xyz", pmid="123456", isbn="978-0-306-40615-7", url="https://example.org/a")),
    ),
    (
        "premise-cycle",
        ([c("a", "r", extra="  depends_on: [b]\n"), c("b", "r", extra="  depends_on: [a]\n")], bib_entry("r")),
        ([c("a", "r", extra="  depends_on: [b]\n"), c("b", "r")], bib_entry("r")),
    ),
    ("design-inferred", ([c("a", "r")], bib_entry("r", None)), ([c("a", "r")], bib_entry("r"))),
    (
        "missing-primary-source",
        ([c("a", "p")], bib_entry("p", "press-release", reports="study")),
        ([c("a", "p")], bib_entry("p", "press-release", reports="study") + bib_entry("study")),
    ),
    (
        "reports-cycle",
        ([c("a", "p", "q")], bib_entry("p", "news", reports="q") + bib_entry("q", "news", reports="p")),
        ([c("a", "p", "q")], bib_entry("p", "news", reports="q") + bib_entry("q", "news")),
    ),
]


# needs a retraction list: tested in test_shape.py::test_retraction_list_marks_references_by_doi_and_pmid
def assessed(cid, ref, extra=""):
    """A claim with one link whose concerns were assessed (``concerns: []``) and ``extra`` lines on the link."""
    return f"- id: {cid}\n  statement: Statement {cid}.\n  evidence:\n    - ref: {ref}\n      stance: supports\n      concerns: []\n" + extra


POSITIVE_NEGATIVE += [
    ("unassessed-evidence", ([c("a", "r")], bib_entry("r", "rct")), ([assessed("a", "r")], bib_entry("r", "rct"))),
    (
        "upgrade-not-allowed",
        ([assessed("a", "r", "      upgrades: [large-effect]\n")], bib_entry("r", "rct")),
        ([assessed("a", "r", "      upgrades: [large-effect]\n")], bib_entry("r", "cohort")),
    ),
]

ELSEWHERE = {"retraction-notice"}


@pytest.mark.parametrize(("rule", "firing", "quiet"), POSITIVE_NEGATIVE, ids=[p[0] for p in POSITIVE_NEGATIVE])
def test_rule_fires_and_stays_quiet(library, rule, firing, quiet):
    hits = findings(library, *firing, rule)
    assert hits, f"{rule} did not fire"
    assert all(f.severity == RULES[rule].severity and f.where is not None for f in hits)
    assert findings(library, *quiet, rule) == []


def test_every_library_rule_has_a_case():
    library_rules = {r.id for r in RULES.values() if r.kind == "library"}
    assert library_rules == {p[0] for p in POSITIVE_NEGATIVE} | ELSEWHERE


def test_invalid_identifier_names_each_bad_identifier(library):
    hits = findings(
        library, [c("a", "r")], bib_entry("r", doi="10.12/x", pmid="PMC123", isbn="978-0-306-40615-8", url="www.example.org"), "invalid-identifier"
    )
    assert [h.message.split(": ", 1)[1].split(" ")[0] for h in hits] == ["doi", "pmid", "isbn", "url"]


def test_unsupported_because_retracted_says_so(library):
    (hit,) = findings(library, [c("a", "r")], bib_entry("r", pubstate="retracted"), "unsupported-claim")
    assert hit.message == "claim 'a' is unsupported: its only support (r) is retracted"


def test_findings_point_at_the_claim_line(library):
    kb = library.write(claims_yaml(c("a", "r"), c("b")), bib_entry("r")).load()
    (hit,) = [f for f in kb.audit() if f.rule == "unsupported-claim"]
    assert (hit.where.line, hit.where.col, hit.subject) == (8, 5, "b")


def test_severities_are_the_documented_ones():
    assert RULES["dangling-reference"].severity == Severity.ERROR
    assert RULES["premise-cycle"].severity == Severity.ERROR
    assert RULES["unsupported-claim"].severity == Severity.WARNING


def test_review_due_after_the_interval_set_in_kbase_toml(library):
    import datetime

    recent = (datetime.date.today() - datetime.timedelta(days=100)).isoformat()
    library.write(claims_yaml(c("a", "r", extra=f"  reviewed: {recent}\n")), bib_entry("r"))
    assert not [f for f in library.load().audit() if f.rule == "review-due"]
    kb = library.load(review_days=90)
    (hit,) = [f for f in kb.audit() if f.rule == "review-due"]
    assert hit.message == f"claim 'a' was last reviewed 100 days ago ({recent}); the interval is 90 days"


def test_a_review_date_that_is_not_a_date_is_a_located_error(library):
    kb = library.write(claims_yaml(c("a", "r", extra="  reviewed: last spring\n")), bib_entry("r")).load(strict=False)
    assert [p.message for p in kb.problems] == ["reviewed of claim 'a' must be a date written YYYY-MM-DD, not 'last spring'"]


@pytest.mark.parametrize(
    ("r", "s"),
    [
        ({"title": "Ketamine for chronic pain"}, {"title": "Ketamine for chronic pain."}),
        ({"title": "Ketamine for chronic pain"}, {"title": "Grain prices in the Baltic trade"}),
        ({"title": "Handbook of pain medicine", "volume": "1"}, {"title": "Handbook of pain medicine", "volume": "2"}),
        ({"title": "Handbook of pain medicine", "volume": "1"}, {"title": "Handbook of pain medicine"}),
    ],
    ids=["same-work", "unrelated-titles", "two-volumes", "one-volume-given"],
)
def test_audit_calls_duplicates_exactly_what_refs_dedupe_merges(library, r, s):
    """A pair sharing a DOI is a duplicate-reference in the audit if and only if refs dedupe groups it
    (the audit used to call any shared DOI a duplicate, while dedupe refused to merge unrelated titles)."""
    from kbase.refs.dedupe import find_duplicates

    kb = library.write(claims_yaml(c("a", "r", "s")), bib_entry("r", doi="10.1000/abc", **r) + bib_entry("s", doi="10.1000/abc", **s)).load()
    rules = {f.rule for f in kb.audit()} & {"duplicate-reference", "identifier-conflict"}
    merged = bool(find_duplicates(list(kb.references.values())))
    assert rules == ({"duplicate-reference"} if merged else {"identifier-conflict"})


def test_one_reference_linked_to_one_claim_with_two_stances_is_reported(library):
    """Issue 29: a link as both `mentions` and `contradicts` was accepted silently."""
    from conftest import bib_entry, claims_yaml

    library.write(
        claims_yaml("""
        - id: a
          statement: A drug eases pain.
          evidence:
            - ref: trial
              stance: mentions
            - ref: trial
              stance: contradicts
        """),
        bib_entry("trial", "rct"),
    )
    found = [f for f in library.load().audit() if f.rule == "duplicate-link"]
    assert [f.message for f in found] == [
        "claim 'a' links 'trial' as 'mentions' (line 6) and as 'contradicts': a reference takes one stance on a claim; keep the one it takes"
    ]
    assert str(found[0].where).startswith("claims.yaml:8:")


def test_a_dangling_link_shows_where_the_claim_is_shown_and_grades_can_fail_on_it(library):
    """Issue 29: `kbase evidence` said "unsupported, 0 of 0" without a word, and `grades` exited 0."""
    from click.testing import CliRunner
    from conftest import claims_yaml

    from kbase.cli import cli

    library.write(
        claims_yaml("""
        - id: a
          statement: A drug eases pain.
          evidence:
            - ref: missing2020
              stance: supports
        """),
        "",
    )
    run = lambda *args: CliRunner().invoke(cli, ["--year", "2026", *args])  # noqa: E731
    assert "not in the library:   missing2020" in run("evidence", "a").stdout
    assert run("grades").exit_code == 0
    assert run("grades", "--fail-on", "error").exit_code == 1


def test_one_work_entered_twice_without_an_identifier_is_a_duplicate_reference(library):
    """Issue 29: a duplicate reference raised a claim's level while check and audit showed no warning."""
    from conftest import bib_entry, claims_yaml

    twin = dict(title="Ketamine for CRPS: a trial", author="Roe, Ann", journal="J")
    library.write(
        claims_yaml("""
        - id: a
          statement: A drug eases pain.
          evidence:
            - ref: one
              stance: supports
            - ref: two
              stance: supports
        """),
        bib_entry("one", "rct", **twin)
        + bib_entry("two", "rct", **{**twin, "title": "Ketamine for CRPS - a trial."})
        + bib_entry("vol2", "rct", **{**twin, "volume": "2"})
        + bib_entry("vol3", "rct", **{**twin, "volume": "3"}),
    )
    found = [f for f in library.load().audit() if f.rule == "duplicate-reference"]
    assert [f.message for f in found] == [
        "references 'one' (line 1) and 'two' have the same title, year and first author: one "
        "work entered twice (graded as one source; kbase refs dedupe --apply merges them)"
    ]
