"""Time and peak memory of kbase on 50 MB hostile inputs (each in a fresh process).

The goal: no 50 MB input takes more than a few seconds or a few hundred MB — or, where a real
file of that size legitimately takes longer (a 50 MB .bib is a 100,000-reference library),
no worse than bibtexparser alone on the same bytes.

    python benchmarks/bench_hostile.py            # the 50 MB cases, then the readers' growth
    python benchmarks/bench_hostile.py --growth   # only the growth: each reader at 1x, 2x and 4x a size

The growth table times each reader on the worst shape kbase knows for it at three sizes and prints
the time of 2x and 4x as a ratio of 1x (measured in the same run): a linear reader shows about 2 and
4; a quadratic one 4 and 16.
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
    "claims: 50 MB of valid claims": (
        "claims.yaml",
        lambda: (
            b"kbase: 1\nclaims:\n" + b"".join(b"  - id: c%d\n    statement: A statement about pain number %d.\n" % (i, i) for i in range(900_000))
        ),
    ),
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


def _html_stray_end_tags(n: int) -> None:
    from kbase.drafts.html_draft import parse_html

    parse_html("<p>" + "<b>" * n + "Pain eases." + "</i>" * n + "</p>")


def _docx_paragraphs(n: int, folder: Path = Path(tempfile.gettempdir())) -> None:
    import zipfile

    from kbase.drafts.docx import read_docx

    body = b"".join(b"<w:p><w:r><w:t>A drug reduces pain in %d adults.</w:t></w:r></w:p>" % i for i in range(n))
    path = folder / f"kbase-bench-{n}.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "word/document.xml",
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body + b"</w:body></w:document>",
        )
    try:
        read_docx(path)
    finally:
        path.unlink()


def _csl_json_items(n: int, folder: Path = Path(tempfile.gettempdir())) -> None:
    from kbase.refs.imports import read_csl_json

    path = folder / f"kbase-bench-{n}.json"
    path.write_text(
        json.dumps(
            [
                {
                    "type": "article-journal",
                    "title": f"Trial {i}",
                    "author": [{"family": "Roe", "given": "A"}],
                    "issued": {"date-parts": [[2020]]},
                    "volume": i,
                }
                for i in range(n)
            ]
        )
    )
    try:
        read_csl_json(str(path))
    finally:
        path.unlink()


def _glob_through_links(n: int) -> None:
    import os

    from kbase.audit.batch import safe_glob

    with tempfile.TemporaryDirectory() as folder:
        for i in range(n):
            sub = Path(folder) / f"d{i % 50}"
            sub.mkdir(exist_ok=True)
            (sub / f"{i}.md").write_text("x")
        for i in range(20):
            os.symlink(".", Path(folder) / f"loop{i}")  # never entered
        safe_glob(f"{folder}/**/*.md")


GROWTH = {
    "HTML: stray end tags": (_html_stray_end_tags, 100_000),
    ".docx: paragraphs": (_docx_paragraphs, 20_000),
    "CSL-JSON: items": (_csl_json_items, 20_000),
    "glob: files beside looping links": (_glob_through_links, 4_000),
}


def growth() -> None:
    import time

    print(f"{'reader':<34} {'1x':>9} {'2x/1x':>6} {'4x/1x':>6}")
    for label, (read, size) in GROWTH.items():
        times = []
        for factor in (1, 2, 4):
            start = time.perf_counter()
            read(size * factor)
            times.append(time.perf_counter() - start)
        print(f"{label:<34} {times[0]:8.2f}s {times[1] / times[0]:6.2f} {times[2] / times[0]:6.2f}", flush=True)


def main() -> None:
    if "--growth" in sys.argv:
        growth()
        return
    for label, (name, make) in CASES.items():
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "ok.yaml").write_text("kbase: 1\nclaims: []\n", encoding="utf-8")
            (Path(folder) / "ok.bib").write_text("", encoding="utf-8")
            (Path(folder) / name).write_bytes(make())
            out = json.loads(subprocess.run([sys.executable, "-c", RUN, name, folder], capture_output=True, text=True, timeout=900).stdout)
            line = f"{label:<32} exit {out['code']}  {out['seconds']:6.1f} s  peak {out['peak_mb']:5.0f} MB  | {out['first']}"
            if name == "references.bib":
                base = json.loads(
                    subprocess.run([sys.executable, "-c", BASELINE, str(Path(folder) / name)], capture_output=True, text=True, timeout=900).stdout
                )
                line += f"  [bibtexparser alone {base['seconds']:.1f} s, {base['peak_mb']:.0f} MB]"
            print(line, flush=True)
    growth()


if __name__ == "__main__":
    main()
