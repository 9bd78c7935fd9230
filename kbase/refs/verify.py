"""``kbase refs verify`` and ``kbase refs add``: references against what Crossref and PubMed say of them.

A registry's record (Crossref's work record, PubMed's ``esummary``) becomes a :class:`Registered`;
:func:`compare` sets an entry beside it field by field, and :func:`registered_item` turns it into an
entry to add. Nothing here reaches the network: :class:`kbase.registry.Registry` does.

What is compared, and how (each only when the entry gives the field):

* **title**: after LaTeX, HTML markup, case and punctuation are set aside; Crossref's subtitle may or
  may not be part of the entry's title;
* **first author**: the family name, accents and case set aside;
* **year**: the print year, the online year and Crossref's issued year are all accepted;
* **journal**: the full name or an abbreviation of it (``Reg Anesth Pain Med``: each word the start
  of the full name's word, little words such as *of* and *and* left out);
* **volume** and **pages** (``456--466``, ``456-66`` and ``456–466`` are one range).

A title unlike the registry's (below :data:`kbase.same_work.IDENTIFIER_TITLE_SCORE`, the cut that tells two works
apart in ``refs dedupe``) *and* another first author mean the identifier points to another paper:
that is said, and ``--fix`` leaves such an entry alone (the identifier is what is wrong).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..audit.rules import RULES
from ..bibtex import latex_to_text, split_names, surname
from ..identifiers import is_valid_doi, is_valid_pmid, normalize_doi
from ..model import Finding, Reference
from ..same_work import IDENTIFIER_TITLE_SCORE, ascii_lower, normal_title
from ..vocabulary import PUBMED_DESIGNS

__all__ = ["Mismatch", "Notice", "Registered", "compare", "crossref_record", "pubmed_record", "registered_fields"]


#: Crossref update types (``updated-by``) and PubMed comment links, by the finding they give.
CROSSREF_NOTICES = {
    "retraction": "retracted",
    "partial_retraction": "retracted",
    "withdrawal": "retracted",
    "removal": "retracted",
    "expression_of_concern": "expression-of-concern",
    "correction": "corrected",
    "erratum": "corrected",
    "corrigendum": "corrected",
}
PUBMED_NOTICES = {
    "retraction in": "retracted",
    "partial retraction in": "retracted",
    "expression of concern in": "expression-of-concern",
    "erratum in": "corrected",
    "corrected and republished in": "corrected",
}
CROSSREF_TYPES = {
    "journal-article": "article",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "book-chapter": "incollection",
    "proceedings-article": "inproceedings",
    "report": "techreport",
    "dissertation": "phdthesis",
    "posted-content": "misc",
    "dataset": "misc",
}
_LITTLE = frozenset({"the", "of", "and", "in", "for", "on", "a", "an", "to", "de", "la", "und", "fur"})


@dataclass(frozen=True, slots=True)
class Notice:
    """An update notice on a work: what it makes of it (``retracted``, ``expression-of-concern``,
    ``corrected``), the notice's DOI or PMID, its date, and the registry that gave it."""

    finding: str
    notice: str
    date: str
    source: str


@dataclass(frozen=True, slots=True)
class Registered:
    """A registry's record of one work, in kbase's terms."""

    source: str  # "Crossref" or "PubMed"
    identifier: str  # "DOI 10.…" or "PMID …"
    title: str = ""
    subtitle: str = ""
    authors: tuple[tuple[str, str], ...] = ()  # (family, given); a group's name as the family
    journals: tuple[str, ...] = ()  # the full name first, then abbreviations
    years: tuple[tuple[str, int], ...] = ()  # ("print", 2018), ("online", 2017), ("issued", 2018)
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    entry_type: str = "article"
    design: str = ""
    notices: tuple[Notice, ...] = ()
    publisher: str = ""

    @property
    def year(self) -> int | None:
        """The year to write: the print year, else the issued, else the online year."""
        years = dict(self.years)
        return years.get("print") or years.get("issued") or years.get("online")


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One field where an entry and a registry disagree."""

    field: str  # the BibTeX field
    ours: str
    theirs: str
    fix: str  # the value ``--fix`` writes


def _text(value: object) -> str:
    """A registry's text value: the first of a list, HTML markup and entities set aside, spaces folded."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return ""
    text = re.sub(r"<[^<>]{0,200}>", "", str(value))
    return " ".join(html.unescape(text).split())


def _year_of(date: object) -> int | None:
    """The year of a Crossref date (``{"date-parts": [[2018, 7, 1]]}``)."""
    if not isinstance(date, dict):
        return None
    parts = date.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        year = parts[0][0]
        if isinstance(year, int) and not isinstance(year, bool) and 1000 <= year <= 9999:
            return year
    return None


def _date_of(date: object) -> str:
    if not isinstance(date, dict):
        return ""
    parts = date.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts[0][:3]) if isinstance(p, int))
    return ""


def crossref_record(doi: str, message: Mapping[str, Any]) -> Registered:
    """Crossref's ``/works/{doi}`` ``message`` as a :class:`Registered`.

    Examples
    --------
    >>> r = crossref_record("10.5555/x", {"title": ["A <i>test</i> record &amp; more"], "author": [{"family": "Testauthor",
    ...     "given": "T", "sequence": "first"}], "published-print": {"date-parts": [[2020, 7]]}, "published-online":
    ...     {"date-parts": [[2019, 12]]}, "container-title": ["Journal of Test Records"], "page": "1-10", "type": "journal-article"})
    >>> r.title, r.authors[0], r.years, r.entry_type
    ('A test record & more', ('Testauthor', 'T'), (('print', 2020), ('online', 2019)), 'article')
    """
    authors = []
    people = message.get("author") if isinstance(message.get("author"), list) else []
    people = sorted((p for p in people if isinstance(p, dict)), key=lambda p: p.get("sequence") != "first")
    for person in people:
        family = _text(person.get("family")) or _text(person.get("name"))
        if family:
            authors.append((family, _text(person.get("given"))))
    years = [
        (kind, year)
        for kind, name in (("print", "published-print"), ("online", "published-online"), ("issued", "issued"))
        if (year := _year_of(message.get(name))) is not None
    ]
    notices = []
    for update in message.get("updated-by") or []:
        if not isinstance(update, dict):
            continue
        kind = CROSSREF_NOTICES.get(str(update.get("type", "")).lower().replace("-", "_").replace(" ", "_"))
        if kind:
            source = "Retraction Watch via Crossref" if str(update.get("source", "")).lower() == "retraction-watch" else "Crossref"
            notices.append(
                Notice(
                    kind,
                    f"notice DOI {_text(update.get('DOI'))}" if update.get("DOI") else _text(update.get("label")),
                    _date_of(update.get("updated")),
                    source,
                )
            )
    journals = [j for j in (_text(message.get("container-title")), _text(message.get("short-container-title"))) if j]
    return Registered(
        "Crossref",
        f"DOI {doi}",
        _text(message.get("title")),
        _text(message.get("subtitle")),
        tuple(authors),
        tuple(dict.fromkeys(journals)),
        tuple(years),
        _text(message.get("volume")),
        _text(message.get("issue")),
        _text(message.get("page")),
        normalize_doi(_text(message.get("DOI")) or doi),
        "",
        CROSSREF_TYPES.get(_text(message.get("type")), "misc"),
        "",
        tuple(_unique(notices)),
        _text(message.get("publisher")),
    )


def _unique(notices: list[Notice]) -> list[Notice]:
    return list(dict.fromkeys(notices))


def _pubmed_year(text: str) -> int | None:
    match = re.match(r"\s*(\d{4})", text or "")
    return int(match.group(1)) if match else None


def _pubmed_author(name: str) -> str:
    """The family name of a PubMed author (``Cohen SP``, ``van der Berg J``)."""
    parts = name.split()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,4}", parts[-1]):
        parts = parts[:-1]
    return " ".join(parts)


def pubmed_record(pmid: str, summary: Mapping[str, Any]) -> Registered:
    """PubMed's ``esummary`` record (JSON) as a :class:`Registered`.

    Examples
    --------
    >>> r = pubmed_record("29870458", {"uid": "29870458", "title": "Consensus Guidelines on the Use of Intravenous Ketamine.",
    ...     "authors": [{"name": "Cohen SP", "authtype": "Author"}], "pubdate": "2018", "source": "Regional Anesthesia and Pain Medicine",
    ...     "pages": "521-46", "pubtype": ["Journal Article"], "articleids": [{"idtype": "doi", "value": "10.1097/AAP.0000000000000808"}]})
    >>> r.title, r.authors, r.years, r.pages, r.doi, r.design
    ('Consensus Guidelines on the Use of Intravenous Ketamine', (('Cohen', ''),), (('print', 2018),), '521-546', '10.1097/aap.0000000000000808', '')
    """
    authors = tuple(
        (_pubmed_author(_text(a.get("name"))), "")
        for a in summary.get("authors") or []
        if isinstance(a, dict) and _text(a.get("name")) and a.get("authtype", "Author") in ("Author", "CollectiveName")
    )
    years = [
        (kind, year) for kind, name in (("print", "pubdate"), ("online", "epubdate")) if (year := _pubmed_year(_text(summary.get(name)))) is not None
    ]
    ids = {str(i.get("idtype", "")).lower(): _text(i.get("value")) for i in summary.get("articleids") or [] if isinstance(i, dict)}
    types = [_text(t) for t in summary.get("pubtype") or []]
    notices = []
    if "Retracted Publication" in types:
        notices.append(Notice("retracted", "PubMed publication type Retracted Publication", "", "PubMed"))
    for link in summary.get("references") or []:
        if not isinstance(link, dict):
            continue
        kind = PUBMED_NOTICES.get(_text(link.get("reftype")).lower())
        if kind:
            source = _text(link.get("refsource"))
            notice = f"PMID {link['pmid']}" if link.get("pmid") else source
            notices.append(
                Notice(kind, f"{_text(link.get('reftype'))} {source}".strip() + (f" ({notice})" if notice != source else ""), "", "PubMed")
            )
    if any(n.finding == "retracted" for n in notices[1:]) and notices and notices[0].notice.startswith("PubMed publication type"):
        notices = notices[1:]  # the notice itself says more than the publication type
    design = next((d for t, d in PUBMED_DESIGNS if t in types), "")
    return Registered(
        "PubMed",
        f"PMID {pmid}",
        _text(summary.get("title")).rstrip("."),
        "",
        authors,
        tuple(dict.fromkeys(j for j in (_text(summary.get("fulljournalname")), _text(summary.get("source"))) if j)),
        tuple(years),
        _text(summary.get("volume")),
        _text(summary.get("issue")),
        _expand_pages(_text(summary.get("pages"))),
        normalize_doi(ids.get("doi", "")),
        _text(summary.get("uid")) or pmid,
        "article",
        design,
        tuple(_unique(notices)),
    )


def _expand_pages(pages: str) -> str:
    """A page range with its end written in full (``521-46`` → ``521-546``; PubMed shortens ends).

    Examples
    --------
    >>> _expand_pages("521-46"), _expand_pages("e123"), _expand_pages("99-102"), _expand_pages("S1--S9")
    ('521-546', 'e123', '99-102', 'S1-S9')
    """
    match = re.fullmatch(r"\s*([A-Za-z]*)(\d+)\s*(?:-+|\u2013|\u2014)\s*([A-Za-z]*)(\d+)\s*", pages or "")
    if not match:
        return (pages or "").strip()
    prefix, start, end_prefix, end = match.groups()
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return f"{prefix}{start}-{end_prefix or prefix}{end}"


def _family(name: str) -> str:
    return re.sub(r"[^a-z]", "", ascii_lower(latex_to_text(name)))


def _same_family(ours: str, theirs: str) -> bool:
    a, b = _family(ours), _family(theirs)
    if a == b:
        return True
    last = lambda s: re.sub(r"[^a-z]", "", ascii_lower(latex_to_text(s)).split()[-1]) if s.split() else ""  # noqa: E731
    return bool(last(ours)) and last(ours) == last(theirs)


def _journal_words(name: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", ascii_lower(latex_to_text(name)).replace("&", " and "))
    return [w for w in words if w not in _LITTLE]


def same_journal(ours: str, theirs: str) -> bool:
    """The entry's journal is the registry's, written in full or abbreviated.

    Examples
    --------
    >>> same_journal("Reg Anesth Pain Med", "Regional Anesthesia & Pain Medicine"), same_journal("J. Pain", "The Journal of Pain")
    (True, True)
    >>> same_journal("Pain", "Pain Medicine"), same_journal("Anesth Analg", "Anesthesia and Analgesia")
    (False, True)
    """
    a, b = _journal_words(ours), _journal_words(theirs)
    return bool(a) and len(a) == len(b) and all(y.startswith(x) or x.startswith(y) for x, y in zip(a, b))


def _page_range(pages: str) -> tuple[str, str]:
    expanded = _expand_pages(latex_to_text(pages).replace("\u2013", "-"))
    start, _, end = expanded.partition("-")
    return start.strip().lower(), end.strip().lower()


def _title_score(ours: str, registered: Registered) -> float:
    from rapidfuzz import fuzz

    theirs = [normal_title(registered.title), normal_title(f"{registered.title} {registered.subtitle}")]
    return max(fuzz.token_set_ratio(normal_title(latex_to_text(ours)), t) for t in theirs)


def _same_title(ours: str, registered: Registered) -> bool:
    mine = normal_title(latex_to_text(ours))
    return mine in (normal_title(registered.title), normal_title(f"{registered.title} {registered.subtitle}"))


def compare(ref: Reference, registered: Registered) -> tuple[list[Mismatch], bool]:
    """Where ``ref`` and the registry's record disagree (title, first author, year, journal, volume, pages,
    in that order), and whether the identifier points to another paper (a title unlike the record's
    and another first author): then the fields are not to be fixed from it."""
    checks = (_title_mismatch, _author_mismatch, _year_mismatch, _journal_mismatch, _volume_mismatch, _pages_mismatch)
    out = [m for m in (check(ref, registered) for check in checks) if m is not None]
    another = (
        any(m.field == "title" for m in out)
        and any(m.field == "author" for m in out)
        and _title_score(ref.field("title"), registered) < IDENTIFIER_TITLE_SCORE
    )
    return out, another


def _title_mismatch(ref: Reference, registered: Registered) -> Mismatch | None:
    ours = ref.field("title")
    if not (ours and registered.title) or _same_title(ours, registered):
        return None
    full = registered.title + (f": {registered.subtitle}" if registered.subtitle else "")
    return Mismatch("title", latex_to_text(ours), full, full)


def _author_mismatch(ref: Reference, registered: Registered) -> Mismatch | None:
    authors = split_names(ref.field("author"))
    if not (authors and registered.authors) or _same_family(surname(authors[0]), registered.authors[0][0]):
        return None
    return Mismatch("author", surname(latex_to_text(authors[0])), registered.authors[0][0], _author_field(registered))


def _year_mismatch(ref: Reference, registered: Registered) -> Mismatch | None:
    """Any of the online, print and issued years is accepted."""
    if ref.year is None or not registered.years or ref.year in {y for _, y in registered.years}:
        return None
    said = ", ".join(f"{y} ({kind})" for kind, y in registered.years if kind != "issued" or len(registered.years) == 1)
    return Mismatch("year", str(ref.year), said or str(registered.year), str(registered.year))


def _journal_mismatch(ref: Reference, registered: Registered) -> Mismatch | None:
    """The journal in full or abbreviated (:func:`same_journal`)."""
    journal = ref.field("journal") or ref.field("journaltitle")
    if not (journal and registered.journals) or any(same_journal(journal, j) for j in registered.journals):
        return None
    return Mismatch("journal", latex_to_text(journal), registered.journals[0], registered.journals[0])


def _volume_mismatch(ref: Reference, registered: Registered) -> Mismatch | None:
    volume = ref.field("volume").strip()
    if not (volume and registered.volume) or volume.lower() == registered.volume.strip().lower():
        return None
    return Mismatch("volume", volume, registered.volume, registered.volume)


def _pages_mismatch(ref: Reference, registered: Registered) -> Mismatch | None:
    """Page ranges expanded (``521-46``); a range that gives only its first page agrees on it."""
    pages = ref.field("pages")
    if not (pages and registered.pages):
        return None
    (a_start, a_end), (b_start, b_end) = _page_range(pages), _page_range(registered.pages)
    if a_start == b_start and not (a_end and b_end and a_end != b_end):
        return None
    return Mismatch("pages", latex_to_text(pages), registered.pages, _expand_pages(registered.pages).replace("-", "--"))


def _author_field(registered: Registered) -> str:
    """The registry's authors as a BibTeX name list (a group's name braced)."""
    names = []
    for family, given in registered.authors:
        names.append(f"{family}, {given}" if given else (family if len(family.split()) == 1 else "{" + family + "}"))
    return " and ".join(names)


def registered_fields(registered: Registered) -> list[tuple[str, str]]:
    """The BibTeX fields of an entry made from a registry's record (``kbase refs add``)."""
    fields = [("author", _author_field(registered)), ("title", registered.title + (f": {registered.subtitle}" if registered.subtitle else ""))]
    container = "booktitle" if registered.entry_type in ("incollection", "inproceedings") else "journal"
    if registered.journals and registered.entry_type not in ("book", "techreport", "phdthesis"):
        fields.append((container, registered.journals[0]))
    if registered.entry_type in ("book", "incollection") and registered.publisher:
        fields.append(("publisher", registered.publisher))
    if registered.entry_type == "techreport" and registered.publisher:
        fields.append(("institution", registered.publisher))
    fields += [
        ("year", str(registered.year or "")),
        ("volume", registered.volume),
        ("number", registered.issue),
        ("pages", _expand_pages(registered.pages).replace("-", "--") if registered.pages else ""),
        ("doi", registered.doi),
        ("pmid", registered.pmid),
        ("design", registered.design),
    ]
    return [(name, value) for name, value in fields if value]


def merged(crossref: Registered | None, pubmed: Registered | None) -> Registered | None:
    """One record from both registries: Crossref's metadata (PubMed's where Crossref has none), PubMed's
    PMID and design, and the notices of both."""
    if crossref is None or pubmed is None:
        return crossref or pubmed
    from dataclasses import replace

    filled = {name: getattr(pubmed, name) for name in ("title", "volume", "issue", "pages") if not getattr(crossref, name)}
    return replace(
        crossref,
        **filled,
        authors=crossref.authors or pubmed.authors,
        journals=crossref.journals or pubmed.journals,
        years=crossref.years or pubmed.years,
        pmid=pubmed.pmid,
        design=pubmed.design,
        notices=tuple(_unique([*crossref.notices, *pubmed.notices])),
    )


@dataclass(frozen=True, slots=True)
class Verification:
    """What ``kbase refs verify`` found: its findings, the fields ``--fix`` wrote (or would write), and
    how many references were checked, could not be checked, or have no identifier to check."""

    findings: tuple[Finding, ...]
    fixes: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    checked: int = 0
    unchecked: int = 0
    without_identifier: int = 0
    fixed: bool = False
    files: tuple[str, ...] = ()

    @property
    def asked(self) -> int:
        """How many references were asked about (all, or the keys named)."""
        return self.checked + self.unchecked + self.without_identifier


def _located(rule: str, message: str, ref: Reference) -> Finding:

    return Finding(rule, RULES[rule].severity, message, ref.where, ref.key)


def identifiers(ref: Reference) -> tuple[str, str]:
    """The entry's DOI (normalised) and PMID, each only when well formed (a malformed one is ``refs lint``'s)."""

    doi = normalize_doi(ref.doi) if ref.doi and is_valid_doi(ref.doi) else ""
    pmid = ref.pmid.strip() if ref.pmid and is_valid_pmid(ref.pmid) else ""
    return doi, pmid


def _as_written(doi: str) -> str:
    """A DOI as the entry writes it (its case kept), without a resolver prefix: what the writer will search for."""
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)


def verify_references(references: Sequence[Reference], registry: Any, progress: Any = None) -> Verification:
    """Look every reference up by DOI (Crossref) and PMID (PubMed), and say where the library and the
    registries disagree; ``fixes`` holds what ``--fix`` writes for each key (nothing for an entry whose
    identifier points to another paper). ``registry`` is a :class:`kbase.registry.Registry`; ``progress``
    is called with the number of identifiers each step answered."""
    wanted = [(ref, *identifiers(ref)) for ref in references]
    crossref = registry.crossref([doi for _, doi, _ in wanted if doi], progress)
    pubmed = registry.pubmed([pmid for _, _, pmid in wanted if pmid], progress)
    findings: list[Finding] = []
    fixes: dict[str, tuple[tuple[str, str], ...]] = {}
    checked = unchecked = bare = 0
    for ref, doi, pmid in wanted:
        if not doi and not pmid:
            bare += 1
            continue
        shown = _as_written(ref.doi)
        answers = [(f"DOI {shown}", "Crossref", crossref[doi]) if doi else None, (f"PMID {pmid}", "PubMed", pubmed[pmid]) if pmid else None]
        records: dict[str, Registered] = {}
        answered = False
        for what, source, answer in filter(None, answers):
            answered = answered or answer.status != "unchecked"
            if answer.status == "not-found":
                findings.append(_located("identifier-not-found", f"{ref.key}: {source} does not know {what}; check it against the paper", ref))
            elif answer.status == "unchecked":
                findings.append(_located("not-verified", f"{ref.key}: {what} not checked: {answer.why}", ref))
            else:
                records[source] = crossref_record(shown, answer.record) if source == "Crossref" else pubmed_record(pmid, answer.record)
        checked, unchecked = (checked + 1, unchecked) if answered else (checked, unchecked + 1)
        if not records:
            continue
        found, entry_fixes = _verify_one(ref, doi, records.get("Crossref"), records.get("PubMed"))
        findings += found
        if entry_fixes:
            fixes[ref.key] = tuple(entry_fixes)
    return Verification(tuple(findings), fixes, checked, unchecked, bare)


def _verify_one(ref: Reference, doi: str, crossref: Registered | None, pubmed: Registered | None) -> tuple[list[Finding], list[tuple[str, str]]]:
    findings, fixes = [], []
    if pubmed is not None and doi and pubmed.doi and pubmed.doi != doi:
        findings.append(
            _located(
                "identifier-conflict",
                f"{ref.key}: PubMed's record of PMID {pubmed.pmid} gives DOI {pubmed.doi}, the entry DOI {_as_written(ref.doi)}: one of the two identifiers is wrong",
                ref,
            )
        )
    base = crossref or pubmed
    assert base is not None
    mismatches, another = compare(ref, base)
    if another:
        first = base.authors[0][0] if base.authors else "no author"
        findings.append(
            _located(
                "metadata-mismatch",
                f"{ref.key}: {base.identifier} points to another paper: {base.source} has "
                f"“{base.title}” ({first}, {base.year or 'no year'}); check the identifier "
                "(--fix leaves this entry alone)",
                ref,
            )
        )
    else:
        for m in mismatches:
            findings.append(
                _located("metadata-mismatch", f"{ref.key}: {m.field} “{m.ours}” differs from {base.source}'s “{m.theirs}” ({base.identifier})", ref)
            )
            fixes.append((m.field, m.fix))
    notices = merged(crossref, pubmed).notices if base else ()  # type: ignore[union-attr]
    for kind, what, tail in (
        ("retracted", "retracted", "; --fix records pubstate = {retracted}, which sets its links aside in grading"),
        ("expression-of-concern", "carries an expression of concern", "; check that what the library cites it for still stands"),
        ("corrected", "corrected", "; check that what the library cites it for survived the correction"),
    ):
        said = [f"{n.notice}{' of ' + n.date if n.date else ''}, from {n.source}" for n in notices if n.finding == kind]
        if not said or (kind == "retracted" and ref.retracted):
            continue  # a retraction recorded already: the library audit's retracted-reference says so
        findings.append(_located(kind, f"{ref.key}: {what} ({'; '.join(said)}){tail}", ref))
        if kind == "retracted":
            fixes.append(("pubstate", "retracted"))
    return findings, fixes
