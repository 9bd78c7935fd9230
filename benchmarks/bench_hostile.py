"""Time and peak memory of kbase on 50 MB hostile inputs (each in a fresh process).

The goal: no 50 MB input takes more than a few seconds or a few hundred MB — or, where a real
file of that size legitimately takes longer (a 50 MB .bib is a 100,000-reference library),
no worse than bibtexparser alone on the same bytes.

    python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

MB = 1_000_000
CASES = {
    "claims: 50 MB of one YAML line": ("claims.yaml", lambda: b"kbase: 1\nclaims: " + b"x" * 50 * MB + b"\n"),
    "claims: 50 MB of valid claims": ("claims.yaml", lambda: b"kbase: 1\nclaims:\n" + b"".join(
        b"  - id: c%d\n    statement: A statement about pain number %d.\n" % (i, i) for i in range(900_000))),
    "bib: 50 MB unclosed brace": ("references.bib", lambda: b"@article{x, title = {" + b"a" * 50 * MB + b"\n"),
    "bib: 50 MB of nested braces": ("references.bib", lambda: b"@article{x, title = " + b"{" * (25 * MB) + b"}" * (25 * MB) + b"}\n"),
    "bib: 50 MB random bytes": ("references.bib", lambda: bytes((i * 7919 + 13) % 251 for i in range(50 * MB))),
    "draft: 50 MB of text": ("draft.md", lambda: b"Ketamine relieves pain in many patients. " * (50 * MB // 41)),
}

RUN = """
import json, resource, sys, time
from click.testing import CliRunner
from kbase.cli import cli
kind, folder = sys.argv[1], sys.argv[2]
args = {"claims.yaml": ["--claims", folder + "/claims.yaml", "--bib", folder + "/ok.bib", "check"],
        "references.bib": ["--claims", folder + "/ok.yaml", "--bib", folder + "/references.bib", "check"],
        "draft.md": ["--claims", folder + "/ok.yaml", "--bib", folder + "/ok.bib", "audit", folder + "/draft.md"]}[kind]
t = time.perf_counter()
result = CliRunner().invoke(cli, args)
print(json.dumps({"seconds": time.perf_counter() - t, "code": result.exit_code,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "first": (result.output.splitlines() or [""])[0][-110:]}))
"""

BASELINE = """
import json, resource, sys, time, bibtexparser
t = time.perf_counter()
try:
    bibtexparser.parse_string(open(sys.argv[1], encoding="utf-8", errors="replace").read())
except Exception as exc:
    pass
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    for label, (name, make) in CASES.items():
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "ok.yaml").write_text("kbase: 1\nclaims: []\n", encoding="utf-8")
            (Path(folder) / "ok.bib").write_text("", encoding="utf-8")
            (Path(folder) / name).write_bytes(make())
            out = json.loads(subprocess.run([sys.executable, "-c", RUN, name, folder], capture_output=True, text=True, timeout=900).stdout)
            line = f"{label:<32} exit {out['code']}  {out['seconds']:6.1f} s  peak {out['peak_mb']:5.0f} MB  | {out['first']}"
            if name == "references.bib":
                base = json.loads(subprocess.run([sys.executable, "-c", BASELINE, str(Path(folder) / name)], capture_output=True,
                                                 text=True, timeout=900).stdout)
                line += f"  [bibtexparser alone {base['seconds']:.1f} s, {base['peak_mb']:.0f} MB]"
            print(line, flush=True)


if __name__ == "__main__":
    main()
