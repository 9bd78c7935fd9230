"""SciFact as a real library: the audit's unsupported and contested claims match the gold evidence."""

from __future__ import annotations

import importlib.util

from conftest import ROOT, needs_shared

import kbase


def load_converter():
    spec = importlib.util.spec_from_file_location("scifact_to_kbase", ROOT / "benchmarks" / "scifact_to_kbase.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_shared
def test_scifact_library_unsupported_and_contested_match_the_gold_data(tmp_path):
    converter = load_converter()
    claims_path, bib_path = converter.convert(tmp_path)
    kb = kbase.load(claims_path, bib_path)
    assert kb.problems == ()
    assert (len(kb.claims), len(kb.references)) == (1109, 5183)
    findings = kb.audit()
    unsupported = {f.subject for f in findings if f.rule == "unsupported-claim"}
    contested = {f.subject for f in findings if f.rule == "contested-claim"}
    gold = converter.claims_with_labels()
    no_evidence = {f"scifact-{c['id']}" for c in gold if not c["labels"]}
    contradicted = {f"scifact-{c['id']}" for c in gold if "CONTRADICT" in c["labels"].values()}
    supported = {f"scifact-{c['id']}" for c in gold if "SUPPORT" in c["labels"].values()}
    assert len(no_evidence) == 416 and len(contradicted) == 237
    # every claim without evidence is unsupported and not contested
    assert no_evidence <= unsupported and not (no_evidence & contested)
    # grading rule 2: a claim whose only evidence contradicts it has no support either
    assert unsupported == set(kb.claims) - supported
    assert contested == contradicted
