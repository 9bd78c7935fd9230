"""kbase: the evidence behind health writing, kept honest.

Load a library of claims and references, grade the evidence behind every
claim, and audit it::

    import kbase
    kb = kbase.load("claims.yaml", "references.bib")
    kb.grade("nmda-blockade")

Heavy modules (networkx, bibtexparser, ruamel.yaml) load on first use, so
``import kbase`` and ``kbase --help`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import KbaseError, LoadError, Location, NotInLibraryError, ProblemsFound, UnknownArticleError, UnknownClaimError, UnknownReferenceError
from .version import __version__  # noqa: F401  (kbase.__version__)

__all__ = [
    "CLAIM_KINDS",
    "CONCERNS",
    "DESIGNS",
    "FAIL_ON",
    "LEVELS",
    "SEVERITIES",
    "STANCES",
    "Claim",
    "ClaimsEditor",
    "DraftsAudit",
    "Evidence",
    "Finding",
    "Grade",
    "KbaseError",
    "KnowledgeBase",
    "Level",
    "LoadError",
    "Location",
    "ProblemsFound",
    "Project",
    "RefLibrary",
    "Reference",
    "Registry",
    "Severity",
    "NotInLibraryError",
    "UnknownArticleError",
    "UnknownClaimError",
    "UnknownReferenceError",
    "load",
    "read_config",
    "short_lived_process",
    "today",
    "write_output",
]

if TYPE_CHECKING:
    from .audit.batch import DraftsAudit
    from .config import read_config
    from .edit import ClaimsEditor
    from .files import write_output
    from .kb import KnowledgeBase
    from .loading.pipeline import load
    from .loading.processes import short_lived_process
    from .model import Claim, Evidence, Finding, Grade, Reference
    from .project import Project
    from .refs import RefLibrary
    from .registry import Registry
    from .vocabulary import CLAIM_KINDS, CONCERNS, DESIGNS, FAIL_ON, LEVELS, SEVERITIES, STANCES, Level, Severity

_LAZY = {
    "load": "loading.pipeline",
    "KnowledgeBase": "kb",
    "DraftsAudit": "audit.batch",
    "ClaimsEditor": "edit",
    "RefLibrary": "refs",
    "Registry": "registry",
    "read_config": "config",
    "write_output": "files",
    "Project": "project",
    "short_lived_process": "loading.processes",
    "Claim": "model",
    "Evidence": "model",
    "Finding": "model",
    "Grade": "model",
    "Reference": "model",
    **{name: "vocabulary" for name in ("CLAIM_KINDS", "CONCERNS", "DESIGNS", "FAIL_ON", "LEVELS", "SEVERITIES", "STANCES", "Level", "Severity")},
}


def today() -> str:
    """Today's date as YYYY-MM-DD (what ``kbase claim review`` records)."""
    import datetime

    return datetime.date.today().isoformat()


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'kbase' has no attribute {name!r}")
