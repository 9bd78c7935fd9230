"""Convert SciFact (Wadden et al., 2020) into a kbase library, then load, grade and audit it.

references.bib: one @article per corpus abstract (key scifact<doc_id>, title and abstract; no
design field: SciFact does not give study designs, so kbase infers them from titles and says so).
claims.yaml: the train and dev claims (id scifact-<id>), with a supports or contradicts link for
each gold evidence document and no link for claims without evidence.

    python benchmarks/scifact_to_kbase.py OUT_DIR      # writes the library and times kbase on it
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

SCIFACT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "scifact"


def _bib_value(text: str) -> str:
    # braces are balanced in every SciFact text; only line breaks need flattening
    return " ".join(text.split())


def claims_with_labels(scifact: Path = SCIFACT) -> list[dict]:
    """SciFact train + dev claims, each with ``{doc_id: "SUPPORT"|"CONTRADICT"}``."""
    claims = []
    for split in ("train", "dev"):
        for line in (scifact / f"claims_{split}.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            labels = {str(doc): sets[0]["label"] for doc, sets in record.get("evidence", {}).items()}
            claims.append({"id": record["id"], "claim": record["claim"], "labels": labels})
    return claims


def convert(out: Path, scifact: Path = SCIFACT) -> tuple[Path, Path]:
    """Write ``claims.yaml`` and ``references.bib`` for SciFact into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    bib, yml = out / "references.bib", out / "claims.yaml"
    with bib.open("w", encoding="utf-8") as handle:
        handle.write("% SciFact corpus (Wadden et al., EMNLP 2020), CC BY-NC 2.0; converted by benchmarks/scifact_to_kbase.py\n\n")
        for line in (scifact / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            handle.write(
                f"@article{{scifact{doc['doc_id']},\n  title = {{{_bib_value(doc['title'])}}},\n"
                f"  abstract = {{{_bib_value(' '.join(doc['abstract']))}}},\n}}\n\n"
            )
    with yml.open("w", encoding="utf-8") as handle:
        handle.write("# SciFact train + dev claims with their gold evidence\nkbase: 1\nclaims:\n")
        for claim in claims_with_labels(scifact):
            handle.write(f"  - id: scifact-{claim['id']}\n    statement: {json.dumps(claim['claim'])}\n")
            if claim["labels"]:
                handle.write("    evidence:\n")
                for doc, label in claim["labels"].items():
                    stance = "supports" if label == "SUPPORT" else "contradicts"
                    handle.write(f"      - ref: scifact{doc}\n        stance: {stance}\n")
    return yml, bib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    import kbase

    start = time.perf_counter()
    claims_path, bib_path = convert(args.out)
    converted = time.perf_counter() - start
    start = time.perf_counter()
    kb = kbase.load(claims_path, bib_path)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    findings = kb.audit()
    audited = time.perf_counter() - start
    gold = claims_with_labels()
    unsupported = {f.subject for f in findings if f.rule == "unsupported-claim"}
    contested = {f.subject for f in findings if f.rule == "contested-claim"}
    no_support = {f"scifact-{c['id']}" for c in gold if "SUPPORT" not in c["labels"].values()}
    with_contradiction = {f"scifact-{c['id']}" for c in gold if "CONTRADICT" in c["labels"].values()}
    no_evidence = {f"scifact-{c['id']}" for c in gold if not c["labels"]}
    print(
        f"SciFact library: {len(kb.claims):,} claims, {len(kb.references):,} references, "
        f"{sum(len(c.evidence) for c in kb.claims.values()):,} links; problems: {len(kb.problems)}"
    )
    print(f"convert {converted:.2f} s, load {loaded:.2f} s, grade + audit {audited:.2f} s")
    print(
        f"unsupported: {len(unsupported)} reported; claims without evidence {len(no_evidence)}, "
        f"claims without SUPPORT evidence {len(no_support)}; match: {unsupported == no_support}"
    )
    print(
        f"contested:   {len(contested)} reported; claims with CONTRADICT evidence {len(with_contradiction)}; match: {contested == with_contradiction}"
    )
    sys.exit(0 if unsupported == no_support and contested == with_contradiction and no_evidence <= unsupported else 1)


if __name__ == "__main__":
    main()
