"""The parse cache (kbase.cache, issue 18): a cached load is the fresh load, or it is not used.

The property test edits, touches, renames and truncates the library's files between loads and
checks that a load through the cache equals a load without it, field for field and place for
place; the other tests check that a corrupt, foreign or planted cache is ignored with a notice
and never unpickled, and that the cache can be turned off.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import bib_entry, claims_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kbase
import kbase.loading.pipeline as pipeline
from kbase.cache import CACHE_FOLDER
from kbase.cli import cli
from kbase.loading.reading import Derived, ReferencesByKey


@pytest.fixture(autouse=True)
def cache_on(monkeypatch):
    monkeypatch.setenv("KBASE_NO_CACHE", "")  # the suite turns it off elsewhere (conftest.py)


CLAIMS = claims_yaml(
    """
    - id: strong
      statement: A drug reduces pain.
      evidence:
        - ref: trial
          stance: supports
        - ref: cohort
          stance: supports
    - id: other
      statement: Sleep improves with the drug.
      evidence:
        - ref: extra
          stance: supports
    """,
)
FIRST = bib_entry("trial", "rct", year=2024, journal="J") + "@string{jn = {Journal of Pain}}\n"
SECOND = (
    bib_entry("cohort", "cohort", year=2019, journal="JNMACRO").replace("{JNMACRO}", "jn")  # the @string of the first file
    + bib_entry("extra", "case-report", year=2001, journal="J")
)


def state(kb: kbase.KnowledgeBase) -> tuple:
    """Everything a command can show of a loaded library, places included."""
    claims = [(repr(c), c.where, [e.where for e in c.evidence]) for c in kb.claims.values()]
    references = [(repr(r), r.fields, r.where) for r in kb.references.values()]
    return (repr(kb.problems), repr(kb.warnings), kb.counts, repr(kb.audit()), claims, references, repr(dict(kb.grades)))


def load(folder: Path, bibs: list[str], cache: bool) -> kbase.KnowledgeBase:
    return kbase.load(folder / "claims.yaml", [str(folder / b) for b in bibs], year=2026, cache=cache)


def _write(folder: Path) -> list[str]:
    (folder / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    (folder / "a.bib").write_text(FIRST, encoding="utf-8")
    (folder / "b.bib").write_text(SECOND, encoding="utf-8")
    return ["a.bib", "b.bib"]


EDITS = st.sampled_from(["design", "new-entry", "touch", "rename", "truncate", "claims", "claims-truncate", "string", "restore"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=6), cut=st.floats(0.05, 0.95))
def test_a_cached_load_equals_a_fresh_one_whatever_happens_to_the_files(tmp_path, edits, cut):
    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    bibs = _write(folder)
    assert state(load(folder, bibs, True)) == state(load(folder, bibs, False))
    for edit in edits:
        target = folder / bibs[-1]
        if edit == "design":
            target.write_text(target.read_text(encoding="utf-8").replace("case-report", "rct"), encoding="utf-8")
        elif edit == "new-entry":
            with target.open("a", encoding="utf-8") as handle:
                handle.write(bib_entry(f"n{uuid.uuid4().hex[:6]}", "cohort", year=2022))
        elif edit == "touch":
            os.utime(target, (1, 1))
        elif edit == "rename":
            new = f"r{uuid.uuid4().hex[:6]}.bib"
            target.rename(folder / new)
            bibs = [*bibs[:-1], new]
        elif edit == "truncate":
            data = target.read_bytes()
            target.write_bytes(data[: int(len(data) * cut)])
        elif edit == "claims":
            path = folder / "claims.yaml"
            path.write_text(path.read_text(encoding="utf-8").replace("case-report", "x").replace("Sleep", "Rest"), encoding="utf-8")
        elif edit == "claims-truncate":
            path = folder / "claims.yaml"
            path.write_bytes(path.read_bytes()[: int(path.stat().st_size * cut)])
        elif edit == "string":  # the first file's @string changes what the second file's 'jn' means
            first = folder / bibs[0]
            first.write_text(first.read_text(encoding="utf-8").replace("Journal of Pain", "Pain Reports"), encoding="utf-8")
        elif edit == "restore":
            for name in bibs:
                (folder / name).unlink()
            bibs = _write(folder)
        cached, fresh = load(folder, bibs, True), load(folder, bibs, False)
        assert state(cached) == state(fresh), edits
        assert state(load(folder, bibs, True)) == state(fresh), edits  # the second (warm) load too


def test_a_warm_load_answers_check_and_grades_without_parsing(library):
    library.write(CLAIMS, FIRST + SECOND)
    first = library.load(cache=True)
    expected = (first.check(), dict(first.grades), first.counts)
    warm = library.load(cache=True)
    assert (warm.check(), dict(warm.grades), warm.counts) == expected
    assert "graph" not in warm.__dict__  # nothing was parsed or built: all of it came from the cache
    assert warm.claims.keys() == first.claims.keys()  # and the records are there when asked for


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / CACHE_FOLDER).glob("*.pickle"))


def test_a_corrupt_or_truncated_entry_is_ignored_with_a_notice(library, caplog):
    library.write(CLAIMS, FIRST + SECOND)
    fresh = state(library.load())
    state(library.load(cache=True))
    entries = _entries(library.folder)
    assert entries
    for i, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if i % 2 else data[:-5] + b"xxxxx")
    with caplog.at_level(logging.WARNING, logger="kbase"):
        assert state(library.load(cache=True)) == fresh
    assert "was not written by kbase on this machine, or it was changed since" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kbase"):
        assert state(library.load(cache=True)) == fresh  # rebuilt: no notice the second time
    assert caplog.text == ""


def test_a_cache_from_another_machine_is_never_unpickled(library, tmp_path, monkeypatch, caplog):
    """A .kbase-cache/ committed to a repository, or copied in, could hold any pickle: it must fail the
    HMAC check before pickle ever sees it."""
    library.write(CLAIMS, FIRST + SECOND)
    fresh = state(library.load())
    state(library.load(cache=True))
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    for entry in _entries(library.folder):
        data = entry.read_bytes()
        head = len(b"kbase-cache 1\n") + 32 + 64
        entry.write_bytes(data[:head] + pickle.dumps(Payload()))  # the key and a MAC from this machine, another body
    with caplog.at_level(logging.WARNING, logger="kbase"):
        assert state(library.load(cache=True)) == fresh
    assert not marker.exists()
    # a whole cache made under another secret (another machine or user) is foreign too
    state(library.load(cache=True))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kbase"):
        assert state(library.load(cache=True)) == fresh
    assert "not written by kbase on this machine" in caplog.text


def test_the_command_line_caches_and_can_be_told_not_to(library, monkeypatch):
    library.write(CLAIMS, FIRST + SECOND)
    runner = CliRunner()
    cold = runner.invoke(cli, ["--year", "2026", "check"])
    warm = runner.invoke(cli, ["--year", "2026", "check"])
    assert (cold.exit_code, cold.output) == (warm.exit_code, warm.output)
    cache = library.folder / CACHE_FOLDER
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"  # git never sees it
    assert (cache / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")
    shutil.rmtree(cache)
    for args, setting, env in ((["--no-cache"], "", ""), ([], "cache = false\n", ""), ([], "", "1")):
        (library.folder / "kbase.toml").write_text(setting, encoding="utf-8")
        monkeypatch.setenv("KBASE_NO_CACHE", env)
        result = runner.invoke(cli, [*args, "--year", "2026", "check"])
        assert (result.exit_code, result.output) == (cold.exit_code, cold.output)
        assert not cache.exists(), (args, setting, env)


def test_a_wrong_cache_setting_is_a_located_error(library):
    library.write(CLAIMS, FIRST + SECOND)
    (library.folder / "kbase.toml").write_text('cache = "no"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert "setting 'cache' must be true or false" in result.output


def test_a_cache_that_cannot_be_written_is_skipped(library):
    library.write(CLAIMS, FIRST + SECOND)
    fresh = state(library.load())
    (library.folder / CACHE_FOLDER).write_text("a file where the folder would go", encoding="utf-8")
    assert state(library.load(cache=True)) == fresh
    assert state(library.load(cache=True)) == fresh


def test_an_unchanged_file_is_not_read_again_and_a_rewritten_one_always_is(library, monkeypatch):
    """Cache.file_digest trusts a file's device, inode, size and times (git's index test): a warm load
    reads no library file; a file rewritten with its size and modification time put back is read
    again, because its change time moved (no program can set that)."""
    import kbase.cache
    import kbase.loading.reading

    monkeypatch.setattr(kbase.cache, "RACY_SECONDS", 0)  # a file this new would otherwise be read again anyway
    library.write(CLAIMS, FIRST + SECOND)
    first = library.load(cache=True)
    expected = (first.check(), dict(first.grades))
    read = kbase.loading.reading.read_input

    def refused(path, *args, **kwargs):
        raise AssertionError(f"read {path}")

    monkeypatch.setattr(kbase.loading.reading, "read_input", refused)
    warm = library.load(cache=True)
    assert (warm.check(), dict(warm.grades)) == expected  # answered from the cache, no file read
    monkeypatch.setattr(kbase.loading.reading, "read_input", read)

    bib = library.bib_path
    before = bib.stat()
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("year = {2019}", "year = {2009}"), encoding="utf-8")  # same size
    os.utime(bib, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert bib.stat().st_size == before.st_size and bib.stat().st_mtime_ns == before.st_mtime_ns
    changed = library.load(cache=True)
    assert changed.references["cohort"].year == 2009 and state(changed) == state(library.load())


def test_a_file_changed_moments_ago_is_not_vouched_for_by_its_times(library, monkeypatch):
    """Within RACY_SECONDS of a change, a second write in the same clock tick could keep every time:
    such a file's digest is not recorded, so the next load reads it again."""
    import kbase.loading.reading

    library.write(CLAIMS, FIRST + SECOND)
    library.load(cache=True)  # just written: racy, so nothing is recorded
    reads = []
    read = kbase.loading.reading.read_input
    monkeypatch.setattr(kbase.loading.reading, "read_input", lambda path, *a, **k: reads.append(path) or read(path, *a, **k))
    library.load(cache=True)
    assert str(library.bib_path) in map(str, reads)


def test_warm_reading_commands_build_no_graph(library):
    """``grades``, ``evidence`` and ``table`` on an unchanged library: records from the cache entries of the
    files, the table's rows from the cache; the graph is built only for what needs it."""
    library.write(CLAIMS, FIRST + SECOND)
    cold = library.load(cache=True)
    expected = (dict(cold.grades), cold.source_chains("strong"), cold.evidence_rows(), dict(cold.claims), dict(cold.references))
    warm = library.load(cache=True)
    assert (dict(warm.grades), warm.source_chains("strong"), warm.evidence_rows(), dict(warm.claims), dict(warm.references)) == expected
    assert "graph" not in warm.__dict__


def test_a_warm_load_unpickles_only_the_references_asked_for(library):
    """``kbase evidence strong`` on an unchanged library reads the claim's references, not the others; all of
    them, asked for, are those of a fresh load, in file order."""
    library.write(CLAIMS, FIRST + SECOND)
    fresh = library.load()
    library.load(cache=True).check()
    warm = library.load(cache=True)
    warm.source_chains("strong")
    references = warm.references
    assert isinstance(references, ReferencesByKey) and list(references) == ["trial", "cohort", "extra"]
    assert set(references._loaded) == {"trial", "cohort"}
    assert list(references.items()) == list(fresh.references.items())


def test_a_cold_load_parses_the_bytes_that_key_its_cache_entries(library, monkeypatch):
    """A file saved while a cold load runs (between hashing the files and parsing them): the load parses the
    version it hashed, so what it keeps under that version's key is that version's; the next load sees the edit."""
    library.write(CLAIMS, FIRST + SECOND)
    original = library.claims_path.read_text(encoding="utf-8")
    edited = original.replace("- ref: cohort\n        stance: supports", "- ref: cohort\n        stance: contradicts")
    assert edited != original
    read_library = pipeline.read_library

    def saved_meanwhile(*args, **kwargs):
        library.claims_path.write_text(edited, encoding="utf-8")
        return read_library(*args, **kwargs)

    monkeypatch.setattr(pipeline, "read_library", saved_meanwhile)
    during = library.load(cache=True)
    monkeypatch.setattr(pipeline, "read_library", read_library)
    library.claims_path.write_text(original, encoding="utf-8")
    fresh = library.load()
    assert dict(during.grades) == dict(fresh.grades)  # the version hashed is the version parsed
    assert dict(library.load(cache=True).grades) == dict(fresh.grades)
    library.claims_path.write_text(edited, encoding="utf-8")
    assert dict(library.load(cache=True).grades) == dict(library.load().grades) != dict(fresh.grades)


def test_a_cold_load_reads_the_retraction_list_it_hashed(library, monkeypatch):
    """The same for a retraction list saved while a cold load runs: the version hashed is the version applied."""
    library.write(CLAIMS, FIRST.replace("year = {2024}", "year = {2024},\n  doi = {10.1/trial}") + SECOND)
    notices = library.folder / "retractions.csv"
    empty = "Title,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature\n"
    notices.write_text(empty, encoding="utf-8")
    read_library = pipeline.read_library

    def saved_meanwhile(*args, **kwargs):
        notices.write_text(empty + "Trial,10.1/trial,,Retraction\n", encoding="utf-8")
        return read_library(*args, **kwargs)

    monkeypatch.setattr(pipeline, "read_library", saved_meanwhile)
    during = library.load(cache=True, retractions=notices)
    monkeypatch.setattr(pipeline, "read_library", read_library)
    notices.write_text(empty, encoding="utf-8")
    fresh = library.load(retractions=notices)
    assert not fresh.references["trial"].retracted
    assert dict(during.grades) == dict(fresh.grades) == dict(library.load(cache=True, retractions=notices).grades)


def test_a_file_vouched_for_by_its_stamp_is_keyed_by_what_is_parsed_if_saved_during_a_cold_load(tmp_path, monkeypatch):
    """``b.bib`` unchanged (its stamp vouches for it, unread) while ``a.bib``'s edit makes the load cold; ``b.bib``
    is saved just then. What the load keeps is keyed by the version it parsed, never the one its stamp named."""
    monkeypatch.setattr(kbase.cache, "RACY_SECONDS", 0)  # stamps recorded at once
    bibs = _write(tmp_path)
    second = tmp_path / "b.bib"
    original = second.read_text(encoding="utf-8")
    load(tmp_path, bibs, True)
    first = tmp_path / "a.bib"
    first.write_text(first.read_text(encoding="utf-8").replace("Journal of Pain", "Pain Reports"), encoding="utf-8")
    take_files = Derived.take_files

    def saved_meanwhile(self):
        second.write_text(original.replace("case-report", "rct"), encoding="utf-8")
        return take_files(self)

    monkeypatch.setattr(Derived, "take_files", saved_meanwhile)
    during = load(tmp_path, bibs, True)
    monkeypatch.setattr(Derived, "take_files", take_files)
    assert dict(during.grades) == dict(load(tmp_path, bibs, False).grades)
    second.write_text(original, encoding="utf-8")
    fresh = load(tmp_path, bibs, False)
    assert dict(load(tmp_path, bibs, True).grades) == dict(fresh.grades) != dict(during.grades)


def test_the_evidence_tables_rows_follow_the_style_file(library, tmp_path):
    """The rows kept in the cache are keyed by the style too: an edited CSL file gives new citations."""
    import shutil as _shutil

    from kbase.citations import resolve_style

    library.write(CLAIMS, FIRST + SECOND)
    style = tmp_path / "mine.csl"
    _shutil.copy(resolve_style("apa"), style)
    first = library.load(cache=True).evidence_rows(style=str(style))
    style.write_text(style.read_text(encoding="utf-8").replace('prefix="(" suffix=")"', 'prefix="[" suffix="]"'), encoding="utf-8")
    second = library.load(cache=True).evidence_rows(style=str(style))
    fresh = library.load().evidence_rows(style=str(style))
    assert second == fresh and second != first
