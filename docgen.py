"""Reference pages generated from the code, so the docs cannot drift from it.

``mkdocs_hooks.py`` replaces the markers ``<!-- kbase:commands -->`` and
``<!-- kbase:rules -->`` in the Markdown pages with what these functions return.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import click

__all__ = ["command_paths", "commands_markdown", "rules_markdown"]


def _walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from _walk(command.commands[name], (*path, name))


def command_paths() -> list[str]:
    """Every command as typed, e.g. ``["kbase", "kbase audit", ...]``."""
    from kbase.cli import cli

    return [" ".join(path) for path, _ in _walk(cli, ("kbase",))]


def commands_markdown() -> str:
    """The command reference: each command's usage, help text and options."""
    from kbase.cli import cli

    out: list[str] = []
    for path, command in _walk(cli, ("kbase",)):
        name = " ".join(path)
        ctx = click.Context(command, info_name=name)
        out.append(f"## `{name}`\n")
        out.append("```text")
        out.append(command.get_help(ctx).replace(f"Usage: {name}", f"Usage: {name}", 1))
        out.append("```\n")
    return "\n".join(out)


def rules_markdown() -> str:
    """A table of every audit rule: id, severity, kind and meaning."""
    from kbase.audit import RULES

    rows = ["| rule | severity | kind | what it means |", "|---|---|---|---|"]
    for rule in RULES.values():
        rows.append(f"| `{rule.id}` | {rule.severity} | {rule.kind} | {rule.summary} |")
    return "\n".join(rows)


# the command's output is every line up to the closing fence (there may be none)
EXAMPLE = re.compile(r"(<!-- example: (?P<cmd>[^>]+) -->\n```text\n)\$ [^\n]*\n(?P<out>(?:(?!```\n).*\n)*?)```")


def refresh_examples(text: str) -> str:
    """Re-run every ``<!-- example: kbase ... -->`` block of a Markdown page and put in its output."""
    import shlex

    from click.testing import CliRunner

    from kbase.cli import cli

    def run(match: re.Match[str]) -> str:
        command = match["cmd"]
        output = CliRunner().invoke(cli, shlex.split(command)[1:]).stdout.rstrip("\n")
        return f"{match.group(1)}$ {command}\n{output}\n```"

    return EXAMPLE.sub(run, text)


if __name__ == "__main__":  # python docgen.py docs/*.md  (run from the repository root)
    import sys
    from pathlib import Path

    for name in sys.argv[1:]:
        page = Path(name)
        page.write_text(refresh_examples(page.read_text(encoding="utf-8")), encoding="utf-8")
