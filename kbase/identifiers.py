"""Bibliographic identifiers: normalising and checking DOIs, PMIDs, ISBNs and URLs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = [
    "ID_SCHEMES",
    "cited_identifier",
    "identifier_problems",
    "identifiers_in",
    "is_valid_doi",
    "is_valid_isbn",
    "is_valid_issn",
    "is_valid_pmid",
    "is_valid_url",
    "normalize_doi",
    "normalize_identifier",
]

#: The identifier schemes a draft can cite by (Manubot's ``[@doi:…]``, ``[@pmid:…]``, ``[@pmcid:…]``, ``[@isbn:…]``).
ID_SCHEMES = ("doi", "pmid", "pmcid", "isbn")

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def normalize_doi(doi: str) -> str:
    """A DOI without resolver prefix, in lower case (DOIs are case-insensitive).

    Examples
    --------
    >>> normalize_doi("https://doi.org/10.1097/AAP.0000000000000808")
    '10.1097/aap.0000000000000808'
    """
    return _DOI_PREFIX.sub("", doi.strip()).lower()


def is_valid_doi(doi: str) -> bool:
    """True for ``10.<registrant>/<suffix>``, with or without a resolver prefix.

    Examples
    --------
    >>> is_valid_doi("10.1213/ANE.0000000000004185"), is_valid_doi("10.12/x")
    (True, False)
    """
    return bool(_DOI.match(normalize_doi(doi)))


def is_valid_pmid(pmid: str) -> bool:
    """True for a PubMed id: a positive whole number of at most 9 digits.

    Examples
    --------
    >>> is_valid_pmid("31082965"), is_valid_pmid("PMC4014022"), is_valid_pmid("0")
    (True, False, False)
    """
    pmid = pmid.strip()
    return pmid.isdigit() and len(pmid) <= 9 and int(pmid) > 0


def is_valid_isbn(isbn: str) -> bool:
    """True when an ISBN-10 or ISBN-13 has the right length and check digit.

    Examples
    --------
    >>> is_valid_isbn("978-0-306-40615-7"), is_valid_isbn("0-306-40615-2"), is_valid_isbn("978-0-306-40615-8")
    (True, True, False)
    """
    digits = re.sub(r"[\s-]", "", isbn).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits):
        total = sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def is_valid_issn(issn: str) -> bool:
    """True when an ISSN (NNNN-NNNC) has the right check digit.

    Examples
    --------
    >>> is_valid_issn("0378-5955"), is_valid_issn("0378-5954")
    (True, False)
    """
    digits = issn.strip().replace("-", "").upper()
    if not re.fullmatch(r"\d{7}[\dX]", digits):
        return False
    total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def is_valid_url(url: str) -> bool:
    """True for an absolute http(s) or ftp URL with a host.

    Examples
    --------
    >>> is_valid_url("https://www.ncbi.nlm.nih.gov/pubmed/31082965"), is_valid_url("www.example")
    (True, False)
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https", "ftp") and bool(parts.netloc) and " " not in url.strip()


def identifier_problems(doi: str = "", pmid: str = "", isbn: str = "", url: str = "") -> list[str]:
    """Human-readable problems with the identifiers given (empty ones are skipped)."""
    problems = []
    if doi and not is_valid_doi(doi):
        problems.append(f"doi {doi!r} is not a DOI (expected 10.<registrant>/<suffix>)")
    if pmid and not is_valid_pmid(pmid):
        problems.append(f"pmid {pmid!r} is not a PubMed id (expected digits only)")
    if isbn and not is_valid_isbn(isbn):
        problems.append(f"isbn {isbn!r} has a wrong length or check digit")
    if url and not is_valid_url(url):
        problems.append(f"url {url!r} is not an absolute http(s) URL")
    return problems


def normalize_identifier(scheme: str, value: str) -> str:
    """An identifier in the form two spellings of it share: DOIs in lower case without resolver,
    ISBNs as bare digits, PMC ids upper case with their ``PMC`` prefix.

    Examples
    --------
    >>> normalize_identifier("doi", "https://doi.org/10.1/ABC"), normalize_identifier("isbn", "978-0-306-40615-7")
    ('10.1/abc', '9780306406157')
    >>> normalize_identifier("pmcid", "pmc123")
    'PMC123'
    """
    value = value.strip().rstrip(".,;")
    if scheme == "doi":
        return normalize_doi(value)
    if scheme == "isbn":
        return re.sub(r"[\s-]", "", value).upper()
    if scheme == "pmcid":
        return "PMC" + re.sub(r"(?i)^pmc", "", value)
    return value


def cited_identifier(key: str) -> tuple[str, str] | None:
    """``(scheme, normalised value)`` for a citation key that names an identifier (``doi:10.1/x``), else None.

    Examples
    --------
    >>> cited_identifier("doi:10.1097/AAP.0000000000000808"), cited_identifier("smith2020")
    (('doi', '10.1097/aap.0000000000000808'), None)
    """
    scheme, _, value = key.partition(":")
    scheme = scheme.lower()
    if scheme in ID_SCHEMES and value:
        return scheme, normalize_identifier(scheme, value)
    return None


_FOUND = (
    ("doi", re.compile(r"(?:doi\.org/|\bdoi:\s*|\bDOI\s+)?\b(10\.\d{4,9}/[^\s\"<>]+)", re.I)),
    ("pmcid", re.compile(r"\b(PMC\d{3,9})\b", re.I)),
    ("pmid", re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|\bPMID:?\s*)(\d{1,9})\b", re.I)),
)


def identifiers_in(text: str) -> list[tuple[str, str]]:
    """The DOIs, PubMed and PMC ids written in ``text`` (a reference list entry, a link), normalised.

    Examples
    --------
    >>> identifiers_in("Cohen SP. Reg Anesth. 2018. doi:10.1097/AAP.0000000000000808. PMID: 29870457")
    [('doi', '10.1097/aap.0000000000000808'), ('pmid', '29870457')]
    >>> identifiers_in("https://pubmed.ncbi.nlm.nih.gov/31082965/")
    [('pmid', '31082965')]
    """
    found = []
    for scheme, pattern in _FOUND:
        for match in pattern.finditer(text):
            value = normalize_identifier(scheme, match.group(1).rstrip(".,;)]"))
            if (scheme, value) not in found:
                found.append((scheme, value))
    return found
