"""Renderers: one module per output format, all fed by the same records.

The command line calls one function here per command. Each returns :class:`Output`: what goes
to standard output and what goes to standard error (summaries, notes). Text meant for a
terminal passes through :func:`kbase.render.text.visible`, so no value from a library or a
draft can send control or escape sequences to the terminal.

Modules: :mod:`~kbase.render.text`, :mod:`~kbase.render.json`, :mod:`~kbase.render.sarif`,
:mod:`~kbase.render.tables` (Markdown, CSV, JSON tables), :mod:`~kbase.render.html` (the report),
:mod:`~kbase.render.graph` (GraphML, DOT, node-link JSON).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..history import ClaimChange, GradePoint, LibraryDiff
    from ..impact import Impact
    from ..kb import DraftsAudit, KnowledgeBase
    from ..model import Finding, Reference
    from ..refs import DuplicateGroup, ImportPlan
    from ..refs.verify import Verification
    from ..review import DraftReview
    from ..suggest import Suggestion
    from ..tables import EvidenceRow

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
    "notices_to_stderr",
    "progress_bar",
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


def notices_to_stderr() -> None:
    """Show what the library reports on the ``kbase`` logger (a parse-cache entry it ignored, say)
    as ``kbase: note: …`` lines on standard error, once per process."""
    import logging
    import sys

    class Notices(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            print(f"kbase: note: {record.getMessage()}", file=sys.stderr)

    logger = logging.getLogger("kbase")
    if not any(type(h).__name__ == "Notices" for h in logger.handlers):
        handler = Notices(logging.WARNING)
        logger.addHandler(handler)
        logger.propagate = False


def progress_bar(items: Iterable[Any], count: int) -> Iterator[Any]:
    """``items`` as they come, with a progress bar of ``count`` steps on standard error (two or more)."""
    if count < 2:
        yield from items
        return
    import sys

    import click

    with click.progressbar(items, length=count, label="auditing drafts", file=sys.stderr) as bar:
        yield from bar


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


def grades(kb: KnowledgeBase, fmt: str) -> Output:
    """Every claim's grade, then the unsupported claims."""
    if fmt == "json":
        from .json import grades_document

        return Output(_json(grades_document(kb.claims, kb.grades)))
    from .text import grades_text

    return Output(_lines([grades_text(kb.claims, kb.grades)]))


def evidence(kb: KnowledgeBase, claim_id: str, fmt: str, tree: bool = False) -> Output:
    """One claim's grade and links (``json``/``text``), or its premise tree."""
    claim, grade = kb.claim(claim_id), kb.grade(claim_id)
    if fmt == "json":
        from .json import grade_data

        return Output(_json(grade_data(grade, claim)))
    if tree:
        from .text import premise_tree_text

        return Output(_lines([premise_tree_text(claim_id, kb.claims, kb.grades)]))
    from .text import evidence_text

    return Output(_lines([evidence_text(claim, grade, kb.references, kb.source_chains(claim_id))]))


def impacts(kb: KnowledgeBase, reports: Sequence[Impact], fmt: str, source: str | None = None) -> Output:
    """What withdrawing each reference changes; ``source`` names the retraction list they came from."""
    if fmt == "json":
        from .json import impact_data

        return Output(_json({"version": 1, "impacts": [impact_data(r) for r in reports]}))
    from .text import impact_text

    head = [f"{len(reports)} reference{'s' if len(reports) != 1 else ''} of the library found in {source}"] if source else []
    return Output(_lines(head + [impact_text(r, kb.claims) for r in reports]))


def stats(data: dict[str, object], fmt: str) -> Output:
    """Library counts."""
    if fmt == "json":
        return Output(_json(data))
    from .text import stats_text

    return Output(_lines([stats_text(data)]))


def suggestions(
    kb: KnowledgeBase, query: str, results: Sequence[Suggestion], fmt: str, style: str | None, linked: Mapping[str, str] | None = None
) -> Output:
    """Ranked references (``kb.suggest`` or ``kb.suggest_for``) with their formatted citations; ``linked`` marks those a
    claim already links (key → stance)."""
    linked = linked or {}
    formatter = kb.formatter(style)
    if fmt == "json":
        return Output(
            _json(
                {
                    "version": 1,
                    "query": query,
                    "suggestions": [
                        {
                            "ref": s.key,
                            "score": s.score,
                            "citation": formatter.entry(s.key),
                            "design": kb.references[s.key].design,
                            "sentence": s.sentence or None,
                            "linked": linked.get(s.key),
                        }
                        for s in results
                    ],
                }
            )
        )
    if not results:
        return Output(err="no reference shares a word with this claim\n")
    lines = []
    for rank, s in enumerate(results, 1):
        ref = kb.references[s.key]
        mark = f"  (already linked: {linked[s.key]})" if s.key in linked else ""
        lines.append(f"{rank:>2}. {s.key}  score {s.score:.2f}  [{ref.design}{'*' if ref.design_inferred else ''}]{mark}")
        lines.append(f"    {formatter.entry(s.key)}")
        if s.sentence and s.sentence != ref.title:
            lines.append(f"    “{s.sentence}”")
    return Output(_lines(lines))


def evidence_table(kb: KnowledgeBase, rows: Sequence[EvidenceRow], fmt: str, *, article: str | None = None, style: str | None = None) -> Output:
    """An evidence table as ``md``, ``csv``, ``json`` or a self-contained ``html`` report; no row is said in words."""
    empty = "" if rows else f"no claim {'of article ' + repr(article) if article else 'matches'}: the table is empty\n"
    return Output(_evidence_table(kb, rows, fmt, article=article, style=style), empty)


def _evidence_table(kb: KnowledgeBase, rows: Sequence[EvidenceRow], fmt: str, *, article: str | None, style: str | None) -> str:
    from ..citations import DEFAULT_STYLE

    if fmt.startswith("sof"):  # GRADE's Summary of Findings: sof (Markdown), sof-csv, sof-json, sof-html
        from ..tables import sof_rows
        from .tables import sof_csv, sof_html, sof_json, sof_markdown
        from .text import visible

        sof = sof_rows(rows)
        if fmt == "sof-json":
            return _json(sof_json(sof))
        if fmt == "sof-html":
            return visible(sof_html(sof, (kb.articles[article].title or article) if article else "All claims"))
        return visible(sof_markdown(sof) if fmt == "sof" else sof_csv(sof))

    if fmt in ("md", "csv"):  # text a terminal may show: no control or escape characters
        from .tables import csv_table, markdown_table
        from .text import visible

        return visible((markdown_table if fmt == "md" else csv_table)(rows))
    if fmt == "json":
        from .tables import json_table

        return _json(json_table(rows, style or DEFAULT_STYLE))
    from .html import html_report, svg_graph

    keys = [c.ref for row in rows for c in (*row.supporting, *row.contradicting)]
    title = (kb.articles[article].title or article) if article else "All claims"
    drawing = svg_graph(kb.graph, [row.claim_id for row in rows], {row.claim_id: row.grade.level for row in rows})
    from .text import visible

    # control and bidi characters shown as escapes: an HTML page shows them, never obeys them
    return visible(
        html_report(
            rows,
            title=title,
            graph_svg=drawing,
            style=style or DEFAULT_STYLE,
            bibliography=kb.formatter(style).bibliography(keys, html=True, numbered=False),
        )
    )


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


def graph_export(kb: KnowledgeBase, fmt: str) -> str:
    """The library graph as ``graphml``, ``dot`` or node-link ``json`` (GraphML and DOT show control and bidi
    characters as escapes: XML cannot carry most of them, and a terminal would obey them)."""
    from .graph import export_graph
    from .text import visible

    out = export_graph(kb.graph, kb.grades, fmt)
    return out if fmt == "json" else visible(out)


def duplicates(groups: Sequence[DuplicateGroup], references: Sequence[Reference], fmt: str, versions: Sequence[tuple[str, str, str]] = ()) -> Output:
    """Duplicate groups, each with its members, the key kept and the claims that use each; then the
    versions (a preprint or report of a published work), which are never merged."""
    if fmt == "json":
        return Output(
            _json(
                {
                    "version": 1,
                    "groups": [
                        {"keys": list(g.keys), "keep": g.keep, "reason": g.reason, "score": g.score, "used_by": {k: list(c) for k, c in g.used_by}}
                        for g in groups
                    ],
                    "versions": [{"key": k, "published": p, "kind": kind} for k, p, kind in versions],
                }
            )
        )
    by_key = {r.key: r for r in references}
    lines = []
    for key, published, kind in versions:
        lines.append(
            f"{by_key[key].where}: {key} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} of {published} ({by_key[published].where}): another version, "
            "not merged; cite the published version"
        )
    for group in groups:
        lines.append(f"duplicates ({group.reason}, similarity {group.score:.0f}): keep {group.keep}")
        for key in group.keys:
            ref = by_key[key]
            used = dict(group.used_by).get(key, ())
            lines.append(f"  {ref.where}: {key}{'  (used by ' + ', '.join(used) + ')' if used else ''}  {ref.title[:70]}")
    summary = (
        f"{len(groups)} duplicate group{'s' if len(groups) != 1 else ''}"
        + (f" and {len(versions)} version{'s' if len(versions) != 1 else ''}" if versions else "")
        + f" among {len(references)} references"
    )
    return Output(_lines(lines), _lines([summary]))


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
    notes = []
    if result.unchecked:
        notes.append(f"{result.unchecked} could not be checked (the not-verified lines say why)")
    if result.without_identifier:
        notes.append(f"{result.without_identifier} {'has' if result.without_identifier == 1 else 'have'} no DOI or PMID to check")
    if result.fixed:
        notes.append(
            f"wrote the registry's values into {len(result.fixes)} entr{'ies' if len(result.fixes) != 1 else 'y'} ({', '.join(result.files)})"
        )
    elif result.fixes:
        notes.append(
            f"kbase refs verify --fix would write the registry's values into {len(result.fixes)} entr{'ies' if len(result.fixes) != 1 else 'y'}"
        )
    return Output(output.out, output.err + _lines(notes))


def entry_lint(items: Sequence[Finding]) -> Output:
    """What lint says of an entry kbase just wrote, on standard error (nothing when it says nothing)."""
    from .text import finding_line

    return Output(err=_lines(finding_line(f) for f in items))


def imported(plan: ImportPlan, dry_run: bool) -> Output:
    """What an import added (the entries, on a dry run), what it skipped as duplicates, and the lint of what it added."""
    from .text import finding_line, visible

    err = [f"{item.where}: skipped “{item.get('title')[:70]}”: duplicates {twin}" for item, twin in plan.skipped]
    err.extend(finding_line(f) for f in plan.findings)
    err.append(
        f"{len(plan.added)} added, {len(plan.skipped)} duplicate{'s' if len(plan.skipped) != 1 else ''} skipped"
        + (f"; {len(plan.findings)} lint finding{'s' if len(plan.findings) != 1 else ''} on what was added" if plan.findings else "")
    )
    return Output(visible(plan.text) if dry_run else "", _lines(err))


def _change_text(change: ClaimChange) -> str:
    before = str(change.before) if change.before is not None else "new"
    after = str(change.after) if change.after is not None else "removed"
    what = f"{change.claim_id}: {before} → {after}" if before != after else f"{change.claim_id}: {after}"
    extra = []
    if change.renamed_from:
        extra.append(f"renamed from {change.renamed_from}")
    if change.flags_gained:
        extra.append("now " + ", ".join(change.flags_gained))
    if change.flags_lost:
        extra.append("no longer " + ", ".join(change.flags_lost))
    if change.links_added:
        extra.append("links added: " + ", ".join(change.links_added))
    if change.links_removed:
        extra.append("links removed: " + ", ".join(change.links_removed))
    return what + (f" ({'; '.join(extra)})" if extra else "")


def library_diff(diff: LibraryDiff, fmt: str) -> Output:
    """What a change does to the grades (``kbase diff``): text, JSON, or Markdown short enough for a
    pull-request comment, most serious first."""
    if fmt == "json":
        return Output(
            _json(
                {
                    "version": 1,
                    "before": diff.before,
                    "after": diff.after,
                    "claims": [
                        {
                            "claim": c.claim_id,
                            "before": str(c.before) if c.before is not None else None,
                            "after": str(c.after) if c.after is not None else None,
                            "renamed_from": c.renamed_from or None,
                            "flags_gained": list(c.flags_gained),
                            "flags_lost": list(c.flags_lost),
                            "links_added": list(c.links_added),
                            "links_removed": list(c.links_removed),
                            "reasons": list(c.reasons),
                            "articles": list(c.articles),
                        }
                        for c in diff.claims
                    ],
                    "references": {"added": diff.references_added, "removed": diff.references_removed, "retracted": diff.references_retracted},
                    "articles_affected": diff.articles,
                    "problems": {"before": diff.problems_before, "after": diff.problems_after},
                    "notes": diff.notes,
                }
            )
        )
    lowered = sum(1 for c in diff.claims if c.lowered)  # unsupported → unsupported with a flag dropped is not lowered
    raised = sum(1 for c in diff.claims if c.raised)
    summary = (
        f"{diff.before} → {diff.after}: {len(diff.claims)} claim{'s' if len(diff.claims) != 1 else ''} changed "
        f"({lowered} lowered, {raised} raised); references +{len(diff.references_added)} −{len(diff.references_removed)}"
        f"{f', {len(diff.references_retracted)} retracted' if diff.references_retracted else ''}"
    )
    if fmt == "markdown":
        lines = [f"**kbase: {summary}**", ""]
        if diff.problems_after:
            lines += ["The library no longer loads:", *[f"- `{p}`" for p in diff.problems_after[:10]], ""]
        if diff.references_retracted:
            lines += [f"- ⚠️ retracted: {', '.join(f'`{k}`' for k in diff.references_retracted)}"]
        for change in diff.claims[:20]:
            lines.append(f"- {_change_text(change)}")
        if len(diff.claims) > 20:
            lines.append(f"- … and {len(diff.claims) - 20} more (`kbase diff {diff.before}..` shows all)")
        if diff.articles:
            lines += ["", "Articles affected: " + ", ".join(f"`{a}`" for a in diff.articles)]
        return Output(_lines(lines))
    lines = [f"{note}" for note in diff.notes]
    for problem in diff.problems_after:
        lines.append(f"problem after: {problem}")
    for key in diff.references_retracted:
        lines.append(f"retracted: {key}")
    for change in diff.claims:
        lines.append(_change_text(change))
        lines.extend(f"    {reason}" for reason in change.reasons if change.before != change.after)
    if diff.references_added:
        lines.append("references added: " + ", ".join(diff.references_added))
    if diff.references_removed:
        lines.append("references removed: " + ", ".join(diff.references_removed))
    if diff.articles:
        lines.append("articles affected: " + ", ".join(diff.articles))
    return Output(_lines(lines), _lines([summary]))


def claim_log(claim_id: str, points: Sequence[GradePoint], fmt: str) -> Output:
    """A claim's level over the commits that changed the library (``kbase log``), oldest first."""
    if fmt == "json":
        return Output(
            _json(
                {
                    "version": 1,
                    "claim": claim_id,
                    "history": [
                        {
                            "commit": p.commit,
                            "date": p.date,
                            "subject": p.subject,
                            "level": str(p.level) if p.level is not None else None,
                            "note": p.note or None,
                        }
                        for p in points
                    ],
                }
            )
        )
    lines, previous = [], "-"
    for point in points:
        level = str(point.level) if point.level is not None else f"({point.note})"
        mark = "" if level == previous else "  ←" if previous != "-" else ""
        lines.append(f"{point.date}  {point.commit}  {level:<28}  {point.subject[:70]}{mark}")
        previous = level
    return Output(_lines(lines), _lines([f"{claim_id}: {len(points)} commit{'s' if len(points) != 1 else ''} changed the library"]))
