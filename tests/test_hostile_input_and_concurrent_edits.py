"""Hostile input and concurrent edits: nothing lost, nothing injected, nothing slow.

Each case reproduces a fault that was found against kbase, and checks what a user would notice:
the file kept byte for byte, a located message and exit code 2, an output that carries no live
link or escape sequence. Slow inputs are checked for their result; the ``hang`` guard (60 s, so that a
loaded machine cannot trip it) only stops a run that would otherwise take minutes. The
timings themselves are in ``benchmarks/bench_hostile.py``.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import bib_entry, claims_yaml, hang
from markdown_it import MarkdownIt

import kbase
from kbase.cli import cli
from kbase.drafts.html_draft import parse_html
from kbase.drafts.reader import parse_draft

BIB = bib_entry("trial", "rct", year=2024, journal="J") + bib_entry("spare", "cohort", year=2019, journal="J", title="A spare cohort")
CLAIMS = claims_yaml(
    """
    - id: strong
      statement: A drug reduces pain.
      evidence:
        - ref: trial
          stance: supports
    """,
)


def run(*args: str):
    result = CliRunner().invoke(cli, ["--year", "2026", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def project(library):
    library.write(CLAIMS, BIB)
    return library


# -- the lock ---------------------------------------------------------------------------------


def _add(folder: str, claim_id: str) -> None:
    os.chdir(folder)
    kbase.ClaimsEditor("claims.yaml", ["references.bib"]).add_claim(claim_id, f"Claim {claim_id}.")


@pytest.mark.slow
def test_no_edit_is_lost_with_a_stale_lock_present_in_50_rounds(project):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    context = mp.get_context("fork")
    for round_ in range(50):
        Path(f"{project.claims_path}.lock").write_text(f"{dead}\n")  # left by a killed kbase
        ids = [f"r{round_}-{i}" for i in range(6)]
        workers = [context.Process(target=_add, args=(str(project.folder), i)) for i in ids]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        assert [w.exitcode for w in workers] == [0] * len(workers), round_
        kb = project.load()
        assert kb.problems == ()
        assert set(ids) <= set(kb.claims), f"round {round_}: lost {set(ids) - set(kb.claims)}"
    assert not Path(f"{project.claims_path}.lock").exists()


def test_a_lock_file_holding_a_huge_number_is_free(project):
    Path(f"{project.claims_path}.lock").write_text("9" * 5000 + "\n")
    assert run("claim", "add", "x", "--statement", "X.").exit_code == 0


# -- dedupe --apply: through the YAML, atomic, locked ------------------------------------------------

DUP_BIB = bib_entry(
    "smith2020", "rct", title="Ketamine infusions for complex regional pain syndrome", author="Smith, John A.", journal="Pain"
) + bib_entry(
    "smith2020b", None, title="Ketamine Infusions for Complex Regional Pain Syndrome.", author="Smith, J. A.", journal="Pain", doi="10.1000/xyz"
)
DUP_CLAIMS = claims_yaml(
    """
    - id: a
      statement: A.
      evidence:
        - ref: smith2020
          stance: supports
          note: "see also ref: smith2020b, the same trial"
        - ref: smith2020b
          stance: supports
    """,
    """
    - id: b
      statement: B.
      evidence:
        - ref: smith2020b
          stance: mentions
    """,
)


def test_dedupe_apply_renames_links_not_notes_and_drops_the_repeat(library):
    library.write(DUP_CLAIMS, DUP_BIB)
    assert run("refs", "dedupe", "--apply").exit_code == 0
    text = library.claims_path.read_text(encoding="utf-8")
    assert 'note: "see also ref: smith2020b, the same trial"' in text  # a note is text, not a link
    kb = library.load()
    assert kb.problems == () and set(kb.references) == {"smith2020"}
    assert [(e.ref, e.stance) for e in kb.claims["a"].evidence] == [("smith2020", "supports")]
    assert [(e.ref, e.stance) for e in kb.claims["b"].evidence] == [("smith2020", "mentions")]
    assert run("check").exit_code == 0


@pytest.mark.parametrize("point", ["created", "written", "journal-written", "renamed-1", "renamed-2"])
def test_dedupe_apply_killed_at_any_step_leaves_the_old_pair_or_the_new_pair(library, point):
    library.write(DUP_CLAIMS, DUP_BIB)
    old = (library.claims_path.read_bytes(), library.bib_path.read_bytes())
    env = {**os.environ, "KBASE_FAULT": point}
    proc = subprocess.run(
        [sys.executable, "-m", "kbase.cli", "refs", "dedupe", "--apply"], cwd=library.folder, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 137, proc.stderr
    result = run("check")  # the next command finishes or ignores the interrupted transaction
    assert result.exit_code == 0, result.output
    now = (library.claims_path.read_bytes(), library.bib_path.read_bytes())
    kb = library.load()
    if now != old:  # the new pair: the duplicate is gone, and no link names it
        assert "smith2020b" not in kb.references
        assert all(e.ref != "smith2020b" for c in kb.claims.values() for e in c.evidence)
    assert not (library.folder / ".kbase-journal").exists()
    assert sorted(p.name for p in library.folder.iterdir() if p.name.endswith(".tmp")) == [] or point in ("created", "written")


def test_dedupe_apply_waits_for_the_lock(project, monkeypatch):
    import kbase.files

    project.write(DUP_CLAIMS, DUP_BIB)
    monkeypatch.setattr(kbase.files, "LOCK_WAIT_SECONDS", 0.2)
    with kbase.files.library_lock(project.claims_path):
        result = run("refs", "dedupe", "--apply")
    assert result.exit_code == 2 and "is being edited by" in result.stderr
    assert set(project.load().references) == {"smith2020", "smith2020b"}


# -- outputs never clobber ------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["claims.yaml", "references.bib", "./claims.yaml", "link-to-claims", ".", "", "fifo", "/dev/null"])
def test_output_refuses_the_library_folders_and_special_files(project, target):
    os.symlink("claims.yaml", project.folder / "link-to-claims")
    os.mkfifo(project.folder / "fifo")
    before = {p: p.read_bytes() for p in (project.claims_path, project.bib_path)}
    for args in (["table", "-o", target], ["graph", "-o", target], ["export", "-o", target], ["cite", "-o", target]):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("kbase: ") and result.stdout == ""
    assert {p: p.read_bytes() for p in before} == before
    assert (project.folder / "link-to-claims").is_symlink()
    assert Path("/dev/null").is_char_device()


def test_output_dash_is_standard_output(project):
    result = run("export", "-o", "-")
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["id"] == "trial"


# -- a stray brace ------------------------------------------------------------------------------


def test_a_brace_that_closes_an_entry_early_is_located_and_blocks_fmt(project):
    bib = BIB.replace("title = {Title of trial},", "title = {Title of trial}},")
    project.bib_path.write_text(bib, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 2
    # the entry's lines: @article, journal, title (with the stray brace), author, year, design
    assert result.stderr.startswith(
        "references.bib:3:27: error syntax-error a '}' closes entry 'trial' early; the fields after it (author, year, design) are not read"
    )
    result = run("refs", "fmt")
    assert result.exit_code == 2 and "cannot format" in result.stderr
    assert project.bib_path.read_text(encoding="utf-8") == bib


def test_an_entry_commented_out_with_percent_is_skipped_and_kept(project):
    commented = "".join(f"%{line}\n" if line else "\n" for line in bib_entry("old", "rct", year=2001, journal="J").split("\n"))
    bib = BIB + "\n" + commented + "\n% a note between entries @ 2024\n"
    project.bib_path.write_text(bib, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 0, result.output
    assert sorted(project.load().references) == ["spare", "trial"]
    assert run("refs", "fmt").exit_code == 0
    formatted = project.bib_path.read_text(encoding="utf-8")
    assert commented.strip() in formatted and "% a note between entries @ 2024" in formatted
    assert run("refs", "set", "spare", "design=cohort", "pages=1--9").exit_code == 0
    assert commented.strip() in project.bib_path.read_text(encoding="utf-8")


# -- every value written is escaped for its format -----------------------------------------------


def test_an_imported_title_cannot_inject_fields_or_break_the_file(project):
    items = [
        {"id": "x1", "type": "article-journal", "title": "Evil}, design = {meta-analysis}, note = {", "issued": {"date-parts": [[2021]]}},
        {"id": "x2", "type": "article-journal", "title": "Unbalanced { brace", "issued": {"date-parts": [[2022]]}},
    ]
    (project.folder / "items.json").write_text(json.dumps(items), encoding="utf-8")
    assert run("refs", "import", "items.json").exit_code == 0
    kb = project.load()
    assert kb.problems == ()
    new = [r for r in kb.references.values() if r.key not in ("trial", "spare")]
    assert [r.title for r in new] == ["Evil}, design = {meta-analysis}, note = {", "Unbalanced { brace"]
    assert all(r.design_inferred and r.field("design") == "" and r.field("note") == "" for r in new)


def test_markdown_tables_carry_no_live_link_or_image(project):
    hostile = "Click [here](javascript:alert(1)) or see ![x](https://tracker.example/p.png) <img src=x onerror=alert(1)>."
    project.claims_path.write_text(CLAIMS.replace("A drug reduces pain.", json.dumps(hostile)), encoding="utf-8")
    result = run("table", "--format", "md")
    assert result.exit_code == 0
    html = MarkdownIt("commonmark").enable("table").render(result.stdout)
    assert "<table>" in html
    assert re.search(r"<(a|img)\b", html) is None  # shown as text, never a link or an image
    assert "javascript&amp;#58;" not in html and "&lt;img" in html
    assert "here" in html


def test_control_and_escape_characters_never_reach_the_terminal(project):
    project.claims_path.write_text(CLAIMS.replace("A drug reduces pain.", '"A drug\\e[2J reduces\\u202e pain."'), encoding="utf-8")
    for args in (["evidence", "strong"], ["grades"], ["audit"], ["table", "--format", "md"]):
        out = run(*args).output
        assert "\x1b" not in out and "\u202e" not in out, args
    assert "\\x1b[2J" in run("evidence", "strong").stdout


def test_sarif_uris_are_percent_encoded(project):
    draft = project.folder / "my draft #1.md"
    draft.write_text("A drug reduces pain.\n", encoding="utf-8")
    data = json.loads(run("audit", "my draft #1.md", "--format", "sarif").stdout)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in data["runs"][0]["results"] for loc in r["locations"]}
    assert uris == {"my%20draft%20%231.md"}


# -- bounded work on any input ------------------------------------------------------------------

# the shapes of benchmarks/bench_pathological.py, which times them
from benchmarks.bench_pathological import SHAPES  # noqa: E402


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_64_kb_of_a_pathological_draft_is_read(shape):
    unit = SHAPES[shape]
    text = unit * (64_000 // len(unit))
    with hang():
        for markdown in (True, False):
            draft = parse_draft(text, "d.md", markdown=markdown)
            assert all(s.where.line >= 1 for s in draft.sentences)
        assert all(s.where.line >= 1 for s in parse_html(text, "d.html").sentences)


@pytest.mark.parametrize("name", ["claims", "bib", "draft", "retractions"])
def test_an_endless_stream_is_refused(project, name):
    args = {
        "claims": ["--claims", "/dev/zero", "check"],
        "bib": ["--bib", "/dev/zero", "check"],
        "draft": ["audit", "/dev/zero"],
        "retractions": ["--retractions", "/dev/zero", "check"],
    }[name]
    with hang():
        result = run(*args)
    assert result.exit_code == 2  # a device is refused before a byte is read (issue 26: a repository can ship one)
    assert "/dev/zero: " in result.stderr and "not a regular file (a FIFO or a device)" in result.stderr


def test_a_huge_retraction_list_field_is_a_located_error(project):
    csv = "Title,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature\nx,10.1/x,1,Retraction\n" + '"' + "a" * 200_000 + '",,,\n'
    (project.folder / "rw.csv").write_text(csv, encoding="utf-8")
    result = run("--retractions", "rw.csv", "check")
    assert result.exit_code == 2
    assert result.stderr.startswith("rw.csv:3:1: error syntax-error not a readable CSV row: field larger than field limit")


def _chain(n: int) -> str:
    items = []
    for i in range(n):
        premise = f"\n    depends_on: [c{i - 1}]" if i else ""
        items.append(f"  - id: c{i}\n    statement: Claim {i}.\n    evidence:\n      - ref: trial\n        stance: supports{premise}\n")
    return "kbase: 1\nclaims:\n" + "".join(items)


def test_a_premise_tree_of_a_long_chain_prints_in_bounded_width(project):
    project.claims_path.write_text(_chain(1000), encoding="utf-8")
    with hang():
        result = run("evidence", "c999", "--tree")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1000 and max(map(len, lines)) < 200
    assert lines[-1].strip().startswith("(depth 999) └── c0")


def test_a_premise_shared_many_times_is_printed_once(project):
    items = []
    for level in range(28):  # each level's two claims rest on both claims of the next: 2**28 paths
        below = f"[l{level + 1}a, l{level + 1}b]" if level < 27 else "[]"
        items += [f"  - id: l{level}{side}\n    statement: Claim {level}{side}.\n    depends_on: {below}\n" for side in "ab"]
    project.claims_path.write_text("kbase: 1\nclaims:\n" + "".join(items), encoding="utf-8")
    with hang():
        result = run("evidence", "l0a", "--tree")
    assert result.exit_code == 0
    # each claim is expanded once; each other arrival at it is one line: at most 2 per claim
    assert len(result.stdout.splitlines()) <= 1 + 2 * 56 and result.stdout.count("(shown above)") >= 27


def test_impact_along_a_long_chain(project):
    project.claims_path.write_text(_chain(5000), encoding="utf-8")
    with hang():
        result = run("impact", "trial", "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["impacts"][0]["changes"]) == 5000


# -- smaller: keys and macros -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bib", "expected"),
    [
        (
            "@misc{smith2020, title={A}}\n@misc{Smith2020, title={B}}\n",
            "r.bib:2:1: warning confusable-key keys 'smith2020' (line 1) and 'Smith2020' differ only by case or invisible characters",
        ),
        ("@misc{smith2020\u202e, title={A}}\n", "r.bib:1:1: warning confusable-key key 'smith2020\\u202e' holds characters"),
        ("@misc{k, title={A}, publisher = jpain}\n", "r.bib:1:1: warning undefined-string 'k': field publisher is the bare word 'jpain'"),
    ],
    ids=["case", "bidi", "undefined-string"],
)
def test_keys_and_macros_that_mislead_are_linted(tmp_path, monkeypatch, bib, expected):
    monkeypatch.chdir(tmp_path)
    Path("r.bib").write_text(bib, encoding="utf-8")
    result = run("--bib", "r.bib", "refs", "lint", "--fail-on", "none")
    assert any(line.startswith(expected) for line in result.stdout.splitlines()), result.stdout


def test_month_macros_and_defined_strings_are_not_flagged(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("r.bib").write_text("@string{jp = {J Pain}}\n@article{k, author={A, B}, title={T}, journal=jp, month=jan, year=2020}\n", encoding="utf-8")
    assert "undefined-string" not in run("--bib", "r.bib", "refs", "lint").stdout


def test_findings_in_a_markdown_table_land_on_their_own_row_and_cell(tmp_path):
    text = (
        "# Facts\n\n| fact | source |\n|---|---|\n| Ketamine relieves pain in 20% of patients. | none |\n"
        "| Most adults have tried a sleep remedy in 2020. | none |\n"
    )
    draft = parse_draft(text, "d.md")
    places = {s.clean: (s.where.line, s.where.col) for s in draft.sentences}
    assert places["Ketamine relieves pain in 20% of patients."] == (5, 3)
    assert places["Most adults have tried a sleep remedy in 2020."] == (6, 3)


@pytest.mark.parametrize("unit", ["[", "{", "- ", "[a, "])
def test_yaml_nested_past_what_libyaml_survives_is_refused_not_a_crash(tmp_path, unit):
    # 64 kB of "[" made libyaml's recursive parser overflow the C stack: a segmentation fault, no message
    (tmp_path / "claims.yaml").write_text((unit * 64_000)[:64_000], encoding="utf-8")
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kbase.cli", "check"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-500:])
    assert proc.stderr.startswith("claims.yaml:1:") and "nested more than 1000 levels deep" in proc.stderr


def test_a_full_disk_is_a_message_and_the_file_is_kept(project, monkeypatch):
    import errno

    import kbase.files

    real_fdopen = os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            pass

        def fileno(self):
            return self.handle.fileno()

    monkeypatch.setattr(kbase.files.os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    before = project.claims_path.read_bytes()
    result = run("claim", "add", "x", "--statement", "X.")
    assert result.exit_code == 2
    assert result.stderr == "kbase: claims.yaml: cannot write: the disk is full; the file is unchanged\n"
    assert project.claims_path.read_bytes() == before
    assert [p.name for p in project.folder.iterdir() if p.name.endswith(".tmp")] == []
