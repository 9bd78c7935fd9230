"""Run a fuzz target for a while (the long run; CI runs a short one in tests/test_fuzz.py).

    python fuzz/run.py claims --minutes 10
    python fuzz/run.py bib --minutes 10
    python fuzz/run.py draft --minutes 10

A crash prints the failing input (Hypothesis shrinks it) and exits 1; add it to
tests/test_fuzz.py as a regression case.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from fuzz.targets import TARGETS, inputs, run_one  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    deadline = time.monotonic() + args.minutes * 60
    runs = 0

    @settings(max_examples=10**9, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs(args.target))
    def fuzz(data: bytes) -> None:
        nonlocal runs
        if time.monotonic() > deadline:
            raise _Done
        runs += 1
        run_one(args.target, data)

    class _Done(Exception):
        pass

    start = time.monotonic()
    try:
        fuzz()
    except _Done:
        pass
    print(f"{args.target}: {runs:,} inputs in {(time.monotonic() - start) / 60:.1f} minutes, no crash")


if __name__ == "__main__":
    main()
