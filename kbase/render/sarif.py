"""SARIF 2.1.0 output, so code-scanning tools (GitHub, GitLab, IDEs) show findings on the line."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from ..audit.rules import RULES
from ..model import Finding, Severity

__all__ = ["sarif_document"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str) -> str:
    """A path as a SARIF URI reference (RFC 3986): separators as ``/``, everything else unsafe percent-encoded.

    Examples
    --------
    >>> _uri("drafts/my draft #2.md")
    'drafts/my%20draft%20%232.md'
    """
    return quote(path.replace(os.sep, "/"), safe="/:")


def sarif_document(findings: Iterable[Finding], version: str) -> dict[str, Any]:
    """One SARIF run holding every finding, with the rule catalogue of the rules used."""
    findings = list(findings)
    used = list(dict.fromkeys(f.rule for f in findings))
    rules = [
        {
            "id": rule_id,
            "shortDescription": {"text": RULES[rule_id].summary},
            "defaultConfiguration": {"level": LEVELS[RULES[rule_id].severity]},
        }
        for rule_id in used
        if rule_id in RULES
    ]
    results = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": used.index(finding.rule),
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
        }
        if finding.where is not None:
            region: dict[str, Any] = {"startLine": finding.where.line, "startColumn": finding.where.col} if finding.where.line else {}
            if region and finding.where.unit == "paragraph":  # a Word draft has paragraphs, not lines
                region = {"snippet": {"text": finding.where.excerpt}}
                result["properties"] = {"paragraph": finding.where.line, "offset": finding.where.col - 1}
            location: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.where.path)}}
            if region:
                location["region"] = region
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "kbase", "version": version, "rules": rules}}, "results": results}],
    }
