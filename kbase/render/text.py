"""Plain-text output: compiler-style findings, grades and evidence for a terminal."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import zip_longest
from typing import TYPE_CHECKING

from ..language.wording import advice
from ..model import Claim, Finding, Grade, Reference, Severity
from ..vocabulary import LINK_STANCES, STANCES, Level

if TYPE_CHECKING:
    from ..history import GradePoint, LibraryDiff
    from ..impact import Impact
    from ..model import ClaimChange
    from ..refs import DuplicateGroup, ImportPlan
    from ..refs.verify import Verification
    from ..suggest import Ranking

__all__ = [
    "change_text",
    "claim_log_text",
    "diff_summary",
    "duplicates_summary",
    "duplicates_text",
    "evidence_text",
    "finding_line",
    "grades_text",
    "impact_text",
    "imported_lines",
    "library_diff_markdown",
    "library_diff_text",
    "premise_tree_text",
    "stats_text",
    "suggestions_text",
    "summary_line",
    "verification_notes",
    "visible",
]


# C0 controls but tab, newline and CR-LF line ends, DEL, C1 controls, and the bidirectional overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
_MAYBE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # the same, any \r: a fast first look


def visible(text: str) -> str:
    """``text`` safe for a terminal: control, escape and bidi characters shown as ``\\x1b``-style escapes.

    A statement or title holding ``ESC [ 2 J`` would otherwise clear the reader's screen, and a
    right-to-left override would show a finding's text reversed.

    Examples
    --------
    >>> print(visible("Ketamine\x1b[2J works\u202e"))
    Ketamine\\x1b[2J works\\u202e
    """

    def show(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    if _MAYBE_CONTROL.search(text) is None:  # the usual case, found in a third of the time of the substitution (a 5 MB table)
        return text
    return _CONTROL.sub(show, text)


def finding_line(finding: Finding) -> str:
    """``path:line:col: severity rule-id message``, as compilers print it.

    Examples
    --------
    >>> from kbase.errors import Location
    >>> finding_line(Finding("unsupported-claim", Severity.WARNING, "claim 'x' is unsupported", Location("claims.yaml", 4, 5)))
    "claims.yaml:4:5: warning unsupported-claim claim 'x' is unsupported"
    """
    where = f"{finding.where}: " if finding.where else ""
    hint = f" [candidates: {', '.join(finding.suggestions)}]" if finding.suggestions else ""
    return f"{where}{finding.severity} {finding.rule} {finding.message}{hint}"


def summary_line(findings: Iterable[Finding], claims: int, references: int, what: str | None = None) -> str:
    """One line of counts: what was read and how many findings of each severity."""
    counts = Counter(f.severity for f in findings)
    parts = ", ".join(f"{counts.get(s, 0)} {s}{'s' if counts.get(s, 0) != 1 else ''}" for s in sorted(Severity, reverse=True))
    return f"{what or f'{claims} claims, {references} references'}: {parts}"


def grades_text(claims: Mapping[str, Claim], grades: Mapping[str, Grade]) -> str:
    """One line per claim: level, independent sources, flags, id and statement."""
    width = max((len(c) for c in claims), default=10)
    lines = [f"{'level':<12} {'src':>3}  {'claim':<{width}}  flags"]
    for claim_id, grade in grades.items():
        flags = ", ".join(grade.flags)
        lines.append(f"{str(grade.level):<12} {grade.independent_sources:>3}  {claim_id:<{width}}  {flags}".rstrip())
    unsupported = [c for c, g in grades.items() if g.level == Level.UNSUPPORTED]
    lines.append("")
    if unsupported:
        lines.append(f"Unsupported ({len(unsupported)} of {len(grades)}): nothing in the library supports these claims:")
        lines.extend(f"  - {c}: {claims[c].statement}" for c in unsupported)
    elif not grades:
        lines.append("The library has no claims yet: add one with kbase claim add ID --statement \"…\".")
    else:
        lines.append(f"Every one of the {len(grades)} claims has supporting evidence.")
    return "\n".join(lines)


def evidence_text(claim: Claim, grade: Grade, references: Mapping[str, Reference], chains: Sequence[str] = ()) -> str:
    """Everything ``kbase evidence`` shows about one claim.

    ``chains`` describes each independent source (see :func:`kbase.lineage.source_chains`).
    """
    out = [f"{claim.id}: {claim.statement}", ""]
    flags = ", ".join(grade.flags) or "none"
    counted = sum(1 for l in grade.links if l.stance == "supports" and not l.set_aside)
    out.append(f"  level:                {grade.level}")
    out.append(f"  flags:                {flags}")
    out.append(f"  independent sources:  {grade.independent_sources} of {counted} supporting reference{'s' if counted != 1 else ''}")
    for number, chain in enumerate(chains, 1):
        out.append(f"      {number}. {chain}")
    missing = list(dict.fromkeys(e.ref for e in claim.evidence if e.ref not in references))
    if missing:  # a dangling ref: counts for nothing, and says so where the claim is shown
        out.append(f"  not in the library:   {', '.join(missing)} (linked, but no .bib entry has the key; kbase check reports it)")
    out.append(f"  kind:                 {grade.kind}{'' if claim.kind else ' (inferred from the statement)'}")

    out.append(f"  suggested wording:    {advice(claim.statement, grade.level, grade.kind)}")
    out.append("")
    out.append("  why:")
    for number, reason in enumerate(grade.reasons, 1):
        after = f"  [{reason.level}]" if reason.level is not None else ""
        out.append(f"    {number}. {reason.rule}: {reason.message}{after}")
    if grade.has_flag("contested"):
        out.extend(_sides(grade))
    for stance in STANCES:
        out.extend(_links_text(claim, grade, references, stance))
    if any(l.design_inferred for l in grade.links):
        out.append("")
        out.append("  * design inferred from the title or entry type (no design field)")
    if claim.depends_on:
        out.append("")
        out.append("  depends on: " + ", ".join(claim.depends_on))
    out.extend(_appearances_text(claim))
    return "\n".join(out)


def _links_text(claim: Claim, grade: Grade, references: Mapping[str, Reference], stance: str) -> list[str]:
    """``kbase evidence``: the links of one stance, each with its reference, design and worth, then its
    concerns, indirectness, locator and note."""
    links = [l for l in grade.links if l.stance == stance]
    if not links:
        return []
    out = ["", f"  {stance}:"]
    notes = {e.ref: e for e in claim.evidence if e.stance == stance}
    for link in links:
        ref = references.get(link.ref)
        label = ref.short if ref else "(not in the library)"
        label = label if len(label) <= 28 else label[:27] + "…"
        design = f"{link.design}{'*' if link.design_inferred else ''}"
        worth = f"{link.level}" if stance != "mentions" else "-"
        aside = f"  SET ASIDE: {link.set_aside}" if link.set_aside else ""
        out.append(f"    {link.ref:<34} {label:<28} {design:<17} {worth:<9}{aside}".rstrip())
        evidence = notes.get(link.ref)
        extra = [
            *(["concerns: " + ", ".join(link.concerns)] if link.concerns else []),
            *(["indirect"] if link.indirect else []),
            *([f"at {link.locator}"] if link.locator else []),
            *([evidence.note] if evidence is not None and evidence.note else []),
        ]
        out.extend(f"        {item}" for item in extra)
    return out


def _appearances_text(claim: Claim) -> list[str]:
    """``kbase evidence``: where the claim appears, with each quote."""
    if not claim.appears_in:
        return []
    out = ["", "  appears in:"]
    for appearance in claim.appears_in:
        section = f" § {appearance.section}" if appearance.section else ""
        out.append(f"    {appearance.article}{section}")
        if appearance.quote:
            out.append(f"        “{appearance.quote}”")
    return out


def _sides(grade: Grade) -> list[str]:
    """The supporting and the contradicting evidence side by side."""
    sides = {s: [l for l in grade.links if l.stance == s and not l.set_aside] for s in LINK_STANCES}
    width = max([len(f"{l.ref} [{l.design}, {l.level}]") for l in sides["supports"]] + [30]) + 2
    best = {s: (str(max(ls, key=lambda l: l.level).level) if ls else "none") for s, ls in sides.items()}
    out = ["", "  contested, side by side:", f"    {'supports (best: ' + best['supports'] + ')':<{width}}contradicts (best: {best['contradicts']})"]
    for left, right in zip_longest(sides["supports"], sides["contradicts"]):
        cell = lambda l: f"{l.ref} [{l.design}, {l.level}]" if l else ""  # noqa: E731
        out.append(f"    {cell(left):<{width}}{cell(right)}".rstrip())
    return out


#: How many levels of a premise tree are indented; deeper lines carry their depth instead.
TREE_DEPTH = 30


def premise_tree_text(claim_id: str, claims: Mapping[str, Claim], grades: Mapping[str, Grade]) -> str:
    """The premises of a claim as a tree, each with its level.

    A premise reached a second time (two claims resting on it) is printed once, then referred
    back to, so the output grows with the number of claims, never exponentially; a cycle is
    marked, not followed. The walk keeps its own stack, and beyond :data:`TREE_DEPTH` levels a line
    shows its depth instead of deeper indentation: a chain of thousands of premises prints in
    lines of bounded width.

    Examples
    --------
    >>> from kbase.model import Claim, Grade
    >>> from kbase.vocabulary import Level
    >>> cs = {c.id: c for c in [Claim("a", "A.", depends_on=("b", "c")), Claim("b", "B.", depends_on=("c",)), Claim("c", "C.")]}
    >>> print(premise_tree_text("a", cs, {k: Grade(k, Level.LOW) for k in cs}))
    a  [low]
    ├── b  [low]
    │   └── c  [low]
    └── c  (shown above)
    """
    lines: list[str] = []
    shown: set[str] = set()
    on_path: set[str] = set()  # the claims from the root to the one being printed
    # (claim id, prefix of its line, prefix of its children, depth); a bare id marks leaving that claim
    stack: list[tuple[str, str, str, int] | str] = [(claim_id, "", "", 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            on_path.discard(item)
            continue
        cid, branch, child_prefix, depth = item
        if depth > TREE_DEPTH:
            branch, child_prefix = f"{'':>{4 * TREE_DEPTH - 12}}(depth {depth}) └── ", f"{'':>{4 * TREE_DEPTH}}"
        grade = grades.get(cid)
        if cid in on_path:
            lines.append(f"{branch}{cid}  (cycle)")
            continue
        if cid in shown:
            lines.append(f"{branch}{cid}  (shown above)")
            continue
        shown.add(cid)
        lines.append(f"{branch}{cid}  [{grade.level}]" if grade else f"{branch}{cid}  [not in the library]")
        premises = claims[cid].depends_on if cid in claims else ()
        on_path.add(cid)
        stack.append(cid)
        for i, premise in reversed(list(enumerate(premises))):
            last = i == len(premises) - 1
            stack.append((premise, child_prefix + ("└── " if last else "├── "), child_prefix + ("    " if last else "│   "), depth + 1))
    return "\n".join(lines)


def impact_text(impact: Impact, claims: Mapping[str, Claim]) -> str:
    """What withdrawing a reference changes, claim by claim."""
    out = [
        f"withdrawing {impact.ref}: linked to {len(impact.linked)} claim{'s' if len(impact.linked) != 1 else ''}; {len(impact.changes)} change level"
    ]
    for change in impact.changes:
        marks = []
        if change.lost_best:
            marks.append("loses its best evidence")
        if change.becomes_unsupported:
            marks.append("becomes UNSUPPORTED")
        elif change.after > change.before:
            marks.append("rises: the reference contradicted it")
        articles = f"  (in {', '.join(change.articles)})" if change.articles else ""
        note = f"  — {'; '.join(marks)}" if marks else ""
        out.append(f"  {change.claim_id:<34} {str(change.before):>11} → {str(change.after):<11}{note}{articles}")
    unchanged = [c for c in impact.linked if c not in {ch.claim_id for ch in impact.changes}]
    if unchanged:
        out.append(f"  unchanged: {', '.join(unchanged)}")
    return "\n".join(out)


def stats_text(stats: Mapping[str, object]) -> str:
    """Library counts, one per line."""
    lines = [
        f"claims:      {stats['claims']}",
        f"references:  {stats['references']}",
        f"articles:    {stats['articles']}",
        f"links:       {stats['links']}",
        "levels:      " + ", ".join(f"{k} {v}" for k, v in stats["levels"].items()),  # type: ignore[attr-defined]
        "flags:       " + (", ".join(f"{k} {v}" for k, v in stats["flags"].items()) or "none"),  # type: ignore[attr-defined]
        "designs:     " + ", ".join(f"{k} {v}" for k, v in stats["designs"].items()),  # type: ignore[attr-defined]
    ]
    return "\n".join(lines)


def suggestions_text(ranking: Ranking) -> str:
    """``kbase suggest``: each reference with its rank, score, design, citation and best-matching sentence."""
    lines = []
    for rank, s in enumerate(ranking.suggestions, 1):
        ref = ranking.references[s.key]
        mark = f"  (already linked: {ranking.linked[s.key]})" if s.key in ranking.linked else ""
        lines.append(f"{rank:>2}. {s.key}  score {s.score:.2f}  [{ref.design}{'*' if ref.design_inferred else ''}]{mark}")
        lines.append(f"    {ranking.citations[s.key]}")
        if s.sentence and s.sentence != ref.title:
            lines.append(f"    “{s.sentence}”")
    return "\n".join(lines)


def duplicates_text(groups: Sequence[DuplicateGroup], references: Sequence[Reference], versions: Sequence[tuple[str, str, str]]) -> list[str]:
    """``kbase refs dedupe --dry-run``: the versions of a work, then each duplicate group with its members."""
    by_key = {r.key: r for r in references}
    lines = []
    for key, published, kind in versions:
        lines.append(
            f"{by_key[key].where}: {key} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} of {published} ({by_key[published].where}): another version, "
            "not merged; cite the published version"
        )
    for group in groups:
        lines.append(f"duplicates ({group.reason}, similarity {group.score:.0f}): keep {group.keep}")
        for key in group.keys:
            ref = by_key[key]
            used = dict(group.used_by).get(key, ())
            lines.append(f"  {ref.where}: {key}{'  (used by ' + ', '.join(used) + ')' if used else ''}  {ref.title[:70]}")
    return lines


def duplicates_summary(groups: Sequence[DuplicateGroup], references: Sequence[Reference], versions: Sequence[tuple[str, str, str]]) -> str:
    """``2 duplicate groups and 1 version among 120 references``."""
    return (
        f"{len(groups)} duplicate group{'s' if len(groups) != 1 else ''}"
        + (f" and {len(versions)} version{'s' if len(versions) != 1 else ''}" if versions else "")
        + f" among {len(references)} references"
    )


def verification_notes(result: Verification) -> list[str]:
    """``kbase refs verify``: what could not be checked, what has no identifier, and what ``--fix`` wrote or would write."""
    notes = []
    if result.unchecked:
        notes.append(f"{result.unchecked} could not be checked (the not-verified lines say why)")
    if result.without_identifier:
        notes.append(f"{result.without_identifier} {'has' if result.without_identifier == 1 else 'have'} no DOI or PMID to check")
    entries = f"{len(result.fixes)} entr{'ies' if len(result.fixes) != 1 else 'y'}"
    if result.fixed:
        notes.append(f"wrote the registry's values into {entries} ({', '.join(result.files)})")
    elif result.fixes:
        notes.append(f"kbase refs verify --fix would write the registry's values into {entries}")
    return notes


def imported_lines(plan: ImportPlan) -> list[str]:
    """``kbase refs import``/``add``: what was skipped as a duplicate, the lint of what was added, and the counts."""
    lines = [f"{item.where}: skipped “{item.get('title')[:70]}”: duplicates {twin}" for item, twin in plan.skipped]
    lines.extend(finding_line(f) for f in plan.findings)
    lines.append(
        f"{len(plan.added)} added, {len(plan.skipped)} duplicate{'s' if len(plan.skipped) != 1 else ''} skipped"
        + (f"; {len(plan.findings)} lint finding{'s' if len(plan.findings) != 1 else ''} on what was added" if plan.findings else "")
    )
    return lines


def change_text(change: ClaimChange) -> str:
    """One claim's change between two revisions: ``relief-three-months: low → very-low (now contested; links added: …)``."""
    before = str(change.before) if change.before is not None else "new"
    after = str(change.after) if change.after is not None else "removed"
    what = f"{change.claim_id}: {before} → {after}" if before != after else f"{change.claim_id}: {after}"
    extra = []
    if change.renamed_from:
        extra.append(f"renamed from {change.renamed_from}")
    if change.flags_gained:
        extra.append("now " + ", ".join(change.flags_gained))
    if change.flags_lost:
        extra.append("no longer " + ", ".join(change.flags_lost))
    if change.links_added:
        extra.append("links added: " + ", ".join(change.links_added))
    if change.links_removed:
        extra.append("links removed: " + ", ".join(change.links_removed))
    return what + (f" ({'; '.join(extra)})" if extra else "")


def diff_summary(diff: LibraryDiff) -> str:
    """``HEAD → working tree: 2 claims changed (1 lowered, 0 raised); references +1 −0``."""
    lowered = sum(1 for c in diff.claims if c.lowered)  # unsupported → unsupported with a flag dropped is not lowered
    raised = sum(1 for c in diff.claims if c.raised)
    return (
        f"{diff.before} → {diff.after}: {len(diff.claims)} claim{'s' if len(diff.claims) != 1 else ''} changed "
        f"({lowered} lowered, {raised} raised); references +{len(diff.references_added)} −{len(diff.references_removed)}"
        f"{f', {len(diff.references_retracted)} retracted' if diff.references_retracted else ''}"
    )


def library_diff_text(diff: LibraryDiff) -> list[str]:
    """``kbase diff``: notes, problems, retractions, each changed claim with the new reasons, references and articles."""
    lines = list(diff.notes)
    lines.extend(f"problem after: {problem}" for problem in diff.problems_after)
    lines.extend(f"retracted: {key}" for key in diff.references_retracted)
    for change in diff.claims:
        lines.append(change_text(change))
        lines.extend(f"    {reason}" for reason in change.reasons if change.before != change.after)
    if diff.references_added:
        lines.append("references added: " + ", ".join(diff.references_added))
    if diff.references_removed:
        lines.append("references removed: " + ", ".join(diff.references_removed))
    if diff.articles:
        lines.append("articles affected: " + ", ".join(diff.articles))
    return lines


def library_diff_markdown(diff: LibraryDiff) -> list[str]:
    """``kbase diff --format markdown``: short enough for a pull-request comment (the 20 most serious changes)."""
    lines = [f"**kbase: {diff_summary(diff)}**", ""]
    if diff.problems_after:
        lines += ["The library no longer loads:", *[f"- `{p}`" for p in diff.problems_after[:10]], ""]
    if diff.references_retracted:
        lines += [f"- ⚠️ retracted: {', '.join(f'`{k}`' for k in diff.references_retracted)}"]
    lines.extend(f"- {change_text(change)}" for change in diff.claims[:20])
    if len(diff.claims) > 20:
        lines.append(f"- … and {len(diff.claims) - 20} more (`kbase diff {diff.before}..` shows all)")
    if diff.articles:
        lines += ["", "Articles affected: " + ", ".join(f"`{a}`" for a in diff.articles)]
    return lines


def claim_log_text(points: Sequence[GradePoint]) -> list[str]:
    """``kbase log``: one line per commit, an arrow where the level changed."""
    lines, previous = [], "-"
    for point in points:
        level = str(point.level) if point.level is not None else f"({point.note})"
        mark = "" if level == previous else "  ←" if previous != "-" else ""
        lines.append(f"{point.date}  {point.commit}  {level:<28}  {point.subject[:70]}{mark}")
        previous = level
    return lines
