"""``kbase refs dedupe``: find references entered twice, and merge them.

Two entries are duplicates when they share a normalised DOI or a PMID (unless
:func:`kbase.same_work.identifier_conflict` finds them different works: titles with little in common,
``token_set_ratio`` < 60, or different volumes — real exports carry wrong identifiers), or when they are the
same version of the work (:func:`version_kind`: a preprint, a report and the published article are
*versions*, never merged) and their titles agree (rapidfuzz ``ratio`` of the normalised titles ≥ 88,
titles of at least 20 characters, and the words of one that the other lacks, typos aside, are at
most a fifth of its letters), their years agree
(or one is missing), so do their first authors' surnames (``ratio`` ≥ 80, or one is missing), and
neither gives a different volume, part, edition or number. Candidate pairs come from blocking, never from all pairs: entries are
compared only within blocks that share a DOI, a PMID, (year, first-author surname), the first
two title words, or the last two title words; each block is scored with ``rapidfuzz.process.cdist``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..bibtex import surname
from ..identifiers import normalize_doi
from ..identifiers import normalize_doi as normal_doi
from ..model import Reference
from ..same_work import ascii_lower, different_part, identifier_conflict, normal_title

__all__ = ["DuplicateGroup", "declared_versions", "find_duplicates", "normal_title", "published_versions", "version_kind"]

# chosen on Cora (benchmarks/cora.py; docs/refs.md): title ratio 88, at most a fifth of a title's letters in words the other lacks
TITLE_SCORE, AUTHOR_SCORE, MIN_TITLE, MAX_BLOCK, MISSING_SHARE = 88.0, 80.0, 20, 2000, 0.2


def version_kind(ref: Reference) -> str:
    """Which version of a work an entry is (:attr:`kbase.model.Reference.version`): entries of two
    versions are never duplicates, however alike — results change between a preprint or a report
    and the journal article."""
    return ref.version


def _surname(ref: Reference) -> str:
    if not ref.authors:
        return ""

    return " ".join(re.findall(r"[a-z]+", ascii_lower(surname(ref.authors[0]))))


def _same_words(a: str, b: str) -> bool:
    """True when the words of one title that the other lacks, and that have no near twin there (a typo),
    make up at most a fifth of its letters: citation strings drop and garble words, but "day light bomb
    shell" and "night bomb shell" are similar strings and different titles.
    """
    from rapidfuzz import fuzz

    wa, wb = set(a.split()), set(b.split())
    for mine, theirs, title in ((wa - wb, wb, a), (wb - wa, wa, b)):
        # a typo: most letters shared, or the same letters in another order
        missing = [w for w in mine if not any(fuzz.ratio(w, other) >= 75 or sorted(w) == sorted(other) for other in theirs)]
        if sum(len(w) for w in missing) > MISSING_SHARE * len(title.replace(" ", "")):
            return False
    return True


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """References that are one work, the key to keep, and why they were grouped."""

    keys: tuple[str, ...]
    keep: str
    reason: str  # "doi", "pmid" or "title"
    score: float  # the lowest similarity that joined the group (100 for identifiers)
    used_by: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (key, claim ids that link to it)


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


def find_duplicates(
    references: Sequence[Reference], claims_using: Mapping[str, Sequence[str]] | None = None, versions: list[tuple[str, str, str]] | None = None
) -> list[DuplicateGroup]:
    """Groups of duplicate references, in file order of their first member.

    Parameters
    ----------
    references : sequence of Reference
        The library's references.
    claims_using : mapping, optional
        For each key, the claims that link to it; the key to keep is the first one claims use.
    versions : list, optional
        Filled with ``(key, published key, kind)`` for each preprint, report or correction whose title
        and authors match a published entry: another version of the work, never merged.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    claims_using = claims_using or {}
    titles = [normal_title(r.title) for r in references]
    surnames = [_surname(r) for r in references]
    union = _Union(len(references))
    how: dict[tuple[int, int], tuple[str, float]] = {}

    blocks = _blocks(references, titles, surnames)
    kinds: dict[int, str] = {}  # version_kind of the entries that have a candidate twin, computed once each

    def kind(i: int) -> str:
        if i not in kinds:
            kinds[i] = version_kind(references[i])
        return kinds[i]

    def compatible(i: int, j: int) -> bool:
        if kind(i) != kind(j):
            # another version of the work (a preprint, a report), not a duplicate: listed apart
            if versions is not None and "published" in (kind(i), kind(j)) and _similar(i, j, years=False):
                other, published = (i, j) if kind(j) == "published" else (j, i)
                versions.append((references[other].key, references[published].key, kind(other)))
            return False
        return _similar(i, j)

    def _similar(i: int, j: int, years: bool = True) -> bool:
        yi, yj = references[i].year, references[j].year
        if years and yi is not None and yj is not None and yi != yj:
            return False
        if different_part(references[i], references[j]) is not None or not _same_words(titles[i], titles[j]):
            return False
        si, sj = surnames[i], surnames[j]
        return not si or not sj or fuzz.ratio(si, sj) >= AUTHOR_SCORE

    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key[0] in ("doi", "pmid"):
            for j in members[1:]:
                i = members[0]
                # a shared identifier on unrelated titles, or on volumes 1 and 2, is a wrong identifier, not one work
                if identifier_conflict(references[i], references[j]):
                    continue
                if union.join(i, j):
                    how[(i, j)] = (key[0], 100.0)
            continue
        if len(members) > MAX_BLOCK:
            continue  # a block this large is a common word, not a signal; other blocks still see these entries
        # a large block is scored by rapidfuzz's threads on every core (it releases the GIL)
        scores = process.cdist(
            [titles[i] for i in members],
            [titles[i] for i in members],
            scorer=fuzz.ratio,
            score_cutoff=TITLE_SCORE,
            dtype=np.uint8,
            workers=-1 if len(members) >= 100 else 1,
        )
        rows, cols = np.nonzero(np.triu(scores, k=1))
        for a, b in zip(rows.tolist(), cols.tolist()):
            i, j = members[a], members[b]
            if union.find(i) != union.find(j) and compatible(i, j):
                union.join(i, j)
                how[(i, j)] = ("title", float(scores[a, b]))

    return _groups(references, union, how, claims_using)


def _blocks(references: Sequence[Reference], titles: Sequence[str], surnames: Sequence[str]) -> dict[tuple[str, ...], list[int]]:
    """Candidate blocks: entries sharing a DOI or PMID, or (titles long enough to compare) a year and
    surname, the first two title words, or the last two. Only entries in one block are compared."""
    blocks: dict[tuple[str, ...], list[int]] = {}
    for i, ref in enumerate(references):
        if ref.doi:
            blocks.setdefault(("doi", normalize_doi(ref.doi)), []).append(i)
        if ref.pmid.strip().isdigit():
            blocks.setdefault(("pmid", ref.pmid.strip()), []).append(i)
        words = titles[i].split()
        if len(titles[i]) >= MIN_TITLE:
            blocks.setdefault(("ya", str(ref.year or ""), surnames[i][:6]), []).append(i)
            blocks.setdefault(("head", *words[:2]), []).append(i)
            blocks.setdefault(("tail", *words[-2:]), []).append(i)
    return blocks


def _groups(
    references: Sequence[Reference], union: _Union, how: Mapping[tuple[int, int], tuple[str, float]], claims_using: Mapping[str, Sequence[str]]
) -> list[DuplicateGroup]:
    """The joined entries as groups, in file order of their first member, each with the key to keep (the
    first that claims use), why it was joined (doi, pmid or title) and the lowest score that joined it."""
    groups: dict[int, list[int]] = {}
    for i in range(len(references)):
        groups.setdefault(union.find(i), []).append(i)
    reasons: dict[int, list[tuple[str, float]]] = {}
    for (i, _), value in how.items():
        reasons.setdefault(union.find(i), []).append(value)
    out = []
    for root, members in sorted(groups.items()):
        if len(members) < 2:
            continue
        keys = tuple(references[i].key for i in members)
        used = [k for k in keys if claims_using.get(k)]
        found = reasons.get(root, [("title", 0.0)])
        reason = "doi" if any(r == "doi" for r, _ in found) else "pmid" if any(r == "pmid" for r, _ in found) else "title"
        users = tuple((k, tuple(claims_using.get(k, ()))) for k in keys if claims_using.get(k))
        out.append(DuplicateGroup(keys, used[0] if used else keys[0], reason, min(score for _, score in found), users))
    return out


def declared_versions(references: Sequence[Reference]) -> dict[str, str]:
    """Preprints that say which entry is their published version: BibLaTeX ``related = {key}``, or a
    ``relation`` naming ``is-preprint-of`` and the article's DOI (as ``refs import`` writes from
    Crossref's CSL-JSON); and published entries whose ``relation`` says ``has-preprint`` with the
    preprint's DOI."""

    if not any(r.field("related") or r.field("relation") for r in references):
        return {}
    by_key = {r.key: r for r in references}
    by_doi = {normal_doi(r.doi): r for r in references if r.doi}
    found: dict[str, str] = {}
    for ref in references:
        relation = ref.field("relation").lower()
        if ref.version == "preprint":
            targets = [by_key.get(k.strip()) for k in ref.field("related").split(",") if k.strip()]
            targets += [by_doi.get(normal_doi(d)) for d in re.findall(r"is-preprint-of\s+(?:doi:)?(\S+?)(?:;|\s|$)", relation)]
            published = next((t for t in targets if t is not None and t.version == "published"), None)
            if published is not None:
                found[ref.key] = published.key
        elif ref.version == "published":
            for doi in re.findall(r"has-preprint\s+(?:doi:)?(\S+?)(?:;|\s|$)", relation):
                pre = by_doi.get(normal_doi(doi))
                if pre is not None and pre.version == "preprint":
                    found.setdefault(pre.key, ref.key)
    return found


def published_versions(references: Sequence[Reference]) -> dict[str, str]:
    """``{preprint key: published key}`` for each preprint whose published version is in the library:
    declared (:func:`declared_versions`), or found by the same title, as for duplicates, and first
    authors that agree. Only the preprints are looked up, through an index of published titles by their
    first two words, so this is cheap enough for every audit."""
    from rapidfuzz import fuzz

    found = declared_versions(references)
    preprints = [r for r in references if r.version == "preprint" and r.key not in found and len(normal_title(r.title)) >= MIN_TITLE]
    if not preprints:
        return found
    heads: dict[tuple[str, ...], list[Reference]] = {}
    for ref in references:
        if ref.version == "published":
            heads.setdefault(tuple(normal_title(ref.title).split()[:2]), []).append(ref)
    for pre in preprints:
        title, surname = normal_title(pre.title), _surname(pre)
        for candidate in heads.get(tuple(title.split()[:2]), []):
            other = normal_title(candidate.title)
            theirs = _surname(candidate)
            if (
                fuzz.ratio(title, other) >= TITLE_SCORE
                and _same_words(title, other)
                and (not surname or not theirs or fuzz.ratio(surname, theirs) >= AUTHOR_SCORE)
            ):
                found[pre.key] = candidate.key
                break
    return found


def claims_using(claims: Iterable[object]) -> dict[str, list[str]]:
    """For each reference key, the ids of the claims that link to it."""
    using: dict[str, list[str]] = {}
    for claim in claims:
        for link in claim.evidence:  # type: ignore[attr-defined]
            using.setdefault(link.ref, [])
            if claim.id not in using[link.ref]:  # type: ignore[attr-defined]
                using[link.ref].append(claim.id)  # type: ignore[attr-defined]
    return using
