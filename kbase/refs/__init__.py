"""Reference hygiene on the BibTeX files alone: lint, duplicates, merges, formatting and import.

:class:`RefLibrary` is what the ``kbase refs`` commands call; it needs no ``claims.yaml``
(except to keep the keys claims use when merging duplicates).

Examples
--------
>>> from kbase.refs import RefLibrary
>>> refs = RefLibrary(["references.bib"])        # doctest: +SKIP
>>> [g.keys for g in refs.dedupe()[0]]           # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Location
from .dedupe import DuplicateGroup, claims_using, find_duplicates
from .imports import ImportedItem

if TYPE_CHECKING:
    from ..cache import Cache
    from ..loaders.bib import BibFile
    from ..model import Claim, Finding, Reference
    from ..registry import Registry
    from .verify import Verification

__all__ = ["DuplicateGroup", "ImportPlan", "RefLibrary"]


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import adds (new key, item), what it skips (item, the key it duplicates), and the BibTeX it writes."""

    added: tuple[tuple[str, ImportedItem], ...]
    skipped: tuple[tuple[ImportedItem, str], ...]
    text: str
    target: str
    findings: tuple[Finding, ...] = ()  # reference lint on the entries added (an impossible year, a malformed DOI…)


class RefLibrary:
    """The references of one or more ``.bib`` files.

    Parameters
    ----------
    paths : list of paths
        The BibTeX files, in order (``@string`` macros carry from one to the next).
    encoding : str
        Their encoding (default UTF-8).
    cache : kbase.cache.Cache, optional
        The parse cache to read unchanged files from (the command line passes the project's).
    lock : path, optional
        The library's claims file, whose lock (:func:`kbase.files.library_lock`) every write to these
        files takes, so that one lock guards the whole library (default: the first ``.bib``).
    """

    def __init__(self, paths: Sequence[str | Path], encoding: str = "utf-8", cache: Cache | None = None, lock: str | Path | None = None) -> None:
        self.paths = [str(p) for p in paths]
        self.encoding = encoding
        self.cache = cache
        self.lock = str(lock) if lock is not None else (self.paths[0] if self.paths else "references.bib")

    def _locked(self) -> AbstractContextManager[None]:
        """The library lock, held while any of these files is written."""
        from ..files import library_lock

        return library_lock(self.lock, self.paths)

    @cached_property
    def files(self) -> list[BibFile]:
        """Each file as read, with its problems and warnings."""
        from ..loading.reading import read_bibs

        return read_bibs(self.paths, self.encoding, self.cache)

    @property
    def references(self) -> list[Reference]:
        """Every reference, file by file, in file order (a key an earlier file holds is left out: see :attr:`problems`)."""
        from ..loaders.bib import library_references

        return library_references(self.files)[0]

    @property
    def problems(self) -> list[Finding]:
        """What keeps a file from being read as it is (syntax errors, duplicate keys, within a file or across files)."""
        from ..loaders.bib import library_references

        return [p for f in self.files for p in f.problems] + library_references(self.files)[1]

    def lint(self, year: int | None = None) -> list[Finding]:
        """Every lint finding (``kbase refs lint``), in file and line order."""
        from ..audit.refs import lint_references

        findings = [w for f in self.files for w in f.warnings] + list(lint_references(self.references, year))
        return sorted(findings, key=lambda f: (f.where.path, f.where.line) if f.where else ("", 0))

    def lint_entry(self, key: str, year: int | None = None) -> list[Finding]:
        """The lint findings about one entry (what ``kbase refs set`` says after a change: a design set to
        ``rct`` on an entry that says what it ``pooled``, say)."""
        return [f for f in self.lint(year) if f.subject == key]

    def dedupe(self, claims: Sequence[Claim] = ()) -> tuple[list[DuplicateGroup], list[tuple[str, str, str]]]:
        """The one duplicates API: the groups of duplicate references (each keeps the first key that ``claims``
        use; :meth:`merge` merges them) and the versions of a work (``(key, published key, kind)`` for a
        preprint, report or correction whose published version is in the library, in file order),
        which are never merged. Found in one pass."""
        from .dedupe import declared_versions

        found: list[tuple[str, str, str]] = []
        groups = find_duplicates(self.references, claims_using(claims), versions=found)
        first = {key: (key, published, "preprint") for key, published in declared_versions(self.references).items()}
        for key, published, kind in found:  # each version once, against the first published entry that matches it
            first.setdefault(key, (key, published, kind))
        order = {r.key: i for i, r in enumerate(self.references)}
        return groups, sorted(first.values(), key=lambda v: order.get(v[0], 0))

    def merge(self, groups: Sequence[DuplicateGroup], claims_path: str | Path) -> dict[str, str]:
        """Merge each group into its kept key, in the ``.bib`` files and the claims' links; ``{removed: kept}``."""
        from .merge import apply_merges

        return apply_merges(groups, {r.key: r for r in self.references}, str(claims_path), self.encoding, self.paths)

    def format(self, check: bool = False) -> list[str]:
        """Lay out every file in kbase's style, losing nothing; returns the files that were (or, with
        ``check``, would be) changed. A file whose formatting would change what it says is refused."""
        from ..errors import KbaseError
        from ..files import write_atomic
        from ..loaders.inputs import read_text
        from .fmt import format_bib, parsed_content

        changed = []
        with self._locked() if not check else contextlib.nullcontext():
            for path in self.paths:
                text = read_text(path, self.encoding)
                formatted = format_bib(text, path)
                if formatted == text:
                    continue
                if parsed_content(formatted, path) != parsed_content(text, path):  # never write a lossy result
                    raise KbaseError(f"{path}: formatting would change the content; file left as it is")
                changed.append(path)
                if not check:
                    write_atomic(path, formatted, self.encoding)
        return changed

    def _by_key(self, keys: Iterable[str]) -> dict[str, Reference]:
        """Every reference by key; an :class:`~kbase.errors.UnknownReferenceError` (with a did-you-mean) for a key of ``keys`` it lacks."""
        from ..errors import UnknownReferenceError
        from ..language.spelling import did_you_mean

        by_key = {r.key: r for r in self.references}
        for key in keys:
            if key not in by_key:
                raise UnknownReferenceError(f"no reference {key!r} in {', '.join(self.paths)}{did_you_mean(key, list(by_key))}")
        return by_key

    def set_fields(self, key: str, fields: Sequence[tuple[str, str]]) -> str:
        """Set fields of one reference in its ``.bib`` (``kbase refs set KEY design=rct``), under the library
        lock; a ``design`` must be one of the vocabulary's, and an empty value removes the field. Refused (file untouched) when the key is unknown
        or the result would not read back with the new values. Returns the file written."""
        return self.set_many({key: tuple(fields)})[0]

    def set_many(self, changes: Mapping[str, Sequence[tuple[str, str]]]) -> list[str]:
        """Set fields of several references (:meth:`set_fields` for each), each file written once, under one
        hold of the library lock; nothing is written unless every change reads back. Returns the files written."""
        from ..bibtex import bib_value, unenclose
        from ..errors import KbaseError
        from ..files import write_together
        from ..language.spelling import did_you_mean
        from ..loaders.bib import parse_bib
        from ..loaders.inputs import read_text
        from ..vocabulary import DESIGNS
        from .merge import with_fields_set

        by_key = self._by_key(changes)
        by_file: dict[str, list[str]] = {}
        for key, fields in changes.items():
            for name, value in fields:
                if not re.fullmatch(r"[A-Za-z][\w-]*", name) or name.lower() in ("id", "key", "entrytype", "type"):
                    raise KbaseError(f"{name!r} cannot be set: give a BibTeX field name such as design, doi or year")
                if name.lower() == "design" and value.strip() and value not in DESIGNS:
                    raise KbaseError(f"unknown design {value!r}{did_you_mean(value, list(DESIGNS))}; use one of: {', '.join(DESIGNS)}")
            by_file.setdefault(by_key[key].where.path if by_key[key].where else self.paths[0], []).append(key)
        with self._locked():
            written = {}
            for path, keys in by_file.items():
                new = read_text(path, self.encoding)
                for key in keys:
                    new = with_fields_set(new, key, changes[key])
                read = {r.key: r for r in parse_bib(new, path).references}
                for key in keys:
                    check = read.get(key)
                    if check is None or any(check.field(n) != (unenclose(bib_value(v)) if v.strip() else "") for n, v in changes[key]):
                        names = ", ".join(n for n, _ in changes[key])
                        raise KbaseError(f"{path}: setting {names} on {key!r} would not read back; file left as it is")
                written[path] = new.encode(self.encoding)
            if written:
                write_together(written, self.lock)
        return list(written)

    def identifier_count(self, keys: Sequence[str] = ()) -> int:
        """How many DOIs and PMIDs :meth:`verify` looks up (for a progress bar)."""
        from .verify import identifiers

        chosen = set(keys)
        return sum(bool(i) for r in self.references if not chosen or r.key in chosen for i in identifiers(r))

    def verify(
        self, keys: Sequence[str] = (), registry: Registry | None = None, fix: bool = False, progress: Callable[[int], None] | None = None
    ) -> Verification:
        """Check references (all, or ``keys``) against Crossref and PubMed (``kbase refs verify``); with ``fix``,
        write the registry's values where the entry differs, and ``pubstate = {retracted}`` for a retraction
        (see :mod:`kbase.refs.verify`). ``registry`` defaults to a :class:`kbase.registry.Registry` of the
        environment's settings; only it reaches the network."""
        from dataclasses import replace

        from ..registry import Registry
        from .verify import verify_references

        by_key = self._by_key(keys)
        chosen = [by_key[k] for k in dict.fromkeys(keys)] if keys else self.references
        with registry or Registry() as asked:
            result = verify_references(chosen, asked, progress)
        if not fix or not result.fixes:
            return result
        files = self.set_many(result.fixes)
        self.__dict__.pop("files", None)  # read again: the entries changed
        lint = [f for f in self.lint() if f.subject in result.fixes]
        return replace(result, findings=result.findings + tuple(lint), fixed=True, files=tuple(files))

    def add(self, doi: str = "", pmid: str = "", registry: Registry | None = None, dry_run: bool = False) -> ImportPlan:
        """Add the work with this DOI or PMID to the first ``.bib`` from the registries (``kbase refs add``):
        type, authors, title, container, year, volume, issue, pages, DOI, PMID, and the design PubMed's
        publication types name; keyed ``surnameYEARword`` like an import, and skipped (with the key it
        duplicates) when the library holds it already."""
        from ..errors import KbaseError
        from ..identifiers import is_valid_doi, is_valid_pmid
        from ..registry import Registry
        from .verify import crossref_record, merged, pubmed_record, registered_fields

        if bool(doi) == bool(pmid):
            raise KbaseError("give a DOI or a PMID")
        if doi and not is_valid_doi(doi):
            raise KbaseError(f"{doi!r} is not a DOI (10.<registrant>/<suffix>)")
        if pmid and not is_valid_pmid(pmid):
            raise KbaseError(f"{pmid!r} is not a PMID (a whole number)")
        from ..identifiers import normalize_doi

        doi = normalize_doi(doi) if doi else ""
        with registry or Registry() as asked:
            crossref = pubmed = None
            if doi:
                answer = asked.crossref([doi])[doi]
                if answer.status != "found":
                    raise KbaseError(f"DOI {doi}: " + (answer.why or "Crossref does not know it"))
                crossref = crossref_record(doi, answer.record)
                found = asked.pubmed_id(doi)  # PubMed's record, when it has one, gives the PMID and the design
                also = asked.pubmed([found])[found] if found else None
                pubmed = pubmed_record(found, also.record) if also and also.status == "found" else None
            else:
                answer = asked.pubmed([pmid.strip()])[pmid.strip()]
                if answer.status != "found":
                    raise KbaseError(f"PMID {pmid}: " + (answer.why or "PubMed does not know it"))
                pubmed = pubmed_record(pmid.strip(), answer.record)
                if pubmed.doi:
                    also = asked.crossref([pubmed.doi])[pubmed.doi]
                    crossref = crossref_record(pubmed.doi, also.record) if also.status == "found" else None
        record = merged(crossref, pubmed)
        assert record is not None
        return self.import_items([ImportedItem(record.entry_type, tuple(registered_fields(record)), Location(record.identifier, 1, 1))], dry_run)

    def plan_import(self, file: str | Path, kind: str = "auto") -> ImportPlan:
        """What importing a CSL-JSON or RIS ``file`` into the first ``.bib`` would add and skip.

        ``kind`` is ``csl-json``, ``ris``, or ``auto`` (by extension: ``.ris``/``.txt`` is RIS).
        """
        from .imports import read_csl_json, read_ris

        name = str(file)
        if kind == "auto":
            kind = "ris" if name.lower().endswith((".ris", ".txt")) else "csl-json"
        return self._plan(read_ris(name) if kind == "ris" else read_csl_json(name), name)

    def _plan(self, items: Sequence[ImportedItem], name: str) -> ImportPlan:
        from .fmt import format_bib
        from .imports import bibtex_entry, plan_import

        added, skipped = plan_import(items, self.references)
        # in the layout of `kbase refs fmt`, so that a formatted file stays formatted
        text = "\n" + format_bib("\n".join(bibtex_entry(item, key) for key, item in added), name) if added else ""
        return ImportPlan(tuple(added), tuple(skipped), text, self.paths[0])

    def import_file(self, file: str | Path, kind: str = "auto", dry_run: bool = False) -> ImportPlan:
        """Append the new items of ``file`` to the first ``.bib`` (created if missing); see :meth:`plan_import`."""
        return self._append(lambda: self.plan_import(file, kind), dry_run)

    def import_items(self, items: Sequence[ImportedItem], dry_run: bool = False) -> ImportPlan:
        """Append ``items`` that the library does not hold yet to the first ``.bib`` (created if missing)."""
        return self._append(lambda: self._plan(items, items[0].where.path if items else self.paths[0]), dry_run)

    def _append(self, planned: Callable[[], ImportPlan], dry_run: bool) -> ImportPlan:
        from dataclasses import replace

        from ..audit.refs import lint_references
        from ..files import write_atomic
        from ..loaders.bib import parse_bib
        from ..loaders.inputs import read_text

        if dry_run:
            plan = planned()
            new, where = plan.text, plan.target
        else:
            with self._locked():
                plan = planned()
                current = read_text(plan.target, self.encoding) if Path(plan.target).exists() else ""
                new = current.rstrip("\n") + "\n" + plan.text if current else plan.text.lstrip("\n")
                if plan.added:
                    write_atomic(plan.target, new, self.encoding)
            where = plan.target
            self.__dict__.pop("files", None)
        keys = {key for key, _ in plan.added}  # linted as added: kbase's own writes pass kbase's checks, or say why not
        return replace(plan, findings=tuple(lint_references(r for r in parse_bib(new, where).references if r.key in keys)))
