"""The command line as a user meets it: exact output, exit codes, formats."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT, STRONG_AND_BARE, bib_entry, claims_yaml

from kbase.cli import cli

CLAIMS = STRONG_AND_BARE
BIB = bib_entry("trial", "rct", year=2024)


@pytest.fixture
def run(library):
    library.write(CLAIMS, BIB)

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--year", "2026", *args])

    return invoke


def test_audit_text_is_compiler_style(run):
    result = run("audit")
    assert result.exit_code == 0
    assert result.stdout == (
        "claims.yaml:3:5: info single-source claim 'strong' rests on one independent source (trial)\n"
        "claims.yaml:9:5: warning unsupported-claim claim 'bare' is unsupported: no reference supports it\n"
    )
    assert result.stderr == "2 claims, 1 references: 0 errors, 1 warning, 1 info\n"


@pytest.mark.parametrize(("fail_on", "code"), [("error", 0), ("warning", 1), ("info", 1), ("none", 0)])
def test_fail_on_sets_the_exit_code(run, fail_on, code):
    assert run("audit", "--fail-on", fail_on).exit_code == code


def test_min_severity_hides_lesser_findings(run):
    assert run("audit", "--min-severity", "warning").stdout.count("\n") == 1


def test_audit_json_has_summary_and_findings(run):
    data = json.loads(run("audit", "--format", "json").stdout)
    assert data["summary"] == {"claims": 2, "references": 1, "error": 0, "warning": 1, "info": 1}
    assert data["findings"][1] == {
        "rule": "unsupported-claim",
        "severity": "warning",
        "message": "claim 'bare' is unsupported: no reference supports it",
        "path": "claims.yaml",
        "line": 9,
        "column": 5,
        "subject": "bare",
        "suggestions": [],
    }


def test_evidence_shows_level_flags_sources_and_reasons(run):
    result = run("evidence", "strong")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "strong: A drug reduces pain."
    assert "  level:                high" in lines
    assert "  flags:                single-source" in lines
    assert "  independent sources:  1 of 1 supporting reference" in lines
    assert "      1. trial" in lines
    assert "    1. start: starts at its best supporting link, trial: rct starts high  [high]" in lines


def test_evidence_json(run):
    data = json.loads(run("evidence", "strong", "--format", "json").stdout)
    assert (data["level"], data["independent_sources"], data["links"][0]["design"]) == ("high", 1, "rct")


def test_unknown_claim_is_exit_2_with_a_hint(run):
    result = run("evidence", "strongg")
    assert result.exit_code == 2
    assert result.stderr == "kbase: no claim 'strongg' in claims.yaml (did you mean 'strong'?)\n"


def test_grades_lists_every_claim_then_the_unsupported(run):
    out = run("grades").stdout
    assert out.splitlines()[1].split() == ["high", "1", "strong", "single-source"]
    assert "Unsupported (1 of 2): nothing in the library supports these claims:\n  - bare: Nothing backs this.\n" in out


def test_stats(run):
    data = json.loads(run("stats", "--format", "json").stdout)
    assert data["levels"] == {"high": 1, "moderate": 0, "low": 0, "very-low": 0, "unsupported": 1}
    assert data["links"] == 1


def test_unreadable_input_is_exit_2_for_every_command(library):
    library.write("kbase: 1\nclaims:\n\t- id: a\n", BIB)
    for command in (["check"], ["audit"], ["evidence", "a"], ["grades"], ["stats"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, command
        assert result.stderr.startswith("claims.yaml:3:1: error syntax-error"), command


def test_several_bib_files(library):
    library.write(claims_yaml("- id: a\n  statement: S.\n  evidence:\n    - ref: x\n      stance: supports\n"), bib_entry("y"))
    (library.folder / "more.bib").write_text(bib_entry("x"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--bib", "references.bib", "--bib", "more.bib", "check"])
    assert result.exit_code == 0, result.output


def test_help_does_not_import_heavy_modules():
    code = "import sys, kbase.cli; print(sorted(m for m in ('networkx', 'bibtexparser', 'ruamel.yaml', 'rapidfuzz') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_console_script_runs_on_the_bundled_library():
    result = subprocess.run([sys.executable, "-m", "kbase.cli", "evidence", "opioid-sparing"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "level:                very-low" in result.stdout
    assert "why:" in result.stdout


FROZEN_AT_EXIT = """
import atexit, gc, sys
atexit.register(lambda: print("frozen", gc.get_freeze_count(), file=sys.stderr))
{body}
"""


@pytest.mark.parametrize(
    ("body", "frozen"),
    [
        ("from kbase.cli import main\nsys.argv = ['kbase', 'check']\nmain()", True),
        ("import kbase\nkb = kbase.load()\nkb.grades", False),
    ],
    ids=["console-script", "library"],
)
def test_only_the_command_line_freezes_what_it_loaded(tmp_path, body, frozen):
    """The console script runs one command and ends: what a load builds is frozen out of the garbage
    collector's walks (kbase.short_lived_process). A program using the library is left as it was: a
    library it drops must stay collectable."""
    import shutil

    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    result = subprocess.run([sys.executable, "-c", FROZEN_AT_EXIT.format(body=body)], cwd=tmp_path, capture_output=True, text=True)
    count = int(result.stderr.rsplit("frozen ", 1)[1].split()[0])
    assert (count > 1000) == frozen, result.stderr


def test_a_bug_is_one_line_and_exit_70_never_1(monkeypatch, capsys):
    """An attacker's note (issue 31 review): a traceback exited 1, which CI reads as "findings"."""
    import pytest

    import kbase.cli as cli_module

    def broken(*args, **kwargs):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(cli_module, "cli", broken)
    monkeypatch.setattr(cli_module, "short_lived_process", lambda: None)  # not this test process's garbage collector
    with pytest.raises(SystemExit) as exited:
        cli_module.main()
    assert exited.value.code == cli_module.INTERNAL_ERROR == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (RuntimeError: something broke)" in err and "Traceback" not in err
