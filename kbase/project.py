"""A project: where its library lives (options, ``kbase.toml`` or ``[tool.kbase]``) and how to open it.

Every command of the command line starts from a :class:`Project`; so can a script::

    project = Project.from_settings(claims=None, bib=())   # reads kbase.toml / pyproject.toml
    kb = project.open()                                    # raises ProblemsFound when it cannot be read
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ProblemsFound

if TYPE_CHECKING:
    from .edit import ClaimsEditor
    from .history import ChangedDrafts, GradePoint, LibraryDiff
    from .kb import KnowledgeBase
    from .refs import RefLibrary

__all__ = ["Project"]

STARTER_CLAIMS = """\
# The claims your articles make, and the references behind each (docs/formats.md).
# Add claims with `kbase claim add ID --statement "..."`, evidence with `kbase link ID KEY --stance supports`;
# `kbase check` validates the file and `kbase audit` reviews the evidence. For example:
#
# articles:
#   ketamine-chronic-pain:
#     title: "Ketamine Infusion for Chronic Pain"
# claims:
#   - id: nmda-blockade
#     statement: Ketamine eases chronic pain by blocking NMDA receptors.
#     appears_in:
#       - article: ketamine-chronic-pain
#     evidence:
#       - ref: niesters2014ketamine        # a key of references.bib
#         stance: supports                 # supports | contradicts | mentions
kbase: 1
articles:
claims:
"""

STARTER_BIB = """\
% The references of this library, in BibTeX: export them from Zotero (Better BibTeX), or add
% CSL-JSON and RIS files with `kbase refs import FILE`. A `design` field (rct, cohort, meta-analysis...)
% sets where a reference's evidence starts; without one, kbase infers it from the title.
"""


def _candidates(draft_path: str | Path) -> str:
    """The ``articles:`` and ``claims:`` of a new claims.yaml from a draft: the draft as an article, and its
    uncited factual-looking sentences as candidate claims (JSON strings are YAML double-quoted scalars)."""
    import json
    import re

    from .drafts.matcher import STOPWORDS
    from .drafts.reader import read_draft
    from .language.wording import is_factual

    draft = read_draft(draft_path)
    title = _draft_title(draft_path, draft.sentences[0].section if draft.sentences else "")
    stem = "-".join(re.findall(r"[a-z0-9]+", title.lower())[:6]) or "draft"
    lines = [f"articles:\n  {stem}:\n    title: {json.dumps(title, ensure_ascii=False)}\nclaims:\n"]
    taken: set[str] = set()
    for sentence in draft.sentences:
        if sentence.citations or not is_factual(sentence.clean):
            continue
        words = re.findall(r"[a-z0-9]+", sentence.clean.lower())
        base = "-".join([w for w in words if len(w) > 2 and w not in STOPWORDS][:5]) or "claim"  # the key words, in order
        claim_id, n = base, 2
        while claim_id in taken:
            claim_id, n = f"{base}-{n}", n + 1
        taken.add(claim_id)
        text = json.dumps(sentence.clean, ensure_ascii=False)
        lines.append(
            f"  # candidate from {_one_line(str(sentence.where))}: check the wording, then link evidence (kbase link {claim_id} KEY …)\n"
            f"  - id: {claim_id}\n    statement: {text}\n    topic: candidate\n"
            f"    appears_in:\n      - article: {stem}\n        quote: {text}\n"
        )
    return "".join(lines)


def _draft_title(path: str | Path, first_heading: str) -> str:
    """A draft's title: its front matter's ``title:``, its HTML ``<title>``, its first heading, else its file name."""
    import re

    try:
        with open(path, "rb") as handle:
            head = handle.read(65536).decode("utf-8", "replace")
    except OSError:
        head = ""
    front = re.match(r"---\r?\n(.*?)\r?\n(?:---|\.\.\.)\s*\n", head, re.S)
    found = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", front.group(1), re.M) if front else None
    found = found or re.search(r"<title[^>]*>\s*([^<]+?)\s*</title>", head, re.I)
    title = found.group(1) if found else first_heading or Path(path).name
    return _one_line(" ".join(title.split()))


def _one_line(text: str) -> str:
    """``text`` safe inside a YAML comment: line breaks (YAML's and Unicode's) and control characters
    written as escapes, so a file name cannot end the comment and start a claim."""
    import unicodedata

    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


@dataclass
class Project:
    """The library files of a project and the settings to grade it with."""

    claims: str = "claims.yaml"
    bib: list[str] = field(default_factory=lambda: ["references.bib"])
    encoding: str = "utf-8"
    year: int | None = None
    stale_years: int = 10
    retractions: str | None = None
    review_days: int = 365
    unassessed: str = "cap"  # grading of evidence nobody assessed: "cap" at moderate, or "flag" only
    cache: bool = True  # the parse cache in .kbase-cache/ (kbase.cache)
    drafts: list[str] = field(default_factory=list)  # paths or globs of the drafts (kbase audit --changed)
    semantic: bool = False  # match by meaning too (kbase.semantic): off until its precision reaches the lexical matcher's
    mailto: str = ""  # a contact address for Crossref's polite pool (kbase refs verify, kbase refs add)
    root: str = "."  # the folder whose kbase.toml or pyproject.toml was read
    named: tuple[str, ...] = ()  # the library files the user named on the command line (--claims, --bib): trusted as given

    @classmethod
    def from_settings(
        cls, claims: str | None = None, bib: Sequence[str] = (), encoding: str | None = None, folder: str | Path | None = None, **grading: object
    ) -> Project:
        """Options given win; the rest come from ``kbase.toml`` or ``[tool.kbase]`` in ``folder`` (default: here)."""
        from .config import read_config

        root = Path(folder) if folder else Path.cwd()
        config = read_config(root)
        grading.setdefault("root", str(root))
        grading.setdefault("named", tuple(p for p in (claims, *bib) if p))
        grading.setdefault("review_days", config.get("review_days", 365))
        grading.setdefault("unassessed", config.get("unassessed", "cap"))
        grading["cache"] = bool(grading.pop("cache", True)) and config.get("cache", True)
        grading.setdefault("drafts", config.get("drafts", []))
        grading.setdefault("semantic", config.get("semantic", False))
        grading.setdefault("mailto", config.get("mailto", ""))
        return cls(
            claims or config.get("claims", "claims.yaml"),
            list(bib) or config.get("bib", ["references.bib"]),
            encoding or config.get("encoding", "utf-8"),
            **grading,
        )  # type: ignore[arg-type]

    @property
    def library_files(self) -> list[str]:
        """The library's own files: the claims file and the ``.bib`` files."""
        return [self.claims, *self.bib]

    def inputs(self, *more: str | None) -> list[str]:
        """Every file a command reads, which its output (``-o``) must never replace: the library's files,
        the settings files, the retraction list, and ``more`` (a style file, drafts)."""
        settings = [str(Path(self.root) / name) for name in ("kbase.toml", "pyproject.toml")]
        return [*self.library_files, *settings, *(p for p in (self.retractions, *more) if p)]

    def open(self) -> KnowledgeBase:
        """Load the library; raises :class:`~kbase.errors.ProblemsFound` when it cannot be read as it is."""
        from .loading.pipeline import load

        self.require()
        kb = load(
            self.claims,
            self.bib,
            year=self.year,
            stale_years=self.stale_years,
            retractions=self.retractions,
            encoding=self.encoding,
            review_days=self.review_days,
            cache=self.cache,
            semantic=self.semantic,
            unassessed=self.unassessed,
        )
        if kb.problems:
            raise ProblemsFound(list(kb.problems), kb.counts)
        return kb

    def require(self) -> None:
        """Raise a message with the next step when the library's files are not there."""
        from .errors import KbaseError

        self._refuse_outside_links()
        missing = [name for name in self.library_files if not Path(name).exists()]
        if missing:
            start = (
                "run `kbase init` to start a library here"
                if not Path(self.claims).exists()
                else "create it, export it from Zotero, or point --bib at yours"
            )
            raise KbaseError(f"{', '.join(missing)}: no such file; {start}")

    def _refuse_outside_links(self) -> None:
        """A library file the settings or the defaults name that is a link leading outside the project is refused: a
        link a repository ships must not make kbase read (and print) a file elsewhere. A path named on the command line is
        used as given."""
        from .errors import KbaseError
        from .files import link_leaving

        for name in self.library_files:
            end = link_leaving(name, self.root) if name not in self.named else None
            if end is not None:
                raise KbaseError(
                    f"{name}: a symbolic link to {end}, outside the project; kbase reads a file outside the "
                    f"project only when you name it (--claims or --bib {end})"
                )

    def refs(self, check: bool = True) -> RefLibrary:
        """The ``.bib`` files alone; with ``check``, raises :class:`~kbase.errors.ProblemsFound` when one cannot be read."""
        from .refs import RefLibrary

        self._refuse_outside_links()
        from .cache import open_cache

        library = RefLibrary(self.bib, self.encoding, open_cache(self.cache, self.claims), lock=self.claims)
        if check and library.problems:
            raise ProblemsFound(library.problems)
        return library

    def init(self, from_bib: str | Path | None = None, from_draft: str | Path | None = None) -> list[str]:
        """Start a library: write ``claims.yaml`` (with a commented example) and ``references.bib``.

        ``from_bib``: the new ``references.bib`` is that file, byte for byte (refused if it does not read).
        ``from_draft``: the draft becomes an article, and each of its factual-looking sentences that
        cites nothing becomes a *candidate* claim (its own words, marked by a comment and the topic
        ``candidate``) for the writer to check, reword and link to evidence.
        Files that exist already are left alone and named in the error; returns the files written.
        """
        from .errors import KbaseError
        from .files import write_atomic, write_atomic_bytes

        files: dict[str, str | bytes] = {self.claims: STARTER_CLAIMS, self.bib[0]: STARTER_BIB}
        present = [name for name in files if Path(name).exists() or Path(name).is_symlink()]
        if present:
            raise KbaseError(
                f"{', '.join(present)} already exist{'s' if len(present) == 1 else ''}; kbase init starts a new library and changes nothing here"
            )
        if from_bib is not None:
            from .refs import RefLibrary

            source = RefLibrary([str(from_bib)], self.encoding)
            if source.problems:
                raise ProblemsFound(source.problems)
            files[self.bib[0]] = Path(from_bib).read_bytes()
        if from_draft is not None:
            files[self.claims] = STARTER_CLAIMS.replace("articles:\nclaims:\n", _candidates(from_draft))
        from .files import library_lock

        with library_lock(self.claims, self.bib):
            for name, content in files.items():
                if isinstance(content, bytes):
                    write_atomic_bytes(name, content)
                else:
                    write_atomic(name, content)
        return list(files)

    def diff(self, revisions: str | None = None) -> LibraryDiff:
        """What changed in this library between git revisions (:func:`kbase.history.diff_revisions`)."""
        from .history import diff_revisions

        current = None
        if revisions is None or ".." not in revisions or revisions.endswith(".."):
            current = self.open()  # the working tree is one side: a file that does not load is reported as every command reports it
        return diff_revisions(revisions, self.claims, self.bib, year=self.year, encoding=self.encoding, current=current)

    def changed_drafts(
        self, revision: str, drafts: Sequence[str] = (), current: KnowledgeBase | None = None, threshold: float | None = None
    ) -> ChangedDrafts:
        """The drafts to audit after the changes since ``revision`` (:func:`kbase.history.changed_drafts`):
        among ``drafts`` (paths or globs), or else the ``drafts`` setting of ``kbase.toml``."""
        from .errors import KbaseError
        from .history import changed_drafts

        patterns = list(drafts) or self.drafts
        if not patterns:
            raise KbaseError(
                "which drafts? name them (kbase audit --changed HEAD 'content/**/*.md') or set drafts = [\"content/**/*.md\"] in kbase.toml"
            )
        return changed_drafts(revision, patterns, self.claims, self.bib, year=self.year, encoding=self.encoding, current=current, threshold=threshold)

    def log(self, claim_id: str) -> list[GradePoint]:
        """The level of one claim at each commit that changed the library (:func:`kbase.history.claim_history`)."""
        from .history import claim_history

        self.open()  # a working tree that does not load is reported as every command reports it
        return claim_history(claim_id, self.claims, self.bib, year=self.year, encoding=self.encoding)

    def editor(self) -> ClaimsEditor:
        """An editor of the claims file, checked against the ``.bib`` files."""
        from .edit import ClaimsEditor

        self.require()
        return ClaimsEditor(self.claims, self.bib, self.encoding)
