"""The README is tested: every command of its tour runs as printed, with the output it shows, in a clone
that has nothing beside it (issue 29); its Python block runs; every option it names exists."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner
from conftest import ROOT

from kbase.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _console_commands() -> list[tuple[str, list[str]]]:
    """Each ``$ kbase …`` line of the README's console blocks, with the output lines shown under it."""
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:].split("  #", 1)[0].strip(), []))
            elif found and line.strip() and line.strip() != "...":
                found[-1][1].append(line.rstrip())
    return found


@pytest.mark.parametrize(("command", "shown"), _console_commands(), ids=lambda value: value if isinstance(value, str) else "")
def test_every_command_of_the_readme_runs_as_printed(command, shown, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)
    assert args[0] == "kbase"
    result = CliRunner().invoke(cli, ["--year", "2026", *args[1:]])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    printed = {line.rstrip() for line in (result.stdout + result.stderr).splitlines()}
    missing = [line for line in shown if line not in printed]
    assert missing == [], (command, missing)


def test_the_readme_python_block_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - the project's own README
    assert namespace["kb"].grade("nmda-blockade").level.name == "LOW"


def test_every_option_the_readme_names_exists():
    """An option the README names (`--format`, `--retractions`…) is an option of some kbase command."""
    from click import Group

    options: set[str] = set()

    def walk(command) -> None:
        for param in command.params:
            options.update(param.opts)
        if isinstance(command, Group):
            for sub in command.commands.values():
                walk(sub)

    walk(cli)
    named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", README))
    assert named - options == set()
