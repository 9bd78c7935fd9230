"""Auditing a whole content folder (issue 18): globs, processes, and the same bytes as one process.

The drafts are the labelled drafts of tests/drafts/ (Markdown, text, HTML), copied many times into
nested folders, plus one unreadable draft; the library is the bundled ketamine library.
"""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner
from conftest import ROOT

import kbase
from kbase.audit.batch import audit_many, expand_drafts
from kbase.cli import cli

DRAFTS = ROOT / "tests" / "drafts"


@pytest.fixture
def content(tmp_path, monkeypatch):
    """A content repository: the bundled library, and drafts in nested folders."""
    monkeypatch.chdir(tmp_path)
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    sources = sorted(p for p in DRAFTS.iterdir() if p.suffix in (".md", ".txt", ".html"))
    for copy in range(3):
        for source in sources:
            folder = tmp_path / "content" / f"section-{copy}" / ("deep" if copy == 2 else "")
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, folder / source.name)
    (tmp_path / "content" / "section-0" / "broken.md").write_bytes(b"caf\xe9 is not UTF-8\n")
    return tmp_path


def run(*args: str):
    result = CliRunner().invoke(cli, ["--year", "2026", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_a_quoted_glob_finds_every_draft_in_nested_folders_in_sorted_order(content):
    found = expand_drafts(["content/**/*.md", "content/**/*.txt", "content/section-0/01-mechanism.md"])
    markdown = [p for p in found if p.endswith(".md")]
    assert found == markdown + [p for p in found if p.endswith(".txt")]  # pattern by pattern, each sorted
    assert markdown == sorted(markdown) and "content/section-2/deep/04-opioids-paragraphs.md" in markdown
    per_copy = len(list(DRAFTS.glob("*.md")))
    assert len(found) == len(set(found)) == 3 * per_copy + 1 + 3  # the .md drafts thrice and broken.md, one .txt each; no repeat
    assert expand_drafts(["content/*.nothing"]) == ["content/*.nothing"]  # reported as unreadable, not dropped
    result = run("audit", "content/*.nothing")
    assert result.exit_code == 2 and "kbase: content/*.nothing: no file matches this pattern" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_any_number_of_processes_prints_the_same_bytes(content, fmt):
    pattern = "content/**/*.*"
    one = run("audit", pattern, "--format", fmt, "-j", "1")
    assert one.exit_code == 2  # broken.md is unreadable: listed, and the others still audited
    assert "broken.md:1:4: not valid UTF-8" in one.stderr
    assert one.stdout.count("uncited-claim") >= 6
    for jobs in ("2", "3", "0"):
        many = run("audit", pattern, "--format", fmt, "-j", jobs)
        assert (many.exit_code, many.stdout, many.stderr) == (one.exit_code, one.stdout, one.stderr), jobs


def test_the_library_api_gives_outcomes_in_draft_order(content):
    kb = kbase.load("claims.yaml", "references.bib", year=2026)
    paths = expand_drafts(["content/**/*.md"])
    auditor = kb.draft_auditor()
    serial = list(audit_many(auditor, paths, 1))
    assert [o.path for o in serial] == paths
    assert list(audit_many(auditor, paths, 2)) == serial
    report = kb.draft_report(paths[0])
    assert serial[0].findings == tuple(report.findings)


def test_dask_on_a_local_cluster_of_processes_gives_the_serial_result(content):
    pytest.importorskip("dask.bag")
    from kbase.audit.distributed import audit_with_dask

    kb = kbase.load("claims.yaml", "references.bib", year=2026)
    paths = expand_drafts(["content/**/*.*"])
    auditor = kb.draft_auditor()
    serial = list(audit_many(auditor, paths, 1))
    assert audit_with_dask(auditor, paths, partitions=4, scheduler="processes") == serial
    assert any(o.error for o in serial) and any(o.findings for o in serial)


class _DiesInAWorker:
    """A draft auditor that dies, as a process killed for memory would, when a worker reaches one draft."""

    def __init__(self, auditor, fatal: str) -> None:
        self.auditor, self.fatal, self.parent = auditor, fatal, os.getpid()

    def __call__(self, path: str):
        if path == self.fatal and os.getpid() != self.parent:
            os._exit(9)
        return self.auditor(path)


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(), reason="needs fork")
def test_a_worker_that_dies_does_not_hang_the_audit(content):
    """multiprocessing.Pool waits forever for the drafts of a worker that died; the audit now finishes
    them in this process, in order, with the serial result."""
    import signal

    kb = kbase.load("claims.yaml", "references.bib", year=2026)
    paths = expand_drafts(["content/**/*.md"])
    auditor = kb.draft_auditor()
    serial = list(audit_many(auditor, paths, 1))
    previous = signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("the audit hung on a dead worker")))
    signal.alarm(60)
    try:
        assert list(audit_many(_DiesInAWorker(auditor, paths[len(paths) // 2]), paths, 2)) == serial
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_drafts_are_never_audited_by_a_fork_beside_another_thread(content, monkeypatch):
    """A forked child of a process with other threads (the semantic extra's onnxruntime runs some) can
    deadlock on a lock one of them held: then the workers are spawned instead, with the same result."""
    import multiprocessing as mp
    import threading

    kb = kbase.load("claims.yaml", "references.bib", year=2026)
    paths = expand_drafts(["content/**/*.md"])[:4]
    auditor = kb.draft_auditor()
    serial = list(audit_many(auditor, paths, 1))
    asked = []
    real = mp.get_context
    monkeypatch.setattr(mp, "get_context", lambda method=None: asked.append(method) or real(method))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert list(audit_many(auditor, paths, 2)) == serial
    finally:
        stop.set()
        other.join()
    assert asked == ["spawn"]
