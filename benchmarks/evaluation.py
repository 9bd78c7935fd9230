"""Measuring the draft audit on labelled drafts (``tests/drafts``).

Each draft ``NAME.md`` (or ``.txt``) has a sidecar ``NAME.expected.yaml``: a list of items
``{text, claim, findings}``, where ``text`` is the start of a sentence (or of a reference-list
line), ``claim`` the claim id a careful reviewer says it states (or null), and ``findings`` the
rules that should fire on it. Sentences that are not listed state no known claim and should
draw no finding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kbase.audit import RULES

if TYPE_CHECKING:
    from kbase import KnowledgeBase

__all__ = ["Evaluation", "evaluate"]


@dataclass
class Scores:
    """True positives, false positives and false negatives, with precision and recall."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    """Scores of the matcher and of each draft rule over a labelled set."""

    threshold: float
    matcher: Scores = field(default_factory=Scores)
    rules: dict[str, Scores] = field(default_factory=dict)
    positives: Counter[str] = field(default_factory=Counter)  # labelled cases where the rule should fire
    negatives: Counter[str] = field(default_factory=Counter)  # labelled sentences where it should not
    misses: list[str] = field(default_factory=list)  # what went wrong, for reading


def _line_of(lines: list[str], text: str) -> int:
    for number, line in enumerate(lines, 1):
        if text in line:
            return number
    raise ValueError(f"labelled text not found in the draft: {text!r}")


def evaluate(kb: KnowledgeBase, folder: Path, threshold: float) -> Evaluation:
    """Audit every labelled draft in ``folder`` at ``threshold`` and score the results."""
    from ruamel.yaml import YAML

    from kbase.audit.drafts import audit_draft

    result = Evaluation(threshold)
    matcher = kb.matcher(threshold)  # as kbase audit matches: by meaning too when kbase[semantic] is installed and on
    draft_rules = [r.id for r in RULES.values() if r.kind == "draft"]
    for sidecar in sorted(folder.glob("*.expected.yaml")):
        stem = sidecar.name[: -len(".expected.yaml")]
        draft = next(p for p in folder.iterdir() if p.stem == stem and p.suffix in (".md", ".txt"))
        labels = YAML(typ="safe").load(sidecar.read_text(encoding="utf-8"))
        lines = draft.read_text(encoding="utf-8").splitlines()
        expected = {_line_of(lines, item["text"]): item for item in labels}
        report = audit_draft(kb.graph, kb.grades, str(draft), matcher)
        predicted_claim = {s.where.line: (m.claim_id if m else None) for s, m in zip(report.sentences, report.matches)}
        for line in sorted(set(predicted_claim) | {l for l, i in expected.items() if i["claim"]}):
            want = expected.get(line, {}).get("claim")
            got = predicted_claim.get(line)
            if got == want:
                result.matcher.tp += bool(got)
            else:
                if got:
                    result.matcher.fp += 1
                if want:
                    result.matcher.fn += 1
                result.misses.append(f"{draft.name}:{line}: claim expected {want}, matched {got}")
        fired: dict[int, set[str]] = {}
        for finding in report.findings:
            fired.setdefault(finding.where.line, set()).add(finding.rule)
        for line in sorted(set(fired) | set(expected) | set(predicted_claim)):
            want_rules = set(expected.get(line, {}).get("findings", []))
            got_rules = fired.get(line, set())
            for rule in draft_rules:
                scores = result.rules.setdefault(rule, Scores())
                if rule in want_rules:
                    result.positives[rule] += 1
                else:
                    result.negatives[rule] += 1
                if rule in want_rules and rule in got_rules:
                    scores.tp += 1
                elif rule in got_rules:
                    scores.fp += 1
                    result.misses.append(f"{draft.name}:{line}: {rule} fired, not expected")
                elif rule in want_rules:
                    scores.fn += 1
                    result.misses.append(f"{draft.name}:{line}: {rule} expected, did not fire")
    return result
