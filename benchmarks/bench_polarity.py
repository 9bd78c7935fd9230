"""How well ``contradicts-claim`` tells a claim from its opposite, on SciFact's own negations.

SciFact's annotators wrote, for many abstracts, a claim the abstract supports and a negated one it
contradicts (Wadden et al. 2020). Two claims that cite the same abstract, one labelled SUPPORT and the
other CONTRADICT, are a *reversed* pair; two that cite it with the same label are a *same-direction*
pair. :func:`kbase.language.wording.reversal` is run on each pair (both orders give one answer); the
report is the share of reversed pairs it catches (recall) and the share of same-direction pairs it
wrongly calls reversed (false reversals), over the train and dev claims.

    python benchmarks/bench_polarity.py [../shared/corpus/scifact]
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path

from kbase.language.wording import reversal


def pairs(folder: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(reversed pairs, same-direction pairs) of SciFact claims that cite one abstract."""
    by_doc: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in ("claims_train.jsonl", "claims_dev.jsonl"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            for doc, notes in item["evidence"].items():
                labels = {a["label"] for a in notes}
                if len(labels) == 1:
                    by_doc[doc].append((item["claim"], labels.pop()))
    reversed_pairs, same = [], []
    for claims in by_doc.values():
        for (a, la), (b, lb) in itertools.combinations(dict.fromkeys(claims), 2):
            if a != b:
                (reversed_pairs if la != lb else same).append((a, b))
    return reversed_pairs, same


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "corpus" / "scifact"
    reversed_pairs, same = pairs(folder)
    caught = sum(1 for a, b in reversed_pairs if reversal(a, b) is not None)
    wrong = sum(1 for a, b in same if reversal(a, b) is not None)
    print(f"reversed pairs (SUPPORT vs CONTRADICT, one abstract): {len(reversed_pairs)}; caught {caught} ({caught / len(reversed_pairs):.1%})")
    print(f"same-direction pairs: {len(same)}; wrongly called reversed {wrong} ({wrong / len(same):.1%})")


if __name__ == "__main__":
    main()
