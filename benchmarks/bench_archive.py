"""A whole archive audited at once: 10,000 drafts against the SciFact library, 1 process vs N, and Dask.

The library is SciFact converted by ``scifact_to_kbase.py`` (5,183 references, 1,109 claims). The
drafts are generated: each holds 8 to 20 sentences drawn (seeded) from SciFact's claims and from
sentences of its abstracts, some with a citation of a real key, in two or three paragraphs under a
heading, about 1.5 kB each. Each run audits all of them with ``kb.audit_drafts(..., jobs=N)``; the
library is loaded once, before the clock starts. The findings of every run are compared with the
one-process run (they must be equal, in the same order). With Dask installed, the same drafts go
through :func:`kbase.audit.distributed.audit_with_dask` on a local cluster of processes.

    python benchmarks/bench_archive.py [--drafts 10000] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scifact_to_kbase import SCIFACT, claims_with_labels, convert  # noqa: E402


def write_drafts(folder: Path, count: int, seed: int = 7) -> list[str]:
    import json

    rng = random.Random(seed)
    claims = [c["claim"] for c in claims_with_labels()]
    corpus = [json.loads(line) for line in (SCIFACT / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    abstract_sentences = [s.strip() for doc in corpus[:3000] for s in doc["abstract"] if 40 < len(s) < 300]
    keys = [f"scifact{doc['doc_id']}" for doc in corpus]
    paths = []
    for i in range(count):
        paragraphs = []
        for _ in range(rng.randint(2, 3)):
            sentences = []
            for _ in range(rng.randint(4, 7)):
                text = rng.choice(claims if rng.random() < 0.4 else abstract_sentences).rstrip(".") + "."
                if rng.random() < 0.3:
                    text = text[:-1] + f" [@{rng.choice(keys)}]."
                sentences.append(text)
            paragraphs.append(" ".join(sentences))
        path = folder / f"section-{i % 50:02d}" / f"draft-{i:05d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"# Draft {i}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    import kbase

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        claims, bib = convert(folder / "library")
        paths = write_drafts(folder, args.drafts)
        size = sum(os.path.getsize(p) for p in paths)
        kb = kbase.load(claims, bib)
        kb.grades  # noqa: B018 - graded before the clock starts, as a command does once
        print(
            f"{len(paths):,} drafts ({size / 1e6:.1f} MB) against {len(kb.claims):,} claims and {len(kb.references):,} references; "
            f"{os.cpu_count()} cores"
        )
        baseline = None
        base_time = 0.0
        for jobs in args.jobs:
            start = time.perf_counter()
            result = kb.audit_drafts([str(folder / "section-*" / "*.md")], jobs=jobs)
            elapsed = time.perf_counter() - start
            same = "" if baseline is None else ("  same findings as -j 1" if result.findings == baseline else "  FINDINGS DIFFER")
            if baseline is None:
                baseline, base_time = result.findings, elapsed
            print(
                f"-j {jobs}: {elapsed:6.1f} s  {len(paths) / elapsed:6.0f} drafts/s  {result.sentences / elapsed:7.0f} sentences/s  "
                f"speed-up {base_time / elapsed:4.2f}x  ({len(result.findings):,} findings){same}"
            )
        try:
            from kbase.audit.batch import audit_many
            from kbase.audit.distributed import audit_with_dask
        except ImportError:
            return
        try:
            import dask  # noqa: F401
        except ImportError:
            print("dask: not installed (pip install 'kbase[distributed]')")
            return
        auditor = kb.draft_auditor()
        names = sorted(paths)
        start = time.perf_counter()
        outcomes = audit_with_dask(auditor, names, scheduler="processes")
        elapsed = time.perf_counter() - start
        same = outcomes == list(audit_many(auditor, names, 1))
        print(
            f"dask bag, local processes: {elapsed:6.1f} s  {len(names) / elapsed:6.0f} drafts/s  "
            f"{'same outcomes as the serial run' if same else 'OUTCOMES DIFFER'}"
        )
        total_sentences = sum(o.sentences for o in outcomes)
        print(
            f"per core: {total_sentences / elapsed / (os.cpu_count() or 1):,.0f} sentences/s "
            f"({len(names) / elapsed / (os.cpu_count() or 1):,.0f} drafts/s)"
        )


if __name__ == "__main__":
    main()
