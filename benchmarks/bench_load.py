"""Load + grade a large library against bibtexparser.parse_file alone, in one run.

Budgets (docs/performance.md): kbase.load(...) plus grading every claim takes no more than
1.5 times what bibtexparser.parse_file takes on the same .bib (no cache); with the parse cache
(issue 18), a cold load (empty cache, written as it goes) at most 1.5 times (issue 30: it was 1.3; simplicity is worth the difference), a warm load (nothing
changed) at most 0.2 times; ``kbase check`` on an unchanged library under 0.5 s of wall time.
Each measurement runs in a fresh process (so peak memory is its own), alternating baseline and
kbase, and the medians are compared.

    python benchmarks/bench_load.py [--refs 100000 --claims 20000 --links 100000 --repeat 3] [--no-cache-runs]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
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
import json, os, resource, sys, time
import kbase
kbase.short_lived_process()  # as the kbase command does: one job, then the process ends
t = time.perf_counter()
kb = kbase.load(sys.argv[2], sys.argv[1], cache=os.environ.get("BENCH_CACHE") == "on")
grades = kb.grades
elapsed = time.perf_counter() - t
assert not kb.problems, kb.problems[:3]
print(json.dumps({"seconds": elapsed, "claims": len(grades), "references": len(kb.references),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, bib: Path, claims: Path, gc: str = "on", cache: str = "off") -> dict[str, float]:
    env = {**os.environ, "BASELINE_GC": gc, "BENCH_CACHE": cache, "KBASE_NO_CACHE": ""}
    out = subprocess.run([sys.executable, "-c", code, str(bib), str(claims)], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cache-runs", action="store_true", help="Skip the parse-cache measurements.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        claims, bib = write_library(Path(folder), args.refs, args.claims, args.links)
        print(
            f"library: {args.refs:,} references ({bib.stat().st_size / 1e6:.1f} MB), "
            f"{args.claims:,} claims, {args.links:,} links ({claims.stat().st_size / 1e6:.1f} MB)"
        )
        base, base_nogc, ours = [], [], []
        for _ in range(args.repeat):
            base.append(run(BASELINE, bib, claims))
            ours.append(run(KBASE, bib, claims))
            base_nogc.append(run(BASELINE, bib, claims, gc="off"))
        cached = {} if args.no_cache_runs else cache_runs(Path(folder), bib, claims, args.repeat)
    b = statistics.median(r["seconds"] for r in base)
    bn = statistics.median(r["seconds"] for r in base_nogc)
    k = statistics.median(r["seconds"] for r in ours)
    print(f"medians of {args.repeat} runs each, alternating")
    print(f"bibtexparser.parse_file alone           : {b:6.2f} s  (peak {max(r['peak_mb'] for r in base):.0f} MB)")
    print(f"bibtexparser.parse_file, GC paused too  : {bn:6.2f} s  (for comparison: kbase pauses the GC while loading)")
    print(f"kbase load + grade                      : {k:6.2f} s  (peak {max(r['peak_mb'] for r in ours):.0f} MB)")
    print(f"ratio to parse_file                     : {k / b:6.2f}x  (budget 1.50x)  {'OK' if k / b <= 1.5 else 'OVER BUDGET'}")
    print(f"ratio to parse_file with GC paused      : {k / bn:6.2f}x")
    if cached:
        budgets = {"cold": 1.5, "warm": 0.2, "claims-edited": None}
        for name, seconds in cached.items():
            if name == "check":
                print(f"kbase check, unchanged library (wall)   : {seconds:6.2f} s  (budget 0.50 s)  {'OK' if seconds <= 0.5 else 'OVER BUDGET'}")
                continue
            budget = budgets[name]
            verdict = f"(budget {budget:.2f}x)  {'OK' if seconds / b <= budget else 'OVER BUDGET'}" if budget else ""
            print(f"with the parse cache, {name:<14}    : {seconds:6.2f} s  = {seconds / b:5.2f}x parse_file  {verdict}")


def cache_runs(folder: Path, bib: Path, claims: Path, repeat: int) -> dict[str, float]:
    """Medians of: a cold load (no cache yet), a warm one (nothing changed), one after claims.yaml
    changed (the .bib from the cache), and ``kbase check`` as a command on the unchanged library."""
    import shutil

    cache = folder / ".kbase-cache"
    cold, warm, edited, check = [], [], [], []
    original = claims.read_text(encoding="utf-8")
    for i in range(repeat):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(run(KBASE, bib, claims, cache="on")["seconds"])
        warm.append(run(KBASE, bib, claims, cache="on")["seconds"])
        claims.write_text(original + f"# edit {i}\n", encoding="utf-8")
        edited.append(run(KBASE, bib, claims, cache="on")["seconds"])
        command = [str(Path(sys.executable).with_name("kbase")), "--claims", str(claims), "--bib", str(bib), "check"]
        for _turn in ("first, which fills the findings slot", "second, timed"):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False, env={**os.environ, "KBASE_NO_CACHE": ""}, cwd=folder)
        check.append(time.perf_counter() - start)
    claims.write_text(original, encoding="utf-8")
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "claims-edited": statistics.median(edited),
        "check": statistics.median(check),
    }


if __name__ == "__main__":
    main()
