"""JSON output: the same records as the text output, as plain data.

The shapes are documented in ``docs/commands.md``; keys are only ever added.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..model import Claim, Finding, Grade
from ..vocabulary import LINK_STANCES, Severity

if TYPE_CHECKING:
    from ..history import GradePoint, LibraryDiff
    from ..refs import DuplicateGroup
    from ..suggest import Ranking

__all__ = [
    "claim_log_document",
    "dumps",
    "duplicates_document",
    "finding_data",
    "findings_document",
    "grade_data",
    "grades_document",
    "impact_data",
    "library_diff_document",
    "suggestions_document",
]

SCHEMA_VERSION = 1


#: Characters JSON may carry raw but a terminal or editor showing the file would obey: C1 controls,
#: bidirectional marks, overrides and isolates (C0 controls json.dumps escapes itself).
_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def dumps(data: Any) -> str:
    r"""Pretty, stable JSON (UTF-8 kept readable; control and bidi characters as ``\u`` escapes, which read back the same).

    >>> print(dumps({"title": "rtl\u202e"}))
    {
      "title": "rtl\u202e"
    }
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, indent=2, ensure_ascii=False))


def finding_data(finding: Finding) -> dict[str, Any]:
    """A finding as a JSON object."""
    where = finding.where
    data: dict[str, Any] = {
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "path": where.path if where else None,
        "line": where.line if where and where.line else None,
        "column": where.col if where and where.line else None,
        "subject": finding.subject or None,
        "suggestions": list(finding.suggestions),
    }
    if where is not None and where.unit == "paragraph":  # a Word draft: no lines, so paragraph, offset and first words
        data.update(line=None, column=None, paragraph=where.line, offset=where.col - 1, excerpt=where.excerpt)
    return data


def findings_document(findings: Iterable[Finding], claims: int, references: int) -> dict[str, Any]:
    """``{"version", "summary", "findings"}`` for ``audit`` and ``check``."""
    findings = list(findings)
    return {
        "version": SCHEMA_VERSION,
        "summary": {
            "claims": claims,
            "references": references,
            **{str(s): sum(1 for f in findings if f.severity == s) for s in sorted(Severity, reverse=True)},
        },
        "findings": [finding_data(f) for f in findings],
    }


def grade_data(grade: Grade, claim: Claim | None = None) -> dict[str, Any]:
    """A grade as a JSON object, with its reasons and links."""
    data: dict[str, Any] = {
        "claim": grade.claim_id,
        "level": str(grade.level),
        "kind": grade.kind,
        "flags": list(grade.flags),
        "independent_sources": grade.independent_sources,
        "sources": [list(group) for group in grade.sources],
        "reasons": [{"rule": r.rule, "message": r.message, "level": str(r.level) if r.level is not None else None} for r in grade.reasons],
        "links": [
            {
                "ref": l.ref,
                "stance": l.stance,
                "design": l.design,
                "design_inferred": l.design_inferred,
                "start": str(l.start),
                "level": str(l.level),
                "concerns": list(l.concerns),
                "indirect": l.indirect,
                "locator": l.locator or None,
                "set_aside": l.set_aside or None,
            }
            for l in grade.links
        ],
    }
    if grade.has_flag("contested"):
        data["sides"] = {
            stance: [{"ref": l.ref, "design": l.design, "level": str(l.level)} for l in grade.links if l.stance == stance and not l.set_aside]
            for stance in LINK_STANCES
        }
    if claim is not None:
        data["statement"] = claim.statement
        data["depends_on"] = list(claim.depends_on)
        data["appears_in"] = [{"article": a.article, "section": a.section or None, "quote": a.quote or None} for a in claim.appears_in]
    return data


def grades_document(claims: Mapping[str, Claim], grades: Mapping[str, Grade]) -> dict[str, Any]:
    """Every grade, in file order."""
    return {"version": SCHEMA_VERSION, "grades": [grade_data(g, claims[c]) for c, g in grades.items()]}


def impact_data(impact: Any) -> dict[str, Any]:
    """An impact report as a JSON object."""
    return {
        "ref": impact.ref,
        "linked": list(impact.linked),
        "changes": [
            {
                "claim": c.claim_id,
                "before": str(c.before),
                "after": str(c.after),
                "articles": list(c.articles),
                "lost_best": c.lost_best,
                "becomes_unsupported": c.becomes_unsupported,
            }
            for c in impact.changes
        ],
    }


def suggestions_document(ranking: Ranking) -> dict[str, Any]:
    """``kbase suggest``: the ranked references, each with its citation and the stance of a link the claim already has."""
    return {
        "version": SCHEMA_VERSION,
        "query": ranking.query,
        "suggestions": [
            {
                "ref": s.key,
                "score": s.score,
                "citation": ranking.citations[s.key],
                "design": ranking.references[s.key].design,
                "sentence": s.sentence or None,
                "linked": ranking.linked.get(s.key),
            }
            for s in ranking.suggestions
        ],
    }


def duplicates_document(groups: Sequence[DuplicateGroup], versions: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """``kbase refs dedupe --dry-run``: the duplicate groups, then the versions of a work (never merged)."""
    return {
        "version": SCHEMA_VERSION,
        "groups": [
            {"keys": list(g.keys), "keep": g.keep, "reason": g.reason, "score": g.score, "used_by": {k: list(c) for k, c in g.used_by}}
            for g in groups
        ],
        "versions": [{"key": k, "published": p, "kind": kind} for k, p, kind in versions],
    }


def library_diff_document(diff: LibraryDiff) -> dict[str, Any]:
    """``kbase diff``: every claim that changed, most serious first, then the references and articles."""
    return {
        "version": SCHEMA_VERSION,
        "before": diff.before,
        "after": diff.after,
        "claims": [
            {
                "claim": c.claim_id,
                "before": str(c.before) if c.before is not None else None,
                "after": str(c.after) if c.after is not None else None,
                "renamed_from": c.renamed_from or None,
                "flags_gained": list(c.flags_gained),
                "flags_lost": list(c.flags_lost),
                "links_added": list(c.links_added),
                "links_removed": list(c.links_removed),
                "reasons": list(c.reasons),
                "articles": list(c.articles),
            }
            for c in diff.claims
        ],
        "references": {"added": diff.references_added, "removed": diff.references_removed, "retracted": diff.references_retracted},
        "articles_affected": diff.articles,
        "problems": {"before": diff.problems_before, "after": diff.problems_after},
        "notes": diff.notes,
    }


def claim_log_document(claim_id: str, points: Sequence[GradePoint]) -> dict[str, Any]:
    """``kbase log``: a claim's level at each commit that changed the library, oldest first."""
    return {
        "version": SCHEMA_VERSION,
        "claim": claim_id,
        "history": [
            {"commit": p.commit, "date": p.date, "subject": p.subject, "level": str(p.level) if p.level is not None else None, "note": p.note or None}
            for p in points
        ],
    }
