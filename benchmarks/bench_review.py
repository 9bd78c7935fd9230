"""The review a writer opens (kbase audit DRAFT --format html|docx): time against the plain audit of the
same draft, measured in the same run, as the draft grows (1x, 2x, 4x), so growth shows as a ratio.

Two shapes: many sentences in one Word paragraph (every comment splits runs of one paragraph), and
many paragraphs of one sentence each. Every sentence has findings (an overstated claim, uncited).

    python benchmarks/bench_review.py [--sentences 250]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "Ketamine infusions definitely relieve chronic pain."


def make(folder: Path, shape: str, n: int) -> Path:
    import docx

    document = docx.Document()
    if shape == "one-paragraph":
        document.add_paragraph(" ".join([SENTENCE] * n))
    else:
        for _ in range(n):
            document.add_paragraph(SENTENCE)
    path = folder / f"{shape}-{n}.docx"
    document.save(path)
    return path


def timed(args: list[str], folder: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kbase.cli",
                "--claims",
                str(ROOT / "claims.yaml"),
                "--bib",
                str(ROOT / "references.bib"),
                *args,
                "--fail-on",
                "none",
            ],
            cwd=folder,
            check=True,
            capture_output=True,
        )
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for shape in ("one-paragraph", "paragraphs"):
            print(f"{shape}:")
            for factor in (1, 2, 4):
                n = args.sentences * factor
                draft = make(folder, shape, n)
                text = timed(["audit", str(draft)], folder, args.repeat)
                html = timed(["audit", str(draft), "--format", "html", "-o", str(folder / "r.html")], folder, args.repeat)
                word = timed(["audit", str(draft), "--format", "docx", "-o", str(folder / "r.docx")], folder, args.repeat)
                print(f"  {n:>5} sentences: text {text:6.2f} s, html {html:6.2f} s ({html / text:4.2f}x), docx {word:6.2f} s ({word / text:4.2f}x)")


if __name__ == "__main__":
    main()
