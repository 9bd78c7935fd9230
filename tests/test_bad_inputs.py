"""Broken input: every problem names file:line:col, and the exit code says what kind it is.

Exit 2: the input cannot be read as a library. Exit 1: it reads, but holds errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kbase
from kbase.cli import cli

GOOD_BIB = "@article{r,\n  title = {T},\n  year = {2020},\n  design = {rct},\n}\n"
ONE_CLAIM = "kbase: 1\nclaims:\n  - id: a\n    statement: S.\n"

CASES = [
    # (id, claims.yaml text or bytes, references.bib text or bytes, expected first line on the output, exit code)
    (
        "unknown-stance",
        ONE_CLAIM + "    evidence:\n      - ref: r\n        stance: supprts\n",
        GOOD_BIB,
        "claims.yaml:7:17: error invalid-field unknown stance 'supprts' (did you mean 'supports'?); use one of: supports, contradicts, mentions",
        2,
    ),
    (
        "duplicate-yaml-key",
        ONE_CLAIM + "    statement: T.\n",
        GOOD_BIB,
        "claims.yaml:5:5: error duplicate-key duplicate key 'statement' in a claim (first at line 4)",
        2,
    ),
    (
        "tab-indentation",
        "kbase: 1\nclaims:\n\t- id: a\n",
        GOOD_BIB,
        "claims.yaml:3:1: error syntax-error a tab is used for indentation; YAML indents with spaces only: replace the tab with spaces "
        "(YAML: found character that cannot start any token (while scanning for the next token))",
        2,
    ),
    (
        "unknown-field",
        "kbase: 1\nclaims:\n  - id: a\n    statment: S.\n",
        GOOD_BIB,
        "claims.yaml:4:5: error invalid-field unknown field 'statment' in a claim (did you mean 'statement'?)",
        2,
    ),
    (
        "unknown-concern",
        ONE_CLAIM + "    evidence:\n      - ref: r\n        stance: supports\n        concerns: [risk-of-bais]\n",
        GOOD_BIB,
        "claims.yaml:8:20: error invalid-field unknown concern 'risk-of-bais' (did you mean 'risk-of-bias'?); "
        "use one of: risk-of-bias, inconsistency, indirectness, imprecision, publication-bias",
        2,
    ),
    (
        "indirect-not-boolean",
        ONE_CLAIM + "    evidence:\n      - ref: r\n        stance: supports\n        indirect: maybe\n",
        GOOD_BIB,
        "claims.yaml:8:19: error invalid-field indirect must be true or false",
        2,
    ),
    (
        "duplicate-claim-id",
        ONE_CLAIM + "  - id: a\n    statement: T.\n",
        GOOD_BIB,
        "claims.yaml:5:5: error duplicate-key duplicate claim id 'a' (first at line 3)",
        2,
    ),
    (
        "claim-id-not-a-slug",
        "kbase: 1\nclaims:\n  - id: --help\n    statement: S.\n",
        GOOD_BIB,
        "claims.yaml:3:9: error invalid-field claim id '--help' is not a slug (lower-case letters, digits, and - _ . between them)",
        2,
    ),
    ("statement-missing", "kbase: 1\nclaims:\n  - id: a\n", GOOD_BIB, "claims.yaml:3:5: error invalid-field claim 'a' needs a 'statement'", 2),
    (
        "wrong-version",
        "kbase: 2\nclaims: []\n",
        GOOD_BIB,
        "claims.yaml:1:8: error invalid-field unsupported format version '2'; this kbase reads 'kbase: 1'",
        2,
    ),
    ("claims-not-a-list", "kbase: 1\nclaims: hello\n", GOOD_BIB, "claims.yaml:2:9: error invalid-field claims must be a list, not a scalar", 2),
    (
        "unclosed-quote-yaml",
        ONE_CLAIM + "  - id: b\n    statement: \"unclosed\n",
        GOOD_BIB,
        "claims.yaml:6:16: error syntax-error a quote is opened but never closed: end the value with the same quote mark "
        "(YAML: found unexpected end of stream (while scanning a quoted scalar))",
        2,
    ),
    ("empty-claims-file", "", GOOD_BIB, "claims.yaml:1:1: error syntax-error the file is empty; it needs 'kbase: 1' and a 'claims:' list", 2),
    (
        "yaml-alias-bomb",
        "kbase: 1\nclaims:\n  - &a {id: a, statement: S.}\n" + "".join("  - *a\n" for _ in range(3)),
        GOOD_BIB,
        "claims.yaml:3:5: error syntax-error YAML aliases (*name) are not allowed in claims.yaml; write the value out",
        2,
    ),
    (
        "latin-1-claims",
        "kbase: 1\nclaims:\n  - id: a\n    statement: Caf\u00e9.\n".encode("latin-1"),
        GOOD_BIB,
        "claims.yaml:4:19: error syntax-error not valid UTF-8: byte 0xe9 cannot be decoded (save the file as UTF-8)",
        2,
    ),
    (
        "latin-1-bib",
        ONE_CLAIM,
        "@article{r,\n  title = {Caf\u00e9},\n}\n".encode("latin-1"),
        "references.bib:2:15: error syntax-error not valid UTF-8: byte 0xe9 cannot be decoded (save the file as UTF-8)",
        2,
    ),
    (
        "unclosed-brace",
        ONE_CLAIM,
        "@article{x,\n  title = {T,\n  year = 2020\n}\n\n@article{y, title={ok}}\n",
        "references.bib:2:1: error syntax-error in entry 'x', the '{' opened at line 2 is not closed before the next '@' at line 6: "
        "close it where the value ends (the parser says: a brace or quote is not closed; the parser gave up at line 6)",
        2,
    ),
    (
        "entry-brace-not-closed",
        ONE_CLAIM,
        "@article{a,\n  title = {One},\n  year = {2020},\n\n@article{b,\n  title = {Two},\n}\n",
        "references.bib:1:1: error syntax-error entry 'a' opened at line 1 is not closed before the next '@' at line 5: add the '}' "
        "that ends it (the parser says: Expected a `=` after entry key, but found `@article`.)",
        2,
    ),
    (
        "yaml-colon-in-statement",
        "kbase: 1\nclaims:\n  - id: a\n    statement: Ketamine: a drug.\n",
        GOOD_BIB,
        "claims.yaml:4:24: error syntax-error a ': ' inside a value starts a new field; put the whole value in quotes "
        "(statement: \"Ketamine: an anaesthetic\") (YAML: mapping values are not allowed in this context)",
        2,
    ),
    (
        "yaml-misaligned-field",
        "kbase: 1\nclaims:\n  - id: a\n    statement: S.\n   aliases: []\n",
        GOOD_BIB,
        "claims.yaml:5:4: error syntax-error this line does not line up with the list above it: give it the indentation of the lines "
        "it belongs with (fields of one claim start in the same column) (YAML: did not find expected '-' indicator (while parsing a block "
        "collection))",
        2,
    ),
    (
        "yaml-unclosed-list",
        "kbase: 1\nclaims:\n  - id: a\n    statement: S.\n    aliases: [one, two\n",
        GOOD_BIB,
        "claims.yaml:5:14: error syntax-error a list opened with '[' is not closed with ']' (or a ',' is missing between its items) "
        "(YAML: did not find expected ',' or ']' (while parsing a flow sequence))",
        2,
    ),
    (
        "unclosed-brace-at-end",
        ONE_CLAIM,
        "@article{x,\n  title = {T,\n",
        "references.bib:1:1: error syntax-error BibTeX syntax error in '@article{x,': a brace or quote is not closed before the end of the file",
        2,
    ),
    (
        "duplicate-bib-key",
        ONE_CLAIM,
        "@article{x, title={T}}\n\n@article{x, title={U}}\n",
        "references.bib:3:1: error duplicate-key duplicate entry key 'x' (first at line 1)",
        2,
    ),
    (
        "unknown-design",
        ONE_CLAIM,
        "@article{x,\n  title = {T},\n  design = {rtc},\n}\n",
        "references.bib:3:1: error invalid-field unknown design 'rtc' in entry 'x' (did you mean 'rct'?); use one of: meta-analysis, "
        "systematic-review, rct, guideline, cohort, case-control, cross-sectional, narrative-review, case-series, case-report, "
        "expert-opinion, preclinical, press-release, website, news, unknown",
        2,
    ),
    (
        "dangling-ref",
        ONE_CLAIM + "    evidence:\n      - ref: rr\n        stance: supports\n",
        GOOD_BIB,
        "claims.yaml:6:9: error dangling-reference claim 'a' links to 'rr', which is not in the bibliography (did you mean 'r'?)",
        1,
    ),
    (
        "dangling-premise",
        ONE_CLAIM + "    depends_on: [b]\n",
        GOOD_BIB,
        "claims.yaml:3:5: error dangling-reference claim 'a' depends on 'b', which is not a claim",
        1,
    ),
    (
        "dangling-article",
        ONE_CLAIM + "    appears_in:\n      - article: nowhere\n",
        GOOD_BIB,
        "claims.yaml:6:9: error dangling-reference claim 'a' appears in 'nowhere', which is not listed under articles",
        1,
    ),
    (
        "premise-cycle",
        "kbase: 1\nclaims:\n  - {id: a, statement: A., depends_on: [b]}\n  - {id: b, statement: B., depends_on: [c]}\n"
        "  - {id: c, statement: C., depends_on: [a]}\n",
        GOOD_BIB,
        "claims.yaml:3:5: error premise-cycle premises form a cycle: a → b → c → a",
        1,
    ),
    ("self-premise", ONE_CLAIM + "    depends_on: [a]\n", GOOD_BIB, "claims.yaml:5:18: error premise-cycle claim 'a' cannot depend on itself", 2),
]


def write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize(("claims", "bib", "expected", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check_reports_place_and_message(tmp_path, monkeypatch, claims, bib, expected, code):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "claims.yaml", claims)
    write(tmp_path / "references.bib", bib)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == code, result.output
    stream = result.stderr if code == 2 else result.stdout
    assert stream.splitlines()[0] == expected
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception  # no uncaught error


@pytest.mark.parametrize("case", [c for c in CASES if c[4] == 2], ids=[c[0] for c in CASES if c[4] == 2])
def test_strict_load_raises_the_first_problem(tmp_path, monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "claims.yaml", case[1])
    write(tmp_path / "references.bib", case[2])
    with pytest.raises(kbase.LoadError) as info:
        kbase.load("claims.yaml", "references.bib", strict=True)
    assert case[3].startswith(str(info.value.location))


def test_missing_file_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "references.bib", GOOD_BIB)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "kbase: claims.yaml: no such file; run `kbase init` to start a library here"


def test_empty_bib_is_an_empty_library(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "claims.yaml", ONE_CLAIM)
    write(tmp_path / "references.bib", "")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0
    assert result.stderr == "1 claims, 0 references: 0 errors, 0 warnings, 0 infos\n"


def test_bom_is_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "claims.yaml", b"\xef\xbb\xbf" + ONE_CLAIM.encode())
    write(tmp_path / "references.bib", b"\xef\xbb\xbf" + GOOD_BIB.encode())
    kb = kbase.load("claims.yaml", "references.bib")
    assert kb.problems == () and list(kb.references) == ["r"]


def test_every_problem_is_reported_not_only_the_first(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "claims.yaml", "kbase: 1\nclaims:\n  - id: a\n    statment: S.\n  - id: b\n    statement: T.\n    tpoic: x\n")
    write(tmp_path / "references.bib", GOOD_BIB)
    result = CliRunner().invoke(cli, ["check"])
    assert [line.split(": error")[0] for line in result.stderr.splitlines()[:3]] == ["claims.yaml:4:5", "claims.yaml:3:5", "claims.yaml:7:5"]


def test_a_field_given_twice_is_read_and_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "claims.yaml", ONE_CLAIM)
    write(tmp_path / "references.bib", "@article{x,\n  title={T},\n  keywords={a},\n  keywords={b}\n}\n")
    kb = kbase.load("claims.yaml", "references.bib")
    assert kb.problems == () and kb.references["x"].field("keywords") == "a"
    assert CliRunner().invoke(cli, ["check"]).exit_code == 0
    result = CliRunner().invoke(cli, ["audit", "--min-severity", "warning"])
    assert result.stdout.splitlines()[0] == (
        "references.bib:4:1: warning duplicate-field field keywords given more than once in entry 'x'; kbase reads the first value"
    )


def test_an_over_indented_field_is_diagnosed_as_indentation_with_the_users_own_line(library):
    """Issue 29: it was 'a ": " inside a value', with an example from the ketamine library."""
    library.write("kbase: 1\nclaims:\n  - id: melatonin-sleep\n      statement: Melatonin shortens sleep onset.\n")
    (problem,) = library.load().problems
    assert str(problem.where) == "claims.yaml:4:16"
    assert problem.message.startswith(
        "“statement: Melatonin shortens sleep onset.” is indented 6 spaces, deeper than “- id: melatonin-sleep” above it: start it at column 5"
    )
    library.write('kbase: 1\nclaims:\n  - id: a\n    statement: Ketamine: an anaesthetic\n')
    (problem,) = library.load().problems  # a ': ' inside a value is still said so
    assert "a ': ' inside a value starts a new field" in problem.message
