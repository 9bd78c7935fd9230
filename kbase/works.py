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

from .model import Reference

__all__ = ["IDENTIFIER_TITLE_SCORE", "ascii_lower", "different_part", "identifier_conflict", "normal_title", "same_part"]

#: Below this rapidfuzz ``token_set_ratio`` of their normalised titles, two entries that share an
#: identifier are different works (chosen on Cora with the other dedupe thresholds: docs/refs.md).
IDENTIFIER_TITLE_SCORE = 60.0
_PARTS = ("volume", "part", "edition", "number")


def ascii_lower(text: str) -> str:
    """``text`` folded to lower-case ASCII (accents dropped)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def normal_title(title: str) -> str:
    """A title reduced to lower-case ASCII words.

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
