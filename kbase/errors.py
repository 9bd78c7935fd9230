"""One exception root for everything kbase raises on purpose.

The command line needs a single ``except KbaseError``; every message that
points at a file carries ``path:line:col`` so editors and CI can jump to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .loading.processes import pickled_by_fields

__all__ = [
    "KbaseError",
    "LoadError",
    "Location",
    "NotInLibraryError",
    "ProblemsFound",
    "UnknownArticleError",
    "UnknownClaimError",
    "UnknownReferenceError",
]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file, 1-based like compilers print it.

    Examples
    --------
    >>> str(Location("claims.yaml", 12, 5))
    'claims.yaml:12:5'

    >>> str(Location("draft.docx", 12, 1, unit="paragraph", excerpt="Ketamine eases pain"))
    'draft.docx: paragraph 12 “Ketamine eases pain”'
    """

    path: str
    line: int = 1
    col: int = 1
    unit: str = "line"  # "paragraph" in a Word draft: line is the paragraph's number, col the offset in it
    excerpt: str = ""  # the first words at the place (Word drafts, which have no lines to jump to)

    def __str__(self) -> str:
        # line 0 means "the file as a whole" (it is missing, or cannot be opened)
        if not self.line:
            return self.path
        if self.unit == "paragraph":
            return f"{self.path}: paragraph {self.line}" + (f" “{self.excerpt}”" if self.excerpt else "")
        return f"{self.path}:{self.line}:{self.col}"


class KbaseError(Exception):
    """Root of every error kbase raises deliberately."""


class LoadError(KbaseError):
    """A file could not be read as part of a library.

    Parameters
    ----------
    location : Location
        Where the problem is.
    message : str
        What is wrong, in words a writer understands.

    Examples
    --------
    >>> str(LoadError(Location("claims.yaml", 3, 7), "unknown field 'stnce'"))
    "claims.yaml:3:7: unknown field 'stnce'"
    """

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


class NotInLibraryError(KbaseError):
    """A claim id, reference key or article id was asked for that the library does not hold."""


class UnknownClaimError(NotInLibraryError):
    """A claim id was asked for that the library does not hold."""


class UnknownReferenceError(NotInLibraryError):
    """A reference key was asked for that the library does not hold."""


class UnknownArticleError(NotInLibraryError):
    """An article id was asked for that the library does not hold."""


class ProblemsFound(KbaseError):
    """A library (or its ``.bib`` files) has problems that keep it from being read as it is.

    ``problems`` are the located findings (:class:`~kbase.model.Finding`); the command line
    prints them all and exits 2.
    """

    def __init__(self, problems: list, counts: tuple[int, int] = (0, 0)) -> None:  # type: ignore[type-arg]
        super().__init__(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the library")
        self.problems = problems
        self.counts = counts
