"""Grading in two processes gives what grading in one gives, and survives the worker's death.

The grading worker (kbase.loading.pipeline.grade_library) only starts for large libraries; the
tests lower the threshold so that a small library takes the parallel path, and compare with the
serial result. (A .bib parsed in halves by workers, claims.yaml parsed by a worker and cache
entries written by a child were measured and removed: docs/performance.md.)"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import threading

import pytest
from conftest import bib_entry, claims_yaml

import kbase.grading
import kbase.loading.pipeline as pipeline

forking = pytest.mark.skipif(
    "fork" not in mp.get_all_start_methods() or (os.cpu_count() or 1) < 2, reason="parallel grading needs fork and two cores"
)


def _premised_library(library, n):
    claims = [
        f"""
    - id: c{i}
      statement: Claim number {i} holds.{
            f'''
      depends_on: [c{i - 1}]'''
            if i % 7 == 1
            else ''
        }
      evidence:
        - ref: r{i % 50}
          stance: {'contradicts' if i % 11 == 0 else 'supports'}
        - ref: r{(i * 7) % 50}
          stance: supports
          concerns: [imprecision]
    """
        for i in range(n)
    ]
    designs = ["rct", "meta-analysis", "cohort", "case-report", "narrative-review"]
    return library.write(claims_yaml(*claims), "".join(bib_entry(f"r{j}", designs[j % 5], 2000 + j % 25) for j in range(50)))


@forking
def test_grading_in_two_processes_gives_the_same_grades(library, monkeypatch):
    kb = _premised_library(library, 300).load()
    serial = kbase.grading.grade_claims(kb.graph, kb.options)
    monkeypatch.setattr(pipeline, "PARALLEL_GRADE_CLAIMS", 10)
    here = []  # what this process graded: the worker's calls are recorded in the worker's copy of the list
    grade = pipeline.grade_claims
    monkeypatch.setattr(
        pipeline,
        "grade_claims",
        lambda G, options, only=None: here.append(len(kb.claims) if only is None else len(only)) or grade(G, options, only=only),
    )
    parallel = pipeline.grade_library(kb.graph, kb.options)
    if threading.active_count() == 1:  # no fork beside other threads (pytest-xdist runs some): then all are graded here
        assert here and here[0] < len(serial) * 0.7  # about half were handed to the worker
    assert list(parallel) == list(serial) and parallel == serial
    assert any(g.level != serial["c0"].level for g in serial.values())  # the grades differ: the comparison means something


def test_records_pickle_by_their_fields():

    from kbase.errors import Location
    from kbase.model import Finding, Grade, LinkGrade, Reason, Reference
    from kbase.vocabulary import Level, Severity

    records = [
        Reference("k", "article", design="rct", fields=(("title", "{T}"),), where=Location("r.bib", 3, 1)),
        Grade(
            "c",
            Level.LOW,
            ("stale",),
            1,
            (Reason("start", "x", Level.LOW),),
            (LinkGrade("k", "supports", "rct", False, Level.HIGH, Level.LOW, ("imprecision",)),),
            (("k",),),
            "harm",
        ),
        Finding("weak-claim", Severity.WARNING, "m", Location("d.docx", 2, 1, "paragraph", "Ketamine"), "c"),
    ]
    for record in records:
        back = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == record and repr(back) == repr(record) and getattr(back, "where", None) == getattr(record, "where", None)


_LOADING_PROCESS = os.getpid()


def _dies_in_a_worker():
    """The grading worker's task, except that in a forked worker it dies as one killed for memory would."""
    if os.getpid() != _LOADING_PROCESS:
        os._exit(9)
    return {}


@forking
def test_a_grading_worker_that_dies_leaves_the_work_to_the_loading_process(library, monkeypatch):
    """A worker killed while grading (out of memory, say): its half is graded by the loading process,
    with the same result, and no traceback."""
    kb = _premised_library(library, 300).load()
    serial = kbase.grading.grade_claims(kb.graph, kb.options)
    monkeypatch.setattr(pipeline, "PARALLEL_GRADE_CLAIMS", 10)
    monkeypatch.setattr(pipeline, "_grade_inherited", _dies_in_a_worker)
    assert pipeline.grade_library(kb.graph, kb.options) == serial
