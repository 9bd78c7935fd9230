"""The draft audit: reading, sentences, citations, matching, rules, output and bad drafts."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SHARED, needs_shared

import kbase
from benchmarks.evaluation import evaluate
from kbase.audit import RULES
from kbase.cli import cli
from kbase.drafts.matcher import DEFAULT_THRESHOLD, ClaimMatcher
from kbase.drafts.reader import parse_draft
from kbase.language.sentences import find_citations, split_sentences

DRAFTS = ROOT / "tests" / "drafts"


@pytest.fixture(scope="module")
def kb():
    return kbase.load(ROOT / "claims.yaml", ROOT / "references.bib", year=2026)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Cohen et al. found it. Then more.", ["Cohen et al. found it.", "Then more."]),
        ("Some drugs, e.g. ketamine, help. Others do not.", ["Some drugs, e.g. ketamine, help.", "Others do not."]),
        ("Dr. Lee agreed. So did Prof. Chan.", ["Dr. Lee agreed.", "So did Prof. Chan."]),
        ("Adults in the U.S. Army were surveyed. It worked.", ["Adults in the U.S. Army were surveyed.", "It worked."]),
        ("Pain fell by 1.8 points. It lasted 2 weeks.", ["Pain fell by 1.8 points.", "It lasted 2 weeks."]),
        ("About 20.5% had pain. Most were women.", ["About 20.5% had pain.", "Most were women."]),
        ("It helps [@a; @b, p. 3]. It also hurts [2].", ["It helps [@a; @b, p. 3].", "It also hurts [2]."]),
        ("J. Smith wrote it. “Really?” she asked.", ["J. Smith wrote it.", "“Really?” she asked."]),
    ],
    ids=["et-al", "eg", "titles", "us", "decimals", "percent", "citations", "initial-quote"],
)
def test_sentence_splitting(text, sentences):
    assert [text[a:b] for a, b in split_sentences(text)] == sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x [@smith2020].", [("pandoc", ("smith2020",), ())]),
        ("x [@a; @b, p. 3].", [("pandoc", ("a", "b"), ())]),
        ("x [see @a, ch. 2; also @b].", [("pandoc", ("a", "b"), ())]),
        ("as @smith2020 says.", [("pandoc", ("smith2020",), ())]),
        ("Smith says [-@smith2020].", [("pandoc", ("smith2020",), ())]),
        ("x \\cite{a,b}.", [("latex", ("a", "b"), ())]),
        ("x \\citep[p.~3]{a}.", [("latex", ("a",), ())]),
        ("x \\citet{a}.", [("latex", ("a",), ())]),
        ("x [1].", [("numbered", (), (1,))]),
        ("x [2, 3].", [("numbered", (), (2, 3))]),
        ("x [4–6].", [("numbered", (), (4, 5, 6))]),
        ("x^1^ and y^2,3^.", [("numbered", (), (1,)), ("numbered", (), (2, 3))]),
        ("write to a@b.org today.", []),
        ("x [@m{\\\"u}ller2020].", [("pandoc", ('m{\\"u}ller2020',), ())]),
    ],
    ids=[
        "pandoc",
        "pandoc-multi",
        "pandoc-prefix",
        "pandoc-intext",
        "pandoc-suppress",
        "latex",
        "latex-locator",
        "latex-citet",
        "numbered",
        "numbered-list",
        "numbered-range",
        "superscript",
        "email-is-not",
        "latex-chars-in-key",
    ],
)
def test_citation_syntaxes(text, expected):
    assert [(c.kind, c.keys, c.numbers) for c in find_citations(text)] == expected


def test_markdown_positions_skip_code_and_front_matter():
    text = "---\ntitle: x\n---\n# Head\n\nFirst one. Second\nwraps here.\n\n```\nCode. Not read.\n```\n\n- An item here.\n"
    draft = parse_draft(text, "d.md")
    assert [(s.text, s.where.line, s.where.col, s.section) for s in draft.sentences] == [
        ("First one.", 6, 1, "Head"),
        ("Second wraps here.", 6, 12, "Head"),
        ("An item here.", 13, 3, "Head"),
    ]


def test_unclosed_code_fence_hides_the_rest_cleanly():
    draft = parse_draft("Before it. \n\n```\nInside forever. Still inside.\n", "d.md")
    assert [s.text for s in draft.sentences] == ["Before it."]


def test_matcher_index_gives_the_same_matches_as_scoring_everything(kb):
    matcher = ClaimMatcher(kb.claims.values())
    sentences = [s.clean for p in sorted(DRAFTS.glob("*.md")) for s in kbase.kb.KnowledgeBase.draft_report(kb, p).sentences]
    assert sentences
    for sentence in sentences:
        assert matcher.match(sentence) == matcher.match_exhaustive(sentence)


# two SciFact claims (ids 453 and 1056): a comparison and its reverse, every content word shared
BETTER = "General exercise therapy is more effective than rotator cuff exercises in reducing pain and improving function of the shoulder."
REVERSE = "Rotator cuff exercises are more effective than general exercise therapy in reducing pain and improving function of the shoulder."


@pytest.mark.parametrize("listed", [("better", "reverse"), ("reverse", "better")])
def test_a_comparison_and_its_reverse_are_told_apart_by_word_order(listed):
    """Both score 100 against either sentence. The tie used to go to whichever float sum came out a
    hair larger, which changed with Python's hash seed (found as a run-to-run difference in the
    archive benchmark); it now goes to the wording whose words come in the sentence's order."""
    from kbase.model import Claim

    text = {"better": BETTER, "reverse": REVERSE}
    matcher = ClaimMatcher([Claim(name, text[name]) for name in listed])
    for name, sentence in text.items():
        found = matcher.match(sentence)
        assert found is not None and found.claim_id == name and found.score == 100
        assert matcher.match_exhaustive(sentence) == found


# Five sentences written for this test: with BETTER and REVERSE they give the words of those two
# weights whose plain sum depends on the order a set yields them in (under PYTHONHASHSEED 1 the old
# sum scored BETTER 99.99999999999999 against itself, under 6 it scored REVERSE below BETTER).
FILLERS = (
    "General practitioners see most patients first.",
    "Sleep loss reduces attention.",
    "Massage reduces pain and restores function, an effect seen within weeks.",
    "Cuff tears cause shoulder pain that physical therapy eases.",
    "General fitness improves function, an effect that lasts.",
)


def _under_hash_seeds(script: str, args: list[str], seeds: tuple[str, ...], cwd: Path) -> set[str]:
    """What ``python -c script *args`` prints under each of the hash ``seeds``: one string when nothing depends on the seed."""
    import subprocess

    return {
        subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}, cwd=cwd
        ).stdout
        for seed in seeds
    }


def test_a_match_does_not_depend_on_the_hash_seed_in_a_small_library(tmp_path):
    """The bundled counterpart of the SciFact test below (which needs the shared corpus): the same
    two claims among five others, scored under the hash seeds that changed the old sums."""
    script = (
        "import sys, json\nfrom kbase.drafts.matcher import ClaimMatcher, content_words\nfrom kbase.model import Claim\n"
        "texts = json.loads(sys.argv[1])\nm = ClaimMatcher([Claim(f'c{i}', t) for i, t in enumerate(texts)])\n"
        "a, b = (' '.join(content_words(t)) for t in texts[:2])\n"
        "print(repr(m.score(a, a)), repr(m.score(a, b)), m.match(texts[0]).claim_id, m.match(texts[1]).claim_id)"
    )
    texts = json.dumps([BETTER, REVERSE, *FILLERS])
    runs = _under_hash_seeds(script, [texts], ("0", "1", "6"), tmp_path)
    assert runs == {"100.0 100.0 c0 c1\n"}, runs


@needs_shared
def test_a_match_does_not_depend_on_the_hash_seed(tmp_path):
    """Scores sum word weights over sets, whose order changes with PYTHONHASHSEED. Against SciFact's
    1,109 claims, claim 453's own statement scored 99.99999999999999 against itself and
    100.00000000000001 against its reverse (claim 1056) under seed 305126744, 100.0 both under seed 0:
    the archive benchmark's findings changed from run to run. The sums must not depend on the order."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("scifact_to_kbase", ROOT / "benchmarks" / "scifact_to_kbase.py")
    converter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(converter)  # type: ignore[union-attr]
    claims, bib = converter.convert(tmp_path)
    script = (
        "import sys, kbase\nfrom kbase.drafts.matcher import ClaimMatcher, content_words\n"
        "kb = kbase.load(sys.argv[1], sys.argv[2])\nm = ClaimMatcher(kb.claims.values())\n"
        "a, b = (' '.join(content_words(kb.claims[c].statement)) for c in ('scifact-453', 'scifact-1056'))\n"
        "print(repr(m.score(a, a)), repr(m.score(a, b)), m.match(kb.claims['scifact-453'].statement).claim_id)"
    )
    runs = _under_hash_seeds(script, [str(claims), str(bib)], ("0", "305126744", "7"), tmp_path)
    assert runs == {"100.0 100.0 scifact-453\n"}, runs


def test_labelled_drafts_precision_and_recall(kb):
    result = evaluate(kb, DRAFTS, DEFAULT_THRESHOLD)
    # measured (benchmarks/draft_eval.py, lexical): matching 60 true, 0 false, 5 missed (precision 1.000, recall 0.923);
    # every rule precision 1.000, and recall 1.000 but uncited-claim's 20 of 21. The margin: one sentence more either way.
    assert result.matcher.fp <= 1 and result.matcher.fn <= 5 + 1, result.misses
    for rule in (r.id for r in RULES.values() if r.kind == "draft"):
        assert result.positives[rule] >= 1 and result.negatives[rule] >= 1, rule
        scores = result.rules[rule]
        assert scores.fp <= 1 and scores.fn <= (1 if rule == "uncited-claim" else 0) + 1, (rule, result.misses)


def audit(*args: str):
    return CliRunner().invoke(cli, ["--claims", str(ROOT / "claims.yaml"), "--bib", str(ROOT / "references.bib"), "audit", *args])


def test_audit_draft_text_output_and_summary():
    result = audit(str(DRAFTS / "03-safety-latex.md"))
    assert result.exit_code == 1  # an unknown citation is an error
    first = result.stdout.splitlines()[0]
    assert first.endswith(
        "03-safety-latex.md:4:1: warning miscited-claim states claim 'nausea-vomiting' (match 94) but cites "
        "zhou2011targeting, which the library does not link as support (supporting: orhurhu2019ketamine, "
        "niesters2014ketamine, yildirimguclu2022ketamine)"
    )
    # one study's figure ("about 20% had side effects") is a figure to cite, not a certainty to hedge (issue 27)
    # nor is a harm weakened into doubt, nor given a certainty warning (issue 27: a medical editor's reading)
    assert result.stderr.splitlines()[-1] == "1 draft: 7 sentences read, 5 stated known claims: 1 error, 3 warnings, 0 infos"


def test_audit_drafts_json_and_sarif():
    data = json.loads(audit(str(DRAFTS / "06-hedging.md"), "--format", "json").stdout)
    assert {f["rule"] for f in data["findings"]} >= {"uncited-claim", "contradicting-citation", "miscited-claim", "unknown-citation"}
    sarif = json.loads(audit(str(DRAFTS / "06-hedging.md"), "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "kbase"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    result = next(r for r in run["results"] if r["ruleId"] == "contradicting-citation")
    assert result["level"] == "error" and rule_ids[result["ruleIndex"]] == "contradicting-citation"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 1}


def test_no_progress_bar_when_piped():
    result = audit(str(DRAFTS / "01-mechanism.md"), str(DRAFTS / "05-background.txt"))
    assert "auditing drafts" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("2 drafts: ")


@needs_shared
def test_the_seed_article_has_a_reference_list_and_no_citations():
    seed = SHARED / "seed" / "ketamine-infusion-chronic-pain.txt"
    result = audit(str(seed), "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    rules = {f["rule"] for f in findings}
    assert "reference-list-only" in rules
    unknown = [f for f in findings if f["rule"] == "unknown-citation"]
    assert unknown == []  # every entry of its list resolves to the bundled library
    by_line = {(f["line"], f["subject"]) for f in findings if f["rule"] == "uncited-claim"}
    assert (3, "chronic-pain-prevalence") in by_line
    assert (56, "cli-amputation-risk") in by_line  # the unverified 13% figure


@pytest.mark.parametrize(
    ("name", "content", "expected", "code"),
    [
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not valid UTF-8: byte 0x89", 2),
        ("nul.md", b"Text with a NUL \x00 byte.", "nul.md:1:17: a NUL byte: this looks like a binary file, not text", 2),
        ("latin1.md", "Caf\u00e9 au lait.".encode("latin-1"), "latin1.md:1:4: not valid UTF-8: byte 0xe9 cannot be decoded", 2),
        ("empty.md", b"", None, 0),
        ("fence.md", b"Ketamine cures pain.\n\n```\nunclosed\n", None, 0),
        ("latexkey.md", b"Ketamine may ease pain [@m{\\\"u}ller2020].", "cites 'm{\\\"u}ller2020', which is not in the library", 1),
    ],
    ids=["binary", "nul-bytes", "not-utf8", "empty", "unclosed-fence", "latex-key"],
)
def test_bad_drafts(tmp_path, name, content, expected, code):
    path = tmp_path / name
    path.write_bytes(content)
    result = audit(str(path))
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception  # no uncaught error
    if expected:
        assert expected in result.output


def test_huge_draft_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.md"
    path.write_bytes(b"Ketamine relieves pain. " * 900_000)  # about 21 MB
    result = audit(str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("huge.md: the file is over 5 MB; kbase reads drafts up to 5 MB")


def test_missing_draft(tmp_path):
    result = audit(str(tmp_path / "nope.md"))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("nope.md: no such file")


def test_api_audit_draft(kb):
    findings = kb.audit_draft(DRAFTS / "05-background.txt")
    assert [f.rule for f in findings] == ["uncited-claim", "unregistered-claim", "unregistered-claim", "uncited-claim", "unregistered-claim"]


def _audit_in_a_terminal(tmp_path, *args: str) -> tuple[int, str, str]:
    """Run the installed ``kbase audit`` with its standard error on a pseudo-terminal (as in a shell) and
    its standard output piped: (exit code, standard output, what the terminal showed)."""
    import os
    import subprocess

    leader, follower = os.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    from pathlib import Path

    command = [
        str(Path(sys.executable).with_name("kbase")),
        "--claims",
        str(ROOT / "claims.yaml"),
        "--bib",
        str(ROOT / "references.bib"),
        "audit",
        *args,
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, cwd=tmp_path, env=env) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is done with it
                break
            if not chunk:
                break
            shown += chunk
        stdout = process.stdout.read() if process.stdout else b""
    os.close(leader)
    return process.returncode, stdout.decode(), shown.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_shows_the_progress_bar_and_the_findings_stay_the_same(tmp_path):
    drafts = [str(DRAFTS / "01-mechanism.md"), str(DRAFTS / "05-background.txt"), str(DRAFTS / "03-safety-latex.md")]
    code, stdout, shown = _audit_in_a_terminal(tmp_path, *drafts, "-j", "2")
    assert "auditing drafts" in shown and "100%" in shown  # the bar, on the terminal, to the end
    assert shown.rstrip().splitlines()[-1].startswith("3 drafts: ")
    piped = audit(*drafts, "-j", "2")
    assert (code, stdout) == (piped.exit_code, piped.stdout)  # the bar never reaches standard output


_SUGGESTED = re.compile(r"(?:word it as|which the library words) “([^”]+)”")
_BROKEN = re.compile(
    r"\b(may|probably) (may|probably)\b|\bmay be (typically|generally|usually|often)\b|\bwhether (how|whether|what|why)\b|"
    r"\b(does|do) probably\b|\bwhether (Used|In|Of|For|While|When)\b"
)


def test_every_suggestion_is_a_sentence_in_the_library_s_words(kb):
    """Every wording the audit suggests on the labelled drafts is a whole sentence with no hype word and none of
    the broken shapes a rewrite of a writer's sentence used to make; the list is the one docs/drafts.md shows."""
    from kbase.language.wording import hype_words

    suggested = set()
    for draft in sorted(DRAFTS.glob("*")):
        if draft.suffix in (".md", ".txt", ".html"):
            for finding in kb.audit_draft(str(draft)):
                suggested.update(_SUGGESTED.findall(finding.message))
    for text in suggested:
        assert text[0].isupper() and text.endswith("."), text
        assert not hype_words(text) and not _BROKEN.search(text), text
    docs = (ROOT / "docs" / "drafts.md").read_text(encoding="utf-8")
    listed = docs.split("<!-- suggestions: begin -->\n", 1)[1].split("<!-- suggestions: end -->", 1)[0]
    assert sorted(suggested) == [line[2:] for line in listed.splitlines() if line.startswith("- ")]


def test_citing_a_retracted_reference_says_it_is_retracted(library):
    """Issue 29: the miscited-claim message named a retracted reference as one 'the library does not link as support'."""
    from conftest import bib_entry, claims_yaml

    library.write(
        claims_yaml("""
        - id: relief
          statement: Ketamine relieves chronic pain.
          evidence:
            - ref: gone
              stance: supports
            - ref: kept
              stance: supports
        """),
        bib_entry("gone", "rct", pubstate="retracted") + bib_entry("kept", "rct", title="Another trial"),
    )
    (library.folder / "draft.md").write_text("Ketamine relieves chronic pain [@gone].\n", encoding="utf-8")
    messages = [f.message for f in library.load().audit_draft("draft.md") if f.rule == "miscited-claim"]
    assert messages and "cites gone, which the library sets aside (retracted" in messages[0], messages


def test_a_hype_word_in_a_sentence_that_matches_no_claim_is_named(kb, tmp_path):
    """A medical editor's probe: "Ketamine cures chronic pain completely." was only 'factual-looking'."""
    draft = tmp_path / "hype.md"
    draft.write_text("Ketamine cures chronic pain completely.\n", encoding="utf-8")
    (finding,) = kb.audit_draft(str(draft))
    assert finding.rule == "unregistered-claim" and finding.message.endswith("it says 'cures', 'completely', which no evidence supports")
