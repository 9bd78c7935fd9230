"""Evidence tables as Markdown (GitHub-flavoured), CSV and JSON, from :class:`~kbase.tables.EvidenceRow`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..tables import EvidenceCell, EvidenceRow, SofRow
from ..vocabulary import CONCERNS

__all__ = ["csv_table", "json_table", "markdown_table", "safe_cell", "sof_csv", "sof_html", "sof_json", "sof_markdown"]

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
    if ":" in text and _MAY_NAME_A_SCHEME(text.lower()):  # a quick test: the pattern is slow
        text = _SCHEMES.sub(r"\1&#58;", text)
    return "<br>".join(part.strip() for part in text.splitlines()) if "\n" in text or "\r" in text else text


_SCHEMES = re.compile(r"\b(javascript|vbscript|data|file)\s*:", re.IGNORECASE)
_MAY_NAME_A_SCHEME = re.compile("script|data|file").search


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
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    row.claim_id,
                    row.statement,
                    str(row.grade.level),
                    ", ".join(row.grade.flags),
                    str(row.grade.independent_sources),
                    "\n".join(_evidence_text(row.supporting)),
                    "\n".join(_evidence_text(row.contradicting)),
                    row.action,
                    ", ".join(row.articles),
                    row.section,
                )
            ]
        )
    return buffer.getvalue()


def _cell_data(cell: EvidenceCell) -> dict[str, Any]:
    return {
        "ref": cell.ref,
        "citation": cell.citation,
        "design": cell.design,
        "level": str(cell.level),
        "locator": cell.locator or None,
        "doi": cell.doi or None,
        "pmid": cell.pmid or None,
        "url": cell.url or None,
        "note": cell.note or None,
        "set_aside": cell.set_aside or None,
    }


def json_table(rows: Sequence[EvidenceRow], style: str) -> dict[str, Any]:
    """The table as data: ``{"version", "style", "rows": [...]}`` (documented in docs/tables.md)."""
    return {
        "version": TABLE_SCHEMA_VERSION,
        "style": style,
        "rows": [
            {
                "claim": row.claim_id,
                "statement": row.statement,
                "topic": row.topic or None,
                "articles": list(row.articles),
                "section": row.section or None,
                "level": str(row.grade.level),
                "kind": row.grade.kind,
                "flags": list(row.grade.flags),
                "independent_sources": row.grade.independent_sources,
                "reasons": [r.message for r in row.grade.reasons],
                "supporting": [_cell_data(c) for c in row.supporting],
                "contradicting": [_cell_data(c) for c in row.contradicting],
                "action": row.action,
            }
            for row in rows
        ],
    }


# -- Summary of Findings (GRADE) ----------------------------------------------------------------------

_SOF_DOMAINS = CONCERNS  # GRADE's five domains, in the vocabulary's order


def _sof_cells(row: SofRow, marks: dict[str, str]) -> list[str]:
    domains = dict(row.domains)
    cells = [row.claim_id, row.statement, str(row.studies) if row.studies else "", f"{row.participants:,}" if row.participants else "", row.design]
    for domain in _SOF_DOMAINS:
        judgement = domains.get(domain, "")
        cells.append(judgement + (marks.get(domain, "") if judgement in ("serious", "very serious") else ""))
    cells += [", ".join(row.upgrades), row.certainty + marks.get("certainty", "")]
    return cells


def _footnote_marks(rows: Sequence[SofRow]) -> tuple[list[dict[str, str]], list[str]]:
    """Superscript letters per row and domain, and the footnotes they point to, in order."""
    notes: list[str] = []
    marks = []
    for row in rows:
        mine = {}
        for note in row.footnotes:
            domain = note.split(":", 1)[0]
            notes.append(f"{row.claim_id}, {note}")
            mine[domain if domain in _SOF_DOMAINS else "certainty"] = f" [{len(notes)}]"
        marks.append(mine)
    return marks, notes


SOF_HEADER = ["claim", "statement", "references", "participants", "design", *(d.replace("-", " ") for d in _SOF_DOMAINS), "upgrades", "certainty"]


def sof_markdown(rows: Sequence[SofRow]) -> str:
    """The Summary-of-Findings table in Markdown, footnotes under it."""
    marks, notes = _footnote_marks(rows)
    lines = ["| " + " | ".join(SOF_HEADER) + " |", "|" + "---|" * len(SOF_HEADER)]
    lines += ["| " + " | ".join(_md(c) for c in _sof_cells(row, mine)) + " |" for row, mine in zip(rows, marks)]
    return "\n".join(lines) + "\n" + ("\n" + "\n".join(f"{i}. {_md(n)}" for i, n in enumerate(notes, 1)) + "\n" if notes else "")


def sof_csv(rows: Sequence[SofRow]) -> str:
    """The Summary-of-Findings table as CSV (footnotes in a last column), cells neutralised against formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*SOF_HEADER, "footnotes"])
    for row in rows:
        writer.writerow([safe_cell(c) for c in (*_sof_cells(row, {}), "\n".join(row.footnotes))])
    return buffer.getvalue()


def sof_json(rows: Sequence[SofRow]) -> dict[str, Any]:
    """The Summary-of-Findings table as data."""
    return {
        "version": 1,
        "rows": [
            {
                "claim": r.claim_id,
                "statement": r.statement,
                "references": r.studies,
                "participants": r.participants,
                "design": r.design or None,
                "domains": dict(r.domains),
                "upgrades": list(r.upgrades),
                "level": str(r.level),
                "certainty": r.certainty,
                "flags": list(r.flags),
                "footnotes": list(r.footnotes),
            }
            for r in rows
        ],
    }


def sof_html(rows: Sequence[SofRow], title: str) -> str:
    """The Summary-of-Findings table as one self-contained HTML page (no script), every value escaped."""
    from html import escape

    marks, notes = _footnote_marks(rows)
    head = "".join(f"<th scope=\"col\">{escape(h)}</th>" for h in SOF_HEADER)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in _sof_cells(row, mine)) + "</tr>" for row, mine in zip(rows, marks))
    foot = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>Summary of findings: {escape(title)}</title><style>"
        "body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1f2328}table{border-collapse:collapse;width:100%}"
        "th,td{border:1px solid #d0d7de;padding:.35rem .5rem;vertical-align:top;text-align:left}th{background:#f6f8fa}"
        f"</style></head><body><main><h1>Summary of findings: {escape(title)}</h1>"
        f"<table id=\"sof\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        + (f"<h2>Footnotes</h2><ol id=\"footnotes\">{foot}</ol>" if notes else "")
        + "</main></body></html>\n"
    )
