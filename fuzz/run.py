"""Run a fuzz target for a while (the long run; CI runs a short one in tests/test_fuzz.py).

    python fuzz/run.py claims --minutes 10
    python fuzz/run.py bib --minutes 10
    python fuzz/run.py draft --minutes 10

Inputs are drawn in batches of fresh Hypothesis runs until the time is up. Besides crashes, the
run checks time: an input of at most 64 kB that takes longer than ``--budget`` seconds (default 1)
fails like a crash. A failure prints the input (Hypothesis shrinks it) and exits 1; add it to
tests/test_fuzz.py (a crash) or to benchmarks/bench_pathological.py's shapes (a slow input).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from fuzz.targets import TARGETS, inputs, run_one  # noqa: E402

BATCH = 100  # a batch of long inputs takes a while; the time limit is checked between batches


def timed(target: str, data: bytes, hang: int = 20) -> float:
    """Seconds ``data`` takes; an input still running after ``hang`` seconds fails at once (with its bytes)."""

    def stop(signum: int, frame: object) -> None:
        raise AssertionError(f"{len(data):,} bytes still running after {hang} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(hang)
    began = time.perf_counter()
    try:
        run_one(target, data)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--budget", type=float, default=1.0, help="seconds an input of at most 64 kB may take")
    args = parser.parse_args()
    deadline = time.monotonic() + args.minutes * 60
    start = time.monotonic()
    runs = 0

    @settings(max_examples=BATCH, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs(args.target, long=True))
    def batch(data: bytes) -> None:
        nonlocal runs
        runs += 1
        took = timed(args.target, data)
        if took > args.budget and len(data) <= 64_000:
            took = min(took, timed(args.target, data), timed(args.target, data))  # a pause of a busy machine is not the input's
        assert len(data) > 64_000 or took <= args.budget, f"{len(data):,} bytes took {took:.2f} s"

    run_one(args.target, b"Warm up.")  # loading the bundled library and the matcher is not the input's cost
    batches = 0
    while time.monotonic() < deadline:
        batch()  # a crash raises here, with the shrunk input
        batches += 1
    minutes = (time.monotonic() - start) / 60
    print(f"{args.target}: {runs:,} inputs in {batches} batches over {minutes:.1f} minutes, no crash")


if __name__ == "__main__":
    main()
