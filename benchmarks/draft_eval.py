"""Precision and recall of the claim matcher and of every draft rule on the labelled drafts.

    python benchmarks/draft_eval.py [--threshold 60] [--sweep] [--semantic]

`--semantic` matches by meaning too (kbase[semantic] installed; off by default, as in kbase).

`--sweep` prints the matcher's figures over a range of thresholds: the default threshold is
chosen from it (see docs/drafts.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import kbase
from benchmarks.evaluation import evaluate
from kbase.drafts.matcher import DEFAULT_THRESHOLD

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list every disagreement with the labels")
    parser.add_argument("--semantic", action="store_true", help="match by meaning too (kbase[semantic])")
    args = parser.parse_args()
    kb = kbase.load(ROOT / "claims.yaml", ROOT / "references.bib", year=2026, semantic=args.semantic)
    folder = ROOT / "tests" / "drafts"
    if args.sweep:
        print("threshold  precision  recall   (claim matching)")
        for threshold in range(50, 91, 5):
            result = evaluate(kb, folder, threshold)
            print(f"{threshold:>9}  {result.matcher.precision:9.3f}  {result.matcher.recall:6.3f}")
        print()
    result = evaluate(kb, folder, args.threshold)
    m = result.matcher
    print(f"threshold {args.threshold:g}: claim matching precision {m.precision:.3f}, recall {m.recall:.3f} (tp {m.tp}, fp {m.fp}, fn {m.fn})")
    print(f"{'rule':<24} {'cases +/-':>10} {'precision':>10} {'recall':>7}")
    for rule, scores in sorted(result.rules.items()):
        cases = f"{result.positives[rule]}/{result.negatives[rule]}"
        print(f"{rule:<24} {cases:>10} {scores.precision:10.3f} {scores.recall:7.3f}")
    if args.misses:
        print("\n".join(result.misses))


if __name__ == "__main__":
    main()
