"""kbase diff: what a change does to the grades, read from git revisions the test makes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from conftest import ROOT
from kbase.cli import cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
       "GIT_CONFIG_NOSYSTEM": "1", "HOME": ""}


def git(folder, *args):
    env = {**os.environ, **ENV, "HOME": str(folder)}
    return subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True, text=True)


def run(folder, *args):
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(cli, ["--year", "2026", *args])
    finally:
        os.chdir(cwd)


@pytest.fixture
def repo(tmp_path):
    """The bundled library in a git repository: commit 1 as it is, commit 2 with a weaker link and a retraction."""
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "library")
    claims = (tmp_path / "claims.yaml").read_text(encoding="utf-8")
    claims = claims.replace("        locator: primary outcome at 48 h; also 24 h and 6 weeks\n        concerns: [imprecision]\n",
                            "        locator: primary outcome at 48 h; also 24 h and 6 weeks\n        concerns: [imprecision, risk-of-bias]\n")
    claims = claims.replace("  - id: vietnam-war-use", "  - id: vietnam-war", 1)
    (tmp_path / "claims.yaml").write_text(claims, encoding="utf-8")
    bib = (tmp_path / "references.bib").read_text(encoding="utf-8")
    bib = bib.replace("  design = {meta-analysis},\n", "  design = {meta-analysis},\n  pubstate = {retracted},\n", 1)
    (tmp_path / "references.bib").write_text(bib, encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "weaker")
    return tmp_path


def test_diff_between_two_commits_reports_levels_reasons_renames_and_retractions(repo):
    result = run(repo, "diff", "HEAD~1..HEAD", "--format", "json")
    assert result.exit_code == 1, result.output  # a claim was lowered
    data = json.loads(result.stdout)
    changes = {c["claim"]: c for c in data["claims"]}
    assert changes["intraoperative-opioid-reduction"]["before"] == "moderate" and changes["intraoperative-opioid-reduction"]["after"] == "low"
    assert any("-1 risk-of-bias" in r for r in changes["intraoperative-opioid-reduction"]["reasons"])
    assert changes["vietnam-war"]["renamed_from"] == "vietnam-war-use"
    assert data["references"]["retracted"] and data["articles_affected"] == ["ketamine-chronic-pain"]
    order = [c["claim"] for c in data["claims"]]
    assert order.index("intraoperative-opioid-reduction") < order.index("vietnam-war")  # lowered first


def test_default_compares_head_with_the_working_tree_and_markdown_is_short(repo):
    assert run(repo, "diff").stdout == ""  # nothing changed since HEAD
    (repo / "claims.yaml").write_text((repo / "claims.yaml").read_text(encoding="utf-8").replace("concerns: [imprecision, risk-of-bias]", "concerns: []"),
                                      encoding="utf-8")
    markdown = run(repo, "diff", "--format", "markdown")
    assert markdown.exit_code == 0  # a claim raised is not a failure
    assert markdown.stdout.startswith("**kbase: HEAD → working tree: 1 claim changed (0 lowered, 1 raised)")
    assert "- intraoperative-opioid-reduction: low → high" in markdown.stdout


def test_a_revision_before_the_library_existed_reads_as_empty(repo):
    git(repo, "checkout", "-q", "--orphan", "other")
    git(repo, "rm", "-q", "-rf", ".")
    (repo / "README").write_text("x", encoding="utf-8")
    git(repo, "add", "README")
    git(repo, "commit", "-q", "-m", "no library")
    git(repo, "checkout", "-q", "main")
    result = run(repo, "diff", "other..main", "--format", "json")
    data = json.loads(result.stdout)
    assert "claims.yaml did not exist at other: read as empty" in data["notes"]
    assert len(data["claims"]) == 56 and all(c["before"] is None for c in data["claims"])


def test_a_revision_that_does_not_load_lists_its_problems(repo):
    (repo / "claims.yaml").write_text("kbase: 1\nclaims:\n  - id: a\n    statement: Ketamine: broken.\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    result = run(repo, "diff", "HEAD~1..HEAD")
    assert result.exit_code == 1
    assert "problem after: HEAD:claims.yaml:4:" in result.stdout and "put the whole value in quotes" in result.stdout


def test_not_a_git_repository_is_one_line_and_exit_2(tmp_path):
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    result = run(tmp_path, "diff")
    assert result.exit_code == 2 and "not a git repository" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["diff", "nosuchrev"], "unknown revision 'nosuchrev'"),
    (["diff", "--", "--output=x"], "unknown revision '--output=x'"),
])
def test_an_unknown_revision_is_one_line_and_exit_2(repo, args, message):
    result = run(repo, *args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_a_shallow_clone_says_so(repo, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    result = run(clone, "diff", "HEAD~1..HEAD")
    assert result.exit_code == 2 and "shallow clone" in result.output


def test_log_shows_a_claims_level_over_the_commits_that_changed_it(repo):
    result = run(repo, "log", "intraoperative-opioid-reduction", "--format", "json")
    assert result.exit_code == 0, result.output
    history = json.loads(result.stdout)["history"]
    assert [(h["subject"], h["level"]) for h in history] == [("library", "moderate"), ("weaker", "low")]
    text = run(repo, "log", "intraoperative-opioid-reduction").stdout.splitlines()
    assert text[-1].endswith("←") and "low" in text[-1]


def test_log_of_an_unknown_claim_says_did_you_mean(repo):
    result = run(repo, "log", "intraoperative-opioid-reductio")
    assert result.exit_code == 2 and "did you mean 'intraoperative-opioid-reduction'" in result.output
