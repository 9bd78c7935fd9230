"""Evidence has a history: what a change to the library does to the grades (``kbase diff``).

Both revisions are read straight from git, without a checkout: ``git show REV:./path`` for each
library file, run in the folder of the claims file, written to a temporary folder and loaded there.
The ``git`` command is used rather than a Python git library: every machine that has the repository
has it, it reads packed, shallow and worktree repositories alike, and its error messages name the
problem (an unknown revision, a path not in that revision).

A revision where a file did not exist yet is an empty library (everything is "added"); a revision
whose files do not load reports their problems rather than failing.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .audit.batch import expand_drafts
from .audit.drafts import DraftReport, resolve_citations
from .cache import Cache, MemoryCache
from .drafts.matcher import DEFAULT_THRESHOLD, ClaimMatcher
from .drafts.reader import read_draft
from .errors import KbaseError, LoadError
from .git import GitMissing, GitRefused, run_git
from .kb import KnowledgeBase
from .language.spelling import did_you_mean
from .loading.pipeline import load
from .model import ClaimChange
from .vocabulary import Level

if TYPE_CHECKING:
    from .drafts.matcher import ClaimMatcher

__all__ = [
    "ChangedDrafts",
    "GradePoint",
    "LibraryDiff",
    "changed_drafts",
    "claim_history",
    "diff_libraries",
    "diff_revisions",
    "library_at",
]


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return run_git(folder, *args)
    except GitMissing:
        raise KbaseError("git is not installed; kbase diff reads the library's history from git") from None
    except GitRefused as exc:
        raise KbaseError(str(exc)) from None
    except subprocess.TimeoutExpired:
        raise KbaseError(f"git {' '.join(args)} took more than a minute") from None


def _check_repository(folder: Path) -> None:
    if _git(folder, "rev-parse", "--git-dir").returncode != 0:
        raise KbaseError(f"{folder}: not a git repository; kbase diff and kbase log read the history of a library kept in git")


def _check_revision(folder: Path, rev: str) -> None:
    if rev.startswith("-") or _git(folder, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode != 0:
        shallow = _git(folder, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"
        hint = " (this is a shallow clone: fetch more history with git fetch --deepen=50, or --unshallow)" if shallow else ""
        raise KbaseError(f"unknown revision {rev!r}{hint}")


def _revision_files(rev: str, claims: Path, bibs: list[Path]) -> tuple[dict[Path, bytes], list[str]]:
    """The bytes of the library's files at ``rev`` (``git show``), and notes on those that did not exist."""
    root = claims.resolve().parent
    _check_repository(root)
    _check_revision(root, rev)
    contents: dict[Path, bytes] = {}
    notes = []
    for path in [claims, *bibs]:
        resolved = path.resolve()
        relative = "./" + resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(path)
        shown = _git(root, "show", f"{rev}:{relative}")
        if shown.returncode == 0:
            contents[path] = shown.stdout
        else:
            notes.append(f"{path} did not exist at {rev}: read as empty")
    return contents, notes


def library_at(
    rev: str | None,
    claims: str | Path,
    bibs: Sequence[str | Path],
    *,
    year: int | None = None,
    encoding: str = "utf-8",
    reuse: Cache | None = None,
    folder: str | Path | None = None,
    files: tuple[dict[Path, bytes], list[str]] | None = None,
    claims_name: str | None = None,
) -> tuple[KnowledgeBase, list[str], dict[str, str]]:
    """The library as it was at git revision ``rev`` (None: the working tree), notes about it (files
    that did not exist at that revision), and how to name its files in messages (``REV:claims.yaml``).

    ``reuse`` (a :class:`kbase.cache.MemoryCache`) and a ``folder`` to write the revision's files in
    let several revisions share the parsing of the files whose bytes did not change between them;
    ``files`` are the revision's files when already read, ``claims_name`` the claims file's name there.
    """
    claims, bibs = Path(claims), [Path(b) for b in bibs]
    if rev is None:
        return load(claims, bibs, year=year, encoding=encoding), [], {}
    contents, notes = files if files is not None else _revision_files(rev, claims, bibs)
    with contextlib.ExitStack() as stack:
        where = Path(folder) if folder is not None else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kbase-diff-")))
        names: dict[Path, Path] = {}
        for index, path in enumerate([claims, *bibs]):
            target = where / (claims_name if path == claims and claims_name else f"{index}-{path.name}")
            target.write_bytes(_text_of(contents, path, claims))
            names[path] = target
        kb = load(names[claims], [names[b] for b in bibs], year=year, encoding=encoding, cache=reuse or False)
        kb.graph  # noqa: B018 - built now, while the files are this revision's
        return kb, notes, {str(target): f"{rev}:{path}" for path, target in names.items()}


def _text_of(contents: dict[Path, bytes], path: Path, claims: Path) -> bytes:
    return contents.get(path, b"kbase: 1\nclaims: []\n" if path == claims else b"")


@dataclass
class LibraryDiff:
    """What changed between two revisions of a library, ordered most serious first."""

    before: str
    after: str
    claims: list[ClaimChange] = field(default_factory=list)
    references_added: list[str] = field(default_factory=list)
    references_removed: list[str] = field(default_factory=list)
    references_retracted: list[str] = field(default_factory=list)
    problems_before: list[str] = field(default_factory=list)
    problems_after: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    library_before: KnowledgeBase | None = field(default=None, repr=False, compare=False)  # the first revision, loaded

    @property
    def articles(self) -> list[str]:
        """The articles that make a claim whose level changed, or that was added or removed."""
        return sorted({a for c in self.claims if c.before != c.after for a in c.articles})

    @property
    def empty(self) -> bool:
        return not (self.claims or self.references_added or self.references_removed or self.references_retracted or self.problems_after)


def _severity(change: ClaimChange) -> tuple[int, str]:
    if change.after == Level.UNSUPPORTED and change.before not in (None, Level.UNSUPPORTED):
        rank = 0
    elif change.lowered:
        rank = 1
    elif change.after is None:
        rank = 2
    elif change.flags_gained:
        rank = 3
    elif change.raised:
        rank = 4
    elif change.before is None:
        rank = 5
    else:
        rank = 6
    return rank, change.claim_id


def _problems(kb: KnowledgeBase, labels: dict[str, str]) -> list[str]:
    out = []
    for problem in kb.problems:
        where = str(problem.where) if problem.where else ""
        for temporary, label in labels.items():
            where = where.replace(temporary, label)
        out.append(f"{where}: {problem.message}" if where else problem.message)
    return out


def diff_libraries(old: KnowledgeBase, new: KnowledgeBase, before: str, after: str) -> LibraryDiff:
    """Compare two loaded libraries (see :func:`diff_revisions`)."""
    result = LibraryDiff(before, after)
    renamed = renamed_claims(old, new)
    for cid in sorted(set(old.claims) | set(new.claims)):
        if cid in renamed.values() and cid not in new.claims:
            continue  # reported under its new id
        change = claim_change(old, new, cid, renamed.get(cid, cid))
        if (
            change.before != change.after
            or change.flags_gained
            or change.flags_lost
            or change.links_added
            or change.links_removed
            or change.renamed_from
        ):
            result.claims.append(change)
    result.claims.sort(key=_severity)
    old_refs, new_refs = old.references, new.references
    result.references_added = sorted(set(new_refs) - set(old_refs))
    result.references_removed = sorted(set(old_refs) - set(new_refs))
    result.references_retracted = sorted(k for k in set(old_refs) & set(new_refs) if new_refs[k].retracted and not old_refs[k].retracted)
    return result


def renamed_claims(old: KnowledgeBase, new: KnowledgeBase) -> dict[str, str]:
    """New claim id → the old id of the removed claim with the same statement (a claim renamed)."""
    old_ids, new_ids = set(old.claims), set(new.claims)
    by_statement = {old.claims[c].statement: c for c in old_ids - new_ids}
    return {cid: by_statement[new.claims[cid].statement] for cid in new_ids - old_ids if new.claims[cid].statement in by_statement}


def claim_change(old: KnowledgeBase, new: KnowledgeBase, cid: str, source: str) -> ClaimChange:
    """How claim ``cid`` of ``new`` differs from claim ``source`` of ``old`` (either may be missing)."""
    was = old.grades.get(source) if source in old.claims else None
    now = new.grades.get(cid) if cid in new.claims else None
    claim = new.claims.get(cid) or old.claims.get(cid)
    old_links = {f"{e.ref} ({e.stance})" for e in old.claims[source].evidence} if source in old.claims else set()
    new_links = {f"{e.ref} ({e.stance})" for e in new.claims[cid].evidence} if cid in new.claims else set()
    old_reasons = {r.message for r in was.reasons} if was else set()
    flags_before, flags_after = (was.flags if was else ()), (now.flags if now else ())
    return ClaimChange(
        cid,
        was.level if was else None,
        now.level if now else None,
        tuple(f for f in flags_after if f not in flags_before),
        tuple(f for f in flags_before if f not in flags_after),
        tuple(sorted(new_links - old_links)),
        tuple(sorted(old_links - new_links)),
        tuple(r.message for r in (now.reasons if now else ()) if r.message not in old_reasons),
        tuple(dict.fromkeys(a.article for a in claim.appears_in)) if claim else (),
        source if source != cid else "",
    )


def diff_revisions(
    revisions: str | None,
    claims: str | Path,
    bibs: Sequence[str | Path],
    *,
    year: int | None = None,
    encoding: str = "utf-8",
    current: KnowledgeBase | None = None,
) -> LibraryDiff:
    """What changed in the library between two git revisions: ``None`` (HEAD against the working tree),
    ``"REV"`` (REV against the working tree) or ``"A..B"``.

    ``current`` is the working tree's library when the caller has loaded it already.

    Raises
    ------
    KbaseError
        Not a git repository, git missing, or an unknown revision (with a hint for shallow clones).
    """
    spec = revisions or "HEAD"
    if ".." in spec:
        first, _, second = spec.partition("..")
        before, after = first or "HEAD", second or None
    else:
        before, after = spec, None
    if after is None:
        _check_repository(Path(claims).resolve().parent)
    reuse = MemoryCache()  # a file unchanged between the two revisions is parsed once
    with tempfile.TemporaryDirectory(prefix="kbase-diff-") as folder:
        if after is None and current is not None:
            old, notes_before, labels_before = library_at(before, claims, bibs, year=year, encoding=encoding, reuse=reuse, folder=folder)
            new, notes_after, labels_after = current, [], {}
        elif after is None:
            old, notes_before, labels_before = library_at(before, claims, bibs, year=year, encoding=encoding, reuse=reuse, folder=folder)
            new, notes_after, labels_after = library_at(None, claims, bibs, year=year, encoding=encoding)
        else:  # two revisions
            files = _revision_files(after, Path(claims), [Path(b) for b in bibs])
            second = f"after-{Path(claims).name}"
            old, notes_before, labels_before = library_at(before, claims, bibs, year=year, encoding=encoding, reuse=reuse, folder=folder)
            new, notes_after, labels_after = library_at(
                after, claims, bibs, year=year, encoding=encoding, reuse=reuse, folder=folder, files=files, claims_name=second
            )
    result = diff_libraries(old, new, before, after or "working tree")
    # a revision's problems name its files as REV:path, not the temporary copies they were read from
    result.problems_before, result.problems_after = _problems(old, labels_before), _problems(new, labels_after)
    result.notes = notes_before + notes_after
    result.library_before = old
    return result


@dataclass(frozen=True, slots=True)
class GradePoint:
    """A claim's level at one commit that touched the library (``kbase log``)."""

    commit: str
    date: str
    subject: str
    level: Level | None  # None: the claim did not exist, or the library did not load, at that commit
    note: str = ""


def claim_history(
    claim_id: str, claims: str | Path, bibs: Sequence[str | Path], *, year: int | None = None, encoding: str = "utf-8", limit: int = 50
) -> list[GradePoint]:
    """The level of ``claim_id`` at each of the last ``limit`` commits that changed a library file, oldest first.

    Raises
    ------
    KbaseError
        Not a git repository, or git missing.
    """
    claims, bibs = Path(claims), [Path(b) for b in bibs]
    folder = claims.resolve().parent
    _check_repository(folder)
    paths = [p.resolve().relative_to(folder).as_posix() if p.resolve().is_relative_to(folder) else str(p) for p in [claims, *bibs]]
    shown = _git(folder, "log", f"-n{limit}", "--format=%H%x09%ad%x09%s", "--date=short", "--", *paths)
    points: list[GradePoint] = []
    known: set[str] = set()
    reuse = MemoryCache()  # most commits change one file: the others are parsed once
    with tempfile.TemporaryDirectory(prefix="kbase-log-") as temporary:
        for line in reversed(shown.stdout.decode("utf-8", "replace").splitlines()):
            commit, date, subject = (line.split("\t", 2) + ["", ""])[:3]
            kb, _, _ = library_at(commit, claims, bibs, year=year, encoding=encoding, reuse=reuse, folder=temporary)
            known.update(kb.claims)
            if kb.problems:
                points.append(GradePoint(commit[:10], date, subject, None, "the library did not load"))
            elif claim_id in kb.claims:
                points.append(GradePoint(commit[:10], date, subject, kb.grades[claim_id].level))
            else:
                points.append(GradePoint(commit[:10], date, subject, None, "no such claim yet"))
    if points and claim_id not in known:
        raise KbaseError(f"no claim {claim_id!r} in any commit that changed the library{did_you_mean(claim_id, sorted(known))}")
    return points


@dataclass
class ChangedDrafts:
    """The drafts ``kbase audit --changed`` audits, and why each was chosen."""

    revision: str
    drafts: list[str] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)  # draft -> "changed", "states claim X (moved)", "cites Y (retracted)"


def changed_drafts(
    revision: str,
    patterns: Sequence[str],
    claims: str | Path,
    bibs: Sequence[str | Path],
    *,
    year: int | None = None,
    encoding: str = "utf-8",
    current: KnowledgeBase | None = None,
    threshold: float | None = None,
) -> ChangedDrafts:
    """Which of the drafts ``patterns`` (paths or globs) to audit after the changes since git ``revision``.

    A draft is chosen when it changed since ``revision`` (committed, staged, unstaged or new and not
    ignored), when one of its sentences states a claim whose level or flags changed, or that was
    added, since then (matched against those claims alone, at the audit's threshold), or when it
    cites a reference that was removed or retracted since then (by key, identifier, reference-list
    number or Word field: resolved in ``revision``'s library, which still has a removed reference).
    The drafts come in the order of ``patterns``.

    Raises
    ------
    KbaseError
        Not a git repository, git missing, or an unknown revision.
    """

    folder = Path(claims).resolve().parent
    _check_repository(folder)
    _check_revision(folder, revision)
    touched = _touched_since(folder, revision)
    result = ChangedDrafts(revision)
    candidates = expand_drafts(patterns)
    for path in candidates:
        if Path(path).resolve() in touched:
            result.why[path] = "changed"
    diff = diff_revisions(revision, claims, bibs, year=year, encoding=encoding, current=current)
    new = current if current is not None else load(claims, bibs, year=year, encoding=encoding)
    moved = {c.claim_id: c for c in diff.claims if c.after is not None and (c.before != c.after or c.flags_gained or c.flags_lost)}
    gone = {**{k: "removed" for k in diff.references_removed}, **{k: "retracted" for k in diff.references_retracted}}
    matcher = ClaimMatcher([new.claims[c] for c in moved if c in new.claims], threshold or DEFAULT_THRESHOLD) if moved else None
    library_before = diff.library_before if diff.library_before is not None else new
    for path in candidates:
        if path not in result.why and (matcher or gone):
            why = _why_audit(path, library_before, gone, matcher, moved)
            if why:
                result.why[path] = why
    result.drafts = [p for p in candidates if p in result.why]
    return result


def _touched_since(folder: Path, revision: str) -> set[Path]:
    """Files changed since git ``revision`` (committed, staged or not), and new files git does not ignore."""
    top = Path(_git(folder, "rev-parse", "--show-toplevel").stdout.decode("utf-8", "replace").strip())
    changed = _git(top, "diff", "--no-ext-diff", "--no-textconv", "--name-only", "-z", revision, "--").stdout
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z").stdout
    return {(top / name).resolve() for listing in (changed, untracked) for name in listing.decode("utf-8", "surrogateescape").split("\0") if name}


def _why_audit(path: str, library_before: KnowledgeBase, gone: dict[str, str], matcher: ClaimMatcher | None, moved: dict[str, ClaimChange]) -> str:
    """Why the draft at ``path`` must be audited again ("cites X (retracted)", "states Y (low → very-low)",
    "unreadable"), or "" when nothing it cites or states changed."""

    try:
        draft = read_draft(path)
    except LoadError:
        return "unreadable"  # audited, so that the audit reports why
    # what each sentence cites, resolved in the first revision, where a removed reference still is: keys,
    # identifiers, numbers through the draft's reference list and Word fields alike
    keys = resolve_citations(library_before.graph, draft, DraftReport(path)) if gone else [[] for _ in draft.sentences]
    for sentence, cites in zip(draft.sentences, keys):
        cited = next((k for k in cites if k in gone), None)
        if cited:
            return f"cites {cited} ({gone[cited]})"
        match = matcher.match(sentence.clean) if matcher else None
        if match is not None:
            change = moved[match.claim_id]
            what = "added" if change.before is None else f"{change.before} → {change.after}" if change.before != change.after else "flags changed"
            return f"states {match.claim_id} ({what})"
    return ""
