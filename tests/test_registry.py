"""``kbase refs verify`` and ``kbase refs add`` against a loopback server speaking Crossref's and
PubMed's formats (tests/registry_server.py); no test here reaches outside the machine."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

import kbase
from kbase.cli import cli
from kbase.registry import Registry
from tests.registry_server import SYNTHETIC_PMID, TEST, registry_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond this machine fails the test."""
    connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        assert host in ("127.0.0.1", "::1", "localhost") or self.family == socket.AF_UNIX, f"a test reached {host}"
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with registry_server() as running:
        monkeypatch.setenv("KBASE_CROSSREF_URL", running.base + "/crossref")
        monkeypatch.setenv("KBASE_PUBMED_URL", running.base + "/eutils")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy", "KBASE_MAILTO", "NCBI_API_KEY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield running


ENTRIES = {
    # the DOI of another paper (cohen2018consensus's) on loftus2010intraoperative, whose PMID's record gives its own DOI
    "loftus2010intraoperative": ("doi", "10.1097/AAP.0000000000000808"),
    "cohen2018consensus": ("year", "2017"),
    "niesters2014ketamine": ("author", None),  # the first author misspelt
}


def _broken_library(folder: Path) -> Path:
    """The bundled library with the errors a writer makes, and three synthetic entries."""
    shutil.copy(ROOT / "claims.yaml", folder / "claims.yaml")
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    text = _set(text, "loftus2010intraoperative", "doi", "10.1097/AAP.0000000000000808")
    text = _set(text, "cohen2018consensus", "year", "2017")
    text = re.sub(r"(@article\{niesters2014ketamine,\s*author = \{)Niesters", r"\1Niesterz", text)
    text += f"""
@article{{testauthor2015retracted,
  author = {{Testauthor, Test}},
  title = {{A synthetic test record of a retracted trial}},
  journal = {{Journal of Test Records}},
  year = {{2015}},
  volume = {{1}},
  pages = {{1--10}},
  doi = {{{TEST}retracted}},
  design = {{rct}},
}}

@article{{nobody2020unknown,
  author = {{Nobody, Test}},
  title = {{A reference whose DOI nobody registered}},
  journal = {{Journal of Test Records}},
  year = {{2020}},
  doi = {{{TEST}unknown}},
  design = {{rct}},
}}

@article{{testauthor2019online,
  author = {{Testauthor, Test}},
  title = {{A synthetic test record published online a year before print}},
  journal = {{J. Test Rec.}},
  year = {{2019}},
  volume = {{1}},
  pages = {{1--10}},
  doi = {{{TEST}online}},
  design = {{rct}},
}}
"""
    (folder / "references.bib").write_text(text, encoding="utf-8")
    with (folder / "claims.yaml").open("a", encoding="utf-8") as claims:
        claims.write("""
  - id: synthetic-test-claim
    statement: A synthetic claim that only the synthetic retracted trial supports.
    evidence:
      - ref: testauthor2015retracted
        stance: supports
        concerns: []
""")
    return folder


def _set(text: str, key: str, name: str, value: str) -> str:
    start = text.index("{" + key + ",")
    end = text.index("\n}", start)
    entry = re.sub(rf"(\n  {name} = \{{)[^}}]*(\}})", rf"\g<1>{value}\g<2>", text[start:end])
    return text[:start] + entry + text[end:]


def _verify(*args: str) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(cli, ["refs", "verify", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)["findings"]


def _by(findings: list[dict]) -> dict[tuple[str, str], str]:
    return {(f["rule"], f["subject"]): f["message"] for f in findings}


def test_verify_reports_each_error_located_and_exits_1(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_broken_library(tmp_path))
    code, findings = _verify()
    found = _by(findings)
    assert code == 1
    assert "points to another paper" in found["metadata-mismatch", "loftus2010intraoperative"]
    assert "PMID 20693876 gives DOI 10.1097/aln.0b013e3181e90914" in found["identifier-conflict", "loftus2010intraoperative"]
    assert "year “2017” differs from Crossref's “2018 (print)”" in found["metadata-mismatch", "cohen2018consensus"]
    assert "author “Niesterz” differs from Crossref's “Niesters”" in found["metadata-mismatch", "niesters2014ketamine"]
    assert "Crossref does not know DOI 10.5555/kbase-test.unknown" in found["identifier-not-found", "nobody2020unknown"]
    retracted = found["retracted", "testauthor2015retracted"]
    assert "notice DOI 10.5555/kbase-test.retraction-notice of 2021-03-04, from Retraction Watch via Crossref" in retracted
    # the online year is accepted, and so is the abbreviated journal: nothing about that entry
    assert not [f for f in findings if f["subject"] == "testauthor2019online"]
    # every finding is located on its entry in the .bib
    lines = (tmp_path / "references.bib").read_text(encoding="utf-8").splitlines()
    for f in findings:
        assert f["path"] == "references.bib"
        assert lines[f["line"] - 1].startswith("@") and f["subject"] in lines[f["line"] - 1]
    # the bundled entries themselves agree with the records made from them: nothing else is reported
    assert {f["subject"] for f in findings} == {
        "loftus2010intraoperative",
        "cohen2018consensus",
        "niesters2014ketamine",
        "nobody2020unknown",
        "testauthor2015retracted",
    }


def test_second_run_answers_from_the_cache_with_the_server_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_broken_library(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with registry_server() as running:
        monkeypatch.setenv("KBASE_CROSSREF_URL", running.base + "/crossref")
        monkeypatch.setenv("KBASE_PUBMED_URL", running.base + "/eutils")
        first = _verify()
        asked = len(running.requests)
    assert asked > 0
    assert _verify() == first  # the server is gone: every answer comes from the cache
    assert _verify("--offline") == first
    assert (tmp_path / "user-cache" / "kbase" / "registry.sqlite").is_file()
    assert not list(tmp_path.glob("*.sqlite")) and not (tmp_path / ".kbase-cache").exists()  # nothing in the project


def test_offline_names_what_it_could_not_check(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_broken_library(tmp_path))
    code, findings = _verify("--offline", "cohen2018consensus")
    assert server.requests == []
    assert code == 0
    assert [(f["rule"], f["severity"]) for f in findings] == [("not-verified", "info"), ("not-verified", "info")]
    assert "offline, and not in the cache" in findings[0]["message"]
    result = CliRunner().invoke(cli, ["refs", "verify", "--offline", "cohen2018consensus"])
    assert "0 of 1 reference checked" in result.stderr and "1 could not be checked" in result.stderr


def test_fix_writes_the_registry_values_lint_clean_and_a_retraction_lowers_its_claim(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_broken_library(tmp_path))
    before = kbase.load("claims.yaml", ["references.bib"]).grade("synthetic-test-claim").level
    assert before > kbase.Level.UNSUPPORTED
    result = CliRunner().invoke(cli, ["refs", "verify", "--fix"])
    assert result.exit_code == 1
    assert "wrote the registry's values into 3 entries (references.bib)" in result.stderr
    refs = {r.key: r for r in kbase.RefLibrary(["references.bib"]).references}
    assert refs["cohen2018consensus"].year == 2018
    assert refs["niesters2014ketamine"].authors[0].startswith("Niesters,")
    assert refs["testauthor2015retracted"].retracted
    # the DOI that points to another paper is left for the writer to correct: its entry is untouched
    assert refs["loftus2010intraoperative"].title.startswith("Intraoperative Ketamine")
    assert CliRunner().invoke(cli, ["refs", "fmt", "--check"]).exit_code == 0
    lint = CliRunner().invoke(cli, ["refs", "lint", "--format", "json"])
    assert not [f for f in json.loads(lint.stdout)["findings"] if f["subject"] in ("cohen2018consensus", "niesters2014ketamine")]
    after = kbase.load("claims.yaml", ["references.bib"]).grade("synthetic-test-claim")
    assert after.level == kbase.Level.UNSUPPORTED
    _, again = _verify()
    assert not [f for f in again if f["subject"] in ("cohen2018consensus", "niesters2014ketamine", "testauthor2015retracted")]


def test_add_by_doi_writes_a_lint_clean_entry(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["refs", "add", "--doi", f"https://doi.org/{TEST}subtitled"])
    assert result.exit_code == 0, result.output
    # lint-clean: nothing but the design that Crossref does not give (PubMed, which would, does not hold this work)
    assert "1 added" in result.stderr and "warning" not in result.stderr
    assert "info missing-design 'testauthor2018synthetic'" in result.stderr
    added = kbase.RefLibrary(["references.bib"]).references
    assert [(r.key, r.title, r.year, r.container) for r in added] == [
        ("testauthor2018synthetic", "A synthetic test record: with a subtitle", 2018, "Journal of Test Records")
    ]
    assert CliRunner().invoke(cli, ["refs", "lint"]).exit_code == 0
    assert CliRunner().invoke(cli, ["refs", "fmt", "--check"]).exit_code == 0
    again = CliRunner().invoke(cli, ["refs", "add", "--doi", f"{TEST}SUBTITLED"])
    assert "duplicates testauthor2018synthetic" in again.stderr and "0 added" in again.stderr


def test_add_by_doi_asks_pubmed_for_the_pmid_and_design(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["refs", "add", "--dry-run", "--doi", f"{TEST}pubmed-trial"])
    assert result.exit_code == 2 and "Crossref does not know it" in result.stderr  # a DOI only PubMed names is not added
    result = CliRunner().invoke(cli, ["refs", "add", "--dry-run", "--doi", "10.1213/ANE.0000000000004185"])
    assert result.exit_code == 0, result.output
    assert "pmid = {31082965}" in result.stdout and "@article{orhurhu2019ketamine," in result.stdout


def test_add_by_pmid_takes_the_design_from_the_publication_types(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["refs", "add", "--pmid", SYNTHETIC_PMID, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "design = {rct}" in result.stdout and "pages = {101--109}" in result.stdout
    assert f"pmid = {{{SYNTHETIC_PMID}}}" in result.stdout and "year = {2017}" in result.stdout
    assert not (tmp_path / "references.bib").exists()


def test_add_of_an_unknown_doi_is_refused_without_writing(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["refs", "add", "--doi", f"{TEST}unknown"])
    assert result.exit_code == 2 and "Crossref does not know it" in result.stderr
    assert not (tmp_path / "references.bib").exists()


def test_pubmed_retraction_notice_and_its_publication_type(server) -> None:
    with Registry() as registry:
        answer = registry.pubmed([SYNTHETIC_PMID, "99999999"])
    assert answer["99999999"].status == "not-found"
    from kbase.refs.verify import pubmed_record

    record = pubmed_record(SYNTHETIC_PMID, answer[SYNTHETIC_PMID].record)
    assert [(n.finding, n.notice) for n in record.notices] == [("retracted", "Retraction in J Test Rec. 2019;4:1 (PMID 99999902)")]
    assert record.design == "rct" and record.years == (("print", 2017), ("online", 2017))


def test_429_is_retried_after_its_retry_after(server) -> None:
    with Registry(backoff=0.01) as registry:
        answer = registry.crossref([f"{TEST}busy"])[f"{TEST}busy"]
    assert answer.status == "found"
    assert [p for p in server.requests if p.endswith("busy")] == [f"/crossref/works/{TEST}busy"] * 2


def test_a_registry_that_stays_busy_or_slow_leaves_the_reference_unchecked(server) -> None:
    with Registry(backoff=0.01, retries=1, timeout=(1.0, 0.5)) as registry:
        answers = registry.crossref([f"{TEST}always-busy", f"{TEST}slow"])
    assert answers[f"{TEST}always-busy"].status == "unchecked"
    assert "429" in answers[f"{TEST}always-busy"].why
    assert answers[f"{TEST}slow"] == kbase.registry.Answer("unchecked", why="the registry did not answer in time")


def test_a_doi_of_another_agency_is_not_called_unknown(server) -> None:
    with Registry() as registry:
        answer = registry.crossref([f"{TEST}datacite"])[f"{TEST}datacite"]
    assert (answer.status, answer.why) == ("unchecked", "registered with DataCite, not Crossref")


def test_unreachable_registry_is_unchecked_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as placeholder:  # a port nothing listens on
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    monkeypatch.setenv("KBASE_CROSSREF_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with Registry(retries=0) as registry:
        answer = registry.crossref(["10.5555/kbase-test.x"])["10.5555/kbase-test.x"]
    assert (answer.status, answer.why) == ("unchecked", "cannot reach the registry")


def test_mailto_goes_in_the_user_agent_and_pubmed_is_asked_in_one_batch(server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KBASE_MAILTO", "editor@example.org")
    with Registry() as registry:
        registry.crossref([f"{TEST}online"])
        registry.pubmed(["20693876", "29870458", SYNTHETIC_PMID])
    assert all("mailto:editor@example.org" in agent for agent in server.agents)
    assert [p for p in server.requests if "esummary" in p] == [
        f"/eutils/esummary.fcgi?db=pubmed&id=20693876%2C29870458%2C{SYNTHETIC_PMID}&retmode=json&version=2.0"
    ]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("KBASE_CROSSREF_URL", "file:///etc/passwd", "KBASE_CROSSREF_URL must be an http:// or https:// address"),
        ("KBASE_MAILTO", "a@b.org\r\nX-Evil: 1", "must be an e-mail address"),
    ],
)
def test_unusable_registry_settings_are_refused(variable: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(kbase.KbaseError, match=message):
        Registry()


def test_a_repository_mailto_setting_must_be_one_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kbase.toml").write_text('mailto = "x@example.org&rows=1000"\n', encoding="utf-8")
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["refs", "verify", "--offline"])
    assert result.exit_code == 2 and "kbase.toml:1:1: setting 'mailto' must be one e-mail address" in result.stderr


def test_no_other_command_imports_the_network() -> None:
    """Only refs verify and refs add reach the registries: the HTTP libraries are imported by kbase.registry alone."""
    for path in (ROOT / "kbase").rglob("*.py"):
        if path.name == "registry.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+(requests|requests_cache|urllib3|httpx|urllib\.request|http\.client)\b", text, re.M), path


def test_the_example_in_the_docs_is_what_the_command_prints(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = (ROOT / "docs" / "refs.md").read_text(encoding="utf-8")
    shown = re.search(r"<!-- registry example: kbase refs verify -->\n```text\n\$ kbase refs verify\n(.*?)```", page, re.S)
    assert shown is not None
    monkeypatch.chdir(_broken_library(tmp_path))
    result = CliRunner().invoke(cli, ["refs", "verify"])
    assert result.exit_code == 1
    assert shown.group(1) == result.stdout, result.stdout
