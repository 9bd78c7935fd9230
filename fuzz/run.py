"""Run a fuzz target for a while (the long run; CI runs a short one in tests/test_fuzz.py).

    python fuzz/run.py claims --minutes 10
    python fuzz/run.py bib --minutes 10
    python fuzz/run.py draft --minutes 10

Inputs are drawn in batches of fresh Hypothesis runs until the time is up. A crash prints the
failing input (Hypothesis shrinks it) and exits 1; add it to tests/test_fuzz.py as a regression.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from fuzz.targets import TARGETS, inputs, run_one  # noqa: E402

BATCH = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    deadline = time.monotonic() + args.minutes * 60
    start = time.monotonic()
    runs = 0

    @settings(max_examples=BATCH, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs(args.target))
    def batch(data: bytes) -> None:
        nonlocal runs
        runs += 1
        run_one(args.target, data)

    batches = 0
    while time.monotonic() < deadline:
        batch()  # a crash raises here, with the shrunk input
        batches += 1
    minutes = (time.monotonic() - start) / 60
    print(f"{args.target}: {runs:,} inputs in {batches} batches over {minutes:.1f} minutes, no crash")


if __name__ == "__main__":
    main()
