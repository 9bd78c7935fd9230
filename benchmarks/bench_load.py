"""Load + grade a large library against bibtexparser.parse_file alone, in one run.

Budget (docs/performance.md): kbase.load(...) plus grading every claim takes no more than
1.5 times what bibtexparser.parse_file takes on the same .bib. Each measurement runs in a fresh
process (so peak memory is its own), alternating baseline and kbase, and the medians are compared.

    python benchmarks/bench_load.py [--refs 100000 --claims 20000 --links 100000 --repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_library  # noqa: E402

BASELINE = """
import gc, json, os, resource, sys, time
import bibtexparser
if os.environ.get("BASELINE_GC") == "off":
    gc.disable()
t = time.perf_counter()
library = bibtexparser.parse_file(sys.argv[1])
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "entries": len(library.entries),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

KBASE = """
import json, resource, sys, time
import kbase
t = time.perf_counter()
kb = kbase.load(sys.argv[2], sys.argv[1])
grades = kb.grades
elapsed = time.perf_counter() - t
assert not kb.problems, kb.problems[:3]
print(json.dumps({"seconds": elapsed, "claims": len(grades), "references": len(kb.references),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, bib: Path, claims: Path, gc: str = "on") -> dict[str, float]:
    env = {**os.environ, "BASELINE_GC": gc}
    out = subprocess.run([sys.executable, "-c", code, str(bib), str(claims)], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        claims, bib = write_library(Path(folder), args.refs, args.claims, args.links)
        print(f"library: {args.refs:,} references ({bib.stat().st_size / 1e6:.1f} MB), "
              f"{args.claims:,} claims, {args.links:,} links ({claims.stat().st_size / 1e6:.1f} MB)")
        base, base_nogc, ours = [], [], []
        for _ in range(args.repeat):
            base.append(run(BASELINE, bib, claims))
            ours.append(run(KBASE, bib, claims))
            base_nogc.append(run(BASELINE, bib, claims, gc="off"))
    b = statistics.median(r["seconds"] for r in base)
    bn = statistics.median(r["seconds"] for r in base_nogc)
    k = statistics.median(r["seconds"] for r in ours)
    print(f"medians of {args.repeat} runs each, alternating")
    print(f"bibtexparser.parse_file alone           : {b:6.2f} s  (peak {max(r['peak_mb'] for r in base):.0f} MB)")
    print(f"bibtexparser.parse_file, GC paused too  : {bn:6.2f} s  (for comparison: kbase pauses the GC while loading)")
    print(f"kbase load + grade                      : {k:6.2f} s  (peak {max(r['peak_mb'] for r in ours):.0f} MB)")
    print(f"ratio to parse_file                     : {k / b:6.2f}x  (budget 1.50x)  {'OK' if k / b <= 1.5 else 'OVER BUDGET'}")
    print(f"ratio to parse_file with GC paused      : {k / bn:6.2f}x")


if __name__ == "__main__":
    main()
