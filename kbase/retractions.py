"""Retraction lists in the Retraction Watch database's CSV format.

Rows are matched to references by normalised DOI (``OriginalPaperDOI``) or PubMed id
(``OriginalPaperPubMedID``). A *retraction* marks the reference retracted (its links are set
aside in grading); an *expression of concern* or a *correction* is kept as a notice and reported.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import LoadError, Location
from .identifiers import normalize_doi
from .loaders.inputs import decode_text, read_text
from .model import Reference

__all__ = ["Notice", "apply_notices", "read_retraction_watch"]

REQUIRED = ("OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature")
NATURES = {"retraction": "retraction", "expression of concern": "expression of concern", "correction": "correction", "reinstatement": "reinstatement"}


@dataclass(frozen=True, slots=True)
class Notice:
    """One row of a retraction list."""

    doi: str
    pmid: str
    nature: str
    date: str = ""
    title: str = ""
    where: Location | None = field(default=None, compare=False)


def read_retraction_watch(path: str, data: bytes | None = None) -> list[Notice]:
    """Read a Retraction Watch CSV export (``data``: its bytes, when they were read already).

    Raises
    ------
    LoadError
        When the file cannot be read, lacks a required column, or a row has an unknown
        ``RetractionNature``.
    """
    text = read_text(path) if data is None else decode_text(path, data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise LoadError(Location(path, 1, 1), f"not a Retraction Watch CSV: missing column(s) {', '.join(missing)}")
    notices = []
    rows = iter(reader)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:  # a field over csv's limit (128 KiB), a NUL, a broken quote
            # line_num counts the lines of the rows read in full; the bad row starts on the next one
            raise LoadError(Location(path, reader.line_num + 1, 1), f"not a readable CSV row: {exc}") from None
        line = reader.line_num
        raw_nature = (row.get("RetractionNature") or "").strip()
        nature = NATURES.get(raw_nature.lower())
        if nature is None:
            raise LoadError(
                Location(path, line, 1),
                f"unknown RetractionNature {raw_nature!r}; expected one of: Retraction, Expression of concern, Correction, Reinstatement",
            )
        doi = normalize_doi(row.get("OriginalPaperDOI") or "")
        pmid = (row.get("OriginalPaperPubMedID") or "").strip()
        if doi.lower() in ("", "unavailable", "n/a"):
            doi = ""
        if not pmid.isdigit() or pmid == "0":
            pmid = ""
        if doi or pmid:
            notices.append(
                Notice(doi, pmid, nature, (row.get("RetractionDate") or "").strip(), (row.get("Title") or "").strip(), Location(path, line, 1))
            )
    return notices


def apply_notices(references: Iterable[Reference], notices: Iterable[Notice]) -> list[Reference]:
    """References with matching notices applied: retracted, or carrying the notice's nature.

    A reference matched by several notices takes the most serious (retraction first; a later
    reinstatement does not undo a retraction here: kbase reports it and lets the team decide).
    """
    by_doi: dict[str, list[Notice]] = {}
    by_pmid: dict[str, list[Notice]] = {}
    for notice in notices:
        if notice.doi:
            by_doi.setdefault(notice.doi, []).append(notice)
        if notice.pmid:
            by_pmid.setdefault(notice.pmid, []).append(notice)
    rank = {"retraction": 3, "expression of concern": 2, "correction": 1, "reinstatement": 0}
    out = []
    for ref in references:
        found = by_doi.get(normalize_doi(ref.doi), []) if ref.doi else []
        found = found + (by_pmid.get(ref.pmid.strip(), []) if ref.pmid else [])
        if not found:
            out.append(ref)
            continue
        worst = max(found, key=lambda n: rank[n.nature])
        if rank.get(ref.retraction, -1) >= rank[worst.nature]:
            out.append(ref)
            continue
        out.append(dataclasses.replace(ref, retracted=ref.retracted or worst.nature == "retraction", retraction=worst.nature, notice_date=worst.date))
    return out
