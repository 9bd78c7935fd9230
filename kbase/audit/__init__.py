"""Audits: the rule registry and the functions that report findings.

* :mod:`~kbase.audit.rules` — every rule kbase can report (id, severity, meaning);
* :mod:`~kbase.audit.library` — the library audit, over the graph and the grades;
* :mod:`~kbase.audit.drafts` — the draft audit, in named steps (read → resolve citations →
  match → coverage → findings);
* :mod:`~kbase.audit.refs` — reference lint (``kbase refs lint``);
* :mod:`~kbase.language.wording` — how firmly a sentence words something, and whether it reads as fact.
"""

from __future__ import annotations

from .rules import RULES, Rule, finding

__all__ = ["RULES", "Rule", "finding"]
