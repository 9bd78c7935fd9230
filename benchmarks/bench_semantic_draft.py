"""A 3,000-word draft against 20,000 claims with kbase[semantic]: cold (the claims embedded) and warm.

The draft and claims are those of bench_draft.py (SciFact abstract sentences). The library is
loaded through the parse cache in benchmarks/out/semantic-draft/, so the claims' embeddings are
computed on the first run only; every run prints the cold cost it paid (if any) and the warm
audit: load from the cache, match lexically, embed the sentences left unmatched, compare them with
every claim's wordings. Budget (issue 13): the warm audit under 3 s on 2 cores.

    python benchmarks/bench_semantic_draft.py [--claims 20000 --words 3000]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_draft import claims_and_draft  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "semantic-draft"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--words", type=int, default=3_000)
    args = parser.parse_args()
    import kbase
    from kbase.semantic import available

    if not available():
        raise SystemExit("kbase[semantic] is not installed")
    claims, draft_sentences = claims_and_draft(args.claims, args.words, restated=0.0)  # no restatements: all by meaning
    words = sum(len(x.split()) for x in draft_sentences)
    OUT.mkdir(parents=True, exist_ok=True)
    claims_path = OUT / "claims.yaml"
    text = "kbase: 1\nclaims:\n" + "".join(f"  - id: c{i}\n    statement: {json.dumps(s)}\n" for i, s in enumerate(claims))
    if not claims_path.exists() or claims_path.read_text(encoding="utf-8") != text:
        claims_path.write_text(text, encoding="utf-8")
    (OUT / "references.bib").write_text("", encoding="utf-8")
    paragraphs = ["\n".join(draft_sentences[i : i + 5]) for i in range(0, len(draft_sentences), 5)]
    (OUT / "draft.md").write_text("# A long draft\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")

    start = time.perf_counter()
    kb = kbase.load(claims_path, OUT / "references.bib", cache=True)
    kb.matcher()
    first = time.perf_counter() - start
    print(f"{len(claims):,} claims, a {words:,}-word draft of {len(draft_sentences)} sentences")
    print(f"load + claims embedded or read from the cache: {first:6.1f} s")
    from kbase.cache import slot_name

    for label in ("a new draft (its sentences encoded)", "the same draft again (sentences cached)"):
        if label.startswith("a new"):
            (OUT / ".kbase-cache" / f"{slot_name('embeddings-sentences', str(OUT / 'draft.md'))}.pickle").unlink(missing_ok=True)
        start = time.perf_counter()
        kb = kbase.load(claims_path, OUT / "references.bib", cache=True)
        report = kb.draft_report(OUT / "draft.md")
        warm = time.perf_counter() - start
        semantic = sum(1 for m in report.matches if m is not None and m.method == "semantic")
        lexical = sum(1 for m in report.matches if m is not None and m.method == "lexical")
        print(
            f"claims cached, {label:<40}: load + audit {warm:5.2f} s  (budget 3 s)  {'OK' if warm < 3 else 'OVER BUDGET'}; "
            f"{lexical} lexical and {semantic} semantic matches"
        )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
