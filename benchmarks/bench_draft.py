"""Audit a 3,000-word draft against 20,000 claims; compare the indexed matcher with scoring every claim.

Claims are 20,000 real sentences from the SciFact abstracts (../shared/corpus/scifact/corpus.jsonl).
The draft is 3,000 words: a third of its sentences restate claims (one word dropped, word order
kept), the rest are other SciFact sentences that are not claims. Both matchers use the same
scorer; the script checks that they return the same matches and prints the speed-up.

    python benchmarks/bench_draft.py [--claims 20000 --words 3000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import kbase
from kbase.drafts.matcher import ClaimMatcher

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "scifact" / "corpus.jsonl"


def sentences() -> list[str]:
    out = []
    with CORPUS.open(encoding="utf-8") as handle:
        for line in handle:
            for sentence in json.loads(line)["abstract"]:
                sentence = " ".join(sentence.split())
                if 8 <= len(sentence.split()) <= 40:
                    out.append(sentence)
    return out


def claims_and_draft(count: int, words: int, restated: float = 1 / 3) -> tuple[list[str], list[str]]:
    """``count`` claims and the sentences of a draft of about ``words`` words, a share ``restated`` of
    which restate a claim (one word dropped); the rest are other SciFact sentences. Seeded."""
    rng = random.Random(7)
    pool = sentences()
    rng.shuffle(pool)
    claims, others = pool[:count], pool[count:]
    draft, total = [], 0
    while total < words:
        if rng.random() < restated:
            tokens = rng.choice(claims).split()
            del tokens[rng.randrange(len(tokens))]
            sentence = " ".join(tokens)
        else:
            sentence = others.pop()
        draft.append(sentence if sentence.endswith(".") else sentence + ".")
        total += len(sentence.split())
    return claims, draft


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--words", type=int, default=3_000)
    args = parser.parse_args()
    claims, draft_sentences = claims_and_draft(args.claims, args.words)
    words = sum(len(s.split()) for s in draft_sentences)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        with (folder / "claims.yaml").open("w", encoding="utf-8") as out:
            out.write("kbase: 1\nclaims:\n")
            for i, statement in enumerate(claims):
                out.write(f"  - id: c{i}\n    statement: {json.dumps(statement)}\n")
        (folder / "references.bib").write_text("", encoding="utf-8")
        paragraphs = ["\n".join(draft_sentences[i : i + 5]) for i in range(0, len(draft_sentences), 5)]
        (folder / "draft.md").write_text("# A long draft\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        kb = kbase.load(folder / "claims.yaml", folder / "references.bib")
        start = time.perf_counter()
        matcher = ClaimMatcher(kb.claims.values())
        build = time.perf_counter() - start
        start = time.perf_counter()
        report = kb.draft_report(folder / "draft.md")
        audit_seconds = time.perf_counter() - start
        texts = [s.clean for s in report.sentences]
        start = time.perf_counter()
        indexed = [matcher.match(t) for t in texts]
        indexed_seconds = time.perf_counter() - start
        start = time.perf_counter()
        exhaustive = [matcher.match_exhaustive(t) for t in texts]
        exhaustive_seconds = time.perf_counter() - start
    same = sum(a == b for a, b in zip(indexed, exhaustive))
    print(f"draft: {words:,} words, {len(texts)} sentences; claims: {len(claims):,}")
    print(f"matcher index built once              : {build:6.2f} s")
    print(f"whole audit of the draft (indexed)    : {audit_seconds:6.2f} s  (budget 1 s)  {'OK' if audit_seconds < 1 else 'OVER BUDGET'}")
    print(f"matching, indexed                     : {indexed_seconds:6.3f} s")
    print(f"matching, extractOne over all claims  : {exhaustive_seconds:6.3f} s")
    print(f"speed-up                              : {exhaustive_seconds / indexed_seconds:6.1f}x  (goal 10x)")
    print(f"same matches                          : {same} of {len(texts)}  ({sum(m is not None for m in indexed)} sentences matched a claim)")
    sys.exit(0 if same == len(texts) else 1)


if __name__ == "__main__":
    main()
