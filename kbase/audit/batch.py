"""Auditing many drafts: a whole content folder, in several processes, in a stable order.

The audit of one draft is a pure function of a library snapshot and the draft:
:class:`DraftAuditor` holds the snapshot (the graph, the grades, the preprint map, the matcher's
threshold and, for ``--suggest``, the search index) as one picklable value, and calling it on a
draft's path gives a :class:`DraftOutcome`, also picklable. That is all a process pool, or a
distributed engine (:mod:`kbase.audit.distributed`), needs: the library is loaded once, shared
with the workers (inherited by ``fork``, or pickled once per worker), and the outcomes come back
in the order of the drafts, so any number of processes prints the same bytes as one.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import semantic as semantic_extra
from ..drafts.matcher import DEFAULT_THRESHOLD, ClaimMatcher
from ..drafts.reader import DRAFT_SUFFIXES
from ..errors import LoadError, Location
from ..graph import claims
from ..language.wording import counted
from ..loading.processes import can_fork
from ..model import Finding, Grade
from ..vocabulary import Severity
from .drafts import audit_draft

if TYPE_CHECKING:
    import networkx as nx

    from ..drafts.matcher import ClaimMatcher
    from ..suggest import SuggestIndex

__all__ = ["DraftAuditor", "DraftOutcome", "DraftsAudit", "audit_drafts", "audit_many", "draft_summary", "expand_drafts"]

_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class DraftOutcome:
    """What auditing one draft gave: its findings and counts, or the reason it could not be read."""

    path: str
    findings: tuple[Finding, ...] = ()
    sentences: int = 0
    matched: int = 0
    error: tuple[Location, str] | None = None  # (where, message) of the LoadError: exceptions do not pickle reliably


@dataclass
class DraftAuditor:
    """A library snapshot for draft audits; ``auditor(path)`` audits one draft (see the module docs)."""

    graph: nx.MultiDiGraph
    grades: Mapping[str, Grade]
    superseded: Mapping[str, str]
    threshold: float | None = None
    suggest_index: SuggestIndex | None = None
    vectors: Any = None  # the claims' wording embeddings (kbase[semantic]), row for row with the matcher's wordings
    cache: Any = None  # the parse cache, where drafts' sentence embeddings are kept (kbase[semantic])
    _matcher: ClaimMatcher | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_matcher"] = None  # rebuilt in each process from the graph: cheaper than shipping it
        return state

    def matcher(self) -> ClaimMatcher:
        """The sentence-to-claim matcher (built once per process)."""
        if self._matcher is None:
            self._matcher = ClaimMatcher(list(claims(self.graph)), self.threshold or DEFAULT_THRESHOLD)
            if self.vectors is not None:
                self._matcher.use_semantic(self.vectors, cache=self.cache)
        return self._matcher

    def report(self, path: str):  # type: ignore[no-untyped-def]  # -> DraftReport
        """The full :class:`~kbase.audit.drafts.DraftReport` of the draft at ``path``; raises LoadError."""

        index = self.suggest_index
        suggester = (lambda text, k: [s.key for s in index.search(text, k)]) if index is not None else None
        return audit_draft(self.graph, self.grades, path, self.matcher(), suggester, self.superseded)

    def __call__(self, path: str) -> DraftOutcome:
        if _GLOB_CHARS & set(path) and not os.path.exists(path):  # a pattern expand_drafts found nothing for
            return DraftOutcome(path, error=(Location(path, 0, 0), "no file matches this pattern"))
        try:
            report = self.report(path)
        except LoadError as exc:
            return DraftOutcome(path, error=(exc.location, exc.message))
        except (RecursionError, MemoryError, ValueError, LookupError, OSError) as exc:  # a reader's fault: this draft only
            return DraftOutcome(
                path,
                error=(
                    Location(path, 0, 0),
                    f"kbase could not read this draft ({type(exc).__name__}: {exc}); the other drafts were audited — please report this file's shape",
                ),
            )
        return DraftOutcome(path, tuple(report.findings), len(report.sentences), report.matched)


def expand_drafts(patterns: Iterable[str]) -> list[str]:
    """Paths and glob patterns (``content/**/*.md``, quoted so that kbase expands them) as draft paths.

    A pattern's matches come sorted, and are only files with a draft's extension
    (:data:`~kbase.drafts.reader.DRAFT_SUFFIXES`); a path that exists is taken as it is, even if it
    holds a ``*``; a pattern that matches nothing is kept, so that the audit reports it as
    unreadable. Each draft is audited once, in the order first given. Patterns never follow a
    symbolic link (:func:`safe_glob`).
    """

    out: dict[str, None] = {}
    for pattern in patterns:
        if _GLOB_CHARS & set(pattern) and not os.path.exists(pattern):
            matches = [p for p in safe_glob(pattern) if os.path.splitext(p)[1].lower() in DRAFT_SUFFIXES]
            for match in matches or [pattern]:
                out.setdefault(match)
        else:
            out.setdefault(pattern)
    return list(out)


def safe_glob(pattern: str) -> list[str]:
    """The regular files ``pattern`` matches (``**`` for any depth, as :func:`glob.glob` with ``recursive``),
    sorted, each real file once, without following a symbolic link: a folder that is a link is not
    entered and a file that is a link is not taken, so a repository's links (``content/a -> .``)
    neither loop nor lead outside it. The folders the pattern names before its first wildcard are
    taken as they are. Hidden names match only a part that starts with a dot, as in :mod:`glob`."""
    parts = pattern.split("/")
    start = 0
    base = "/" if pattern.startswith("/") else ""
    if base:
        parts = parts[1:]
    while start < len(parts) - 1 and not _GLOB_CHARS & set(parts[start]):  # the literal folders first
        base = os.path.join(base, parts[start]) if base else parts[start]
        start += 1
    found: dict[tuple[int, int], str] = {}

    def entries(folder: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(folder or ".") as listing:
                return list(listing)
        except OSError:
            return []

    def take(path: str) -> None:
        try:
            info = os.lstat(path)
        except OSError:
            return
        if stat.S_ISREG(info.st_mode):
            found.setdefault((info.st_dev, info.st_ino), path)

    def walk(folder: str, index: int) -> None:
        part = parts[index]
        last = index == len(parts) - 1
        if part == "**":
            if last:
                part = "*"
            else:
                walk(folder, index + 1)  # zero folders
                for entry in entries(folder):
                    if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
                        walk(os.path.join(folder, entry.name), index)
                return
        if not _GLOB_CHARS & set(part):
            path = os.path.join(folder, part)
            if last:
                take(path)
            elif os.path.isdir(path) and not os.path.islink(path):
                walk(path, index + 1)
            return
        for entry in entries(folder):
            if not fnmatch.fnmatchcase(entry.name, part) or (entry.name.startswith(".") and not part.startswith(".")):
                continue
            path = os.path.join(folder, entry.name)
            if last:
                take(path)
            elif entry.is_dir(follow_symlinks=False):
                walk(path, index + 1)

    if parts and (not base or os.path.isdir(base)):
        walk(base, start)
    return sorted(found.values())


_worker_auditor: DraftAuditor | None = None


def _start_worker(auditor: DraftAuditor) -> None:
    global _worker_auditor
    _worker_auditor = auditor


def _audit_in_worker(path: str) -> DraftOutcome:
    assert _worker_auditor is not None
    return _worker_auditor(path)


def audit_many(auditor: DraftAuditor, paths: Sequence[str], jobs: int = 1) -> Iterator[DraftOutcome]:
    """The outcome of each draft, in the order of ``paths``, audited in ``jobs`` processes (0: one per core).

    One process (or one draft) audits in this process. Workers are started with ``fork`` where the
    platform has it and no other thread runs (they share the loaded library without copying it), and
    ``spawn`` elsewhere. A
    worker that dies (killed, out of memory) breaks the pool: the drafts not yet given back are
    then audited in this process (``multiprocessing.Pool``, used before, waited forever for them);
    so are all of them when the system refuses the pool (no writable ``/dev/shm``, ``fork`` refused).
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    jobs = jobs or os.cpu_count() or 1
    jobs = min(jobs, len(paths))
    if jobs <= 1:
        yield from map(auditor, paths)
        return
    # fork shares the loaded library without copying it, but never beside another thread (the semantic
    # extra's onnxruntime runs some): a forked child could deadlock on a lock a thread held
    context = mp.get_context("fork" if can_fork() else "spawn")
    chunk = max(1, min(64, len(paths) // (jobs * 8)))
    given = 0
    try:
        pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(auditor,))
    except OSError:  # no writable /dev/shm for the pool's semaphores: one process
        yield from map(auditor, paths)
        return
    try:
        for outcome in pool.map(_audit_in_worker, paths, chunksize=chunk):
            given += 1
            yield outcome
    except (BrokenProcessPool, OSError):  # a worker died, or could not be started (fork refused)
        yield from map(auditor, paths[given:])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # a caller that stops early does not wait for the rest


Progress = Callable[[Iterable[DraftOutcome], int], Iterable[DraftOutcome]]


@dataclass
class DraftsAudit:
    """What auditing several drafts found: findings, counts, and the drafts that could not be read."""

    findings: list[Finding] = field(default_factory=list)
    unreadable: list[LoadError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. how to match paraphrases too
    drafts: int = 0
    sentences: int = 0
    matched: int = 0

    @property
    def summary(self) -> str:
        """``3 drafts: 120 sentences read, 14 stated known claims``."""
        return draft_summary(self.drafts, self.sentences, self.matched)


def draft_summary(drafts: int, sentences: int, matched: int) -> str:
    """``3 drafts: 120 sentences read, 14 stated known claims`` (``1 draft: 1 sentence read, 1 stated a known claim``)."""

    stated = "1 stated a known claim" if matched == 1 else f"{matched} stated known claims"
    return f"{counted(drafts, 'draft')}: {counted(sentences, 'sentence')} read, {stated}"


def audit_drafts(
    auditor: DraftAuditor,
    paths: Iterable[str],
    min_severity: Severity = Severity.INFO,
    progress: Progress | None = None,
    jobs: int = 1,
    *,
    semantic: bool = False,
) -> DraftsAudit:
    """Audit the drafts ``paths`` (paths or glob patterns, expanded and sorted) with ``auditor`` in ``jobs``
    processes, keeping the findings at or above ``min_severity`` (:meth:`kbase.KnowledgeBase.audit_drafts`);
    a draft that cannot be read is listed, not raised. ``semantic``: the library asked to match by meaning."""
    names = expand_drafts(paths)
    outcomes = audit_many(auditor, names, jobs)
    result = DraftsAudit()
    for outcome in progress(outcomes, len(names)) if progress else outcomes:
        if outcome.error is not None:
            result.unreadable.append(LoadError(*outcome.error))
            continue
        result.drafts += 1
        result.sentences += outcome.sentences
        result.matched += outcome.matched
        result.findings.extend(f for f in outcome.findings if f.severity >= min_severity)
    if semantic and any(f.rule == "unregistered-claim" for f in result.findings):
        if not semantic_extra.installed():  # where it would help: sentences that matched no claim may say one in other words
            result.notes.append(f"some sentences match no claim by their words; {semantic_extra.install_hint()}")
    return result
