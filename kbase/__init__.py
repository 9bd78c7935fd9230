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

from .errors import KbaseError, LoadError, Location, UnknownClaimError

__version__ = "0.1.0"

__all__ = [
    "Claim",
    "Evidence",
    "Finding",
    "Grade",
    "KbaseError",
    "KnowledgeBase",
    "Level",
    "LoadError",
    "Location",
    "Reference",
    "Severity",
    "UnknownClaimError",
    "load",
]

if TYPE_CHECKING:
    from .kb import KnowledgeBase, load
    from .levels import Level
    from .model import Claim, Evidence, Finding, Grade, Reference, Severity

_LAZY = {
    "load": "kb", "KnowledgeBase": "kb", "Level": "levels",
    "Claim": "model", "Evidence": "model", "Finding": "model", "Grade": "model", "Reference": "model", "Severity": "model",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'kbase' has no attribute {name!r}")
