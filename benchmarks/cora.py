"""Duplicates measured on Cora: pairwise precision, recall and F1 of ``kbase refs dedupe`` against the gold.

Cora (../shared/corpus/cora/, see its README): 1,879 real citation strings of 182 papers, segmented into
fields, with every duplicate pair labelled. Each row becomes a BibTeX entry the way a reference manager
would store it: ``@techreport`` when the citation names an institution or a tech-report number,
``@inproceedings`` with a booktitle, ``@article`` with a journal, else ``@misc``; title, authors (joined
with " and "), year (or the year in ``date``), venue. Pairs are counted over all 1,879 entries; the
cluster figure is the share of gold clusters kbase reproduces exactly.

    python benchmarks/cora.py
"""

from __future__ import annotations

import csv
import itertools
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORA = ROOT.parent / "shared" / "corpus" / "cora"


def _clean(value: str) -> str:
    return " ".join(value.replace("{", "(").replace("}", ")").split()).strip(" ,.;:")


def cora_bib() -> str:
    """The Cora citations as one .bib, keys ``c<id>``."""
    csv.field_size_limit(10_000_000)
    entries = []
    with (CORA / "cora.tsv").open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            year = re.search(r"\b(1[89]\d\d|20\d\d)\b", row.get("year") or row.get("date") or "")
            authors = re.sub(r"\s*(,\s*and\s+|\band\b|,|&)\s*", " and ", _clean(row.get("authors") or ""))
            kind = (
                "techreport"
                if (row.get("tech") or row.get("institution"))
                else "inproceedings"
                if row.get("booktitle")
                else "article"
                if row.get("journal")
                else "misc"
            )
            fields = {
                "title": _clean(row.get("title") or ""),
                "author": " and ".join(a for a in authors.split(" and ") if a),
                "year": year.group(1) if year else "",
                "journal": _clean(row.get("journal") or ""),
                "booktitle": _clean(row.get("booktitle") or ""),
                "institution": _clean(row.get("institution") or ""),
                "number": _clean(row.get("tech") or ""),
            }
            body = "".join(f"  {k} = {{{v}}},\n" for k, v in fields.items() if v)
            entries.append(f"@{kind}{{c{row['id']},\n{body}}}\n")
    return "\n".join(entries)


def gold_pairs() -> set[tuple[str, str]]:
    pairs = set()
    with (CORA / "cora_DPL.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit():
                a, b = sorted((f"c{parts[0]}", f"c{parts[1]}"))
                pairs.add((a, b))
    return pairs


def evaluate() -> dict[str, float]:
    """Pairwise precision, recall, F1, and the share of gold clusters found exactly."""
    from kbase.loaders.bib import parse_bib
    from kbase.refs.dedupe import find_duplicates

    references = parse_bib(cora_bib(), "cora.bib").references
    start = time.perf_counter()
    groups = find_duplicates(references)
    seconds = time.perf_counter() - start
    found = {tuple(sorted(p)) for g in groups for p in itertools.combinations(g.keys, 2)}
    gold = gold_pairs()
    tp = len(found & gold)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(gold)

    # clusters: gold components vs found components
    def components(pairs: set[tuple[str, str]]) -> set[frozenset[str]]:
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(r.key for r in references)
        graph.add_edges_from(pairs)
        return {frozenset(c) for c in nx.connected_components(graph)}

    gold_clusters, found_clusters = components(gold), components(found)
    exact = len(gold_clusters & found_clusters) / len(gold_clusters)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
        "clusters_exact": exact,
        "gold_clusters": len(gold_clusters),
        "found_clusters": len(found_clusters),
        "entries": len(references),
        "seconds": seconds,
    }


def main() -> None:
    sys.path.insert(0, str(ROOT))
    result = evaluate()
    print(
        f"Cora: {result['entries']:,} citations, {result['gold_clusters']} gold clusters; kbase finds {result['found_clusters']} clusters "
        f"in {result['seconds']:.2f} s"
    )
    print(
        f"pairwise precision {result['precision']:.3f}, recall {result['recall']:.3f}, F1 {result['f1']:.3f}; "
        f"gold clusters reproduced exactly {result['clusters_exact']:.3f}"
    )


if __name__ == "__main__":
    main()
