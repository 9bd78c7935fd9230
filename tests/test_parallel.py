"""Work done by a forked worker gives what the loading process alone gives, and survives the worker's death.

One trick uses a second process (kbase.loading): claims.yaml parsed by a worker while the .bib is
parsed (reading.claims_meanwhile). It starts only for a large file; the tests lower the threshold
so that a small library takes the parallel path, and compare with the serial result. (A .bib parsed
in halves by workers, cache entries written by a child and half the claims graded by a worker were
measured and removed: docs/performance.md.)"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import threading

import pytest
from conftest import bib_entry, claims_yaml

import kbase
import kbase.loading.reading as reading
from kbase.cache import Cache, MemoryCache

forking = pytest.mark.skipif("fork" not in mp.get_all_start_methods() or (os.cpu_count() or 1) < 2, reason="a forked worker needs fork and two cores")


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


def _dies_in_a_worker(function):
    """``function``, except that in a forked worker it dies as one killed for memory would."""

    def dying(*args, **kwargs):
        if os.getpid() != _LOADING_PROCESS:
            os._exit(9)
        return function(*args, **kwargs)

    return dying


def _claims_records(claims_file):
    return claims_file.claims, claims_file.articles, [(p.message, p.where) for p in claims_file.problems]


@forking
@pytest.mark.parametrize("cache", ["folder", "memory", "none"])
def test_claims_parsed_by_a_worker_are_those_parsed_here_and_are_kept_in_the_cache(library, monkeypatch, cache):
    """With a cache of files the worker keeps what it parsed itself; a cache in memory (kbase diff's) is kept by the
    loading process, which the worker's copy of it is not."""
    lib = _premised_library(library, 200)
    text = lib.claims_path.read_text(encoding="utf-8")
    lib.claims_path.write_text(text.replace("statement: Claim number 3 holds.", "statment: Claim number 3 holds."), encoding="utf-8")
    here = reading.read_claims(str(lib.claims_path))
    assert here.problems and len(here.claims) == 199  # a problem found by the worker must come back too
    monkeypatch.setattr(reading, "PARALLEL_CLAIMS_BYTES", 0)
    store = {"folder": Cache(lib.folder / ".kbase-cache"), "memory": MemoryCache(), "none": None}[cache]
    calls = []
    parse = reading.claims_from_bytes
    monkeypatch.setattr(reading, "claims_from_bytes", lambda *a: calls.append(os.getpid()) or parse(*a))
    with reading.claims_meanwhile(str(lib.claims_path), store) as result:
        parsed = result()
    assert _claims_records(parsed) == _claims_records(here)
    if threading.active_count() == 1:  # no fork beside other threads (pytest-xdist runs some)
        assert calls == []  # parsed by the worker: its calls are recorded in its own copy of the list
    if store is not None:
        kept = store.get(
            reading.slot_name("claims", str(lib.claims_path)),
            store.key("claims", str(lib.claims_path), store.file_digest(str(lib.claims_path), lambda p: lib.claims_path.read_bytes())[0]),
        )
        assert kept is not None and _claims_records(kept) == _claims_records(here)


@forking
def test_a_claims_worker_that_dies_leaves_the_parse_to_the_loading_process(library, monkeypatch):
    lib = _premised_library(library, 200)
    here = reading.read_claims(str(lib.claims_path))
    monkeypatch.setattr(reading, "PARALLEL_CLAIMS_BYTES", 0)
    monkeypatch.setattr(reading, "claims_from_bytes", _dies_in_a_worker(reading.claims_from_bytes))
    with reading.claims_meanwhile(str(lib.claims_path), Cache(lib.folder / ".kbase-cache")) as result:
        assert _claims_records(result()) == _claims_records(here)


def _load_in_a_pool_worker(paths):
    reading.PARALLEL_CLAIMS_BYTES = 0
    return len(kbase.load(*paths).claims)


@forking
def test_a_library_loads_inside_a_multiprocessing_pool_worker(library):
    """A pool's worker is daemonic and may not start a process of its own: it parses claims.yaml itself."""
    lib = _premised_library(library, 50)
    with mp.get_context("spawn").Pool(1) as pool:  # spawned: this test process may run threads (pytest-xdist)
        assert pool.map(_load_in_a_pool_worker, [(str(lib.claims_path.resolve()), str(lib.bib_path.resolve()))]) == [50]
