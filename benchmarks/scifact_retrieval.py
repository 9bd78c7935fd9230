"""kbase suggest on BEIR SciFact: nDCG@10, Recall@100 and query latency.

The 5,183 SciFact abstracts (../shared/corpus/scifact/corpus.jsonl) are indexed with kbase's
ranker (kbase/suggest.py); each query of the BEIR split is ranked and scored against its qrels.
Anchors: BEIR's published BM25 nDCG@10 0.665; Anserini flat BM25 0.679. Parameters were chosen
on `--split train`; report `--split test`.

    python benchmarks/scifact_retrieval.py [--split test|train]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

from kbase.suggest import B, K1, TITLE_WEIGHT, SuggestIndex

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "scifact"


def load_qrels(split: str) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for line in (CORPUS / "beir" / "qrels" / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        query, doc, score = line.strip().split("\t")
        if query != "query-id":
            qrels.setdefault(query, {})[doc] = int(score)
    return qrels


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sum(r / math.log2(i + 2) for i, r in enumerate(sorted(relevant.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "train"], default="test")
    args = parser.parse_args()
    docs = [json.loads(line) for line in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = {q["_id"]: q["text"] for q in map(json.loads, (CORPUS / "beir" / "queries.jsonl").read_text(encoding="utf-8").splitlines())}
    qrels = load_qrels(args.split)
    start = time.perf_counter()
    index = SuggestIndex([str(d["doc_id"]) for d in docs], [d["title"] for d in docs], [" ".join(d["abstract"]) for d in docs])
    build = time.perf_counter() - start
    ndcgs, recalls, latencies = [], [], []
    for query_id, relevant in qrels.items():
        start = time.perf_counter()
        ranked = [s.key for s in index.search(queries[query_id], k=100)]
        latencies.append(time.perf_counter() - start)
        ndcgs.append(ndcg_at(ranked, relevant))
        recalls.append(len(set(ranked) & set(relevant)) / len(relevant))
    print(f"SciFact {args.split}: {len(qrels)} queries, {len(docs):,} documents; k1={K1}, b={B}, title x{TITLE_WEIGHT}")
    print(f"index built in {build:.2f} s")
    print(f"nDCG@10    : {statistics.mean(ndcgs):.4f}   (BEIR BM25 0.665, Anserini flat 0.679; goal 0.70)")
    print(f"Recall@100 : {statistics.mean(recalls):.4f}   (BEIR BM25 0.908)")
    print(f"latency    : median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {sorted(latencies)[int(0.95 * len(latencies))] * 1000:.1f} ms per query (top 100, with best sentences)")


if __name__ == "__main__":
    main()
