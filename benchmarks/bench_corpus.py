"""Load the two largest real-world folders of the shared corpus with kbase, against bibtexparser alone.

python benchmarks/bench_corpus.py
"""

from __future__ import annotations

import time
from pathlib import Path

import bibtexparser

from kbase.audit.refs import lint_references
from kbase.loaders.bib import load_bibs
from kbase.refs.dedupe import find_duplicates

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "bib"


def main() -> None:
    for folder in ("large_dblp_ml_venues_b-vitamins", "large_jgrey4296_personal_main"):
        files = sorted(str(p) for p in (CORPUS / folder).rglob("*.bib"))
        start = time.perf_counter()
        baseline_entries = sum(len(bibtexparser.parse_file(f).entries) for f in files)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        loaded = load_bibs(files)
        load = time.perf_counter() - start
        references = [r for f in loaded for r in f.references]
        start = time.perf_counter()
        findings = list(lint_references(references))
        lint = time.perf_counter() - start
        start = time.perf_counter()
        groups = find_duplicates(references)
        dedupe = time.perf_counter() - start
        problems = sum(len(f.problems) for f in loaded)
        print(f"{folder}: {len(files)} files, {len(references):,} entries read ({baseline_entries:,} by bibtexparser alone), {problems} problems")
        print(
            f"  bibtexparser.parse_file alone {baseline:5.1f} s | kbase load {load:5.1f} s ({load / baseline:.2f}x) | "
            f"lint {lint:4.1f} s ({len(findings):,} findings) | dedupe {dedupe:4.1f} s ({len(groups)} groups)"
        )


if __name__ == "__main__":
    main()
