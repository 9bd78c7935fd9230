"""The ``kbase`` command line, a mirror of the library: each command parses its options, calls one
library function, hands the result to one renderer of :mod:`kbase.render`, and exits 0 (nothing at or
above ``--fail-on``), 1 (findings at or above it) or 2 (usage errors, unreadable input).

This module holds the root group and the commands that read the library and write reports; the
``refs`` commands are in :mod:`kbase.cli_refs`, the editing commands in :mod:`kbase.cli_edit`, and
what they all share in :mod:`kbase.cli_common`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from kbase import FAIL_ON, LEVELS, SEVERITIES, Level, Project, Severity, render, short_lived_process
from kbase.cli_common import command, draft_progress, emit, exit_with, fail_on_option, notices_to_stderr, output_option, say, style_option
from kbase.cli_edit import article, claim, fmt_claims, link, unlink
from kbase.cli_refs import refs

if TYPE_CHECKING:
    from kbase import KnowledgeBase


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--claims", metavar="PATH", help="The claims file.  [default: claims.yaml, or [tool.kbase] claims]")
@click.option(
    "--bib",
    multiple=True,
    metavar="PATH",
    help="A BibTeX file of references; give it more than once for several.  [default: references.bib, or [tool.kbase] bib]",
)
@click.option("--year", type=int, default=None, metavar="YEAR", help="Grade as of this year (for stale evidence). [default: this year]")
@click.option("--stale-years", type=click.IntRange(min=0), default=10, show_default=True, help="Evidence older than this many years is stale.")
@click.option("--retractions", metavar="CSV", help="A retraction list (Retraction Watch CSV); matching references count as retracted.")
@click.option("--encoding", metavar="NAME", help="Encoding of the .bib files, for legacy files (latin-1, gbk, cp1252…).  [default: utf-8]")
@click.option(
    "--no-cache", "cache", flag_value=False, default=True, help="Parse every file again: do not read or write the parse cache (.kbase-cache/)."
)
@click.version_option(package_name="kbase")
@click.pass_context
def cli(ctx: click.Context, **options: Any) -> None:
    """kbase: keep the evidence behind health writing honest.

    Links each claim in claims.yaml to its references in references.bib, grades the evidence, and
    audits the library and drafts for unsupported, weak, contested and mis-cited claims.
    """
    ctx.obj = options  # read by each command, with kbase.toml, as a kbase.Project
    notices_to_stderr()  # e.g. a parse-cache entry ignored (kbase.cache)


@command(cli)
@click.option("--from-bib", metavar="FILE", default=None, help="Start from this .bib (copied as it is).")
@click.option("--from-draft", metavar="FILE", default=None, help="Start from a draft: its uncited factual sentences become candidate claims.")
def init(s: Project, from_bib: str | None, from_draft: str | None) -> None:
    """Start a library here: claims.yaml (with a commented example) and references.bib."""
    for name in s.init(from_bib, from_draft):
        say(f"wrote {name}")
    step = "add references (kbase refs import FILE), then " if from_bib is None else ""
    claims = (
        "check the candidate claims and link their evidence (kbase link ID KEY --stance supports)" if from_draft else "add claims (kbase claim add)"
    )
    say(f"next: {step}{claims}, then kbase check")


@command(cli, formats=("text", "json"))
def check(s: Project, fmt: str) -> None:
    """Load and validate the library; print every problem with file:line:col.

    Exit 2: a file cannot be read (syntax, unknown fields). 1: it holds errors (dangling references).
    """
    kb = s.open()
    errors = kb.check()
    emit(render.findings(errors, fmt, kb.counts))
    sys.exit(1 if errors else 0)


@command(cli, formats=("text", "json", "sarif", "html", "docx"))
@click.argument("drafts", nargs=-1, metavar="[DRAFT]...")
@output_option
@fail_on_option
@click.option(
    "--min-severity", type=click.Choice(SEVERITIES), default="info", show_default=True, help="Print only findings of this severity or worse."
)
@click.option(
    "--threshold",
    type=click.FloatRange(50.01, 100),
    default=None,
    metavar="SCORE",
    help="Lowest match score (50-100) at which a draft sentence states a claim.  [default: 62]",
)
@click.option("--suggest", is_flag=True, help="Add the three best candidate references to uncited and unregistered claims.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, help="Audit drafts in N processes (0: one per core).  [default: 1]")
@click.option(
    "--changed", metavar="REV", is_flag=False, flag_value="HEAD", help="Only drafts changed since REV [HEAD] or stating a claim it regraded."
)
def audit(
    s: Project,
    drafts: tuple[str, ...],
    output: str | None,
    fmt: str,
    fail_on: str,
    min_severity: str,
    threshold: float | None,
    suggest: bool,
    jobs: int,
    changed: str | None,
) -> None:
    """Audit the library, or the drafts given: uncited, mis-cited, overstated and unregistered claims.

    Without DRAFT: unsupported, weak, contested, single-source claims and more. With DRAFT (Markdown,
    text, Word, HTML; a quoted glob such as 'content/**/*.md' is expanded): each sentence, as a
    medical reviewer reads it. One finding per line, summary on stderr. With --format html, one DRAFT
    shown whole with each finding on its sentence; with --format docx -o FILE, the draft with Word comments.
    """
    kb = s.open()
    floor, counts = Severity.parse(min_severity), kb.counts
    if fmt in ("html", "docx"):
        _review(s, kb, drafts, output, fmt, fail_on, threshold, suggest, floor, changed)
    if changed is not None:
        drafts = tuple(s.changed_drafts(changed, drafts, kb, threshold).drafts)  # none changed: nothing to audit
    elif not drafts:
        findings = kb.audit(floor)
        emit(render.findings(findings, fmt, counts), output, s.inputs())
        exit_with(findings, fail_on)
    result = kb.audit_drafts(drafts, threshold, suggest, floor, draft_progress if sys.stderr.isatty() else None, jobs)
    emit(render.draft_audit(result, fmt, counts), output, (*s.inputs(), *drafts))
    if result.unreadable:
        sys.exit(2)
    exit_with(result.findings, fail_on)


def _review(
    s: Project,
    kb: KnowledgeBase,
    drafts: tuple[str, ...],
    output: str | None,
    fmt: str,
    fail_on: str,
    threshold: float | None,
    suggest: bool,
    floor: Severity,
    changed: str | None,
) -> None:
    """``audit DRAFT --format html|docx``: one draft shown whole, each finding on its sentence."""
    if len(drafts) != 1 or changed is not None:
        raise click.UsageError(f"--format {fmt} shows one draft: give exactly one DRAFT (and no --changed)")
    if fmt == "docx" and output in (None, "-"):
        raise click.UsageError("--format docx writes a Word document: give -o FILE.docx")
    review = kb.review(drafts[0], threshold, suggest, floor)
    emit(render.draft_review(review, fmt, kb.counts), output, (*s.inputs(), drafts[0]))
    exit_with(review.findings, fail_on)


@command(cli, formats=("text", "json"))
@click.argument("claim_id")
@click.option("--tree", is_flag=True, help="Print the premise tree (depends_on) with each claim's level instead.")
def evidence(s: Project, claim_id: str, fmt: str, tree: bool) -> None:
    """Show one claim's grade: level, flags, independent sources, the reasons step by step, and its links.

    For a contested claim the supporting and contradicting evidence are shown side by side.
    """
    kb = s.open()
    claim, grade = kb.claim(claim_id), kb.grade(claim_id)
    chains = kb.source_chains(claim_id) if fmt == "text" and not tree else ()
    emit(render.evidence(claim, grade, fmt, references=kb.references, chains=chains, tree=(kb.claims, kb.grades) if tree else None))


@command(cli, formats=("text", "json"))
@click.argument("refkey", required=False)
@click.option(
    "--retracted-list",
    metavar="CSV",
    default=None,
    help="Run the impact for every reference of the library found in this retraction list (Retraction Watch CSV).",
)
def impact(s: Project, refkey: str | None, retracted_list: str | None, fmt: str) -> None:
    """What loses support if a reference goes: every claim whose level changes, before → after, and its articles."""
    if (refkey is None) == (retracted_list is None):
        raise click.UsageError("give either a REFKEY or --retracted-list CSV")
    kb = s.open()
    reports = kb.retraction_impact(retracted_list) if retracted_list else [kb.impact(refkey)]  # type: ignore[arg-type]
    emit(render.impacts(reports, kb.claims, fmt, retracted_list))


@command(cli, formats=("text", "json"))
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="none",
    show_default=True,
    help="Exit 1 when kbase check finds a problem of this severity or worse (a link to a missing reference…).",
)
def grades(s: Project, fmt: str, fail_on: str) -> None:
    """List the grade of every claim, then the claims nothing supports."""
    kb = s.open()
    emit(render.grades(kb.claims, kb.grades, fmt))
    exit_with(kb.check(), fail_on)


@command(cli, formats=("text", "json"))
def stats(s: Project, fmt: str) -> None:
    """Counts: claims, references, links, claims per level and flag, references per design."""
    emit(render.stats(s.open().stats(), fmt))


@command(cli, formats=("text", "json"))
@click.argument("query")
@click.option("-k", "count", type=click.IntRange(min=1), default=10, show_default=True, help="How many references to list.")
@style_option
def suggest(s: Project, query: str, count: int, fmt: str, style: str | None) -> None:
    """Rank the library's references for a claim: CLAIM_ID or a sentence in quotes (BM25 over titles,
    abstracts and keywords, cached in .kbase-cache/); shows each one's best-matching sentence."""
    emit(render.suggestions(s.open().suggestions(query, count, style), fmt))


@command(cli, formats=("text", "json", "markdown"))
@click.argument("revisions", required=False, metavar="[REV[..REV]]")
@fail_on_option
def diff(s: Project, revisions: str | None, fmt: str, fail_on: str) -> None:
    """What a change does to the grades: claims added, removed, renamed, lowered or raised (with the new
    reasons), flags, links, references added, removed or retracted, and the articles affected. REV
    against the working tree (default HEAD), or REV..REV; read from git without a checkout."""
    result = s.diff(revisions)
    emit(render.library_diff(result, fmt))
    sys.exit(
        1
        if fail_on != "none"
        and (result.problems_after or any(c.lowered or c.after == Level.UNSUPPORTED for c in result.claims if c.before is not None))
        else 0
    )


@command(cli, formats=("text", "json"))
@click.argument("claim_id")
def log(s: Project, claim_id: str, fmt: str) -> None:
    """A claim's level at each commit that changed the library, oldest first (a ← marks a change)."""
    emit(render.claim_log(claim_id, s.log(claim_id), fmt))


@command(cli, formats=("md", "csv", "html", "json", "sof", "sof-csv", "sof-json", "sof-html"))
@click.option("--article", metavar="ID", default=None, help="Only the claims that appear in this article.")
@click.option("--topic", metavar="TOPIC", default=None, help="Only the claims with this topic.")
@click.option("--level", type=click.Choice(LEVELS), default=None, help="Only the claims at this level.")
@click.option("--sort", type=click.Choice(["article", "level"]), default="article", show_default=True, help="Article (file) order, or weakest first.")
@style_option
@output_option
def table(s: Project, article: str | None, topic: str | None, level: str | None, sort: str, fmt: str, style: str | None, output: str | None) -> None:
    """The evidence table for writers and reviewers: one row per claim, with its level and flags, the
    evidence for and against, and what a writer should do; HTML is a self-contained report. The sof
    formats give GRADE's Summary of Findings: studies, participants, design, each domain, certainty."""
    chosen = Level.parse(level) if level else None
    table = s.open().evidence_table(article=article, topic=topic, level=chosen, sort=sort, style=style, html=fmt == "html")
    emit(render.evidence_table(table, fmt), output, s.inputs(style))


@command(cli, formats=("text", "html"))
@click.option("--article", metavar="ID", default=None, help="Only the references behind this article's claims (default: all).")
@style_option
@output_option
def cite(s: Project, article: str | None, fmt: str, style: str | None, output: str | None) -> None:
    """Print a bibliography in a CSL style: the references an article's claims rest on, or all."""
    kb = s.open()
    entries = kb.bibliography(article, style, html=fmt == "html")
    emit(render.bibliography(entries, fmt, numbered=kb.formatter(style).numeric), output, s.inputs(style))


@command(cli, formats=("csl-json",))
@output_option
def export(s: Project, fmt: str, output: str | None) -> None:
    """Export the references as CSL-JSON, for Zotero, pandoc and other citation tools."""
    emit(render.csl_json(s.open().csl_json()), output, s.inputs())


@command(cli, formats=("graphml", "dot", "json"))
@output_option
def graph(s: Project, fmt: str, output: str | None) -> None:
    """Export the claim–reference graph as GraphML (Gephi, yEd), DOT (Graphviz) or node-link JSON."""
    kb = s.open()
    emit(render.graph_export(kb.graph, kb.grades, fmt), output, s.inputs())


for command_ in (refs, claim, article, link, unlink, fmt_claims):
    cli.add_command(command_)


#: The exit status of a bug in kbase (sysexits' EX_SOFTWARE), never 1 (findings) or 2 (bad input).
INTERNAL_ERROR = 70


def main() -> None:
    """Entry point of the ``kbase`` console script: one command, then the process ends."""
    short_lived_process()  # what a load builds is frozen out of the garbage collector's walks
    try:
        cli(prog_name="kbase")
    except Exception as exc:  # noqa: BLE001 - a bug in kbase: one line, and never exit 1, which means "findings"
        message = " ".join(str(exc).split())[:300]
        print(
            f"kbase: internal error ({type(exc).__name__}: {message}); this is a bug in kbase: please report it "
            "with the command and the file it read",
            file=sys.stderr,
        )
        sys.exit(INTERNAL_ERROR)


if __name__ == "__main__":  # pragma: no cover
    main()
