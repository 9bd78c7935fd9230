"""The records kbase works with: frozen dataclasses that know where they came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .bibtex import latex_to_text, split_names, surname, unenclose
from .errors import Location, pickled_by_fields
from .language.wording import claim_kind
from .vocabulary import STANCES, Level, Severity

__all__ = [
    "STANCES",
    "Appearance",
    "Article",
    "Claim",
    "ClaimChange",
    "Evidence",
    "Finding",
    "Grade",
    "LinkGrade",
    "best_link",
    "Reason",
    "Reference",
    "Severity",
]

# DOI prefixes of preprint servers: bioRxiv and medRxiv (10.1101), arXiv (10.48550), Research Square, Preprints.org, OSF
_PREPRINT_DOI_PREFIXES = ("10.1101/", "10.48550/arxiv", "10.21203/rs.", "10.20944/preprints", "10.31234/osf.io", "10.31219/osf.io")
_PREPRINT_VENUE = re.compile(r"\b(biorxiv|medrxiv|arxiv|preprint|research square|ssrn)\b", re.IGNORECASE)
_PREPRINT_URL = re.compile(r"arxiv\.org|biorxiv\.org|medrxiv\.org", re.IGNORECASE)
_CORRECTION = re.compile(r"\s*(erratum|correction|corrigendum)\b", re.IGNORECASE)
_VENUE_FIELDS = frozenset(("journal", "journaltitle", "booktitle", "howpublished", "publisher", "eprinttype", "archiveprefix"))
# a conference abstract: "Abstracts of the … Congress", "… Meeting Abstracts", or a title "Abstract 123: …"
_ABSTRACT_VENUE = re.compile(r"\babstracts?\b", re.IGNORECASE)
_ABSTRACT_TITLE = re.compile(r"\s*abstract\s+[A-Z]?[\d.-]+\s*:", re.IGNORECASE)


@lru_cache(maxsize=1 << 16)
def _decoded_surnames(raw: str) -> tuple[str, ...]:
    """The decoded family names of a BibTeX name list (grading compares each reference with several
    others for shared authors and same works: decoded once per name list, not once per pair)."""
    return tuple(latex_to_text(surname(n)) for n in split_names(raw))


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of ``references.bib``, with the fields kbase reads decoded for display.

    ``fields`` keeps every field of the entry as written, with its braces or
    quotes (after ``@string`` expansion), so nothing is lost for tools that
    need more; :meth:`field` returns a value without them.
    """

    key: str
    entry_type: str
    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    container: str = ""
    design: str = "unknown"
    design_inferred: bool = True
    doi: str = ""
    pmid: str = ""
    isbn: str = ""
    url: str = ""
    retracted: bool = False
    retraction: str = ""  # "retraction", "expression of concern", "correction", or ""
    notice_date: str = ""
    reports: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)
    where: Location | None = field(default=None, compare=False)

    def field(self, name: str, default: str = "") -> str:
        """The value of field ``name`` (case-insensitive) without its enclosing braces, or ``default``."""
        name = name.lower()
        for key, value in self.fields:
            if key == name:
                return unenclose(value)
        return default

    @property
    def version(self) -> str:
        """Which version of a work this entry is: ``preprint`` (a preprint server's DOI, venue or URL,
        ``pubstate = {preprint}``), ``report`` (a technical report), ``abstract`` (a conference abstract:
        ``pubstate = {abstract}``, a venue of abstracts, a title "Abstract 123: …"), ``correction`` (an
        erratum) or ``published``. Two versions are never duplicates (``kbase refs dedupe``); a
        preprint starts one level below its design (grading rule 3).

        Examples
        --------
        >>> Reference("a", "article", doi="10.1101/2020.03.01.123").version, Reference("b", "techreport").version
        ('preprint', 'report')
        >>> Reference("c", "inproceedings", fields=(("booktitle", "Annual Meeting Abstracts"),)).version
        'abstract'
        """
        # one pass over the fields (this runs for every link when grading)
        venue, pubstate = [], ""
        for name, value in self.fields:
            if name in _VENUE_FIELDS:
                venue.append(unenclose(value))
            elif name == "pubstate":
                pubstate = unenclose(value).strip().lower()
        doi = self.doi.strip().lower()
        for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
            if doi.startswith(prefix):
                doi = doi[len(prefix) :].strip()
        if (
            pubstate == "preprint"
            or doi.startswith(_PREPRINT_DOI_PREFIXES)
            or (venue and _PREPRINT_VENUE.search(" ".join(venue)))
            or (self.url and _PREPRINT_URL.search(self.url))
        ):
            return "preprint"
        if self.entry_type in ("techreport", "report"):
            return "report"
        if pubstate == "abstract" or (venue and _ABSTRACT_VENUE.search(" ".join(venue))) or _ABSTRACT_TITLE.match(self.title):
            return "abstract"
        if _CORRECTION.match(self.title):
            return "correction"
        return "published"

    def surnames(self) -> list[str]:
        """The family names of the authors (or editors), decoded; an organisation's whole name.

        Read from the raw field, whose braces mark an organisation (``{World Health Organization}``).
        """
        raw = self.field("author") or self.field("editor")
        return list(_decoded_surnames(raw)) if raw else list(self.authors)

    @property
    def short(self) -> str:
        """A short human label: ``Cohen et al. 2018``."""
        names = self.surnames()
        if names:
            first = names[0]
            who = f"{first} et al." if len(names) > 2 else (f"{first} and {names[1]}" if len(names) == 2 else first)
        else:
            who = self.title[:40] or self.key
        return f"{who} {self.year}" if self.year else who


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Evidence:
    """A link from a claim to a reference, as written under ``evidence:``."""

    ref: str
    stance: str = "supports"
    locator: str = ""
    note: str = ""
    indirect: bool = False
    concerns: tuple[str, ...] = ()  # one entry per level lowered: a very serious concern is listed twice
    where: Location | None = field(default=None, compare=False)
    assessed: bool = False  # a ``concerns`` key was written (``[]`` or ``{}``: assessed, nothing found)
    severities: tuple[tuple[str, str], ...] = ()  # the mapping form's (domain, severity), not-serious included
    upgrades: tuple[str, ...] = ()  # GRADE's reasons to rate up (UPGRADES)
    pooled: str = ""  # what a synthesis pooled for this claim, over the reference's own ``pooled``
    participants: int | None = None
    events: int | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Appearance:
    """Where an article makes a claim."""

    article: str
    section: str = ""
    quote: str = ""
    where: Location | None = field(default=None, compare=False)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """An article the team writes; claims point at it through ``appears_in``."""

    id: str
    title: str = ""
    where: Location | None = field(default=None, compare=False)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Claim:
    """One factual statement the team makes, with the references that bear on it."""

    id: str
    statement: str
    aliases: tuple[str, ...] = ()
    topic: str = ""
    appears_in: tuple[Appearance, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    depends_on: tuple[str, ...] = ()
    where: Location | None = field(default=None, compare=False)
    kind: str = ""  # one of CLAIM_KINDS as written; "" to infer it from the statement (Claim.inferred_kind)
    reviewed: str = ""  # the date a reviewer last checked the claim and its evidence (YYYY-MM-DD)
    reviewed_by: str = ""

    @property
    def inferred_kind(self) -> str:
        """The claim's kind: as written, or inferred from its statement (:func:`kbase.language.wording.claim_kind`)."""

        return self.kind or claim_kind(self.statement)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Reason:
    """One step of grading: which rule acted, what it did, and the level after it."""

    rule: str
    message: str
    level: Level | None = None  # the claim's level after this step; None before it has one


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class LinkGrade:
    """How much one evidence link is worth on its own (grading rule 3)."""

    ref: str
    stance: str
    design: str
    design_inferred: bool
    start: Level
    level: Level
    concerns: tuple[str, ...] = ()
    indirect: bool = False
    locator: str = ""
    set_aside: str = ""  # why the link does not count ("retracted", "not in the library"), or ""
    preprint: bool = False  # the reference is a preprint: one level below its design (not yet peer reviewed)
    unassessed: bool = False  # supports from above low, and nobody wrote its concerns (not even [])
    upgrades: tuple[str, ...] = ()  # the reasons to rate up that were applied
    refused: tuple[str, ...] = ()  # upgrades given where GRADE allows none (the link starts above low, or has a serious concern)
    starts_because: str = ""  # why the start differs from the design's: "pooled observational", "prevalence", …
    imprecise: str = ""  # "120 participants": imprecision applied from the numbers
    severities: tuple[tuple[str, str], ...] = ()
    participants: int | None = None
    events: int | None = None
    assessed: bool = True  # its concerns were written (False: nobody looked; the SoF table says "not assessed")


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Grade:
    """The certainty of a claim's evidence, with the reasons behind it.

    Attributes
    ----------
    level : Level
        The final level after every rule.
    flags : tuple of str
        Any of ``contested``, ``single-source``, ``amplified``, ``secondary-only``, ``stale``.
    independent_sources : int
        Supporting references counted once per group joined by ``reports``.
    reasons : tuple of Reason
        Every step that set or changed the level, in order.
    links : tuple of LinkGrade
        Each evidence link, with the level it is worth on its own.
    sources : tuple of tuple of str
        The supporting references, grouped by independent source.
    """

    claim_id: str
    level: Level
    flags: tuple[str, ...] = ()
    independent_sources: int = 0
    reasons: tuple[Reason, ...] = ()
    links: tuple[LinkGrade, ...] = ()
    sources: tuple[tuple[str, ...], ...] = ()
    kind: str = "effect"  # the claim's kind (written or inferred): whether certainty words apply

    def has_flag(self, flag: str) -> bool:
        """True when the grade carries ``flag``."""
        return flag in self.flags

    @property
    def best(self) -> LinkGrade | None:
        """The supporting link the claim's certainty starts from (grading rule 4), or None."""
        return best_link(self.links)


def best_link(links: tuple[LinkGrade, ...] | list[LinkGrade]) -> LinkGrade | None:
    """Grading rule 4's start: the counted supporting link of the highest level, the first of equals
    in file order; None when nothing supports."""
    return max((l for l in links if l.stance == "supports" and not l.set_aside), key=lambda l: l.level, default=None)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Finding:
    """Something an audit found; the same object whichever format prints it."""

    rule: str
    severity: Severity
    message: str
    where: Location | None = None
    subject: str = ""  # the claim id or reference key the finding is about
    suggestions: tuple[str, ...] = ()  # reference keys that may support it (audit --suggest)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ClaimChange:
    """How one claim's grade differs: between two revisions (``kbase diff``: any field), or without a
    reference (``kbase impact``: the levels, the articles and whether it was the best link)."""

    claim_id: str
    before: Level | None  # None: the claim did not exist
    after: Level | None  # None: the claim was removed
    flags_gained: tuple[str, ...] = ()
    flags_lost: tuple[str, ...] = ()
    links_added: tuple[str, ...] = ()  # "ref (stance)"
    links_removed: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()  # the grading steps of the new revision that the old one did not have
    articles: tuple[str, ...] = ()
    renamed_from: str = ""
    lost_best: bool = False  # kbase impact: the withdrawn reference was the claim's best supporting link

    @property
    def lowered(self) -> bool:
        return self.before is not None and self.after is not None and self.after < self.before

    @property
    def raised(self) -> bool:
        return self.before is not None and self.after is not None and self.after > self.before

    @property
    def becomes_unsupported(self) -> bool:
        """True when the claim had support and has none after the change."""
        return self.after == Level.UNSUPPORTED and self.before is not None and self.before > Level.UNSUPPORTED
