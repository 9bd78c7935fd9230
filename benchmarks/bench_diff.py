"""kbase diff of two revisions of a large library, against one load, in one run.

Budget (issue 17, docs/performance.md): diffing two revisions of a 20,000-reference library takes
under 2 times one load (load + grade, no cache). The library is synthetic (``synth.py``), kept in
a git repository with two commits: the second changes claims.yaml only (a link's stance, a
concern, a new claim), the commonest kind of change, so the .bib is the same bytes in both
revisions. Each measurement runs in a fresh process, alternating, and medians are compared.

    python benchmarks/bench_diff.py [--refs 20000 --claims 4000 --links 20000 --repeat 3]
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

LOAD = """
import json, sys, time
import kbase
t = time.perf_counter()
kb = kbase.load(sys.argv[1], sys.argv[2])
kb.grades
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

DIFF = """
import json, sys, time
from kbase.history import diff_revisions
t = time.perf_counter()
diff = diff_revisions("HEAD~1..HEAD", sys.argv[1], [sys.argv[2]])
print(json.dumps({"seconds": time.perf_counter() - t, "changed": len(diff.claims)}))
"""

GIT_ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.org", "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.org"}


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def run(code: str, folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, "claims.yaml", "references.bib"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "KBASE_NO_CACHE": "1"},
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=int, default=20_000)
    parser.add_argument("--claims", type=int, default=4_000)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        claims, _ = write_library(folder, args.refs, args.claims, args.links)
        git(folder, "init", "-q")
        git(folder, "add", ".")
        git(folder, "commit", "-q", "-m", "library")
        text = claims.read_text(encoding="utf-8")
        text = text.replace("stance: supports", "stance: contradicts", 25)
        text += "  - id: added-claim\n    statement: A claim added in the second revision.\n"
        claims.write_text(text, encoding="utf-8")
        git(folder, "commit", "-q", "-am", "edit claims")
        loads, diffs = [], []
        for _ in range(args.repeat):
            loads.append(run(LOAD, folder)["seconds"])
            result = run(DIFF, folder)
            diffs.append(result["seconds"])
        one, two = statistics.median(loads), statistics.median(diffs)
        print(
            f"library: {args.refs:,} references, {args.claims:,} claims, {args.links:,} links; "
            f"the second revision changes claims.yaml ({result['changed']} claims changed)"
        )
        print(f"one load + grade           : {one:6.2f} s")
        print(f"kbase diff HEAD~1..HEAD    : {two:6.2f} s  = {two / one:4.2f}x one load  (budget 2.00x)  {'OK' if two / one <= 2 else 'OVER BUDGET'}")


if __name__ == "__main__":
    main()
