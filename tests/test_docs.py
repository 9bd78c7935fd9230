"""The docs cover every command and rule, their examples match real output, and they build."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

import kbase
from docgen import command_paths, commands_markdown, rules_markdown
from kbase.audit import RULES
from kbase.cli import cli

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
        if path in ("kbase", "kbase refs", "kbase claim", "kbase article"):
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
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "commands" / "index.html").read_text(encoding="utf-8")
    assert "kbase evidence" in html and "<!-- kbase:commands -->" not in html


def test_the_first_library_page_runs_end_to_end(tmp_path, monkeypatch):
    """Every command of docs/first-library.md, in order, in an empty folder (with its files)."""
    import re

    page = (DOCS / "first-library.md").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # the Zotero export: the bundled library's references as CSL-JSON, with their keys as ids
    export = CliRunner().invoke(cli, ["--claims", str(ROOT / "claims.yaml"), "--bib", str(ROOT / "references.bib"), "export"])
    (tmp_path / "zotero.json").write_text(export.stdout, encoding="utf-8")
    for name, body in re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", page, re.S):
        (tmp_path / name).write_text(body, encoding="utf-8")
    commands = [
        line[2:]
        for block in re.findall(r"<!-- tutorial -->\n```console\n(.*?)```", page, re.S)
        for line in block.splitlines()
        if line.startswith("$ ")
    ]
    assert len(commands) >= 10
    for command in commands:
        result = CliRunner().invoke(cli, shlex.split(command)[1:])
        assert result.exit_code == 0, (command, result.output)
    kb = kbase.load("claims.yaml", "references.bib")
    assert kb.problems == () and str(kb.grade("crps-relief").level) == "moderate"
    assert "one-in-five" in open("evidence.md", encoding="utf-8").read()
    audit = CliRunner().invoke(cli, ["audit", "draft.md", "--format", "json"])
    rules = {(f["line"], f["rule"]) for f in json.loads(audit.stdout)["findings"]}
    assert (4, "uncited-claim") in rules
