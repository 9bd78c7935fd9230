"""Reference hygiene on the BibTeX files alone: lint, duplicates, merges, formatting and import.

:class:`RefLibrary` is what the ``kbase refs`` commands call; it needs no ``claims.yaml``
(except to keep the keys claims use when merging duplicates).

Examples
--------
>>> from kbase.refs import RefLibrary
>>> refs = RefLibrary(["references.bib"])        # doctest: +SKIP
>>> [g.keys for g in refs.duplicates()]           # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .dedupe import DuplicateGroup, claims_using, find_duplicates

if TYPE_CHECKING:
    from ..cache import Cache
    from ..loaders.bib import BibFile
    from ..model import Claim, Finding, Reference
    from .imports import ImportedItem

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

    def __init__(self, paths: Sequence[str | Path], encoding: str = "utf-8", cache: Cache | None = None,
                 lock: str | Path | None = None) -> None:
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
        from ..loaders.bib import load_bibs

        return load_bibs(self.paths, self.encoding, self.cache)

    @property
    def references(self) -> list[Reference]:
        """Every reference, file by file, in file order."""
        return [r for f in self.files for r in f.references]

    @property
    def problems(self) -> list[Finding]:
        """What keeps a file from being read as it is (syntax errors, duplicate keys)."""
        return [p for f in self.files for p in f.problems]

    def lint(self, year: int | None = None) -> list[Finding]:
        """Every lint finding (``kbase refs lint``), in file and line order."""
        from ..audit.refs import lint_references

        findings = [w for f in self.files for w in f.warnings] + list(lint_references(self.references, year))
        return sorted(findings, key=lambda f: (f.where.path, f.where.line) if f.where else ("", 0))

    def lint_entry(self, key: str, year: int | None = None) -> list[Finding]:
        """The lint findings about one entry (what ``kbase refs set`` says after a change: a design set to
        ``rct`` on an entry that says what it ``pooled``, say)."""
        return [f for f in self.lint(year) if f.subject == key]

    def duplicates(self, claims: Sequence[Claim] = ()) -> list[DuplicateGroup]:
        """Groups of duplicate references; each keeps the first key that ``claims`` use."""
        return find_duplicates(self.references, claims_using(claims))

    def versions(self) -> list[tuple[str, str, str]]:
        """Preprints, reports and corrections whose published version is in the library:
        ``(key, published key, kind)``, in file order; they are never merged (``kbase refs dedupe`` lists them)."""
        return self.dedupe()[1]

    def dedupe(self, claims: Sequence[Claim] = ()) -> tuple[list[DuplicateGroup], list[tuple[str, str, str]]]:
        """Duplicate groups (:meth:`duplicates`) and versions (:meth:`versions`), found in one pass."""
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
        from ..loaders.text import read_text
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

    def set_fields(self, key: str, fields: Sequence[tuple[str, str]]) -> str:
        """Set fields of one reference in its ``.bib`` (``kbase refs set KEY design=rct``), under the library
        lock; a ``design`` must be one of the vocabulary's, and an empty value removes the field. Refused (file untouched) when the key is unknown
        or the result would not read back with the new values. Returns the file written."""
        from ..bibtex import bib_value, unenclose
        from ..errors import KbaseError, UnknownReferenceError
        from ..files import write_atomic
        from ..loaders.bib import parse_bib
        from ..loaders.text import read_text
        from ..spelling import did_you_mean
        from ..vocabulary import DESIGNS
        from .merge import with_fields_set

        by_key = {r.key: r for r in self.references}
        if key not in by_key:
            raise UnknownReferenceError(f"no reference {key!r} in {', '.join(self.paths)}{did_you_mean(key, list(by_key))}")
        for name, value in fields:
            if not re.fullmatch(r"[A-Za-z][\w-]*", name) or name.lower() in ("id", "key", "entrytype", "type"):
                raise KbaseError(f"{name!r} cannot be set: give a BibTeX field name such as design, doi or year")
            if name.lower() == "design" and value.strip() and value not in DESIGNS:
                raise KbaseError(f"unknown design {value!r}{did_you_mean(value, list(DESIGNS))}; use one of: {', '.join(DESIGNS)}")
        path = by_key[key].where.path if by_key[key].where else self.paths[0]
        with self._locked():
            new = with_fields_set(read_text(path, self.encoding), key, fields)
            check = {r.key: r for r in parse_bib(new, path).references}.get(key)
            if check is None or any(check.field(n) != (unenclose(bib_value(v)) if v.strip() else "") for n, v in fields):
                raise KbaseError(f"{path}: setting {', '.join(n for n, _ in fields)} on {key!r} would not read back; file left as it is")
            write_atomic(path, new, self.encoding)
        return path

    def plan_import(self, file: str | Path, kind: str = "auto") -> ImportPlan:
        """What importing a CSL-JSON or RIS ``file`` into the first ``.bib`` would add and skip.

        ``kind`` is ``csl-json``, ``ris``, or ``auto`` (by extension: ``.ris``/``.txt`` is RIS).
        """
        from .fmt import format_bib
        from .imports import bibtex_entry, plan_import, read_csl_json, read_ris

        name = str(file)
        if kind == "auto":
            kind = "ris" if name.lower().endswith((".ris", ".txt")) else "csl-json"
        items = read_ris(name) if kind == "ris" else read_csl_json(name)
        added, skipped = plan_import(items, self.references)
        # in the layout of `kbase refs fmt`, so that a formatted file stays formatted
        text = "\n" + format_bib("\n".join(bibtex_entry(item, key) for key, item in added), name) if added else ""
        return ImportPlan(tuple(added), tuple(skipped), text, self.paths[0])

    def import_file(self, file: str | Path, kind: str = "auto", dry_run: bool = False) -> ImportPlan:
        """Append the new items of ``file`` to the first ``.bib`` (created if missing); see :meth:`plan_import`."""
        from ..files import write_atomic
        from ..loaders.text import read_text

        from dataclasses import replace

        from ..audit.refs import lint_references
        from ..loaders.bib import parse_bib

        if dry_run:
            plan = self.plan_import(file, kind)
            new, where = plan.text, plan.target
        else:
            with self._locked():
                plan = self.plan_import(file, kind)
                current = read_text(plan.target, self.encoding) if Path(plan.target).exists() else ""
                new = current.rstrip("\n") + "\n" + plan.text if current else plan.text.lstrip("\n")
                if plan.added:
                    write_atomic(plan.target, new, self.encoding)
            where = plan.target
        keys = {key for key, _ in plan.added}  # linted as added: kbase's own writes pass kbase's checks, or say why not
        return replace(plan, findings=tuple(lint_references(r for r in parse_bib(new, where).references if r.key in keys)))
