"""Renderers: one module per output format, all fed by the same records.

The command line calls one function here per command. Each is a function of records and plain data
(never of the knowledge base, never printing) and returns :class:`Output`: what goes to standard
output and what goes to standard error (summaries, notes). This module only picks the format; the
layouts are in the format modules. Text meant for a
terminal passes through :func:`kbase.render.text.visible`, so no value from a library or a
draft can send control or escape sequences to the terminal.

Modules: :mod:`~kbase.render.text`, :mod:`~kbase.render.json`, :mod:`~kbase.render.sarif`,
:mod:`~kbase.render.tabular` (Markdown, CSV, JSON tables), :mod:`~kbase.render.html` (the report),
:mod:`~kbase.render.graph_files` (GraphML, DOT, node-link JSON).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from ..audit.batch import DraftsAudit
    from ..draft_review import DraftReview
    from ..history import GradePoint, LibraryDiff
    from ..impact import Impact
    from ..model import Claim, Finding, Grade, Reference
    from ..refs import DuplicateGroup, ImportPlan
    from ..refs.verify import Verification
    from ..suggest import Ranking
    from ..tables import EvidenceTable

__all__ = [
    "Output",
    "bibliography",
    "csl_json",
    "draft_audit",
    "draft_review",
    "verification",
    "entry_lint",
    "duplicates",
    "evidence",
    "evidence_table",
    "findings",
    "grades",
    "graph_export",
    "impacts",
    "imported",
    "library_diff",
    "claim_log",
    "message",
    "stats",
    "suggestions",
]


def message(text: str) -> str:
    """A message for the terminal (an error, "wrote FILE"): control, escape and bidi characters in a file name a
    repository's settings chose are shown as escapes, never obeyed."""
    from .text import visible

    return visible(text)


@dataclass(frozen=True, slots=True)
class Output:
    """What a command prints: ``out`` on standard output, ``err`` on standard error (either may be empty)."""

    out: str = ""
    err: str = ""
    data: bytes = b""  # a binary document (a reviewed .docx), written only to a file named with -o


def _json(data: Any) -> str:
    from .json import dumps

    return dumps(data) + "\n"


def _lines(lines: Iterable[str]) -> str:
    from .text import visible

    text = "\n".join(visible(line) for line in lines)
    return text + "\n" if text else ""


def findings(items: Iterable[Finding], fmt: str, counts: tuple[int, int], summary: str | None = None) -> Output:
    """Findings as ``text`` (one line each, the summary on stderr), ``json`` or ``sarif``.

    ``counts`` is (claims, references), for the summary.
    """
    items = list(items)
    if fmt == "json":
        from .json import findings_document

        return Output(_json(findings_document(items, *counts)))
    if fmt == "sarif":
        from ..version import __version__
        from .sarif import sarif_document

        return Output(_json(sarif_document(items, __version__)))
    from .text import finding_line, summary_line

    return Output(_lines(finding_line(f) for f in items), _lines([summary_line(items, *counts, summary)]))


def draft_review(review: DraftReview, fmt: str, counts: tuple[int, int]) -> Output:
    """One draft with its findings in place: an HTML page (``html``), or a Word document with comments
    (``docx``: the writer's own package when the draft is one, else the draft written as a new document)."""
    from .review import review_docx, review_html
    from .text import summary_line

    err = _lines([summary_line(list(review.findings), *counts, review.summary)])
    if fmt == "docx":
        return Output(err=err, data=review_docx(review, review.source or None))
    return Output(review_html(review), err)


def draft_audit(result: DraftsAudit, fmt: str, counts: tuple[int, int]) -> Output:
    """The findings of several drafts, the summary, and a line for each draft that could not be read."""
    out = findings(result.findings, fmt, counts, result.summary)
    err = out.err if result.drafts or not result.unreadable else ""  # no summary of 0 sentences beside "no such file"
    return Output(out.out, err + _lines(f"kbase: {exc}" for exc in result.unreadable) + _lines(f"kbase: note: {n}" for n in result.notes))


def grades(claims: Mapping[str, Claim], grades: Mapping[str, Grade], fmt: str) -> Output:
    """Every claim's grade, then the unsupported claims."""
    if fmt == "json":
        from .json import grades_document

        return Output(_json(grades_document(claims, grades)))
    from .text import grades_text

    return Output(_lines([grades_text(claims, grades)]))


def evidence(
    claim: Claim,
    grade: Grade,
    fmt: str,
    *,
    references: Mapping[str, Reference],
    chains: Sequence[str] = (),
    tree: tuple[Mapping[str, Claim], Mapping[str, Grade]] | None = None,
) -> Output:
    """One claim's grade and links (``json``/``text``, with its references and the ``reports`` chains of
    its sources), or, given ``tree`` (every claim and grade), its premise tree."""
    if fmt == "json":
        from .json import grade_data

        return Output(_json(grade_data(grade, claim)))
    if tree is not None:
        from .text import premise_tree_text

        return Output(_lines([premise_tree_text(claim.id, *tree)]))
    from .text import evidence_text

    return Output(_lines([evidence_text(claim, grade, references, chains)]))


def impacts(reports: Sequence[Impact], claims: Mapping[str, Claim], fmt: str, source: str | None = None) -> Output:
    """What withdrawing each reference changes; ``source`` names the retraction list they came from."""
    if fmt == "json":
        from .json import impact_data

        return Output(_json({"version": 1, "impacts": [impact_data(r) for r in reports]}))
    from .text import impact_text

    head = [f"{len(reports)} reference{'s' if len(reports) != 1 else ''} of the library found in {source}"] if source else []
    return Output(_lines(head + [impact_text(r, claims) for r in reports]))


def stats(data: dict[str, object], fmt: str) -> Output:
    """Library counts."""
    if fmt == "json":
        return Output(_json(data))
    from .text import stats_text

    return Output(_lines([stats_text(data)]))


def suggestions(ranking: Ranking, fmt: str) -> Output:
    """Ranked references with their formatted citations, those the claim already links marked."""
    if fmt == "json":
        from .json import suggestions_document

        return Output(_json(suggestions_document(ranking)))
    if not ranking.suggestions:
        return Output(err="no reference shares a word with this claim\n")
    from .text import suggestions_text

    return Output(_lines([suggestions_text(ranking)]))


def evidence_table(table: EvidenceTable, fmt: str) -> Output:
    """An evidence table as ``md``, ``csv``, ``json``, GRADE's Summary of Findings (``sof*``) or a
    self-contained ``html`` report; no row is said in words."""
    empty = "" if table.rows else f"no claim {'of article ' + repr(table.article) if table.article else 'matches'}: the table is empty\n"
    return Output(_evidence_table(table, fmt), empty)


def _evidence_table(table: EvidenceTable, fmt: str) -> str:
    from .text import visible  # control and bidi characters shown as escapes: a terminal or an HTML page shows them, never obeys them

    if fmt.startswith("sof"):  # GRADE's Summary of Findings: sof (Markdown), sof-csv, sof-json, sof-html
        from ..tables import sof_rows
        from .tabular import sof_csv, sof_html, sof_json, sof_markdown

        sof = sof_rows(table.rows)
        if fmt == "sof-json":
            return _json(sof_json(sof))
        if fmt == "sof-html":
            return visible(sof_html(sof, table.title))
        return visible(sof_markdown(sof) if fmt == "sof" else sof_csv(sof))
    if fmt in ("md", "csv"):
        from .tabular import csv_table, markdown_table

        return visible((markdown_table if fmt == "md" else csv_table)(table.rows))
    if fmt == "json":
        from .tabular import json_table

        return _json(json_table(table.rows, table.style))
    from .html import html_report, svg_graph

    drawing = (
        svg_graph(table.graph, [row.claim_id for row in table.rows], {row.claim_id: row.grade.level for row in table.rows}) if table.graph else ""
    )
    return visible(html_report(table.rows, title=table.title, graph_svg=drawing, style=table.style, bibliography=list(table.bibliography)))


def bibliography(entries: Sequence[str], fmt: str, numbered: bool = True) -> Output:
    """A bibliography as ``text`` (numbered lines when the style numbers) or an ``html`` list (control and
    bidi characters shown as escapes in both); none is said in words."""
    from .text import visible

    empty = "" if entries else "no reference to list: no claim of this selection links a supporting or contradicting reference\n"
    if fmt == "html":
        tag = "ol" if numbered else "ul"
        return Output(visible(f"<{tag}>\n" + "".join(f"<li>{e}</li>\n" for e in entries) + f"</{tag}>\n"), empty)
    return Output(visible(_lines(f"{n}. {e}" if numbered else e for n, e in enumerate(entries, 1))), empty)


def csl_json(items: Sequence[dict[str, object]]) -> str:
    """CSL-JSON (a list of items)."""
    return _json(list(items))


def graph_export(graph: nx.MultiDiGraph, grades: Mapping[str, Grade], fmt: str) -> str:
    """The library graph as ``graphml``, ``dot`` or node-link ``json`` (GraphML and DOT show control and bidi
    characters as escapes: XML cannot carry most of them, and a terminal would obey them)."""
    from .graph_files import export_graph
    from .text import visible

    out = export_graph(graph, grades, fmt)
    return out if fmt == "json" else visible(out)


def duplicates(groups: Sequence[DuplicateGroup], references: Sequence[Reference], fmt: str, versions: Sequence[tuple[str, str, str]] = ()) -> Output:
    """Duplicate groups, each with its members, the key kept and the claims that use each; then the
    versions (a preprint or report of a published work), which are never merged."""
    if fmt == "json":
        from .json import duplicates_document

        return Output(_json(duplicates_document(groups, versions)))
    from .text import duplicates_summary, duplicates_text

    return Output(_lines(duplicates_text(groups, references, versions)), _lines([duplicates_summary(groups, references, versions)]))


def verification(result: Verification, fmt: str, references: int) -> Output:
    """What ``kbase refs verify`` found (``findings`` in any of its formats), with how many references were
    checked, could not be checked, have no identifier, and what ``--fix`` wrote."""
    counts = {
        "checked": result.checked,
        "not_checked": result.unchecked,
        "without_identifier": result.without_identifier,
        "fixed": sorted(result.fixes) if result.fixed else [],
    }
    if fmt == "json":
        from .json import findings_document

        return Output(_json({**findings_document(result.findings, 0, references), "verify": counts}))
    output = findings(
        result.findings, fmt, (0, references), f"{result.checked} of {result.asked} reference{'s' if result.asked != 1 else ''} checked"
    )
    from .text import verification_notes

    return Output(output.out, output.err + _lines(verification_notes(result)))


def entry_lint(items: Sequence[Finding]) -> Output:
    """What lint says of an entry kbase just wrote, on standard error (nothing when it says nothing)."""
    from .text import finding_line

    return Output(err=_lines(finding_line(f) for f in items))


def imported(plan: ImportPlan, dry_run: bool) -> Output:
    """What an import added (the entries, on a dry run), what it skipped as duplicates, and the lint of what it added."""
    from .text import imported_lines, visible

    return Output(visible(plan.text) if dry_run else "", _lines(imported_lines(plan)))


def library_diff(diff: LibraryDiff, fmt: str) -> Output:
    """What a change does to the grades (``kbase diff``): text, JSON, or Markdown short enough for a
    pull-request comment, most serious first."""
    if fmt == "json":
        from .json import library_diff_document

        return Output(_json(library_diff_document(diff)))
    from .text import diff_summary, library_diff_markdown, library_diff_text

    if fmt == "markdown":
        return Output(_lines(library_diff_markdown(diff)))
    return Output(_lines(library_diff_text(diff)), _lines([diff_summary(diff)]))


def claim_log(claim_id: str, points: Sequence[GradePoint], fmt: str) -> Output:
    """A claim's level over the commits that changed the library (``kbase log``), oldest first."""
    if fmt == "json":
        from .json import claim_log_document

        return Output(_json(claim_log_document(claim_id, points)))
    from .text import claim_log_text

    return Output(_lines(claim_log_text(points)), _lines([f"{claim_id}: {len(points)} commit{'s' if len(points) != 1 else ''} changed the library"]))
