"""The pre-commit hook, driven by the real `pre-commit try-repo` in a throwaway content repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

GOOD = "# Ketamine\n\nKetamine infusions can cause nausea and vomiting [@orhurhu2019ketamine].\n"
BAD = "# Ketamine\n\nAbout one in five adults in the United States lives with chronic pain.\n"


def git(*args: str, cwd, env=None) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_try_repo_passes_good_and_fails_bad_drafts(tmp_path):
    pytest.importorskip("pre_commit")
    if not (ROOT / ".git").exists():
        pytest.skip("kbase is not a git checkout here")
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(ROOT / "claims.yaml", content)
    shutil.copy(ROOT / "references.bib", content)
    (content / "good.md").write_text(GOOD, encoding="utf-8")
    (content / "bad.md").write_text(BAD, encoding="utf-8")
    git("init", "-q", cwd=content)
    git("add", ".", cwd=content)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "kbase-audit", "--files", *files],
            cwd=content,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    good = try_repo("good.md")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    bad = try_repo("bad.md")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.md:3:1: warning uncited-claim states claim 'chronic-pain-prevalence'" in bad.stdout
    # kbase-audit-changed: the drafts changed since HEAD (kbase.toml names them), run without file names
    (content / "kbase.toml").write_text('drafts = ["*.md"]\n', encoding="utf-8")
    (content / "bad.md").unlink()
    git("add", "-A", cwd=content)
    git("commit", "-q", "-m", "content", cwd=content, env=env)

    def try_changed() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "kbase-audit-changed", "--files", "good.md"],
            cwd=content,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    unchanged = try_changed()
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    (content / "good.md").write_text(GOOD + "\n" + BAD.split("\n\n", 1)[1], encoding="utf-8")
    changed = try_changed()
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert "good.md:5:1: warning uncited-claim states claim 'chronic-pain-prevalence'" in changed.stdout
