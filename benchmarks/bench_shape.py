"""Lineage and impact on a large library (budget: each under 2 s at 100,000 references).

The baseline, measured in the same run, is one full grading of the library (`kb.grades`):
lineage and impact should cost a fraction of it.

    python benchmarks/bench_shape.py [--refs 100000 --claims 20000 --links 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import write_library  # noqa: E402

import kbase  # noqa: E402
from kbase.lineage import lineage_graph, missing_primary_sources, reports_cycles, source_chains, source_groups  # noqa: E402
from kbase.queries import critical_references  # noqa: E402


def timed(label: str, func, budget: float | None = None) -> float:
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    verdict = "" if budget is None else ("  OK" if seconds < budget else "  OVER BUDGET")
    print(f"{label:<48}: {seconds:6.2f} s{verdict}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        claims, bib = write_library(Path(folder), args.refs, args.claims, args.links)
        kb = kbase.load(claims, bib)
    print(f"library: {len(kb.references):,} references, {len(kb.claims):,} claims, {args.links:,} links")
    base = timed("baseline: grade every claim", lambda: kb.grades)
    G = kb.graph
    most_linked = max(kb.references, key=lambda k: G.out_degree(f"ref:{k}"))

    def lineage_all() -> None:
        lineage = lineage_graph(G)
        source_groups(G, lineage=lineage)
        for grade in kb.grades.values():
            source_chains(G, grade.sources, lineage)
        reports_cycles(G, lineage)
        list(missing_primary_sources(G, lineage))

    lineage = timed("lineage: groups, chains of every claim, cycles, missing", lineage_all, budget=2.0)
    one = timed(f"impact of the most linked reference ({most_linked})", lambda: kb.impact(most_linked), budget=2.0)
    timed("critical references (articulation points of support)", lambda: list(critical_references(G)), budget=2.0)
    print(f"ratios to the baseline: lineage {lineage / base:.2f}x, impact {one / base:.2f}x")


if __name__ == "__main__":
    main()
