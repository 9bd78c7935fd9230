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
    from .kb import KnowledgeBase
    from .refs import RefLibrary

__all__ = ["Project"]


@dataclass
class Project:
    """The library files of a project and the settings to grade it with."""

    claims: str = "claims.yaml"
    bib: list[str] = field(default_factory=lambda: ["references.bib"])
    encoding: str = "utf-8"
    year: int | None = None
    stale_years: int = 10
    retractions: str | None = None

    @classmethod
    def from_settings(cls, claims: str | None = None, bib: Sequence[str] = (), encoding: str | None = None,
                      folder: str | Path | None = None, **grading: object) -> Project:
        """Options given win; the rest come from ``kbase.toml`` or ``[tool.kbase]`` in ``folder`` (default: here)."""
        from .config import read_config

        config = read_config(Path(folder) if folder else Path.cwd())
        return cls(claims or config.get("claims", "claims.yaml"), list(bib) or config.get("bib", ["references.bib"]),
                   encoding or config.get("encoding", "utf-8"), **grading)  # type: ignore[arg-type]

    @property
    def library_files(self) -> list[str]:
        """The files a command's output must never replace."""
        return [self.claims, *self.bib]

    def open(self) -> KnowledgeBase:
        """Load the library; raises :class:`~kbase.errors.ProblemsFound` when it cannot be read as it is."""
        from .kb import load

        kb = load(self.claims, self.bib, year=self.year, stale_years=self.stale_years, retractions=self.retractions,
                  encoding=self.encoding)
        if kb.problems:
            raise ProblemsFound(list(kb.problems), (len(kb.claims), len(kb.references)))
        return kb

    def refs(self, check: bool = True) -> RefLibrary:
        """The ``.bib`` files alone; with ``check``, raises :class:`~kbase.errors.ProblemsFound` when one cannot be read."""
        from .refs import RefLibrary

        library = RefLibrary(self.bib, self.encoding)
        if check and library.problems:
            raise ProblemsFound(library.problems)
        return library

    def editor(self) -> ClaimsEditor:
        """An editor of the claims file, checked against the ``.bib`` files."""
        from .edit import ClaimsEditor

        return ClaimsEditor(self.claims, self.bib, self.encoding)
