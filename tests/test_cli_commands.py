"""Every command of the CLI, as a user meets it: exit code, standard output and standard error.

Each command has at least one run that succeeds and one that fails; a test checks that no
command is left out. Every command, reading or editing, answers a malformed claims.yaml with the
same located message as ``kbase check``, and never with an uncaught exception.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from conftest import STRONG_AND_BARE, bib_entry

from docgen import command_paths
from kbase.cli import cli

CLAIMS = STRONG_AND_BARE
BIB = bib_entry("trial", "rct", year=2024, doi="10.1000/trial1", journal="J Pain") + bib_entry(
    "spare", "cohort", year=2019, title="A spare cohort", journal="J Pain"
)
CSL = [
    {
        "id": "new1",
        "type": "article-journal",
        "title": "An imported trial of ketamine",
        "author": [{"family": "Roe", "given": "R."}],
        "issued": {"date-parts": [[2021]]},
    }
]


def run(*args: str):
    return CliRunner().invoke(cli, ["--year", "2026", *args])


def clean(result) -> bool:
    """No uncaught exception: CliRunner keeps it in ``result.exception`` instead of printing a traceback."""
    return result.exception is None or isinstance(result.exception, SystemExit)


# (command path, arguments, exit code, text stdout must hold, text stderr must hold)
CASES = [
    ("kbase check", ["check"], 0, "", "2 claims, 2 references: 0 errors"),
    ("kbase check", ["--claims", "nothere.yaml", "check"], 2, "", "kbase: nothere.yaml: no such file; run `kbase init`"),
    ("kbase init", ["--claims", "new.yaml", "--bib", "new.bib", "init"], 0, "", "wrote new.yaml\nwrote new.bib\nnext:"),
    ("kbase init", ["init"], 2, "", "kbase: claims.yaml, references.bib already exist; kbase init starts a new library"),
    ("kbase audit", ["audit", "--fail-on", "warning"], 1, "warning unsupported-claim claim 'bare'", "2 claims, 2 references"),
    ("kbase audit", ["audit", "missing.md"], 2, "", "kbase: missing.md: no such file"),
    ("kbase evidence", ["evidence", "strong"], 0, "level:                high", ""),
    ("kbase evidence", ["evidence", "strng"], 2, "", "kbase: no claim 'strng' in claims.yaml (did you mean 'strong'?)"),
    ("kbase impact", ["impact", "trial"], 0, "withdrawing trial: linked to 1 claim; 1 change level", ""),
    ("kbase impact", ["impact", "trail"], 2, "", "kbase: no reference 'trail' in references.bib (did you mean 'trial'?)"),
    ("kbase impact", ["impact"], 2, "", "give either a REFKEY or --retracted-list CSV"),
    ("kbase grades", ["grades"], 0, "Unsupported (1 of 2)", ""),
    ("kbase grades", ["grades", "--format", "xml"], 2, "", "Invalid value for '--format'"),
    ("kbase stats", ["stats"], 0, "claims:      2", ""),
    ("kbase stats", ["--stale-years", "-1", "stats"], 2, "", "Invalid value for '--stale-years'"),
    ("kbase suggest", ["suggest", "spare cohort", "-k", "1"], 0, "1. spare", ""),
    ("kbase suggest", ["suggest", "zzzz"], 0, "", "no reference shares a word with this claim"),
    ("kbase suggest", ["suggest", "pain", "-k", "0"], 2, "", "Invalid value for '-k'"),
    ("kbase table", ["table", "--format", "csv"], 0, "strong,A drug reduces pain.,high", ""),
    ("kbase table", ["table", "--article", "nope"], 2, "", "kbase: no article 'nope' in claims.yaml"),
    ("kbase table", ["table", "-o", "claims.yaml"], 2, "", "is a file this command reads"),
    ("kbase cite", ["cite"], 0, "1. Doe-trial J. Title of trial.", ""),
    ("kbase cite", ["cite", "--style", "no-such-style"], 2, "", "kbase: no installed CSL style 'no-such-style'"),
    ("kbase export", ["export"], 0, '"id": "trial"', ""),
    ("kbase export", ["export", "-o", "references.bib"], 2, "", "is a file this command reads"),
    ("kbase graph", ["graph", "--format", "dot"], 0, "digraph kbase {", ""),
    ("kbase graph", ["graph", "-o", "."], 2, "", "a folder; give a file name for -o"),
    ("kbase refs lint", ["refs", "lint", "--fail-on", "info"], 0, "", "2 references: 0 errors, 0 warnings, 0 infos"),
    ("kbase refs lint", ["--bib", "nothere.bib", "refs", "lint"], 2, "", "nothere.bib: error syntax-error no such file"),
    ("kbase refs dedupe", ["refs", "dedupe"], 0, "", "0 duplicate groups among 2 references"),
    ("kbase refs dedupe", ["--bib", "nothere.bib", "refs", "dedupe"], 2, "", "no such file"),
    ("kbase refs fmt", ["refs", "fmt"], 0, "", "formatted references.bib"),
    ("kbase refs fmt", ["--bib", "nothere.bib", "refs", "fmt"], 2, "", "kbase: nothere.bib: no such file"),
    ("kbase refs import", ["refs", "import", "items.json", "--dry-run"], 0, "@article{new1,", "1 added, 0 duplicates skipped"),
    ("kbase refs import", ["refs", "import", "nothere.json"], 2, "", "kbase: nothere.json: no such file"),
    ("kbase claim add", ["claim", "add", "new-one", "--statement", "A new claim."], 0, "", "added claim new-one"),
    ("kbase claim add", ["claim", "add", "strong", "--statement", "Again."], 2, "", "kbase: a claim 'strong' already exists"),
    ("kbase claim set", ["claim", "set", "bare", "--alias", "Another wording.", "--topic", "pain"], 0, "", "updated claim bare"),
    ("kbase claim set", ["claim", "set", "bsre", "--topic", "pain"], 2, "", "kbase: no claim 'bsre' (did you mean 'bare'?)"),
    ("kbase article add", ["article", "add", "web-page", "--title", "On the web"], 0, "", "added article web-page"),
    ("kbase article add", ["article", "add", "Not A Slug", "--title", "x"], 2, "", "is not a slug"),
    ("kbase article set", ["article", "set", "nowhere", "--title", "x"], 2, "", "no article 'nowhere'"),
    ("kbase article set", ["article", "set", "web", "--title", "On the web, again"], 0, "", "updated article web"),
    (
        "kbase refs verify",
        ["refs", "verify", "--offline"],
        0,
        "info not-verified trial: DOI 10.1000/trial1 not checked: offline, and not in the cache",
        "0 of 2 references checked: 0 errors, 0 warnings, 1 info\n1 could not be checked (the not-verified "
        "lines say why)\n1 has no DOI or PMID to check",
    ),
    ("kbase refs verify", ["refs", "verify", "nosuch"], 2, "", "kbase: no reference 'nosuch' in references.bib"),
    ("kbase refs add", ["refs", "add", "--doi", "10.12/x"], 2, "", "kbase: '10.12/x' is not a DOI (10.<registrant>/<suffix>)"),
    ("kbase refs add", ["refs", "add"], 2, "", "kbase: give a DOI or a PMID"),
    (
        "kbase refs add",
        ["refs", "add", "--dry-run", "--doi", "10.1111/bcp.12094"],
        0,
        "@article{niesters2014ketamine,",
        "1 added, 0 duplicates skipped",
    ),
    ("kbase refs set", ["refs", "set", "spare", "design=rct"], 0, "", "wrote references.bib"),
    ("kbase refs set", ["refs", "set", "spare", "design=rtc"], 2, "", "kbase: unknown design 'rtc' (did you mean 'rct'?)"),
    ("kbase claim review", ["claim", "review", "bare", "--by", "Dr Lee", "--date", "2026-05-01"], 0, "", "reviewed claim bare"),
    ("kbase claim review", ["claim", "review", "bare", "--date", "2026-13-01"], 2, "", "must be a date written YYYY-MM-DD"),
    ("kbase claim rename", ["claim", "rename", "bare", "unbacked"], 0, "", "renamed claim bare to unbacked"),
    ("kbase claim rename", ["claim", "rename", "nope", "x"], 2, "", "kbase: no claim 'nope'"),
    ("kbase claim depend", ["claim", "depend", "strong", "bare"], 0, "", "strong now depends on bare"),
    ("kbase claim depend", ["claim", "depend", "strong", "strong"], 2, "", "claim 'strong' cannot depend on itself — claims.yaml left unchanged"),
    ("kbase link", ["link", "bare", "spare", "--stance", "supports"], 0, "", "linked bare ← spare (supports)"),
    ("kbase link", ["link", "bare", "sparee", "--stance", "supports"], 2, "", "which is not in the bibliography"),
    ("kbase unlink", ["unlink", "strong", "trial"], 0, "", "unlinked strong ← trial"),
    ("kbase unlink", ["unlink", "bare", "trial"], 2, "", "kbase: claim 'bare' has no link to 'trial'"),
    ("kbase diff", ["diff", "HEAD"], 0, "", "HEAD → working tree: 0 claims changed"),
    ("kbase diff", ["diff", "nosuchrev"], 2, "", "kbase: unknown revision 'nosuchrev'"),
    ("kbase log", ["log", "strong"], 0, "library", "strong: 1 commit changed the library"),
    ("kbase log", ["log", "strnog"], 2, "", "did you mean 'strong'"),
    ("kbase fmt", ["fmt"], 0, "", ""),
    ("kbase fmt", ["--claims", "nothere.yaml", "fmt"], 2, "", "kbase: nothere.yaml: no such file; run `kbase init`"),
]


@pytest.fixture
def _registry():
    from tests.registry_server import registry_server

    with registry_server() as server:
        yield server


@pytest.fixture
def project(library, request):
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("path") == "kbase refs add":  # the registries, on the loopback interface
        monkeypatch = request.getfixturevalue("monkeypatch")
        server = request.getfixturevalue("_registry")
        monkeypatch.setenv("KBASE_CROSSREF_URL", server.base + "/crossref")
        monkeypatch.setenv("KBASE_PUBMED_URL", server.base + "/eutils")
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with_article = callspec is not None and callspec.params.get("path") == "kbase article set"  # an article to retitle
    library.write(CLAIMS.replace("kbase: 1\n", 'kbase: 1\narticles:\n  web:\n    title: "On the web"\n') if with_article else CLAIMS, BIB)
    (library.folder / "items.json").write_text(json.dumps(CSL), encoding="utf-8")
    if callspec is not None and callspec.params.get("path") in ("kbase diff", "kbase log"):  # a library kept in git, one commit
        import subprocess

        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@e.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@e.org",
            "HOME": str(library.folder),
        }
        for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "library"]):
            subprocess.run(["git", *command], cwd=library.folder, env=env, check=True, capture_output=True)
    return library


@pytest.mark.parametrize(("path", "args", "code", "out", "err"), CASES, ids=[" ".join(c[1])[:60] for c in CASES])
def test_command(project, path, args, code, out, err):
    result = run(*args)
    assert clean(result), result.exception
    assert result.exit_code == code, result.output
    assert out in result.stdout
    assert err in result.stderr
    if code == 2:
        assert result.stdout == "", "an error leaves standard output empty"


@pytest.mark.parametrize(("path", "args", "code", "out", "err"), CASES, ids=[" ".join(c[1])[:60] for c in CASES])
def test_command_prints_the_same_from_a_cold_and_a_warm_cache(project, monkeypatch, path, args, code, out, err):
    fresh = run(*args)
    if run(*args).output != fresh.output:
        pytest.skip("an edit: a second run differs by design (the property test in test_cache.py covers edits)")
    monkeypatch.setenv("KBASE_NO_CACHE", "")
    for _ in ("cold", "warm"):
        cached = run(*args)
        assert (cached.exit_code, cached.stdout, cached.stderr) == (fresh.exit_code, fresh.stdout, fresh.stderr)


def test_every_command_is_exercised():
    groups = {"kbase", "kbase refs", "kbase claim", "kbase article"}
    covered = {c[0] for c in CASES}
    assert set(command_paths()) - groups == covered
    for path in covered:
        codes = {c[2] for c in CASES if c[0] == path}
        assert 2 in codes and codes - {2}, f"{path} needs a run that succeeds and one that fails"


MALFORMED = {
    "list-root": "- a\n- b\n",
    "claims-mapping": "kbase: 1\nclaims:\n  a: b\n",
    "scalar-items": "kbase: 1\nclaims:\n  - just text\n",
    "nul-byte": "kbase: 1\nclaims: []\n\x00\n",
    "latin-1": "kbase: 1\nclaims:\n  - id: a\n    statement: caf\xe9\n",
    "unclosed-quote": 'kbase: 1\nclaims:\n  - id: "a\n',
    "empty": "",
}


def _command_args() -> list[list[str]]:
    return [c[1] for c in CASES if c[2] != 2 and "refs" not in c[1][:1] and c[1][0] not in ("--bib", "--claims")]


@pytest.mark.parametrize("shape", sorted(MALFORMED))
def test_a_malformed_claims_file_gives_checks_message_for_every_command(project, shape):
    data = MALFORMED[shape].encode("latin-1") if shape == "latin-1" else MALFORMED[shape].encode("utf-8")
    project.claims_path.write_bytes(data)
    expected = run("check").stderr.splitlines()[0]
    assert expected.startswith("claims.yaml:"), expected
    for args in _command_args():
        before = project.claims_path.read_bytes()
        result = run(*args)
        assert clean(result), (args, result.exception)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.splitlines()[0] == expected, args
        assert project.claims_path.read_bytes() == before, args


def test_edits_keep_a_byte_order_mark(project):
    project.claims_path.write_bytes(b"\xef\xbb\xbf" + project.claims_path.read_bytes())
    assert run("link", "bare", "spare", "--stance", "supports").exit_code == 0
    assert project.claims_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert run("check").exit_code == 0


def test_an_edit_through_a_symlink_changes_the_target(project):
    target = project.folder / "real-claims.yaml"
    project.claims_path.rename(target)
    os.symlink(target.name, project.claims_path)
    assert run("link", "bare", "spare", "--stance", "supports").exit_code == 0
    assert project.claims_path.is_symlink()
    assert "ref: spare" in target.read_text(encoding="utf-8")


def test_a_read_only_claims_file_is_refused_and_kept(project):
    before = project.claims_path.read_bytes()
    project.claims_path.chmod(0o444)
    try:
        result = run("link", "bare", "spare", "--stance", "supports")
        assert result.exit_code == 2
        assert result.stderr == "kbase: claims.yaml: the file is read-only; make it writable to let kbase change it\n"
        assert project.claims_path.read_bytes() == before
    finally:
        project.claims_path.chmod(0o644)
