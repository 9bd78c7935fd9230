"""The draft audit is linear in the draft's size: audit drafts of 0.27, 1 and 5 MB against the bundled library.

Drafts are SciFact abstract sentences (../shared/corpus/scifact/corpus.jsonl), every other one
ending in a numbered citation after its full stop, one sentence per line, in paragraphs of five
sentences ("paragraphs") or as one paragraph for the whole draft ("one paragraph", the shape that
was quadratic). Prints seconds, seconds per MB, and the ratio of the largest to the smallest per
MB (1.0 is linear). Goal: a 5 MB draft audits in under 10 s.

    python benchmarks/bench_draft_size.py [--sizes 270000 1000000 4900000]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import kbase

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "scifact" / "corpus.jsonl"


def draft(size: int, one_paragraph: bool) -> str:
    sentences = []
    with CORPUS.open(encoding="utf-8") as handle:
        for line in handle:
            sentences.extend(" ".join(s.split()) for s in json.loads(line)["abstract"])
    paragraphs, total, i = [], 0, 0
    while total < size:
        lines = [sentences[(i + j) % len(sentences)] + (f"[{(i + j) % 9 + 1}]" if j % 2 else "") for j in range(5)]
        i += 5
        paragraphs.append("\n".join(lines))
        total += sum(len(line) + 1 for line in lines) + 1
    return ("\n" if one_paragraph else "\n\n").join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[270_000, 1_000_000, 4_900_000])
    args = parser.parse_args()
    kb = kbase.load(ROOT / "claims.yaml", ROOT / "references.bib", year=2026)
    print(f"{'shape':<14}{'bytes':>10}{'sentences':>11}{'seconds':>9}{'s/MB':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for one_paragraph in (False, True):
            per_mb = []
            for size in args.sizes:
                path = Path(folder) / "draft.md"
                path.write_text(draft(size, one_paragraph), encoding="utf-8")
                start = time.perf_counter()
                result = kb.audit_drafts([path])
                seconds = time.perf_counter() - start
                assert not result.unreadable, result.unreadable
                megabytes = path.stat().st_size / 1e6
                per_mb.append(seconds / megabytes)
                shape = "one paragraph" if one_paragraph else "paragraphs"
                print(f"{shape:<14}{path.stat().st_size:>10,}{result.sentences:>11,}{seconds:>9.2f}{per_mb[-1]:>7.2f}")
            print(f"  largest / smallest, per MB: {per_mb[-1] / per_mb[0]:.2f}x (1.0 is linear)")


if __name__ == "__main__":
    main()
