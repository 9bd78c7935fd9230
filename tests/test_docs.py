"""The docs cover every command and rule, their examples match real output, and they build."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT
from kbase.cli import cli
from docgen import command_paths, commands_markdown, rules_markdown
from kbase.audit import RULES

DOCS = ROOT / "docs"


def test_every_command_has_help_and_is_in_the_reference():
    reference = commands_markdown()
    for path in command_paths():
        assert f"## `{path}`" in reference
    from docgen import _walk

    for path, command in _walk(cli, ("kbase",)):
        assert (command.help or "").strip(), f"{' '.join(path)} has no help text"


def test_every_command_has_a_library_counterpart_in_the_api_page():
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    for path in command_paths():
        if path in ("kbase", "kbase refs", "kbase claim"):
            continue  # groups
        assert f"| `{path}` |" in api or f"| `{path} " in api, f"{path} has no library counterpart in docs/api.md"


def test_command_and_rule_references_are_placed_in_the_docs():
    assert "<!-- kbase:commands -->" in (DOCS / "commands.md").read_text(encoding="utf-8")
    assert "<!-- kbase:rules -->" in (DOCS / "rules.md").read_text(encoding="utf-8")
    table = rules_markdown()
    for rule in RULES:
        assert f"`{rule}`" in table


def test_every_command_is_named_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in command_paths()[1:]:
        assert f"`{path}" in readme, path


from docgen import EXAMPLE  # noqa: E402


@pytest.mark.parametrize("page", sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")))
def test_examples_in_the_docs_are_real_output(page, monkeypatch, tmp_path):
    # a copy of the bundled library, so that caches the commands write stay out of the repository
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "tests" / "drafts", tmp_path / "tests" / "drafts")
    monkeypatch.chdir(tmp_path)
    for match in EXAMPLE.finditer((DOCS / page).read_text(encoding="utf-8")):
        args = shlex.split(match["cmd"])[1:]
        result = CliRunner().invoke(cli, args)
        assert result.stdout.rstrip("\n") == match["out"].rstrip("\n"), match["cmd"]


@pytest.mark.skipif(shutil.which("mkdocs") is None and not (ROOT / ".venv" / "bin" / "mkdocs").exists(), reason="mkdocs not installed")
def test_docs_build_strict(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "commands" / "index.html").read_text(encoding="utf-8")
    assert "kbase evidence" in html and "<!-- kbase:commands -->" not in html
