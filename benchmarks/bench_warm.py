"""Warm reading commands against the bare parse, whole process, on an unchanged library.

Budgets (docs/performance.md, issue 30): every reading command (``check``, ``grades``,
``evidence ID``, ``audit``, ``table``) on an unchanged 20,000-reference library takes at most 0.2
times what ``bibtexparser.parse_file`` takes on its ``.bib`` (each a whole process, interpreter
start included); ``kbase check`` on an unchanged 100,000-reference library under 0.5 s.

Each command is run once to fill the parse cache, then timed ``--repeat`` times, alternating with
the baseline; medians are compared.

    python benchmarks/bench_warm.py [--refs 20000 --claims 4000 --links 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import library_arguments, wall_seconds, write_library  # noqa: E402

COMMANDS = {
    "check": ["check"],
    "grades": ["grades"],
    "evidence ID": ["evidence", "claim-7"],
    "audit": ["audit"],
    "table": ["table"],
}


def seconds(command: list[str], cwd: Path) -> float:
    return wall_seconds(command, cwd, {**os.environ, "KBASE_NO_CACHE": ""})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    library_arguments(parser)
    parser.add_argument("--only", nargs="*", choices=list(COMMANDS), help="Time just these commands.")
    args = parser.parse_args()
    kbase = [str(Path(sys.executable).with_name("kbase"))]
    chosen = {name: argv for name, argv in COMMANDS.items() if not args.only or name in args.only}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        claims, bib = write_library(folder, args.refs, args.claims, args.links)
        print(f"library: {args.refs:,} references ({bib.stat().st_size / 1e6:.1f} MB), {args.claims:,} claims, {args.links:,} links")
        for argv in chosen.values():
            seconds(kbase + argv, folder)  # fills the cache for this command
        base, times = [], {name: [] for name in chosen}
        for _ in range(args.repeat):
            base.append(seconds([sys.executable, "-c", f"import bibtexparser; bibtexparser.parse_file({str(bib)!r})"], folder))
            for name, argv in chosen.items():
                times[name].append(seconds(kbase + argv, folder))
    parse = statistics.median(base)
    print(f"medians of {args.repeat}, whole process, alternating; the parse cache warm, the library unchanged")
    print(f"{'bibtexparser.parse_file':<24} {parse:6.2f} s")
    for name, runs in times.items():
        median = statistics.median(runs)
        verdict = "OK" if median <= 0.2 * parse else "OVER BUDGET"
        print(f"kbase {name:<18} {median:6.2f} s  = {median / parse:4.2f}x parse_file  (budget 0.20x)  {verdict}")


if __name__ == "__main__":
    main()
