"""``kbase refs lint``: what is wrong with each entry of a BibTeX library, with its line."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from ..identifiers import identifier_problems, is_valid_issn
from ..model import Finding, Reference
from ..vocabulary import DESIGNS, POOLED, SYNTHESIS_DESIGNS
from .rules import RULES

__all__ = ["REQUIRED_FIELDS", "lint_references"]

# Required fields per entry type (BibTeX and BibLaTeX); "a|b" means either will do.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal|journaltitle", "year|date"),
    "book": ("author|editor", "title", "publisher", "year|date"),
    "inbook": ("author|editor", "title", "booktitle|chapter|pages", "publisher", "year|date"),
    "incollection": ("author", "title", "booktitle", "publisher", "year|date"),
    "inproceedings": ("author", "title", "booktitle", "year|date"),
    "conference": ("author", "title", "booktitle", "year|date"),
    "proceedings": ("title", "year|date"),
    "phdthesis": ("author", "title", "school|institution", "year|date"),
    "mastersthesis": ("author", "title", "school|institution", "year|date"),
    "thesis": ("author", "title", "type", "institution|school", "year|date"),
    "techreport": ("author", "title", "institution", "year|date"),
    "report": ("author", "title", "type", "institution", "year|date"),
    "manual": ("title",),
    "online": ("title", "url|doi|eprint", "author|editor|organization|publisher"),
    "misc": ("title",),
    "unpublished": ("author", "title", "note"),
    "booklet": ("title",),
}


def _finding(rule: str, message: str, ref: Reference) -> Finding:
    return Finding(rule, RULES[rule].severity, message, ref.where, ref.key)


# BibTeX's own month macros; any other bare word in a field is a @string that should be defined
_MONTHS = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())
_MACRO = re.compile(r"[A-Za-z][\w.:+-]*")


def _key_shape(key: str) -> str:
    """What a reader sees of a key: case, compatibility forms and invisible characters folded away."""
    folded = unicodedata.normalize("NFKC", key).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch) not in ("Cf", "Cc", "Zs"))


def lint_references(references: Iterable[Reference], year: int | None = None) -> Iterator[Finding]:
    """Every lint finding for ``references``: confusable keys across the library, then entry by entry."""
    this_year = year or _dt.date.today().year
    references = list(references)
    yield from _key_findings(references)
    for ref in references:
        yield from _field_findings(ref, this_year)
        yield from _vocabulary_findings(ref)


def _key_findings(references: Sequence[Reference]) -> Iterator[Finding]:
    """``confusable-key``: a key with invisible or non-ASCII characters, or two keys that differ only by them or by case."""
    shapes: dict[str, Reference] = {}
    for ref in references:
        shape = _key_shape(ref.key)
        hidden = [f"U+{ord(ch):04X}" for ch in ref.key if unicodedata.category(ch) in ("Cf", "Cc") or not ch.isascii()]
        if hidden:
            yield _finding(
                "confusable-key", f"key {ref.key!r} holds characters a reader cannot tell apart or see ({', '.join(hidden)}); use plain ASCII", ref
            )
        twin = shapes.setdefault(shape, ref)
        if twin is not ref:
            where = f" (line {twin.where.line})" if twin.where else ""
            yield _finding(
                "confusable-key",
                f"keys {twin.key!r}{where} and {ref.key!r} differ only by case or invisible characters; many tools treat them as one",
                ref,
            )


def _field_findings(ref: Reference, this_year: int) -> Iterator[Finding]:
    """``undefined-string``, ``missing-field``, ``empty-title``, ``impossible-year``, ``invalid-identifier``: one entry's fields."""
    for name, value in ref.fields:
        if _MACRO.fullmatch(value) and not value.isdigit() and value.lower() not in _MONTHS:
            yield _finding(
                "undefined-string",
                f"{ref.key!r}: field {name} is the bare word {value!r}, which no @string "
                "defines; brace it ({…}) if it is text, or define the macro",
                ref,
            )
    present = {name for name, value in ref.fields if ref.field(name).strip()}
    if "title" in dict(ref.fields):
        present.add("title")  # an empty title is reported as such below
    for requirement in REQUIRED_FIELDS.get(ref.entry_type, ()):
        options = requirement.split("|")
        if not any(o in present for o in options):
            wanted = " or ".join(options)
            yield _finding("missing-field", f"@{ref.entry_type} {ref.key!r} has no {wanted}", ref)
    if "title" in dict(ref.fields) and not ref.title.strip():
        yield _finding("empty-title", f"{ref.key!r} has an empty title", ref)
    raw_year = ref.field("year").strip()
    if raw_year and not re.fullmatch(r"\d{4}", raw_year):
        yield _finding("impossible-year", f"{ref.key!r}: year {raw_year!r} is not a four-digit year", ref)
    elif raw_year and not 1400 <= int(raw_year) <= this_year + 1:
        yield _finding("impossible-year", f"{ref.key!r}: year {raw_year} is not possible (expected 1400 to {this_year + 1})", ref)
    for problem in identifier_problems(ref.doi, ref.pmid, ref.isbn, ref.url):
        yield _finding("invalid-identifier", f"reference {ref.key!r}: {problem}", ref)
    issn = ref.field("issn").strip()
    if issn and not all(is_valid_issn(part) for part in re.split(r"[,;\s]+", issn) if part):
        yield _finding("invalid-identifier", f"reference {ref.key!r}: issn {issn!r} has a wrong check digit", ref)


def _vocabulary_findings(ref: Reference) -> Iterator[Finding]:
    """``missing-design`` and ``invalid-pooled``: the kbase fields grading reads."""
    design = ref.field("design").strip().lower()
    if not design:
        yield _finding("missing-design", f"{ref.key!r} has no design field (kbase infers {ref.design!r}); add one of the vocabulary", ref)
    elif design not in DESIGNS:
        yield _finding("missing-design", f"{ref.key!r}: design {design!r} is not in the vocabulary", ref)
    pooled = ref.field("pooled").strip().lower()
    if pooled and pooled not in POOLED:
        yield _finding(
            "invalid-pooled",
            f"{ref.key!r}: pooled {pooled!r} is not one of {', '.join(POOLED)}; it is ignored, and the synthesis starts as if it pooled trials",
            ref,
        )
    elif pooled and ref.design not in SYNTHESIS_DESIGNS:
        yield _finding("invalid-pooled", f"{ref.key!r}: pooled is for a meta-analysis or systematic review, not a {ref.design}", ref)
