"""Editing claims.yaml: only the edited lines change, invalid edits are refused, writes are atomic
(a process killed at any step leaves the old file or the new one) and concurrent edits are not lost."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import bib_entry

from kbase.cli import cli

CLAIMS = """\
# Our claims. Keep this comment.
kbase: 1
articles:
  art:
    title: "An article"   # quoted on purpose

claims:
  - id: first
    statement: 'First claim.'
    evidence:
      - ref: a
        stance: supports   # the main source

  - id: second
    statement: Second claim.
    depends_on: [first]
"""
BIB = bib_entry("a") + bib_entry("b")


def changed_lines(before: str, after: str) -> list[str]:
    return [
        l
        for l in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if l[:1] in "+-" and not l.startswith(("+++", "---"))
    ]


@pytest.fixture
def lib(library):
    library.write(CLAIMS, BIB)
    return library


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_link_adds_only_its_lines(lib):
    assert run("link", "first", "b", "--stance", "contradicts", "--locator", "p. 3", "--concern", "imprecision").exit_code == 0
    after = lib.claims_path.read_text(encoding="utf-8")
    assert changed_lines(CLAIMS, after) == [
        "+      - ref: b",
        "+        stance: contradicts",
        "+        locator: p. 3",
        "+        concerns: [imprecision]",
    ]
    assert "\n        concerns: [imprecision]\n\n  - id: second" in after  # the blank line stays between the claims


def test_unlink_then_link_restores_the_file(lib):
    assert run("link", "second", "b", "--stance", "supports").exit_code == 0
    assert run("unlink", "second", "b").exit_code == 0
    assert lib.claims_path.read_text(encoding="utf-8") == CLAIMS


def test_claim_add_and_rename(lib):
    assert run("claim", "add", "third", "--statement", "Third: with a colon.", "--topic", "t", "--article", "art").exit_code == 0
    after = lib.claims_path.read_text(encoding="utf-8")
    assert changed_lines(CLAIMS, after) == [
        "+  - id: third",
        "+    statement: 'Third: with a colon.'",
        "+    topic: t",
        "+    appears_in:",
        "+      - article: art",
    ]
    assert run("claim", "rename", "first", "premier").exit_code == 0
    renamed = lib.claims_path.read_text(encoding="utf-8")
    assert changed_lines(after, renamed) == ["-  - id: first", "+  - id: premier", "-    depends_on: [first]", "+    depends_on: [premier]"]
    assert lib.load().problems == ()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("link", "first", "zzz", "--stance", "supports"), "claim 'first' links to 'zzz', which is not in the bibliography"),
        (("claim", "add", "first", "--statement", "Again."), "a claim 'first' already exists"),
        (("claim", "add", "Bad Id", "--statement", "X."), "claim id 'Bad Id' is not a slug"),
        (("claim", "depend", "first", "second"), "premises form a cycle: first → second → first"),
        (("claim", "rename", "first", "second"), "a claim 'second' already exists"),
        (("unlink", "first", "b"), "claim 'first' has no link to 'b'"),
        (("link", "nobody", "a", "--stance", "supports"), "no claim 'nobody'"),
    ],
    ids=["dangling-ref", "duplicate-id", "bad-id", "premise-cycle", "rename-clash", "no-such-link", "no-such-claim"],
)
def test_invalid_edits_are_refused_and_the_file_is_untouched(lib, args, message):
    before = lib.claims_path.read_bytes()
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and isinstance(result.exception, (SystemExit, type(None))), result.exception
    assert lib.claims_path.read_bytes() == before


def test_mode_and_line_endings_are_kept(lib):
    lib.claims_path.write_bytes(CLAIMS.replace("\n", "\r\n").encode())
    lib.claims_path.chmod(0o640)
    assert run("link", "second", "a", "--stance", "supports").exit_code == 0
    data = lib.claims_path.read_bytes()
    assert b"\r\n      - ref: a\r\n        stance: supports\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert lib.claims_path.stat().st_mode & 0o777 == 0o640


def test_fmt_keeps_comments(lib):
    messy = CLAIMS.replace("      - ref: a\n        stance: supports", "    - ref: a\n      stance: supports")
    lib.claims_path.write_text(messy, encoding="utf-8")
    assert run("fmt").exit_code == 0
    # re-indenting keeps an end-of-line comment at its old column, so only its spacing may differ
    import re

    squeeze = lambda text: re.sub(r" +#", " #", text)  # noqa: E731
    assert squeeze(lib.claims_path.read_text(encoding="utf-8")) == squeeze(CLAIMS)


def test_a_held_lock_gives_a_clear_message(lib, monkeypatch):
    import kbase.files

    monkeypatch.setattr(kbase.files, "LOCK_WAIT_SECONDS", 0.2)
    with kbase.files.library_lock(lib.claims_path):  # flock is per open file: the command's own open conflicts
        before = lib.claims_path.read_bytes()
        result = run("link", "second", "a", "--stance", "supports")
        assert lib.claims_path.read_bytes() == before
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kbase: claims.yaml is being edited by process {os.getpid()} (lock file claims.yaml.lock)")


def test_a_stale_lock_from_a_dead_process_is_taken_over(lib):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    Path(f"{lib.claims_path}.lock").write_text(f"{dead}\n")
    assert run("link", "second", "a", "--stance", "supports").exit_code == 0
    assert not Path(f"{lib.claims_path}.lock").exists()


POINTS = ["created", "half-written", "written", "replaced"]


@pytest.mark.slow
def test_kill_at_any_step_leaves_old_or_new_file(lib):
    """50 runs, killed in turn at each step of the atomic write."""
    old = lib.claims_path.read_text(encoding="utf-8")
    assert run("link", "second", "b", "--stance", "supports").exit_code == 0
    new = lib.claims_path.read_text(encoding="utf-8")
    lib.claims_path.write_text(old, encoding="utf-8")
    for attempt in range(50):
        point = POINTS[attempt % len(POINTS)]
        env = {**os.environ, "KBASE_FAULT": point}
        proc = subprocess.run(
            [sys.executable, "-m", "kbase.cli", "link", "second", "b", "--stance", "supports"], env=env, capture_output=True, text=True
        )
        assert proc.returncode == 137, proc.stderr
        text = lib.claims_path.read_text(encoding="utf-8")
        assert text == (new if point == "replaced" else old), (attempt, point)
        lib.claims_path.write_text(old, encoding="utf-8")
        for leftover in lib.folder.glob(".claims.yaml.*.tmp"):
            leftover.unlink()
        Path(f"{lib.claims_path}.lock").unlink(missing_ok=True)  # the killed process could not release it


@pytest.mark.slow
def test_two_processes_editing_at_once_lose_nothing(lib):
    """50 rounds of two concurrent `kbase link`s on the same file."""
    for attempt in range(50):
        lib.claims_path.write_text(CLAIMS, encoding="utf-8")
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "kbase.cli", "link", claim, "b", "--stance", "supports"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for claim in ("first", "second")
        ]
        for proc in procs:
            assert proc.wait(timeout=60) == 0, proc.stderr.read()
        kb = lib.load()
        links = {(c, e.ref) for c, claim in kb.claims.items() for e in claim.evidence}
        assert {("first", "b"), ("second", "b")} <= links, attempt


# -- starting from what a writer has; articles, aliases, topics, a reference's fields -----------------


def _run(*args):
    from click.testing import CliRunner

    from kbase.cli import cli

    return CliRunner().invoke(cli, list(args))


def test_init_from_a_bib_and_a_draft(tmp_path, monkeypatch):
    from conftest import ROOT

    import kbase

    monkeypatch.chdir(tmp_path)
    result = _run("init", "--from-bib", str(ROOT / "references.bib"), "--from-draft", str(ROOT / "tests" / "drafts" / "05-background.txt"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "references.bib").read_bytes() == (ROOT / "references.bib").read_bytes()
    kb = kbase.load("claims.yaml", "references.bib")
    assert kb.problems == ()
    candidates = [c for c in kb.claims.values() if c.topic == "candidate"]
    assert [c.statement for c in candidates][:2] == [
        "About one in five adults in the United States lives with chronic pain.",
        "Chronic pain costs the US economy more than 500 billion dollars a year.",
    ]
    assert all(c.appears_in and c.appears_in[0].quote == c.statement for c in candidates)  # the writer's own words
    assert "# candidate from" in (tmp_path / "claims.yaml").read_text(encoding="utf-8")
    assert "next: check the candidate claims and link their evidence" in result.stderr and "refs import" not in result.stderr
    table = _run("table", "--topic", "candidate")
    assert table.exit_code == 0 and "About one in five adults" in table.output


def test_init_from_a_draft_takes_its_title_and_makes_readable_ids(tmp_path, monkeypatch):
    """Issue 29: the article was named after the file ("article", "article.md") and ids were like
    about-adults-the-take-sleep."""
    import kbase

    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.md").write_text(
        '---\ntitle: "Melatonin for sleep: what works"\n---\n# Sleep\n\nAbout half of adults take a sleep supplement each year.\n', encoding="utf-8"
    )
    assert _run("init", "--from-draft", "article.md").exit_code == 0
    kb = kbase.load("claims.yaml", "references.bib")
    assert {a: kb.articles[a].title for a in kb.articles} == {"melatonin-for-sleep-what-works": "Melatonin for sleep: what works"}
    assert list(kb.claims) == ["half-adults-take-sleep-supplement"]
    (tmp_path / "page.html").write_text(
        "<html><head><title>Sleep aids, plainly</title></head><body><p>Most adults sleep seven hours a night.</p></body></html>", encoding="utf-8"
    )
    for name in ("claims.yaml", "references.bib"):
        (tmp_path / name).unlink()
    assert _run("init", "--from-draft", "page.html").exit_code == 0
    assert "sleep-aids-plainly" in kbase.load("claims.yaml", "references.bib").articles


def test_init_from_a_broken_bib_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.bib").write_text("@article{a,\n  title = {One},\n\n@article{b, title = {Two}}\n", encoding="utf-8")
    result = _run("init", "--from-bib", "mine.bib")
    assert result.exit_code == 2 and "entry 'a' opened at line 1 is not closed" in result.output
    assert not (tmp_path / "claims.yaml").exists() and not (tmp_path / "references.bib").exists()


def test_refs_set_changes_one_field_in_place_and_keeps_every_other_byte(tmp_path, monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(tmp_path)
    for name in ("claims.yaml", "references.bib"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    before = (tmp_path / "references.bib").read_text(encoding="utf-8")
    assert _run("refs", "set", "zhou2011targeting", "design=rct", "note=x}, design = {meta-analysis").exit_code == 0
    after = (tmp_path / "references.bib").read_text(encoding="utf-8")
    at = before.index("@article{zhou2011targeting")
    expected = before[:at] + before[at:].replace(
        "  design = {narrative-review},\n}", "  design = {rct},\n  note = {x\\}, design = \\{meta-analysis},\n}", 1
    )
    assert after == expected  # the injected text stays one note; nothing else moved
    import kbase

    assert kbase.load("claims.yaml", "references.bib").references["zhou2011targeting"].design == "rct"
    refused = _run("refs", "set", "zhou2011targeting", "design=meta-analysys")
    assert refused.exit_code == 2 and "did you mean 'meta-analysis'" in refused.output
    assert (tmp_path / "references.bib").read_text(encoding="utf-8") == after


def test_claim_set_and_article_add(tmp_path, monkeypatch):
    from conftest import ROOT

    import kbase

    monkeypatch.chdir(tmp_path)
    for name in ("claims.yaml", "references.bib"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    assert _run("article", "add", "ketamine-web", "--title", "Ketamine on the web").exit_code == 0
    assert _run("claim", "add", "new-one", "--statement", "A new claim.", "--article", "ketamine-web").exit_code == 0
    assert _run("claim", "set", "new-one", "--alias", "Another wording.", "--topic", "pain", "--statement", "A newer claim.").exit_code == 0
    kb = kbase.load("claims.yaml", "references.bib")
    claim = kb.claims["new-one"]
    assert (claim.statement, claim.topic, claim.aliases, claim.appears_in[0].article) == (
        "A newer claim.",
        "pain",
        ("Another wording.",),
        "ketamine-web",
    )
    again = _run("claim", "set", "new-one", "--alias", "Another wording.")
    assert again.exit_code == 2 and "already has the alias" in again.output
    twice = _run("article", "add", "ketamine-web", "--title", "Again")
    assert twice.exit_code == 2 and "already exists" in twice.output


def test_claim_set_article_and_article_set(tmp_path, monkeypatch):
    """Issue 29: no way to attach a claim to an article, or to retitle an article."""
    import shutil

    from conftest import ROOT

    import kbase

    monkeypatch.chdir(tmp_path)
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    assert _run("article", "add", "sleep", "--title", "Sleep").exit_code == 0
    assert _run("claim", "set", "nmda-blockade", "--article", "sleep", "--section", "Intro").exit_code == 0
    assert _run("article", "set", "sleep", "--title", "Sleep, plainly").exit_code == 0
    kb = kbase.load("claims.yaml", "references.bib")
    assert kb.articles["sleep"].title == "Sleep, plainly"
    assert [(a.article, a.section) for a in kb.claims["nmda-blockade"].appears_in][-1] == ("sleep", "Intro")
    again = _run("claim", "set", "nmda-blockade", "--article", "sleep")
    assert again.exit_code == 2 and "already appears in article 'sleep'" in again.stderr
    missing = _run("claim", "set", "nmda-blockade", "--article", "nope")
    assert missing.exit_code == 2 and "'nope', which is not listed under articles" in missing.stderr
    assert _run("article", "set", "nope", "--title", "X").exit_code == 2
