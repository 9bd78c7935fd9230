"""kbase suggest on BEIR SciFact and on NFCorpus: nDCG@10, Recall@100 and query latency.

The 5,183 SciFact abstracts (../shared/corpus/scifact/corpus.jsonl) are indexed with kbase's
ranker (kbase/suggest.py); each query of the BEIR split is ranked and scored against its qrels.
Anchors: BEIR's published BM25 nDCG@10 0.665; Anserini flat BM25 0.679. Parameters were chosen
on `--split train`; report `--split test`. `--corpus nfcorpus` ranks NFCorpus's 3,395 PubMed
documents for its 323 lay test queries (graded qrels; BEIR's BM25: 0.325).

`--semantic` (with kbase[semantic] installed) re-ranks BM25's top 100 by the mean of normalised
BM25 and cosine scores, as `kbase suggest` does with the extra; the document embeddings are
computed once (timed) and kept in benchmarks/out/.

    python benchmarks/scifact_retrieval.py [--split test|train] [--corpus scifact|nfcorpus] [--semantic]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path

import kbase.suggest
from kbase.suggest import K1, TITLE_WEIGHT, B, SuggestIndex

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "scifact"
NFCORPUS = CORPUS.parent / "nfcorpus"
OUT = Path(__file__).resolve().parent / "out"


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


def scifact(split: str) -> tuple[list[tuple[str, str, str]], dict[str, str], dict[str, dict[str, int]]]:
    docs = [json.loads(line) for line in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = {q["_id"]: q["text"] for q in map(json.loads, (CORPUS / "beir" / "queries.jsonl").read_text(encoding="utf-8").splitlines())}
    return [(str(d["doc_id"]), d["title"], " ".join(d["abstract"])) for d in docs], queries, load_qrels(split)


def nfcorpus() -> tuple[list[tuple[str, str, str]], dict[str, str], dict[str, dict[str, int]]]:
    docs: dict[str, str] = {}
    for name in ("test.docs", "dev.docs"):
        for line in (NFCORPUS / name).read_text(encoding="utf-8").splitlines():
            doc, _, text = line.partition("\t")
            docs.setdefault(doc, text)
    queries = dict(line.split("\t", 1) for line in (NFCORPUS / "test.titles.queries").read_text(encoding="utf-8").splitlines())
    qrels: dict[str, dict[str, int]] = {}
    for line in (NFCORPUS / "test.2-1-0.qrel").read_text(encoding="utf-8").splitlines():
        query, _, doc, grade = line.split("\t")
        qrels.setdefault(query, {})[doc] = int(grade)
    # title and abstract run together ("… pubmed ncbi abstract …"): the whole text is the abstract here
    return [(doc, "", text) for doc, text in docs.items()], queries, qrels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["test", "train"], default="test")
    parser.add_argument("--corpus", choices=["scifact", "nfcorpus"], default="scifact")
    parser.add_argument("--semantic", action="store_true", help="Re-rank with kbase[semantic], as kbase suggest does with the extra.")
    args = parser.parse_args()
    docs, queries, qrels = scifact(args.split) if args.corpus == "scifact" else nfcorpus()
    start = time.perf_counter()
    index = SuggestIndex([d[0] for d in docs], [d[1] for d in docs], [d[2] for d in docs])
    build = time.perf_counter() - start
    if args.semantic:
        from kbase.cache import Cache
        from kbase.semantic import MODEL_ID, embed

        start = time.perf_counter()
        vectors = embed([f"{d[1]}. {d[2]}" if d[1] else d[2] for d in docs], Cache(OUT / "semantic-cache"), f"bench-{args.corpus}")
        if vectors is None:
            raise SystemExit("kbase[semantic] is not installed")
        index.use_semantic(vectors)
        print(f"documents embedded in {time.perf_counter() - start:.1f} s ({MODEL_ID}; 0 s when benchmarks/out/ has them)")
    ndcgs, recalls, latencies = [], [], []
    for query_id, relevant in qrels.items():
        if query_id not in queries:
            continue
        start = time.perf_counter()
        ranked = [s.key for s in index.search(queries[query_id], k=100)]
        latencies.append(time.perf_counter() - start)
        ndcgs.append(ndcg_at(ranked, relevant))
        recalls.append(len(set(ranked) & set(relevant)) / len(relevant))
    kept, dropped = _floor(index, queries, qrels)
    name = "SciFact" if args.corpus == "scifact" else "NFCorpus"
    print(
        f"{name} {args.split}: {len(ndcgs)} queries, {len(docs):,} documents; k1={K1}, b={B}, title x{TITLE_WEIGHT}"
        f"{'; BM25 top 100 re-ranked by meaning' if args.semantic else ''}"
    )
    print(f"index built in {build:.2f} s")
    anchors = "(BEIR BM25 0.665, Anserini flat 0.679; goal 0.70)" if args.corpus == "scifact" else "(BEIR BM25 0.325)"
    print(f"nDCG@10    : {statistics.mean(ndcgs):.4f}   {anchors}")
    print(f"Recall@100 : {statistics.mean(recalls):.4f}")
    print(
        f"latency    : median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {sorted(latencies)[int(0.95 * len(latencies))] * 1000:.1f} ms per query (top 100, with best sentences)"
    )
    print(f"floor {kbase.suggest.MIN_SHARE} x best: of the top 10, relevant kept {kept[0]}/{kept[1]}, irrelevant dropped {dropped[0]}/{dropped[1]}")


def _floor(index: SuggestIndex, queries: dict[str, str], qrels: dict[str, dict[str, int]]) -> tuple[tuple[int, int], tuple[int, int]]:
    """What the score floor (kbase.suggest.MIN_SHARE) keeps of the top 10: (relevant kept, relevant),
    (irrelevant dropped, irrelevant), against the same search with no floor."""
    share = kbase.suggest.MIN_SHARE
    counts = [0, 0, 0, 0]
    for query_id, relevant in qrels.items():
        if query_id not in queries:
            continue
        kbase.suggest.MIN_SHARE = 0.0
        unfloored = [s.key for s in index.search(queries[query_id], k=10)]
        kbase.suggest.MIN_SHARE = share
        floored = {s.key for s in index.search(queries[query_id], k=10)}
        for key in unfloored:
            hit = relevant.get(key, 0) > 0
            counts[0 if hit else 2] += (key in floored) if hit else (key not in floored)
            counts[1 if hit else 3] += 1
    return (counts[0], counts[1]), (counts[2], counts[3])


if __name__ == "__main__":
    main()
