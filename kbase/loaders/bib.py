"""Read ``references.bib`` with bibtexparser 2 into :class:`~kbase.model.Reference` records.

bibtexparser splits the file into blocks and keeps recoverable syntax problems
as data (``library.failed_blocks``); each becomes a problem with its line.
Titles and names are decoded from LaTeX for display; the raw fields are kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..bibtex import latex_to_text, parse_year, split_names, unenclose
from ..errors import LoadError, Location
from ..language.spelling import did_you_mean
from ..model import Finding, Reference, Severity
from ..vocabulary import DESIGNS
from .inputs import offset_location, read_text

if TYPE_CHECKING:
    from bibtexparser import model as bm

__all__ = [
    "BibFile",
    "bib_problem",
    "COMMENTED_AT",
    "early_closes",
    "infer_design",
    "library_references",
    "load_bib",
    "load_bibs",
    "mask_commented_entries",
    "parse_bib",
]


@dataclass
class BibFile:
    """What a ``.bib`` file holds, and what was wrong with it."""

    path: str
    references: list[Reference] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)  # the file cannot be read as it is
    warnings: list[Finding] = field(default_factory=list)  # read, with something to fix
    strings: list[object] = field(default_factory=list)  # @string blocks, this file's and earlier files'


def load_bib(path: str, encoding: str = "utf-8", strings: Sequence[object] = ()) -> BibFile:
    """Read and check the BibTeX file at ``path``.

    ``strings`` are ``@string`` blocks of files read before this one: a macro defined in one
    file can be used in the next, as BibTeX allows.
    """
    try:
        text = read_text(path, encoding)
    except LoadError as exc:
        return BibFile(path, problems=[bib_problem(exc.location, exc.message)], strings=list(strings))
    return parse_bib(text, path, strings)


def load_bibs(paths: Sequence[str], encoding: str = "utf-8") -> list[BibFile]:
    """Read several BibTeX files in order, each seeing the ``@string`` macros of those before it
    (through the parse cache, and by worker processes for a large file: :func:`kbase.loading.reading.read_bibs`)."""
    files: list[BibFile] = []
    strings: list[object] = []
    for path in paths:
        bib_file = load_bib(path, encoding, strings)
        strings = bib_file.strings
        files.append(bib_file)
    return files


#: No real entry nests braces this deep; a file that does is refused before bibtexparser, whose
#: splitter takes about a minute on 50 MB of nested braces.
MAX_BRACE_RUN = 256


#: Stands in for the ``@`` of a line commented out with ``%`` while bibtexparser reads the file
#: (same length, so every offset and line stays where it was); a private-use character.
COMMENTED_AT = "\ue040"
_COMMENTED_ENTRY = re.compile(r"^([ \t]*%[ \t%]*)@", re.MULTILINE)


def mask_commented_entries(text: str) -> str:
    """``text`` with the ``@`` of each ``%``-commented line (``%@article{old,``) masked.

    Writers comment out an entry with ``%`` as they would in LaTeX, and biber and JabRef skip it;
    bibtexparser does not know ``%`` and reads it as a live entry whose fields all start with ``%``.
    Masked, the lines are text between entries (an implicit comment), kept as written by
    ``refs fmt`` (which puts the ``@`` back). A file that already holds the mask character is
    read as it is.
    """
    if "%" not in text or COMMENTED_AT in text:
        return text
    return _COMMENTED_ENTRY.sub(lambda m: m.group(1) + COMMENTED_AT, text)


def parse_bib(text: str, path: str = "references.bib", strings: Sequence[object] = ()) -> BibFile:
    """Check the BibTeX ``text`` of a file named ``path`` (see :func:`load_bib` for ``strings``)."""
    return _parse_bib(text, path, strings)


def _parse_bib(text: str, path: str, strings: Sequence[object] = ()) -> BibFile:
    deep = text.find("{" * (MAX_BRACE_RUN + 1))
    if deep >= 0:
        return BibFile(
            path,
            problems=[
                bib_problem(offset_location(path, text, deep), f"more than {MAX_BRACE_RUN} braces opened in a row; this is not a bibliography")
            ],
            strings=list(strings),
        )
    import bibtexparser
    from bibtexparser import model as bm

    # bibtexparser logs each failed block; kbase reports them as problems instead
    logger = logging.getLogger("bibtexparser")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    logger.setLevel(logging.CRITICAL)  # its modules' loggers inherit it: no record is even made (20,000 failed blocks cost a second)

    from bibtexparser.middlewares import ResolveStringReferencesMiddleware

    # Enclosing braces are removed in _reference, only from the values kbase keeps.
    seeded = None
    if strings:
        seeded = bibtexparser.Library()
        seeded.add(list(strings), fail_on_duplicate_key=False)
    library = bibtexparser.parse_string(mask_commented_entries(text), parse_stack=[], library=seeded)
    if library.strings:  # with no @string macro there is nothing to resolve (the pass costs 5 % of a parse)
        library = ResolveStringReferencesMiddleware(allow_inplace_modification=True).transform(library)
    result = BibFile(path, strings=list(library.strings))
    recovered: list[bm.Entry] = []
    first_line: dict[str, int] = {}
    for entry in library.entries:
        first_line[entry.key] = entry.start_line + 1
    for block in library.failed_blocks:
        where = Location(path, block.start_line + 1, 1)
        if isinstance(block, bm.DuplicateBlockKeyBlock):
            first = first_line.get(block.key)
            kind = "@string" if block.raw.lstrip().lower().startswith("@string") else "entry"
            result.problems.append(
                bib_problem(where, f"duplicate {kind} key {block.key!r}" + (f" (first at line {first})" if first else ""), "duplicate-key")
            )
        elif isinstance(block, bm.DuplicateFieldKeyBlock):
            # Real exports repeat fields (ScienceDirect's keywords, Google Scholar's note): the
            # entry is kept with every value, and the repetition is reported, not fatal.
            entry = block.ignore_error_block
            seen: set[str] = set()
            for f in entry.fields:
                if f.key in block.duplicate_keys and f.key in seen:
                    where = Location(path, f.start_line + 1, 1)
                    break
                seen.add(f.key)
            names = ", ".join(sorted(block.duplicate_keys))
            result.warnings.append(
                Finding(
                    "duplicate-field",
                    Severity.WARNING,
                    f"field {names} given more than once in entry {entry.key!r}; kbase reads the first value",
                    where,
                    entry.key,
                )
            )
            recovered.append(entry)
        else:
            result.problems.append(_failed_problem(path, text, block))
    result.problems.extend(early_closes(path, library.blocks))
    for entry in sorted([*library.entries, *recovered], key=lambda e: e.start_line):
        reference = _reference(entry, path, result.problems)
        result.references.append(reference)
    return result


_FIELD_START = re.compile(r"^[\s,]*([A-Za-z][\w-]*)\s*=")
_FIELD_NAME = re.compile(r"(?:^|,)\s*([A-Za-z][\w-]*)\s*=")


def early_closes(path: str, blocks: Sequence[object]) -> list[Finding]:
    """A ``}`` that closes an entry early: the fields after it become a stray comment, silently lost.

    bibtexparser ends the entry at the stray brace and keeps the rest as an implicit comment; a
    comment right after an entry that starts like a field (``, design = {rct}``) is that case.
    """
    from bibtexparser import model as bm

    problems = []
    for before, block in zip(blocks, blocks[1:]):
        if not isinstance(block, bm.ImplicitComment) or not isinstance(before, bm.Entry):
            continue
        text = str(block.comment)
        if not _FIELD_START.match(text):
            continue
        lines = before.raw.split("\n")
        brace = Location(path, before.start_line + len(lines), len(lines[-1]))
        lost = ", ".join(dict.fromkeys(_FIELD_NAME.findall(text)))
        problems.append(
            bib_problem(brace, f"a '}}' closes entry {before.key!r} early; the fields after it ({lost}) are not read: remove the extra brace")
        )
    return problems


def bib_problem(where: Location, message: str, rule: str = "syntax-error") -> Finding:
    return Finding(rule=rule, severity=Severity.ERROR, message=message, where=where)


def _failed_problem(path: str, text: str, block: object) -> Finding:
    """A problem for a block bibtexparser could not parse, placed at the block's start."""
    start = getattr(block, "start_line", 0) + 1
    raw = (getattr(block, "raw", "") or "").lstrip()
    head = raw.split("\n", 1)[0].strip()[:60]
    error = getattr(block, "error", None)
    reason = str(getattr(error, "abort_reason", "") or error or "").strip()
    end_index = getattr(error, "end_index", None)
    if "Was still looking for" in reason or "Unexpected block start" in reason:
        detail = "a brace or quote is not closed"
        if end_index is not None:
            detail += f"; the parser gave up at line {offset_location(path, text, end_index).line}"
    elif "end of file" in reason.lower() or (error is not None and end_index is None and not reason):
        detail = "a brace or quote is not closed before the end of the file"
    else:
        detail = reason.split("\n")[-1] or "it cannot be parsed"
    next_entry = _next_entry_line(text, start, raw) if "found `@" in reason or "Unexpected block start" in reason else None
    if next_entry is not None:
        key = re.match(r"@\s*\w+\s*[{(]\s*([^,\s]*)", head)
        name = f"entry '{key.group(1)}'" if key and key.group(1) else "the entry"
        for offset, line in enumerate(raw.split("\n")[1:], start=1):
            unescaped = re.sub(r"\\[{}]", "", line)
            if re.match(r"\s*[\w-]+\s*=", line) and unescaped.count("{") > unescaped.count("}"):
                return bib_problem(
                    Location(path, start + offset, 1),
                    f"in {name}, the '{{' opened at line {start + offset} is not closed "
                    f"before the next '@' at line {next_entry}: close it where the "
                    f"value ends (the parser says: {detail})",
                )
        return bib_problem(
            Location(path, start, 1),
            f"{name} opened at line {start} is not closed before the next '@' at line "
            f"{next_entry}: add the '}}' that ends it (the parser says: {detail})",
        )
    return bib_problem(Location(path, start, 1), f"BibTeX syntax error in {head!r}: {detail}")


def _next_entry_line(text: str, start: int, raw: str) -> int | None:
    """The line of the entry after a block that failed because it ran into it (its own brace was never
    closed): the first line after the block's first that starts with ``@type{``."""
    lines = text.split("\n")
    for number in range(start, min(len(lines), start + raw.count("\n") + 2)):
        if re.match(r"\s*@\s*\w+\s*[{(]", lines[number]):
            return number + 1
    return None


#: The fields :func:`_reference` reads (each unenclosed once, the first value of a repeated field).
_READ_FIELDS = frozenset(
    ("title", "design", "pmid", "eprinttype", "eprint", "reports", "author", "editor", "journal", "journaltitle", "booktitle")
    + ("publisher", "howpublished", "year", "date", "doi", "isbn", "url", "pubstate")
)


def _reference(entry: bm.Entry, path: str, problems: list[Finding]) -> Reference:
    pairs: list[tuple[str, str]] = []
    read: dict[str, str] = {}
    for f in entry.fields:
        name, value = f.key.lower(), f.value
        value = value if isinstance(value, str) else str(value)
        pairs.append((name, value))
        if name in _READ_FIELDS and name not in read:  # a field given twice: the first value counts
            read[name] = unenclose(value)
    get = read.get
    key = entry.key
    title = latex_to_text(get("title", "").strip())
    design_raw = get("design", "").strip().lower()
    inferred = design_raw not in DESIGNS
    design = design_raw if not inferred else infer_design(entry.entry_type.lower(), title)
    if design_raw and inferred:
        line = next(f.start_line for f in entry.fields if f.key.lower() == "design") + 1
        problems.append(
            bib_problem(
                Location(path, line, 1),
                f"unknown design {design_raw!r} in entry {key!r}{did_you_mean(design_raw, DESIGNS)}; use one of: {', '.join(DESIGNS)}",
                "invalid-field",
            )
        )
    pmid = get("pmid", "").strip()
    if not pmid and get("eprinttype", "").strip().lower() == "pubmed":
        pmid = get("eprint", "").strip()
    reports = get("reports")
    names = get("author") or get("editor")
    container = get("journal") or get("journaltitle") or get("booktitle") or get("publisher") or get("howpublished") or ""
    retracted = get("pubstate", "").strip().lower() == "retracted"
    return Reference(
        key=key,
        entry_type=entry.entry_type.lower(),
        title=title,
        authors=tuple(map(latex_to_text, split_names(names))) if names else (),
        year=parse_year(get("year") or get("date") or ""),
        container=latex_to_text(container.strip()),
        design=design,
        design_inferred=inferred,
        doi=get("doi", "").strip(),
        pmid=pmid,
        isbn=get("isbn", "").strip(),
        url=get("url", "").strip(),
        retracted=retracted,
        retraction="retraction" if retracted else "",
        reports=tuple(k.strip() for k in re.split(r"[,;]", reports) if k.strip()) if reports else (),
        fields=tuple(pairs),
        where=Location(path, entry.start_line + 1, 1),
    )


# Title words that reveal a study design, tried in this order (first match wins).
_DESIGN_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (design, re.compile(pattern, re.IGNORECASE))
    for design, pattern in (
        ("meta-analysis", r"\bmeta[- ]?analys[ie]s\b"),
        ("systematic-review", r"\bsystematic (?:literature )?review\b"),
        ("guideline", r"\b(?:guidelines?|consensus statement|consensus guidelines?|practice parameter|recommendations? (?:of|from) the)\b"),
        ("rct", r"\brandomi[sz]ed\b.*\btrial\b|\brandomi[sz]ed controlled\b|\bplacebo[- ]controlled\b"),
        ("cohort", r"\bcohort\b|\bprospective study\b|\bretrospective study\b|\blongitudinal study\b"),
        ("case-control", r"\bcase[- ]control\b"),
        ("cross-sectional", r"\bcross[- ]sectional\b|\bnational survey\b|\bprevalence of\b"),
        ("case-series", r"\bcase series\b"),
        ("case-report", r"\bcase report\b|\ba case of\b"),
        ("preclinical", r"\b(?:in rats|in mice|murine|rodent|in vitro|animal model)\b"),
        ("narrative-review", r"\breview\b|\boverview\b|\bemerging concepts\b|\bupdate on\b"),
    )
)


def infer_design(entry_type: str, title: str) -> str:
    """Guess a study design from the entry type and title words; ``unknown`` when nothing fits.

    Examples
    --------
    >>> infer_design("article", "Ketamine Infusions for Chronic Pain: A Systematic Review and Meta-analysis")
    'meta-analysis'
    >>> infer_design("online", "Ketamine Infusion Therapy Treatment Considerations")
    'website'
    >>> infer_design("article", "Ketamine and the brain")
    'unknown'
    """
    for design, pattern in _DESIGN_WORDS:
        if pattern.search(title):
            return design
    if entry_type in ("online", "www", "webpage"):
        return "website"
    return "unknown"


def library_references(files: Sequence[BibFile]) -> tuple[list[Reference], list[Finding]]:
    """The references of a library's ``.bib`` files, in order, and a ``duplicate-key`` error for each key
    that an earlier file holds already (the second entry is left out). The one home of that rule:
    loading (``kbase check``) and the ``kbase refs`` commands both use it."""
    references: list[Reference] = []
    problems: list[Finding] = []
    keys: dict[str, Reference] = {}
    for bib_file in files:
        for reference in bib_file.references:
            first = keys.setdefault(reference.key, reference)
            if first is reference:
                references.append(reference)
            else:
                problems.append(
                    Finding(
                        "duplicate-key",
                        Severity.ERROR,
                        f"duplicate entry key {reference.key!r} (first at {first.where})",
                        reference.where,
                        reference.key,
                    )
                )
    return references, problems
