"""How long `kbase --help` takes, against a bare `python -c pass` measured in the same run.

Budget (docs/performance.md): under 0.25 s. Heavy modules are imported lazily, inside commands.

    python benchmarks/bench_help.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def median_seconds(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    bare = median_seconds([sys.executable, "-c", "pass"], args.repeat)
    helped = median_seconds([sys.executable, "-m", "kbase.cli", "--help"], args.repeat)
    print(f"python -c pass : {bare * 1000:6.0f} ms")
    print(
        f"kbase --help   : {helped * 1000:6.0f} ms  ({helped / bare:.1f}x the bare interpreter; budget 250 ms)"
        f"  {'OK' if helped < 0.25 else 'OVER BUDGET'}"
    )


if __name__ == "__main__":
    main()
