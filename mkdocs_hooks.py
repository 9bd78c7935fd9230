"""MkDocs hook: fill the generated sections of the docs from the code."""

from __future__ import annotations

from typing import Any

from docgen import commands_markdown, rules_markdown

MARKERS = {"<!-- kbase:commands -->": commands_markdown, "<!-- kbase:rules -->": rules_markdown}


def on_page_markdown(markdown: str, **_: Any) -> str:
    for marker, render in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render())
    return markdown
