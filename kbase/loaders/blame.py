"""When each BibTeX entry last changed, from git (``review-due`` after a reference changed)."""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Sequence
from pathlib import Path

from ..git import run_git
from ..model import Reference

__all__ = ["entry_change_dates"]


def entry_change_dates(references: Sequence[Reference]) -> dict[str, str]:
    """The date (``YYYY-MM-DD``) each reference's BibTeX entry last changed, from ``git blame`` of its
    file: the newest line of the entry (a line not yet committed counts as changed today). Empty for
    files outside a git repository, or without git: then nothing can be said, and nothing is."""
    by_file: dict[str, list[Reference]] = {}
    for ref in references:
        if ref.where is not None:
            by_file.setdefault(ref.where.path, []).append(ref)
    dates: dict[str, str] = {}
    for path, refs in by_file.items():
        file = Path(path).resolve()
        try:
            blame = run_git(file.parent, "blame", "--no-textconv", "--line-porcelain", "--", file.name, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            return {}
        if blame.returncode != 0:
            continue
        times: list[int] = []  # the commit time of each line, in order
        for line in blame.stdout.split(b"\n"):
            if line.startswith(b"committer-time "):
                times.append(int(line.split()[1]))
        starts = sorted((r.where.line, r.key) for r in refs if r.where is not None)
        for (start, key), (end, _) in zip(starts, [*starts[1:], (len(times) + 1, "")]):
            newest = max(times[start - 1 : end - 1], default=0)
            if newest:
                dates[key] = datetime.datetime.fromtimestamp(newest, datetime.UTC).date().isoformat()
    return dates
