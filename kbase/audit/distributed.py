"""Auditing drafts on Dask (the optional ``kbase[distributed]`` extra): past one machine's processes.

The per-draft audit is a pure function of a picklable library snapshot and the draft
(:class:`~kbase.audit.batch.DraftAuditor`), so any engine that maps a function over a list can
run it. This module maps it over a Dask bag; with ``scheduler="processes"`` it runs on a local
cluster of processes, and given a ``dask.distributed`` client it runs wherever that client's
workers are (they need the drafts at the same paths, as on a shared file system). The outcomes
come back in the order of the paths, equal to the serial run's (``tests/test_batch.py``).
docs/scale.md has the measured throughput and the arithmetic for a million pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from .batch import DraftAuditor, DraftOutcome

__all__ = ["audit_with_dask"]


def audit_with_dask(
    auditor: DraftAuditor, paths: Sequence[str], partitions: int | None = None, scheduler: str | None = "processes"
) -> list[DraftOutcome]:
    """The outcome of each draft, in the order of ``paths``, computed by Dask.

    ``partitions`` (default: four per core) sets how many tasks the list is cut into; the
    snapshot is shipped once per task. ``scheduler`` is passed to ``compute`` (None: Dask's
    default, or the active ``dask.distributed`` client).

    Raises
    ------
    ImportError
        When Dask is not installed (``pip install 'kbase[distributed]'``).
    """
    import os

    import dask.bag as db

    if not paths:
        return []
    count = partitions or min(len(paths), 4 * (os.cpu_count() or 1))
    bag = db.from_sequence(list(paths), npartitions=count).map(auditor)
    if scheduler == "processes":  # one task per submission: Dask's default batches six, which left one core idle
        return list(bag.compute(scheduler=scheduler, chunksize=1))
    return list(bag.compute(scheduler=scheduler) if scheduler else bag.compute())
