"""Loading in parallel gives what loading in one process gives: a ``.bib`` parsed in two halves (every
real-world file of the corpus), claims graded by two processes, cache entries written by a child.

Each mechanism only starts for large libraries; the tests lower the thresholds so that small real
files take the parallel path, and compare with the serial result."""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor

import pytest
from conftest import BIB_FILES as FILES
from conftest import LEGACY_ENCODINGS as LEGACY
from conftest import WHOLE_BIB_CORPUS, bib_entry, claims_yaml

import kbase
import kbase.cache
import kbase.grading
import kbase.loaders.bib as bib
import kbase.loading.pipeline as pipeline
import kbase.loading.processes as processes
import kbase.loading.reading as reading

CUT_IN_SAMPLE = 7  # measured: 7 of the 14 bundled files are cut in two
forking = pytest.mark.skipif(
    "fork" not in mp.get_all_start_methods() or (os.cpu_count() or 1) < 2, reason="parallel loading needs fork and two cores"
)


def _state(bib_file):
    return (
        [(r, r.where, r.fields) for r in bib_file.references],
        [(f, f.where) for f in bib_file.problems],
        [(f, f.where) for f in bib_file.warnings],
    )


@forking
def test_every_corpus_file_parses_in_halves_exactly_as_in_one_piece(monkeypatch):
    monkeypatch.setattr(reading, "PARALLEL_BIB_BYTES", 0)
    cut = []
    in_halves = reading._parse_in_halves
    monkeypatch.setattr(reading, "_parse_in_halves", lambda *args: cut.append(in_halves(*args)) or cut[-1])
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork")) as pool:
        for path in FILES:
            text = path.read_bytes().decode(LEGACY.get(path.name, "utf-8-sig"))
            serial = bib.parse_bib(text, str(path))
            assert _state(reading.parse_bib_at_once(text, str(path), (), pool)) == _state(serial), path
    # most were really cut in two (whole corpus: 200 of its files at least; the bundled sample: CUT_IN_SAMPLE)
    assert len(cut) == len(FILES) and sum(c is not None for c in cut) >= (200 if WHOLE_BIB_CORPUS else CUT_IN_SAMPLE)


@forking
def test_a_problem_or_a_key_in_both_halves_is_reported_as_in_one_piece(monkeypatch):
    monkeypatch.setattr(reading, "PARALLEL_BIB_BYTES", 0)
    entries = [bib_entry(f"k{i}") for i in range(40)]
    broken = entries[:30] + ["@article{bad, title = {no closing brace,\n\n"] + entries[30:]
    repeated = entries + [bib_entry("k3")]
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork")) as pool:
        for text in ("".join(broken), "".join(repeated)):
            serial = bib.parse_bib(text, "r.bib")
            assert serial.problems
            assert reading._parse_in_halves(text, "r.bib", pool) is None
            assert _state(reading.parse_bib_at_once(text, "r.bib", (), pool)) == _state(serial)


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
    monkeypatch.setattr(pipeline, "grade_claims", lambda G, options, only=None: here.append(len(only)) or grade(G, options, only=only))
    parallel = pipeline.grade_library(kb.graph, kb.options)
    if threading.active_count() == 1:  # no fork beside other threads (pytest-xdist runs some): then all are graded here
        assert here and here[0] < len(serial) * 0.7  # about half were handed to the worker
    assert list(parallel) == list(serial) and parallel == serial
    assert any(g.level != serial["c0"].level for g in serial.values())  # the grades differ: the comparison means something


@forking
def test_cache_entries_written_in_the_background_are_read_back(library, monkeypatch):
    monkeypatch.setenv("KBASE_NO_CACHE", "")
    monkeypatch.setattr(kbase.cache, "BACKGROUND_BYTES", 0)
    _premised_library(library, 60)
    fresh = library.load()
    cold = library.load(cache=True)
    expected = (dict(fresh.grades), fresh.check())
    assert (dict(cold.grades), cold.check()) == expected
    kbase.cache.wait_for_writes()
    entries = sorted(p.name.split("-")[0] for p in (library.folder / kbase.cache.CACHE_FOLDER).glob("*.pickle"))
    assert entries.count("bib") == 1 and entries.count("library") >= 2  # the .bib, and meta and grades
    warm = library.load(cache=True)
    assert (dict(warm.grades), warm.check()) == expected and "graph" not in warm.__dict__


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


@forking
def test_a_large_library_loaded_by_workers_keeps_every_file_in_the_cache(library, monkeypatch):
    """The claims parsed by a worker and both halves of the .bib end up in the cache, written by the
    loading process (a worker's copy of the cache must not keep entries back, nor write them); the
    claims, pickled by the worker to hand them back, are written as those bytes, not pickled again
    (the .bib's halves are joined, then pickled: keeping their two pickles saved 4 %, not kept)."""
    pickled_again: list[str] = []
    write = kbase.cache.Cache._write_in_background
    monkeypatch.setattr(
        kbase.cache.Cache,
        "_write_in_background",
        lambda self, slot, key, value: pickled_again.append(slot.split("-")[0]) or write(self, slot, key, value),
    )
    monkeypatch.setenv("KBASE_NO_CACHE", "")
    monkeypatch.setattr(kbase.cache, "BACKGROUND_BYTES", 0)
    monkeypatch.setattr(reading, "PARALLEL_CLAIMS_BYTES", 0)
    monkeypatch.setattr(reading, "PARALLEL_BIB_BYTES", 0)
    _premised_library(library, 80)
    fresh = library.load()
    cold = library.load(cache=True)
    assert (dict(cold.grades), cold.check()) == (dict(fresh.grades), fresh.check())
    kbase.cache.wait_for_writes()
    kinds = sorted(p.name.split("-")[0] for p in (library.folder / kbase.cache.CACHE_FOLDER).glob("*.pickle"))
    assert kinds.count("bib") == kinds.count("claims") == 1
    assert "claims" not in pickled_again and "bib" in pickled_again and "library" in pickled_again
    warm = library.load(cache=True)
    assert "graph" not in warm.__dict__ and dict(warm.grades) == dict(fresh.grades)
    assert warm.claims == fresh.claims and [r.where for r in warm.references.values()] == [r.where for r in fresh.references.values()]


@forking
def test_a_file_with_no_safe_cut_is_parsed_in_one_piece_in_linear_time(monkeypatch):
    """A stray brace early in the file leaves every entry line "inside braces": no cut is made, and
    looking for one reads each byte a bounded number of times (it used to count from the start of the
    file again for every candidate line: quadratic, minutes on a large file)."""
    scanned = []

    class Counted(str):
        def count(self, sub, start=0, end=None):  # type: ignore[override]
            scanned.append((len(self) if end is None else end) - start)
            return str.count(self, sub, start, end)

    text = Counted("@comment{ a stray opening brace\n\n" + "".join(bib_entry(f"k{i}") for i in range(5000)))
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork")) as pool:
        assert reading._parse_in_halves(text, "r.bib", pool) is None
    assert sum(scanned) <= 2 * len(text)  # "{" and "}" counted once each over at most the whole text


def test_a_workers_pickle_is_loaded_once_as_soon_as_it_arrives_and_its_error_raised_when_asked(monkeypatch, caplog):
    from concurrent.futures import Future

    runtime = processes
    loads = []
    monkeypatch.setattr(runtime, "unpickled", lambda data: loads.append(data) or pickle.loads(data))
    arrived: Future[bytes] = Future()
    value = runtime.unpickled_when_done(arrived)
    arrived.set_result(pickle.dumps({"claims": [1, 2]}))
    assert len(loads) == 1  # loaded when it arrived, before anyone asked
    first, second = value(), value()
    assert first[0] == {"claims": [1, 2]} and first[0] is second[0] and first[1] == loads[0] and len(loads) == 1

    failed: Future[bytes] = Future()
    broken = runtime.unpickled_when_done(failed)
    failed.set_exception(ValueError("the worker died"))
    with pytest.raises(ValueError, match="the worker died"):
        broken()
    assert not caplog.records  # nothing logged by the early load: the caller hears of it when it asks


_LOADING_PROCESS = os.getpid()


def _dies_in_a_worker(path, data):
    """claims_from_bytes, except in a forked worker, which dies as one killed for memory would."""
    if os.getpid() != _LOADING_PROCESS:
        os._exit(9)
    return _claims_from_bytes(path, data)


from kbase.loaders.claims import claims_from_bytes as _claims_from_bytes  # noqa: E402


@forking
def test_a_worker_that_dies_leaves_the_work_to_the_loading_process(library, monkeypatch):
    """A worker killed while parsing (out of memory, say) breaks the pool: claims.yaml and both halves
    of the .bib are then read by the loading process, with the same result, and no traceback."""
    monkeypatch.setattr(reading, "PARALLEL_CLAIMS_BYTES", 0)
    monkeypatch.setattr(reading, "PARALLEL_BIB_BYTES", 0)
    _premised_library(library, 80)
    expected = library.load()
    expected_grades = dict(expected.grades)
    monkeypatch.setattr(reading, "claims_from_bytes", _dies_in_a_worker)
    survived = library.load()
    assert survived.claims == expected.claims and dict(survived.grades) == expected_grades and not survived.problems
