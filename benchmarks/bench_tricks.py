"""Each cold-load trick on and off, as the whole-command wall time of a cold ``kbase check``.

A cold command is the first after a change: the parse cache is emptied before every run, so the
library is parsed, graded and written to the cache, as a writer's first ``kbase check`` after
``git pull`` does. Each configuration runs in a fresh process, all configurations alternate
within each round, and medians are compared with all tricks on and with the bare
``bibtexparser.parse_file`` of the same ``.bib`` (measured in the same rounds).

A trick is turned off from outside, by setting the module attribute that decides it before the
command runs (``OFF`` below); the code under test is the installed kbase, unchanged. Every trick
lives in :mod:`kbase.loading`; docs/performance.md keeps the tables of those measured in issue 30
and which were removed: to measure a removed one, run this script from a commit that still had it
(9e05c7e for the joined pickles, c0f4dfc for the ``.bib`` halves and the background cache writes,
b4f90d6 for the grading worker, whose switch was ``kbase.loading.pipeline.PARALLEL_GRADE_CLAIMS``).

    python benchmarks/bench_tricks.py [--refs 20000 --claims 4000 --links 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import library_arguments, wall_seconds, write_library  # noqa: E402

#: trick name -> the code that turns it off, run before the command
OFF = {
    "gc-pause": (
        "import contextlib, kbase.loading.processes as p, kbase.loading.reading as r, kbase.loading.pipeline as l\n"
        "p.paused_gc = r.paused_gc = l.paused_gc = contextlib.nullcontext\n"
    ),
    "gc-freeze": "import kbase.loading.processes as p\np.short_lived_process = lambda: None\n",
    "claims-worker": "import kbase.loading.reading as r\nr.PARALLEL_CLAIMS_BYTES = 10**18\n",
}

COMMAND = """
import os, sys
{off}
from kbase.cli import main
if os.environ.get("BENCH_OFF") == "gc-freeze":
    import kbase.cli
    kbase.cli.short_lived_process = lambda: None
sys.argv = ["kbase", "--claims", sys.argv[1], "--bib", sys.argv[2], "check"]
main()
"""

BASELINE = "import sys, bibtexparser\nbibtexparser.parse_file(sys.argv[2])\n"


def timed(code: str, claims: Path, bib: Path, env: dict[str, str]) -> float:
    """A cold run: the parse cache emptied first."""
    shutil.rmtree(claims.parent / ".kbase-cache", ignore_errors=True)
    return wall_seconds([sys.executable, "-c", code, str(claims), str(bib)], claims.parent, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    library_arguments(parser)
    parser.add_argument("--only", nargs="*", help="Measure just these tricks (default: every one kbase has).")
    args = parser.parse_args()
    tricks = dict(OFF)
    if args.only:
        tricks = {name: code for name, code in tricks.items() if name in args.only}
    env = {**os.environ, "KBASE_NO_CACHE": "", "KBASE_NO_SEMANTIC": "1"}
    times: dict[str, list[float]] = {"parse_file": [], "all on": [], **{f"{name} off": [] for name in tricks}}
    with tempfile.TemporaryDirectory() as folder:
        claims, bib = write_library(Path(folder), args.refs, args.claims, args.links)
        print(f"library: {args.refs:,} references ({bib.stat().st_size / 1e6:.1f} MB), {args.claims:,} claims, {args.links:,} links")
        print(f"machine: {os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.2f}")
        for _ in range(args.repeat):
            times["parse_file"].append(timed(BASELINE, claims, bib, env))
            times["all on"].append(timed(COMMAND.format(off=""), claims, bib, env))
            for name, code in tricks.items():
                times[f"{name} off"].append(timed(COMMAND.format(off=code), claims, bib, {**env, "BENCH_OFF": name}))
        print(f"load average at end {os.getloadavg()[0]:.2f}")
    base, on = statistics.median(times["parse_file"]), statistics.median(times["all on"])
    print(f"medians of {args.repeat} rounds, each configuration in a fresh process, alternating; cold `kbase check` (parse cache emptied)")
    print(f"{'configuration':<24} {'seconds':>8} {'x parse_file':>13} {'trick saves':>12}")
    for name, runs in times.items():
        median = statistics.median(runs)
        saves = f"{(median - on) / median:+.0%}" if name.endswith(" off") else ""
        print(f"{name:<24} {median:8.2f} {median / base:13.2f} {saves:>12}")
    print("'trick saves': how much of the command's time with the trick off it saves when on (keep from 10 %)")


if __name__ == "__main__":
    main()
