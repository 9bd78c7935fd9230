"""Shared helpers: purpose-made libraries written to a temporary folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

import kbase

ROOT = Path(__file__).resolve().parent.parent

# Nothing the suite writes outlives it: pytest's tmp_path folders and everything code under test
# puts in the system temp folder (pre-commit's, the fuzz targets', git's) go into one folder per
# test process, removed when the process ends; Hypothesis keeps no example database.
settings.register_profile("kbase", database=None)
settings.load_profile("kbase")
_SESSION_TEMP: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _SESSION_TEMP
    _SESSION_TEMP = Path(tempfile.mkdtemp(prefix="kbase-tests-"))
    if config.option.basetemp is None:
        config.option.basetemp = str(_SESSION_TEMP / "pytest")
    os.environ["TMPDIR"] = str(_SESSION_TEMP)
    os.environ["XDG_CACHE_HOME"] = str(_SESSION_TEMP / "xdg-cache")  # the parse cache's secret (kbase.cache)
    # no .kbase-cache/ beside the bundled library or the test data: the tests of the cache turn it on
    # (tests/test_cache.py, and every command warm and cold in tests/test_cli_commands.py)
    os.environ["KBASE_NO_CACHE"] = "1"
    # lexical matching everywhere, installed or not, so expectations do not depend on the extra;
    # tests/test_semantic.py turns kbase[semantic] on (and is skipped without it)
    os.environ["KBASE_NO_SEMANTIC"] = "1"
    set_hypothesis_home_dir(str(_SESSION_TEMP / "hypothesis"))  # its caches, not the repository's .hypothesis/
    tempfile.tempdir = None  # recomputed from TMPDIR


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_TEMP is not None:
        shutil.rmtree(_SESSION_TEMP, ignore_errors=True)


# The project's shared data (seed article, verified facts, corpus) sits beside the repository.
SHARED = Path(os.environ.get("KBASE_SHARED", ROOT.parent / "shared"))
needs_shared = pytest.mark.skipif(
    not (SHARED / "seed").is_dir(),
    reason=f"the project's shared data (seed article, corpus) is not at {SHARED}: a clone runs without it; CI runs with it (README, 'Two commands')",
)
# Real .bib files others wrote: the whole shared corpus where it is beside the repository (CI),
# else the sample bundled in tests/data (its README says where each file comes from).
WHOLE_BIB_CORPUS = (SHARED / "corpus" / "bib").is_dir()
BIB_CORPUS = SHARED / "corpus" / "bib" if WHOLE_BIB_CORPUS else ROOT / "tests" / "data" / "corpus-sample"
BIB_FILES = sorted(BIB_CORPUS.rglob("*.bib"))
LEGACY_ENCODINGS = {"encoding1.bib": "latin-1", "encoding3.bib": "latin-1", "encoding4.bib": "latin-1", "gbk_test.bib": "gbk"}


def bib_entry(key: str, design: str | None = "rct", year: int | None = 2020, entry_type: str = "article", **fields: str) -> str:
    """One BibTeX entry; ``design=None`` leaves the design field out."""
    lines = [f"@{entry_type}{{{key},"]
    fields.setdefault("title", f"Title of {key}")
    fields.setdefault("author", f"Doe-{key}, Jane")  # one author per reference: shared authors join sources
    if year is not None:
        fields["year"] = str(year)
    if design is not None:
        fields["design"] = design
    for name, value in fields.items():
        lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n\n"


class Library:
    """Writes claims.yaml and references.bib into a folder and loads them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.claims_path = folder / "claims.yaml"
        self.bib_path = folder / "references.bib"

    def write(self, claims: str, bib: str = "") -> Library:
        self.claims_path.write_text(textwrap.dedent(claims), encoding="utf-8")
        self.bib_path.write_text(bib, encoding="utf-8")
        return self

    def load(self, **kwargs: object) -> kbase.KnowledgeBase:
        kwargs.setdefault("year", 2026)
        return kbase.load(self.claims_path, self.bib_path, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """An empty library folder, also made the working directory (so paths print short)."""
    monkeypatch.chdir(tmp_path)
    return Library(Path("."))


def claims_yaml(*claims: str, articles: str = "") -> str:
    """A claims file from claim blocks written at column 0 (each starting with ``- id:``)."""
    body = "".join(textwrap.indent(textwrap.dedent(c).strip("\n") + "\n", "  ") for c in claims)
    return f"kbase: 1\n{articles}claims:\n{body}"


#: Two claims: one supported by an RCT keyed ``trial``, one that nothing supports (the CLI tests' library).
STRONG_AND_BARE = claims_yaml(
    """
    - id: strong
      statement: A drug reduces pain.
      evidence:
        - ref: trial
          stance: supports
          concerns: []
    """,
    """
    - id: bare
      statement: Nothing backs this.
    """,
)


@contextlib.contextmanager
def hang(seconds: int = 60):
    """Fail instead of running on for minutes (a guard against a return of quadratic work, not a benchmark)."""

    def stop(signum, frame):  # noqa: ARG001
        raise AssertionError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
