"""kbase diff: what a change does to the grades, read from git revisions the test makes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, bib_entry

from kbase.cli import cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "",
}


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
    claims = claims.replace(
        "        locator: primary outcome at 48 h; also 24 h and 6 weeks\n        concerns: {risk-of-bias: not-serious, imprecision: serious}\n",
        "        locator: primary outcome at 48 h; also 24 h and 6 weeks\n        concerns: {risk-of-bias: serious, imprecision: serious}\n",
    )
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
    (repo / "claims.yaml").write_text(
        (repo / "claims.yaml")
        .read_text(encoding="utf-8")
        .replace("concerns: {risk-of-bias: serious, imprecision: serious}", "concerns: {risk-of-bias: not-serious, imprecision: not-serious}"),
        encoding="utf-8",
    )
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
    assert len(data["claims"]) == 57 and all(c["before"] is None for c in data["claims"])


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff", "nosuchrev"], "unknown revision 'nosuchrev'"),
        (["diff", "--", "--output=x"], "unknown revision '--output=x'"),
    ],
)
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


# -- five commits: diff, audit --changed and log at each step (issue 17) --------------------------

FIVE_CLAIMS = """kbase: 1
claims:
  - id: infusion-relieves-pain
    statement: Ketamine infusions relieve neuropathic pain for several weeks.
    evidence:
      - ref: trial2019
        stance: supports
        concerns: []
      - ref: cohort2017
        stance: supports
  - id: dissociation-common
    statement: Dissociative side effects are common during ketamine infusions.
    evidence:
      - ref: cohort2017
        stance: supports
"""
FIVE_BIB = bib_entry("trial2019", "rct", year=2019, journal="Pain", title="A randomised trial of ketamine infusions") + bib_entry(
    "cohort2017", "cohort", year=2017, journal="Pain", title="A cohort of ketamine infusions"
)
DRAFTS = {
    "content/relief.md": "# Relief\n\nKetamine infusions relieve neuropathic pain for several weeks [@trial2019].\n",
    "content/safety.md": "# Safety\n\nDissociative side effects are common during ketamine infusions [@cohort2017].\n",
    "content/other/sleep.md": "# Sleep\n\nA regular bedtime helps most adults fall asleep.\n",
}


@pytest.fixture
def five(tmp_path):
    """A content repository; the test makes its five commits."""
    (tmp_path / "claims.yaml").write_text(FIVE_CLAIMS, encoding="utf-8")
    (tmp_path / "references.bib").write_text(FIVE_BIB, encoding="utf-8")
    (tmp_path / "kbase.toml").write_text('drafts = ["content/**/*.md"]\n', encoding="utf-8")
    for name, text in DRAFTS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    return tmp_path


def commit(folder, message):
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message)


def audited(folder, *args):
    """What `kbase audit --changed` printed: the drafts with findings, and the summary (which counts the drafts audited)."""
    result = run(folder, "audit", "--changed", *args, "--fail-on", "none")
    assert result.exit_code == 0, result.output
    return result, {line.split(":", 1)[0] for line in result.stdout.splitlines()}, result.stderr


def test_five_commits_diff_audit_changed_and_log_at_each_step(five):
    bib, claims = five / "references.bib", five / "claims.yaml"
    commit(five, "add claims")  # 1
    result, _, summary = audited(five)
    assert summary.startswith("0 drafts")  # nothing changed since HEAD
    assert run(five, "diff").stdout == ""

    bib.write_text(
        bib.read_text(encoding="utf-8") + bib_entry("null2021", "rct", year=2021, journal="Pain", title="A null trial of ketamine infusions"),
        encoding="utf-8",
    )
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(
            "      - ref: cohort2017\n        stance: supports\n  - id: dissociation",
            "      - ref: cohort2017\n        stance: supports\n      - ref: null2021\n        stance: contradicts\n  - id: dissociation",
            1,
        ),
        encoding="utf-8",
    )
    _, paths, summary = audited(five)  # before the commit: the working tree against HEAD
    assert summary.startswith("1 draft") and paths <= {"content/relief.md"}
    commit(five, "add a contradicting RCT")  # 2
    diff = json.loads(run(five, "diff", "HEAD~1..HEAD", "--format", "json").stdout)
    (change,) = diff["claims"]
    assert change["claim"] == "infusion-relieves-pain" and "contested" in change["flags_gained"]
    _, paths, summary = audited(five, "HEAD~1")
    assert summary.startswith("1 draft") and paths == {"content/relief.md"}  # states the claim whose flags changed

    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "  title = {A cohort of ketamine infusions},", "  title = {A cohort of ketamine infusions},\n  pubstate = {retracted},"
        ),
        encoding="utf-8",
    )
    commit(five, "retract the cohort")  # 3
    diff = json.loads(run(five, "diff", "HEAD~1..HEAD", "--format", "json").stdout)
    assert diff["references"]["retracted"] == ["cohort2017"]
    _, paths, summary = audited(five, "HEAD~1")
    assert summary.startswith("2 drafts")  # safety.md cites the retracted cohort; relief.md states a claim it regraded
    assert "content/safety.md" in paths and "content/other/sleep.md" not in paths

    claims.write_text(claims.read_text(encoding="utf-8").replace("id: dissociation-common", "id: dissociation-frequent"), encoding="utf-8")
    commit(five, "rename a claim")  # 4
    diff = json.loads(run(five, "diff", "HEAD~1..HEAD", "--format", "json").stdout)
    assert [(c["claim"], c["renamed_from"]) for c in diff["claims"]] == [("dissociation-frequent", "dissociation-common")]
    _, _, summary = audited(five, "HEAD~1")
    assert summary.startswith("0 drafts")  # a rename moves no grade: nothing to audit again

    sleep = five / "content/other/sleep.md"
    sleep.write_text(sleep.read_text(encoding="utf-8") + "\nMelatonin halves the time it takes to fall asleep.\n", encoding="utf-8")
    commit(five, "edit a draft")  # 5
    assert run(five, "diff", "HEAD~1..HEAD").stdout == ""
    _, paths, summary = audited(five, "HEAD~1")
    assert summary.startswith("1 draft") and paths == {"content/other/sleep.md"}

    log = json.loads(run(five, "log", "infusion-relieves-pain", "--format", "json").stdout)["history"]
    assert [h["subject"] for h in log] == ["add claims", "add a contradicting RCT", "retract the cohort", "rename a claim"]
    levels = [h["level"] for h in log]
    assert levels[0] == "high" and levels[-1] != "high"


@pytest.mark.parametrize("citation", ["numbered", "doi", "key"])
def test_audit_changed_finds_a_draft_citing_a_removed_reference_in_any_form(repo, citation):
    """A removed reference is known only to the earlier revision: the drafts' citations are resolved
    there, so a number in a reference list or a DOI finds it as well as a key does."""
    draft = repo / "content" / "mechanism.md"
    draft.parent.mkdir()
    cite = {"numbered": "[1]", "doi": "[@doi:10.1586/ecp.11.17]", "key": "[@zhou2011targeting]"}[citation]
    listing = (
        (
            "\n\n## References\n\n1. Zhou HY, Chen SR, Pan HL. Targeting N-methyl-D-aspartate receptors for treatment of "
            "neuropathic pain. Expert Rev Clin Pharmacol. 2011;4(3):379-388. doi:10.1586/ecp.11.17\n"
        )
        if citation == "numbered"
        else ""
    )
    draft.write_text(f"# Further reading\n\nA review of the field is worth reading {cite}.{listing}", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "draft")
    claims = (repo / "claims.yaml").read_text(encoding="utf-8")
    claims = re.sub(r"\n *- ref: zhou2011targeting\n( {8,}\S.*\n)*", "\n", claims)
    (repo / "claims.yaml").write_text(claims, encoding="utf-8")
    bib = (repo / "references.bib").read_text(encoding="utf-8")
    bib = re.sub(r"@article\{zhou2011targeting,.*?\n\}\n", "", bib, flags=re.S)
    assert "zhou2011targeting" not in bib + claims
    (repo / "references.bib").write_text(bib, encoding="utf-8")
    from kbase.history import changed_drafts

    chosen = changed_drafts("HEAD", [str(draft)], repo / "claims.yaml", [repo / "references.bib"], year=2026)
    assert chosen.why == {str(draft): "cites zhou2011targeting (removed)"}
    result = run(repo, "audit", "--changed", "HEAD", "content/*.md", "--format", "json")
    assert "content/mechanism.md" in result.stdout and "unknown-citation" in result.stdout, result.output


def test_audit_changed_needs_to_know_the_drafts(repo):
    result = run(repo, "audit", "--changed")
    assert result.exit_code == 2 and "which drafts?" in result.stderr and "kbase.toml" in result.stderr
    result = run(repo, "audit", "--changed", "nosuchrev", "x.md")
    assert result.exit_code == 2 and "unknown revision 'nosuchrev'" in result.stderr


# -- the CI recipes of docs/history.md, run as written ------------------------------------------------


def _recipes() -> tuple[dict, dict]:
    from ruamel.yaml import YAML

    text = (ROOT / "docs" / "history.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    github, gitlab = (YAML(typ="safe").load(b) for b in blocks)
    return github, gitlab


def _commands(lines: list[str], substitutions: dict[str, str]) -> list[str]:
    out = []
    for line in lines:
        for old, new in substitutions.items():
            line = line.replace(old, new)
        if line.startswith(("kbase ", "git ")):  # pip install and gh pr comment need the network
            out.append(line)
    return out


@pytest.fixture
def pull_request(five, tmp_path):
    """An 'origin' with main, and a clone on a branch that adds a contradicting RCT and retracts a cohort."""
    commit(five, "add claims")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", f"file://{five}", str(clone))
    git(clone, "checkout", "-q", "-b", "feature")
    bib = clone / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + bib_entry("null2021", "rct", year=2021, journal="Pain", title="A null trial of ketamine infusions"),
        encoding="utf-8",
    )
    claims = clone / "claims.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(
            "      - ref: cohort2017\n        stance: supports\n  - id: dissociation",
            "      - ref: cohort2017\n        stance: supports\n      - ref: null2021\n        stance: contradicts\n  - id: dissociation",
            1,
        ),
        encoding="utf-8",
    )
    commit(clone, "add a contradicting RCT")
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "  title = {A cohort of ketamine infusions},", "  title = {A cohort of ketamine infusions},\n  pubstate = {retracted},"
        ),
        encoding="utf-8",
    )
    commit(clone, "retract the cohort")
    return clone


def _shell(folder, command):
    env = {**os.environ, **ENV, "HOME": str(folder), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "KBASE_NO_CACHE": ""}
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", command], cwd=folder, env=env, capture_output=True, text=True)


def test_the_github_actions_recipe_runs_as_written(pull_request):
    github, _ = _recipes()
    steps = github["jobs"]["kbase"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    assert steps[0]["with"]["fetch-depth"] == 0
    lines = [line for s in steps if "run" in s for line in s["run"].strip().splitlines()]
    commands = _commands(lines, {"${{ github.base_ref }}": "main"})
    assert len(commands) == 4
    results = [_shell(pull_request, c) for c in commands]
    diff, audit, fail_diff, fail_audit = results
    assert diff.returncode == 0 and audit.returncode == 0, (diff.stderr, audit.stderr)
    comment = (pull_request / "kbase-diff.md").read_text(encoding="utf-8")
    assert comment.startswith("**kbase: origin/main → HEAD") and "cohort2017" in comment
    sarif = json.loads((pull_request / "kbase.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    assert fail_diff.returncode == 1  # a claim was lowered: the job fails
    assert fail_audit.returncode in (0, 1)
    docs = (ROOT / "docs" / "history.md").read_text(encoding="utf-8")
    assert comment.strip() in docs, "docs/history.md shows the comment this recipe posts: paste it after <!-- ci-comment -->"


def test_the_gitlab_recipe_runs_as_written(pull_request):
    _, gitlab = _recipes()
    job = gitlab["kbase"]
    assert job["variables"]["GIT_DEPTH"] == 0 and "kbase.sarif" in job["artifacts"]["paths"]
    commands = _commands(job["script"], {"$CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"})
    assert [c.split()[:2] for c in commands] == [["git", "fetch"], ["kbase", "diff"], ["kbase", "audit"], ["kbase", "diff"], ["kbase", "audit"]]
    results = [_shell(pull_request, c) for c in commands]
    assert [r.returncode for r in results[:3]] == [0, 0, 0], [r.stderr for r in results]
    assert results[1].stdout == (pull_request / "kbase-diff.md").read_text(encoding="utf-8")  # tee: in the log and kept
    assert json.loads((pull_request / "kbase.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert results[3].returncode == 1


def test_review_due_when_a_linked_reference_changed_after_the_review(five):
    """git blame dates each entry: a review older than a change to a linked entry is due again."""
    (five / "kbase.toml").write_text("review_days = 100000\n", encoding="utf-8")
    claims = five / "claims.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8")
        .replace("  - id: infusion-relieves-pain\n", "  - id: infusion-relieves-pain\n    reviewed: 2020-01-01\n")
        .replace("  - id: dissociation-common\n", "  - id: dissociation-common\n    reviewed: 2020-01-01\n"),
        encoding="utf-8",
    )
    env = {**os.environ, **ENV, "HOME": str(five), "GIT_AUTHOR_DATE": "2019-06-01T12:00:00Z", "GIT_COMMITTER_DATE": "2019-06-01T12:00:00Z"}
    subprocess.run(["git", "add", "-A"], cwd=five, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "library, 2019"], cwd=five, env=env, check=True)

    def due():
        result = run(five, "audit", "--format", "json", "--fail-on", "none")
        return {f["subject"]: f["message"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "review-due"}

    assert due() == {}  # every entry is older than the reviews
    bib = five / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8").replace(
            "title = {A randomised trial of ketamine infusions}", "title = {A randomised trial of ketamine infusions (corrected)}"
        ),
        encoding="utf-8",
    )
    found = due()  # not committed yet: changed today
    assert list(found) == ["infusion-relieves-pain"]
    assert "the entry of 'trial2019' changed on" in found["infusion-relieves-pain"]
    commit(five, "correct the trial's title")
    assert list(due()) == ["infusion-relieves-pain"]
    # listed with the claim's other findings, claims in file order, not after the others
    findings = json.loads(run(five, "audit", "--format", "json", "--fail-on", "none").stdout)["findings"]
    claim_ids = re.findall(r"^  - id: (\S+)$", claims.read_text(encoding="utf-8"), re.M)
    about_claims = [claim_ids.index(f["subject"]) for f in findings if f["subject"] in claim_ids]
    assert len(set(about_claims)) >= 2 and about_claims == sorted(about_claims), findings


def test_a_claim_that_stays_unsupported_is_not_counted_as_lowered(tmp_path):
    """Issue 29: 'unsupported → unsupported, flag dropped' was counted among the lowered claims."""
    from conftest import bib_entry, claims_yaml

    (tmp_path / "claims.yaml").write_text(
        claims_yaml("""
        - id: against
          statement: A drug cures pain.
          evidence:
            - ref: a
              stance: contradicts
        """),
        encoding="utf-8",
    )
    (tmp_path / "references.bib").write_text(bib_entry("a", "rct"), encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    (tmp_path / "claims.yaml").write_text(
        claims_yaml("""
        - id: against
          statement: A drug cures pain.
        """),
        encoding="utf-8",
    )  # the contradicting link goes: unsupported either way, no longer contested
    result = run(tmp_path, "diff", "HEAD")
    assert "(0 lowered, 0 raised)" in result.stderr + result.stdout, result.output
