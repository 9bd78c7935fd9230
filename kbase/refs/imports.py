"""``kbase refs import``: bring CSL-JSON (Zotero, many tools) and RIS files into BibTeX.

Imported items become BibTeX entries with keys ``surnameYEARword``; an item that duplicates a
reference already in the library (same DOI or PMID, or the same title, year and first author by
the rules of ``kbase refs dedupe``) is reported and not added.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..bibtex import entry_text, parse_year, split_names, surname
from ..errors import LoadError, Location
from ..loaders.inputs import json_text, read_text
from ..model import Reference
from ..same_work import ascii_lower
from .dedupe import find_duplicates

__all__ = ["ImportedItem", "bibtex_entry", "read_csl_json", "read_ris"]

CSL_TO_BIB = {
    "article-journal": "article",
    "article": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "thesis": "phdthesis",
    "report": "techreport",
    "webpage": "online",
    "post-weblog": "online",
    "dataset": "misc",
    "manuscript": "unpublished",
}
RIS_TO_BIB = {
    "JOUR": "article",
    "JFULL": "article",
    "MGZN": "article",
    "NEWS": "article",
    "BOOK": "book",
    "CHAP": "incollection",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "THES": "phdthesis",
    "RPRT": "techreport",
    "ELEC": "online",
    "WEB": "online",
    "GEN": "misc",
}


@dataclass(frozen=True, slots=True)
class ImportedItem:
    """One item of an imported file: its BibTeX type, fields, where it was, and the key it asks for.

    ``key`` is the CSL-JSON ``id`` (a Zotero or Better BibTeX citation key), kept when it is a
    valid BibTeX key that the library does not use yet.
    """

    entry_type: str
    fields: tuple[tuple[str, str], ...]
    where: Location
    key: str = ""

    def get(self, name: str) -> str:
        return next((v for k, v in self.fields if k == name), "")


def _csl_value(value: object, what: str, where: Location) -> str:
    """A CSL-JSON scalar as text: a string, or a whole number of at most 12 digits (a volume, a page);
    anything else (an object, a list, ``null`` spelt out, infinity, a 5,000-digit number) is a located error."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**12:
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e12:
        return str(int(value))
    shown = type(value).__name__ if not isinstance(value, (int, float)) else "a number too large or not whole"
    raise LoadError(where, f"{what} must be text or a whole number, not {shown}")


def _csl_names(people: object, what: str, where: Location) -> str:
    """CSL-JSON names (``[{"family": …, "given": …}]`` or ``[{"literal": …}]``) as BibTeX's ``A and B``."""
    if not isinstance(people, list):
        raise LoadError(where, f"{what} must be a list of names such as [{{\"family\": \"Smith\", \"given\": \"J\"}}], not {type(people).__name__}")
    names = []
    for person in people:
        if not isinstance(person, dict):
            raise LoadError(where, f"each {what} must be an object with family and given names, not {type(person).__name__}")
        parts = {k: _csl_value(person[k], f"{what} {k}", where) for k in ("literal", "family", "given") if person.get(k) is not None}
        if parts.get("literal"):
            names.append("{" + parts["literal"] + "}")
        elif parts.get("family"):
            names.append(parts["family"] + (", " + parts["given"] if parts.get("given") else ""))
    return " and ".join(names)


def _csl_year(issued: object, where: Location) -> str:
    """The year of a CSL-JSON date (``{"date-parts": [[2020, 5]]}``, or ``{"raw": "2020-05"}``); "" when it has none."""
    if issued is None:
        return ""
    if not isinstance(issued, dict):
        raise LoadError(where, f'issued must be a date object such as {{"date-parts": [[2020]]}}, not {type(issued).__name__}')
    parts = issued.get("date-parts")
    if parts is not None:
        if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
            raise LoadError(where, 'issued date-parts must be a list of [year, month, day] lists, such as [[2020, 5]]')
        if not parts or not parts[0]:
            return ""
        year = parts[0][0]
        if isinstance(year, str) and year.strip().isdecimal():
            year = int(year.strip())
        if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 9999:
            raise LoadError(where, f"issued year must be a whole number from 1 to 9999, not {year!r:.40}")
        return str(year)
    for name in ("raw", "literal"):
        text = issued.get(name)
        if isinstance(text, str):
            found = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", text)
            return found.group(1) if found else ""
    return ""


def read_csl_json(path: str) -> list[ImportedItem]:
    """Items of a CSL-JSON file (a list of items, or ``{"items": [...]}``)."""
    text = read_text(path)
    try:
        data = json.loads(json_text(text))
    except json.JSONDecodeError as exc:
        raise LoadError(Location(path, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise LoadError(Location(path, 1, 1), "nested too deeply to be CSL-JSON") from None
    except ValueError as exc:  # a number of more digits than Python converts
        raise LoadError(Location(path, 1, 1), f"not CSL-JSON: {exc}") from None
    items = data.get("items", data) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise LoadError(Location(path, 1, 1), "CSL-JSON must be a list of items")
    out = []
    starts = _item_lines(text, 3 if text.lstrip().startswith("{") else 2)
    for number, item in enumerate(items, 1):
        where = Location(path, starts[number - 1] if number <= len(starts) else 1, 1)
        if not isinstance(item, dict):
            raise LoadError(where, f"item {number} is not an object")
        fields = []
        for csl, bib in (
            ("title", "title"),
            ("container-title", "journal"),
            ("volume", "volume"),
            ("issue", "number"),
            ("page", "pages"),
            ("publisher", "publisher"),
            ("DOI", "doi"),
            ("PMID", "pmid"),
            ("URL", "url"),
            ("ISBN", "isbn"),
            ("ISSN", "issn"),
            ("abstract", "abstract"),
        ):
            if item.get(csl) is not None and item.get(csl) != "":
                value = _csl_value(item[csl], f"item {number}: {csl}", where)
                fields.append((bib, value.replace("-", "--") if bib == "pages" else value))
        if item.get("author"):
            fields.insert(0, ("author", _csl_names(item["author"], f"item {number}: author", where)))
        if item.get("editor"):
            fields.append(("editor", _csl_names(item["editor"], f"item {number}: editor", where)))
        year = _csl_year(item.get("issued"), where)
        if year:
            fields.append(("year", year))
        if not any(name == "title" for name, _ in fields):
            raise LoadError(where, f"item {number} has no title; kbase imports references with at least a title")
        fields += _relations(item)
        entry_type = CSL_TO_BIB.get(str(item.get("type", "")), "misc")
        if entry_type == "incollection" and item.get("container-title"):
            fields = [("booktitle", v) if k == "journal" else (k, v) for k, v in fields]
        # BibTeX names a report's publisher its institution and a thesis's its school (what refs lint asks for)
        publisher = {"techreport": "institution", "phdthesis": "school"}.get(entry_type)
        if publisher:
            fields = [(publisher, v) if k == "publisher" else (k, v) for k, v in fields]
        wanted = str(item.get("id") or "")
        out.append(ImportedItem(entry_type, tuple(fields), where, wanted if _KEY.fullmatch(wanted) else ""))
    return out


_KEY = re.compile(r"[A-Za-z][\w:.+-]{0,99}")

#: Crossref relations (in CSL-JSON exported from Crossref or Zotero) that make two entries versions of one work
VERSION_RELATIONS = ("is-preprint-of", "has-preprint", "is-version-of", "has-version")


def _relations(item: dict) -> list[tuple[str, str]]:
    """``relation = {is-preprint-of doi:10.1/x}`` (and ``pubstate = {preprint}``) from a Crossref ``relation``
    object: kbase then knows the entry is a preprint of the article with that DOI, even when the titles differ."""
    relation = item.get("relation")
    if not isinstance(relation, dict):
        return []
    parts = []
    for name in VERSION_RELATIONS:
        targets = relation.get(name)
        for target in targets if isinstance(targets, list) else []:
            if isinstance(target, dict) and str(target.get("id-type", "")).lower() == "doi" and target.get("id"):
                parts.append(f"{name} doi:{target['id']}")
    fields = [("relation", "; ".join(parts))] if parts else []
    if any(p.startswith("is-preprint-of") for p in parts):
        fields.append(("pubstate", "preprint"))
    return fields


def _item_lines(text: str, item_depth: int) -> list[int]:
    """The line on which each item of a CSL-JSON list starts (each ``{`` opened at ``item_depth``)."""
    lines, depth, line, in_string, escaped = [], 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        elif in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if ch == "{" and depth == item_depth:
                lines.append(line)
        elif ch in "]}":
            depth -= 1
    return lines


def read_ris(path: str) -> list[ImportedItem]:
    """Items of an RIS file (``TY`` … ``ER``)."""
    text = read_text(path)
    items: list[ImportedItem] = []
    current: dict[str, list[str]] | None = None
    start = 1
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"^([A-Z][A-Z0-9])  - ?(.*)$", line)
        if not match:
            if line.strip() and current is None:
                raise LoadError(Location(path, number, 1), "not an RIS line (expected 'TY  - ' to start a record)")
            continue
        tag, value = match.group(1), match.group(2).strip()
        if tag == "TY":
            current, start = {"TY": [value]}, number
        elif current is None:
            raise LoadError(Location(path, number, 1), f"'{tag}' before any 'TY  - ' record start")
        elif tag == "ER":
            items.append(_ris_item(current, Location(path, start, 1)))
            current = None
        else:
            current.setdefault(tag, []).append(value)
    if current is not None:
        raise LoadError(Location(path, start, 1), "record not closed with 'ER  - '")
    return items


def _ris_item(record: dict[str, list[str]], where: Location) -> ImportedItem:
    first = lambda *tags: next((record[t][0] for t in tags if record.get(t)), "")  # noqa: E731
    fields = []
    authors = record.get("AU", []) + record.get("A1", [])
    if authors:
        fields.append(("author", " and ".join(authors)))
    for tags, bib in (
        (("TI", "T1"), "title"),
        (("JO", "JF", "T2", "JA"), "journal"),
        (("VL",), "volume"),
        (("IS",), "number"),
        (("DO",), "doi"),
        (("UR",), "url"),
        (("PB",), "publisher"),
        (("SN",), "issn"),
        (("AB", "N2"), "abstract"),
    ):
        value = first(*tags)
        if value:
            fields.append((bib, value))
    year = re.match(r"\d{4}", first("PY", "Y1", "DA"))
    if year:
        fields.append(("year", year.group()))
    if first("SP"):
        fields.append(("pages", first("SP") + ("--" + first("EP") if first("EP") else "")))
    if record.get("KW"):
        fields.append(("keywords", ", ".join(record["KW"])))
    return ImportedItem(RIS_TO_BIB.get(first("TY"), "misc"), tuple(fields), where)


def make_key(item: ImportedItem, taken: set[str]) -> str:
    """The item's own key (its CSL-JSON ``id``) when free, else ``surnameYEARword``, made unique with a, b, c…"""
    if item.key and item.key not in taken:
        taken.add(item.key)
        return item.key

    authors = split_names(item.get("author"))
    family = surname(authors[0]) if authors else "anon"
    words = [w for w in re.findall(r"[a-z]+", ascii_lower(item.get("title"))) if len(w) > 3]
    base = re.sub(r"[^a-z]", "", ascii_lower(family)) + item.get("year") + (words[0] if words else "")
    key, n = base or "ref", 0
    while key in taken:
        n += 1
        key = base + chr(ord("a") + n - 1) if n <= 26 else f"{base}{n}"
    taken.add(key)
    return key


def bibtex_entry(item: ImportedItem, key: str) -> str:
    """The BibTeX text of one item."""

    return entry_text(item.entry_type, key, item.fields) + "\n"


def as_reference(item: ImportedItem, key: str) -> Reference:
    """The item as a Reference, for duplicate detection against the library."""

    return Reference(
        key=key,
        entry_type=item.entry_type,
        title=item.get("title"),
        authors=tuple(split_names(item.get("author"))),
        year=parse_year(item.get("year")),
        doi=item.get("doi"),
        pmid=item.get("pmid"),
        fields=item.fields,
        where=item.where,
    )


def plan_import(items: Iterable[ImportedItem], library: Sequence[Reference]) -> tuple[list[tuple[str, ImportedItem]], list[tuple[ImportedItem, str]]]:
    """Which items to add (with new keys) and which duplicate a reference (with that reference's key).

    Duplicates are found once over the library and the new items together; an item that
    duplicates an earlier item of the same import is skipped in favour of the earlier one.
    """

    taken = {r.key for r in library}
    keyed = [(make_key(item, taken), item) for item in items]
    candidates = [as_reference(item, key) for key, item in keyed]
    existing = {r.key for r in library}
    twin_of: dict[str, str] = {}
    for group in find_duplicates([*library, *candidates]):
        keep = next((k for k in group.keys if k in existing), group.keys[0])
        for key in group.keys:
            if key != keep and key not in existing:
                twin_of[key] = keep
    added = [(key, item) for key, item in keyed if key not in twin_of]
    skipped = [(item, twin_of[key]) for key, item in keyed if key in twin_of]
    return added, skipped
