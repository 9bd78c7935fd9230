"""When two references are one work: the title and identifier tests that ``kbase refs dedupe`` and
the library audit share, so that the audit never calls "duplicates" what dedupe refuses to merge.

A shared DOI or PMID usually means one work entered twice. It does not when the titles have
little in common (one real library gave one PMID to 17 books; a DOI pasted into the wrong entry)
or when the entries are different volumes, parts, editions or numbers of one title: then one of
the identifiers is wrong (:func:`identifier_conflict`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .identifiers import normalize_doi
from .model import Reference

__all__ = ["IDENTIFIER_TITLE_SCORE", "ascii_lower", "different_part", "identifier_conflict", "normal_title", "one_work", "same_part"]

#: Below this rapidfuzz ``token_set_ratio`` of their normalised titles, two entries that share an
#: identifier are different works (chosen on Cora with the other dedupe thresholds: docs/refs.md).
IDENTIFIER_TITLE_SCORE = 60.0
_PARTS = ("volume", "part", "edition", "number")


def ascii_lower(text: str) -> str:
    """``text`` folded to lower-case ASCII (accents dropped)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=1 << 16)
def normal_title(title: str) -> str:
    """A title reduced to lower-case ASCII words (kept per title: grading compares each supporting
    reference of a claim with every other).

    Examples
    --------
    >>> normal_title("Ketamine: Risks & Benefits — a {Review}.")
    'ketamine risks benefits a review'
    """
    return " ".join(re.findall(r"[a-z0-9]+", ascii_lower(title)))


def different_part(a: Reference, b: Reference) -> tuple[str, str, str] | None:
    """(field, value of ``a``, value of ``b``) when both give a volume, part, edition or number and
    they differ: volumes 1 and 2 of one work share a title but are two references."""
    for name in _PARTS:
        va, vb = a.field(name).strip(), b.field(name).strip()
        if va and vb and va != vb:
            return name, va, vb
    return None


def same_part(a: Reference, b: Reference) -> bool:
    """Whether two entries give the same volume, part, edition and number, a missing one only matching a missing one
    (stricter than :func:`different_part`, for entries that share no identifier)."""
    return all(a.field(name).strip() == b.field(name).strip() for name in _PARTS)


def identifier_conflict(a: Reference, b: Reference) -> str:
    """Why two entries that share a DOI or PMID cannot be one work, or "" when they can be.

    Examples
    --------
    >>> from kbase.model import Reference
    >>> identifier_conflict(Reference("a", "article", title="Ketamine for chronic pain"),
    ...                     Reference("b", "article", title="Ketamine in chronic pain"))
    ''
    >>> identifier_conflict(Reference("a", "article", title="Ketamine for chronic pain"),
    ...                     Reference("b", "book", title="A history of the Baltic grain trade"))
    'their titles have little in common'
    """
    part = different_part(a, b)
    if part is not None:
        name, va, vb = part
        return f"they are different {name}s ({va} and {vb})"
    from rapidfuzz import fuzz

    ta, tb = normal_title(a.title), normal_title(b.title)
    if ta and tb and fuzz.token_set_ratio(ta, tb) < IDENTIFIER_TITLE_SCORE:
        return "their titles have little in common"
    return ""


def one_work(a: Reference, b: Reference) -> str:
    """Why two entries are one work entered twice (the library audit's ``duplicate-reference``), or "".

    They share a DOI or PMID and nothing says they differ (:func:`identifier_conflict`), or they share
    no identifier but give the same title, year and first author, and the same part (:func:`same_part`).

    Examples
    --------
    >>> from kbase.model import Reference
    >>> one_work(Reference("a", "article", title="Ketamine for pain", doi="10.1/X"),
    ...          Reference("b", "article", title="Ketamine for pain.", doi="10.1/x"))
    'they share the doi 10.1/x'
    """
    for kind, va, vb in (
        ("doi", normalize_doi(a.doi) if a.doi else "", normalize_doi(b.doi) if b.doi else ""),
        ("pmid", a.pmid.strip(), b.pmid.strip()),
    ):
        if va and va == vb:
            return "" if identifier_conflict(a, b) else f"they share the {kind} {va}"
    if not (a.year and a.year == b.year and normal_title(a.title) and normal_title(a.title) == normal_title(b.title)):
        return ""
    first_a, first_b = a.surnames()[:1], b.surnames()[:1]
    if first_a and first_b and ascii_lower(first_a[0]) == ascii_lower(first_b[0]) and same_part(a, b):
        return "they have the same title, year and first author"
    return ""
