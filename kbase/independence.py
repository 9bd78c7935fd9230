"""Which supporting references of a claim are independent sources (grading rule 5).

Two references count as one source when

* they are **one work entered twice** (a shared DOI or PMID, or the same title, year and first
  author: :func:`kbase.same_work.one_work`, the test of the library audit's ``duplicate-reference``);
* one reports (restates) the other, directly or through a chain (``reports = {key}``; the
  lineage groups of :func:`kbase.lineage.source_groups`);
* they **share an author** (family name and first initial; an organisation by its whole name):
  the same people drawing on the same trials and judgements are not a second, independent
  look at the evidence. The claim is flagged ``shared-authors``;
* they are syntheses whose **included studies overlap**: each review or meta-analysis may list
  the studies it pooled (``includes = {key, doi:10.…, pmid:…}``; the studies need not be in the
  library). Overlap is the *corrected covered area* of Pieper et al. 2014 (J Clin Epidemiol
  67(4):368–375), which for two reviews is shared studies / all distinct studies; at 0.15 and
  above ("very high" overlap in Pieper's scale) the two are one source. A synthesis that includes
  another supporting reference of the claim is one source with it.

Each join is returned with its reason, so ``kbase evidence`` can say why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .bibtex import latex_to_text, split_names
from .identifiers import cited_identifier
from .model import Reference
from .same_work import one_work

__all__ = ["CCA_THRESHOLD", "Join", "author_ids", "corrected_covered_area", "independent_groups"]

#: Pairwise corrected covered area at or above which two syntheses count as one source.
CCA_THRESHOLD = 0.15


@dataclass(frozen=True, slots=True)
class Join:
    """Two references counted as one source, and why (``same-work``, ``reports``, ``shared-authors``, ``overlap``)."""

    a: str
    b: str
    why: str
    detail: str


def author_ids(reference: Reference) -> set[str]:
    """The authors of a reference as comparable ids: ``cohen s`` for "Cohen, Steven P."; an organisation whole.

    Examples
    --------
    >>> from kbase.model import Reference
    >>> sorted(author_ids(Reference("k", "article", fields=(("author", "Cohen, Steven P. and Anuj Bhatia and {World Health Organization}"),))))
    ['bhatia a', 'cohen s', 'world health organization']
    """
    raw = reference.field("author")
    return {i for i in map(_author_id, split_names(raw)) if i} if raw else set()


@lru_cache(maxsize=1 << 16)
def _author_id(name: str) -> str:
    """One BibTeX name as :func:`author_ids` compares it, or "" (kept per name: one author has many papers)."""
    if name.startswith("{") and name.endswith("}"):
        return " ".join(latex_to_text(name).lower().split())
    text = latex_to_text(name)
    if "," in text:
        family, given = (p.strip() for p in text.split(",", 1))
    else:
        given, _, family = text.strip().rpartition(" ")
    initial = re.sub(r"[^\w]", "", given)[:1].lower()
    return f"{family.lower()} {initial}".strip() if family else ""


def _included(reference: Reference) -> set[str]:
    raw = reference.field("includes")
    out = set()
    for item in re.split(r"[,;\s]+", raw) if raw else []:
        if item:
            named = cited_identifier(item)
            out.add(f"{named[0]}:{named[1]}" if named else item)
    return out


def corrected_covered_area(included: Sequence[set[str]]) -> float:
    """Pieper's CCA over reviews' sets of included studies: (N − r) / (r·c − r), with N the inclusions
    counted with repeats, r the distinct studies and c the reviews.

    Examples
    --------
    >>> corrected_covered_area([{"a", "b", "c"}, {"b", "c", "d"}])
    0.5
    """
    union = set().union(*included) if included else set()
    r, c = len(union), len(included)
    if r == 0 or c < 2:
        return 0.0
    return (sum(len(s) for s in included) - r) / (r * c - r)


def independent_groups(
    keys: Sequence[str], references: Mapping[str, Reference | None], lineage: Mapping[str, object], authors_of: dict[str, set[str]] | None = None
) -> tuple[list[list[str]], list[Join]]:
    """The supporting ``keys`` of a claim grouped into independent sources, in first-mention order,
    with the joins that made the groups. ``lineage`` maps a key to its ``reports`` group (absent: alone).
    ``authors_of`` caches :func:`author_ids` by key across the claims of one grading run.

    Four joins, in this order: one work entered twice, one restating the other (``reports``), a shared
    author, and syntheses that include each other or overlap (corrected covered area)."""
    keys = list(dict.fromkeys(keys))
    if len(keys) < 2:
        return [keys] if keys else [], []
    sources = _Sources(keys)
    present = [k for k in keys if references.get(k) is not None]
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            why = one_work(references[a], references[b])  # type: ignore[arg-type]
            if why:
                sources.union(a, b, "same-work", f"one work entered twice ({why})")
    first_of: dict[object, str] = {}
    for key in keys:
        group = lineage.get(key)
        if group is not None and group in first_of:
            sources.union(first_of[group], key, "reports", "one restates the other")
        elif group is not None:
            first_of[group] = key
    _join_shared_authors(sources, keys, references, {} if authors_of is None else authors_of)
    _join_overlaps(sources, keys, references)
    return sources.groups(), sources.joins


class _Sources:
    """Union-find over one claim's supporting keys; each union that joins two groups is kept as a :class:`Join`."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = keys
        self.parent = {k: k for k in keys}
        self.joins: list[Join] = []

    def find(self, k: str) -> str:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: str, b: str, why: str, detail: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            self.joins.append(Join(a, b, why, detail))

    def groups(self) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for key in self.keys:
            groups.setdefault(self.find(key), []).append(key)
        return list(groups.values())


def _join_shared_authors(sources: _Sources, keys: Sequence[str], references: Mapping[str, Reference | None], authors_of: dict[str, set[str]]) -> None:
    by_author: dict[str, str] = {}
    authors = {}
    for k, r in references.items():
        if k in sources.parent and r is not None:
            if k not in authors_of:
                authors_of[k] = author_ids(r)
            authors[k] = authors_of[k]
    for key in keys:
        for author in sorted(authors.get(key, ())):
            if author in by_author:
                other = by_author[author]
                shared = sorted(authors[other] & authors[key])
                sources.union(other, key, "shared-authors", f"shared author{'s' if len(shared) > 1 else ''} " + ", ".join(a.title() for a in shared))
            else:
                by_author[author] = key


def _join_overlaps(sources: _Sources, keys: Sequence[str], references: Mapping[str, Reference | None]) -> None:
    syntheses = {k: _included(r) for k, r in references.items() if k in sources.parent and r is not None}
    syntheses = {k: s for k, s in syntheses.items() if s}
    for key, included in syntheses.items():
        for other in keys:
            if other != key and other in included:
                sources.union(key, other, "overlap", f"{key} includes {other}")
    listed = list(syntheses)
    for i, a in enumerate(listed):
        for b in listed[i + 1 :]:
            cca = corrected_covered_area([syntheses[a], syntheses[b]])
            if cca >= CCA_THRESHOLD:
                sources.union(a, b, "overlap", f"included studies overlap (corrected covered area {cca:.2f})")
