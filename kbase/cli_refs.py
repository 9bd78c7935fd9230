"""``kbase refs``: lint, deduplicate, format, import and set fields of the BibTeX files
(:class:`kbase.RefLibrary`); added to the root group by :mod:`kbase.cli`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kbase import Project, Registry, render
from kbase.cli_common import command, emit, exit_with, fail_on_option, progress_bar, say

__all__ = ["refs"]


@click.group()
def refs() -> None:
    """Reference hygiene: lint, duplicates, formatting and import of the BibTeX files, and checks against Crossref and PubMed."""


@command(refs, "lint", formats=("text", "json", "sarif"))
@fail_on_option
def refs_lint(s: Project, fmt: str, fail_on: str) -> None:
    """Check every entry: required fields for its type, DOI/PMID/ISBN/ISSN/URL syntax and checksums,
    impossible years, empty titles, fields given twice, and a missing or unknown design."""
    library = s.refs()
    findings = library.lint(s.year)
    emit(render.findings(findings, fmt, (0, len(library.references)), f"{len(library.references)} references"))
    exit_with(findings, fail_on)


@command(refs, "dedupe", formats=("text", "json"))
@click.option("--apply", is_flag=True, help="Merge each group into the key claims use, and rewrite the ref: links in claims.yaml.")
def refs_dedupe(s: Project, apply: bool, fmt: str) -> None:
    """Find duplicate references: the same DOI or PMID, or a fuzzy title match with the same year and first author;
    preprints and reports of a published work are listed as versions, never merged."""
    library = s.refs()
    groups, versions = library.dedupe(s.open().claims.values() if Path(s.claims).exists() else ())
    emit(render.duplicates(groups, library.references, fmt, versions))
    if apply and groups:
        renamed = library.merge(groups, s.claims)
        say(f"merged {len(renamed)} entr{'ies' if len(renamed) != 1 else 'y'} into their kept keys")


@command(refs, "fmt")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
def refs_fmt(s: Project, check: bool) -> None:
    """Normalise layout and field order of the .bib files, losing nothing (idempotent)."""
    changed = s.refs(check=False).format(check)
    for path in changed:
        say(f"{path}: not formatted (run kbase refs fmt)" if check else f"formatted {path}")
    sys.exit(1 if check and changed else 0)


@command(refs, "import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--from",
    "kind",
    type=click.Choice(["auto", "csl-json", "ris"]),
    default="auto",
    show_default=True,
    help="The file's format (auto: by extension, .json or .ris).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
def refs_import(s: Project, file: str, kind: str, dry_run: bool) -> None:
    """Add the items of a CSL-JSON or RIS file to the first .bib, skipping (and naming) duplicates."""
    library = s.refs(check=all(Path(p).exists() for p in s.bib))  # a missing .bib is created
    emit(render.imported(library.import_file(file, kind, dry_run), dry_run))


@command(refs, "set")
@click.argument("key")
@click.argument("fields", nargs=-1, required=True, metavar="FIELD=VALUE...")
def refs_set(s: Project, key: str, fields: tuple[str, ...]) -> None:
    """Set fields of a reference in its .bib (kbase refs set cohen2018consensus design=guideline); the rest is kept byte for byte."""
    if not all("=" in f for f in fields):
        raise click.UsageError("give FIELD=VALUE pairs")
    pairs = [tuple(f.split("=", 1)) for f in fields]
    say(f"wrote {s.refs().set_fields(key, pairs)}")
    emit(render.entry_lint(s.refs().lint_entry(key)))


offline_option = click.option("--offline", is_flag=True, help="Use only the answers cached by earlier runs; reach no registry.")


@command(refs, "verify", formats=("text", "json", "sarif"))
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@click.option("--fix", is_flag=True, help="Write the registry's values where an entry differs, and pubstate = {retracted} for a retraction.")
@offline_option
@fail_on_option
def refs_verify(s: Project, keys: tuple[str, ...], fix: bool, offline: bool, fmt: str, fail_on: str) -> None:
    """Check references (all, or the KEYs) against Crossref (DOI) and PubMed (PMID): unknown identifiers, titles,
    first authors, years, journals, volumes and pages that differ, a PMID whose DOI differs, and retractions,
    expressions of concern and corrections. The only commands that use the network are this and refs add."""
    library = s.refs()
    with progress_bar("checking references", library.identifier_count(keys)) as advance:
        result = library.verify(keys, Registry(s.mailto, offline), fix, advance)
    emit(render.verification(result, fmt, len(library.references)))
    exit_with(result.findings, fail_on)


@command(refs, "add")
@click.option("--doi", default="", help="The DOI of the work to add (looked up in Crossref).")
@click.option("--pmid", default="", help="The PubMed id of the work to add (looked up in PubMed, then its DOI in Crossref).")
@click.option("--dry-run", is_flag=True, help="Show the entry; write nothing.")
@offline_option
def refs_add(s: Project, doi: str, pmid: str, dry_run: bool, offline: bool) -> None:
    """Add a reference to the first .bib from the registries, by DOI or PMID: authors, title, journal, year, volume,
    issue, pages, identifiers, and the design PubMed's publication types name; an entry the library holds is not added twice."""
    library = s.refs(check=all(Path(p).exists() for p in s.bib))
    emit(render.imported(library.add(doi, pmid, Registry(s.mailto, offline), dry_run), dry_run))
