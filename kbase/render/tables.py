"""Evidence tables as Markdown (GitHub-flavoured), CSV and JSON, from :class:`~kbase.tables.EvidenceRow`."""

from __future__ import annotations

import csv
import re
import io
from collections.abc import Iterable, Sequence
from typing import Any

from ..tables import EvidenceCell, EvidenceRow

__all__ = ["csv_table", "json_table", "markdown_table", "safe_cell"]

TABLE_SCHEMA_VERSION = 1


def _evidence_text(cells: Iterable[EvidenceCell]) -> list[str]:
    out = []
    for cell in cells:
        extra = [cell.design, str(cell.level)]
        if cell.locator:
            extra.append(cell.locator)
        if cell.set_aside:
            extra.append(f"set aside: {cell.set_aside}")
        out.append(f"{cell.citation} [{'; '.join(extra)}]")
    return out


def _level(row: EvidenceRow) -> str:
    flags = ", ".join(row.grade.flags)
    return f"{row.grade.level}" + (f" ({flags})" if flags else "")


def _md(text: str) -> str:
    """A Markdown table cell: pipes escaped, newlines as <br>, HTML-sensitive characters escaped."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # no live link or image: brackets escaped, and the schemes that run or embed code spelled inertly
    text = text.replace("[", "\\[").replace("]", "\\]")
    text = _SCHEMES.sub(lambda m: m.group(1) + "&#58;", text)
    return "<br>".join(part.strip() for part in text.splitlines()) if "\n" in text or "\r" in text else text


_SCHEMES = re.compile(r"\b(javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def markdown_table(rows: Sequence[EvidenceRow]) -> str:
    """A GitHub-flavoured Markdown table, one row per claim."""
    lines = ["| claim | level | supporting evidence | contradicting evidence | what to do |", "|---|---|---|---|---|"]
    for row in rows:
        claim = f"**{row.claim_id}**: {row.statement}"
        supporting = "<br>".join(_md(t) for t in _evidence_text(row.supporting)) or "none"
        contradicting = "<br>".join(_md(t) for t in _evidence_text(row.contradicting)) or "none"
        lines.append(f"| {_md(claim)} | {_md(_level(row))} | {supporting} | {contradicting} | {_md(row.action)} |")
    return "\n".join(lines) + "\n"


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading ``= + - @``, tab or CR gets a ``'``.

    Examples
    --------
    >>> safe_cell('=HYPERLINK("http://x")'), safe_cell("fine")
    ('\\'=HYPERLINK("http://x")', 'fine')
    """
    return "'" + value if value.startswith(_FORMULA) else value


def csv_table(rows: Sequence[EvidenceRow]) -> str:
    """CSV with a header row; every cell is neutralised against formula injection."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["claim", "statement", "level", "flags", "independent_sources", "supporting", "contradicting", "action", "articles", "section"])
    for row in rows:
        writer.writerow([safe_cell(v) for v in (
            row.claim_id, row.statement, str(row.grade.level), ", ".join(row.grade.flags), str(row.grade.independent_sources),
            "\n".join(_evidence_text(row.supporting)), "\n".join(_evidence_text(row.contradicting)), row.action,
            ", ".join(row.articles), row.section)])
    return buffer.getvalue()


def _cell_data(cell: EvidenceCell) -> dict[str, Any]:
    return {"ref": cell.ref, "citation": cell.citation, "design": cell.design, "level": str(cell.level),
            "locator": cell.locator or None, "doi": cell.doi or None, "pmid": cell.pmid or None, "url": cell.url or None,
            "note": cell.note or None, "set_aside": cell.set_aside or None}


def json_table(rows: Sequence[EvidenceRow], style: str) -> dict[str, Any]:
    """The table as data: ``{"version", "style", "rows": [...]}`` (documented in docs/tables.md)."""
    return {
        "version": TABLE_SCHEMA_VERSION,
        "style": style,
        "rows": [
            {
                "claim": row.claim_id, "statement": row.statement, "topic": row.topic or None,
                "articles": list(row.articles), "section": row.section or None,
                "level": str(row.grade.level), "kind": row.grade.kind, "flags": list(row.grade.flags),
                "independent_sources": row.grade.independent_sources,
                "reasons": [r.message for r in row.grade.reasons],
                "supporting": [_cell_data(c) for c in row.supporting],
                "contradicting": [_cell_data(c) for c in row.contradicting],
                "action": row.action,
            }
            for row in rows
        ],
    }
