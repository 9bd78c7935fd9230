"""The suite leaves nothing behind: not in the repository, not in the system temp folder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT


def _repository_state() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True).stdout


@pytest.mark.slow
def test_a_run_of_the_tests_that_write_leaves_nothing_behind(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    temp = tmp_path / "system-temp"
    temp.mkdir()
    before = _repository_state()
    # the tests that write most: caches beside a library, fuzz inputs, the docs examples (suggest caches)
    selection = ["tests/test_suggest.py", "tests/test_fuzz.py", "tests/test_docs.py::test_examples_in_the_docs_are_real_output", "tests/test_edit.py"]
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", *selection], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert sorted(p.name for p in temp.iterdir()) == []
    assert _repository_state() == before


def test_the_code_passes_ruff_lint_and_format():
    """ruff, as configured in pyproject.toml (`make lint`; .ci/run runs it too)."""
    import shutil

    ruff = shutil.which("ruff", path=os.path.dirname(sys.executable)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    for command in ([ruff, "check", "--no-cache", "."], [ruff, "format", "--check", "--no-cache", "."]):
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_no_function_is_more_complex_than_radon_d():
    """Issue 30: one function per rule, nothing above radon's D (cyclomatic complexity 30); the most complex
    left are D, each one decision table (the ranking of a draft's findings, a record's fields)."""
    cc_visit = pytest.importorskip("radon.complexity", reason="radon is not installed (pip install -e '.[test]')").cc_visit
    worst = []
    for path in sorted((ROOT / "kbase").rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity > 30:
                worst.append(f"{path.relative_to(ROOT)}:{block.lineno} {block.name} ({block.complexity})")
    assert worst == [], "split these into one function per rule"
