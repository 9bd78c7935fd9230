"""The catalogue of hostile and broken inputs (tests/bad_inputs/): each gives a clear error with
its place and exit 2, or a correct result — never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from kbase.cli import cli

BAD = ROOT / "tests" / "bad_inputs"

# (file, expected exit code, text the output must contain); claims files are checked against
# ok.bib, .bib files against ok.yaml, drafts are audited against the bundled library.
CATALOGUE = [
    ("c01-tab-indent.yaml", 2, "c01-tab-indent.yaml:3:1: error syntax-error a tab is used for indentation; YAML indents with spaces only"),
    ("c02-duplicate-key.yaml", 2, "c02-duplicate-key.yaml:5:5: error duplicate-key duplicate key 'statement' in a claim (first at line 4)"),
    ("c03-unknown-field.yaml", 2, "c03-unknown-field.yaml:4:5: error invalid-field unknown field 'statment' in a claim (did you mean 'statement'?)"),
    ("c04-unknown-stance.yaml", 2, "c04-unknown-stance.yaml:7:17: error invalid-field unknown stance 'agrees'"),
    ("c05-alias-bomb.yaml", 2, "c05-alias-bomb.yaml:2:4: error syntax-error YAML aliases (*name) are not allowed"),
    ("c06-empty.yaml", 2, "c06-empty.yaml:1:1: error syntax-error the file is empty"),
    ("c07-only-comments.yaml", 2, "c07-only-comments.yaml:1:1: error syntax-error the file is empty"),
    ("c08-nul-byte.yaml", 2, "c08-nul-byte.yaml:4:17: error syntax-error a NUL byte: this looks like a binary file, not text"),
    ("c09-latin1.yaml", 2, "c09-latin1.yaml:4:19: error syntax-error not valid UTF-8: byte 0xe9 cannot be decoded"),
    ("c10-bom-crlf.yaml", 0, "1 claims, 1 references: 0 errors"),
    ("c11-unterminated-quote.yaml", 2, "c11-unterminated-quote.yaml:4:16: error syntax-error a quote is opened but never closed"),
    ("c12-unterminated-flow.yaml", 2, "c12-unterminated-flow.yaml:2:10: error syntax-error a mapping opened with '{' is not closed with '}'"),
    ("c13-id-like-option.yaml", 2, "c13-id-like-option.yaml:3:9: error invalid-field claim id '--help' is not a slug"),
    ("c14-id-with-path.yaml", 2, "c14-id-with-path.yaml:3:9: error invalid-field claim id '../../etc/passwd' is not a slug"),
    ("c15-html-in-statement.yaml", 0, "1 claims, 1 references: 0 errors"),
    ("c16-scalar-root.yaml", 2, "c16-scalar-root.yaml:1:1: error invalid-field the top level must be a mapping of fields, not a scalar"),
    ("c17-list-root.yaml", 2, "c17-list-root.yaml:1:1: error invalid-field the top level must be a mapping of fields, not a sequence"),
    ("c18-wrong-version.yaml", 2, "c18-wrong-version.yaml:1:8: error invalid-field unsupported format version '99'"),
    ("c19-statement-is-list.yaml", 2, "c19-statement-is-list.yaml:4:16: error invalid-field the statement of claim 'a' must be text, not a sequence"),
    ("c20-yaml-tags.yaml", 2, "c20-yaml-tags.yaml:3:5: error invalid-field claim 'a' needs a 'statement'"),
    ("c21-multiple-documents.yaml", 2, "c21-multiple-documents.yaml:3:1: error syntax-error YAML syntax error: but found another document"),
    ("c22-dangling-ref.yaml", 1, "c22-dangling-ref.yaml:6:9: error dangling-reference claim 'a' links to 'nowhere'"),
    ("c23-premise-cycle.yaml", 1, "c23-premise-cycle.yaml:3:5: error premise-cycle premises form a cycle: a → b → a"),
    ("c24-directory-name.yaml", 2, "c24-directory-name.yaml: error syntax-error is a directory, not a file"),
    ("c25-yes-no.yaml", 2, "c25-yes-no.yaml:8:19: error invalid-field indirect must be true or false"),
    (
        "b01-unclosed-brace.bib",
        2,
        "b01-unclosed-brace.bib:2:1: error syntax-error in entry 'x', the '{' opened at line 2 is not closed before the next '@' at line 6",
    ),
    ("b02-duplicate-key.bib", 2, "b02-duplicate-key.bib:2:1: error duplicate-key duplicate entry key 'r' (first at line 1)"),
    ("b03-unknown-design.bib", 2, "b03-unknown-design.bib:1:1: error invalid-field unknown design 'rtc' in entry 'r' (did you mean 'rct'?)"),
    ("b04-latin1.bib", 2, "b04-latin1.bib:1:23: error syntax-error not valid UTF-8: byte 0xe9"),
    ("b05-gbk.bib", 2, "b05-gbk.bib:1:20: error syntax-error not valid UTF-8: byte 0xd6"),
    ("b06-bom.bib", 0, "1 claims, 1 references: 0 errors"),
    ("b07-crlf.bib", 0, "1 claims, 1 references: 0 errors"),
    ("b08-nul-bytes.bib", 2, "b08-nul-bytes.bib:1:21: error syntax-error a NUL byte"),
    ("b09-empty.bib", 1, "ok.yaml:6:9: error dangling-reference claim 'a' links to 'r', which is not in the bibliography"),
    ("b10-unterminated-string.bib", 0, "1 claims, 1 references"),
    ("b11-key-with-path.bib", 0, "1 claims, 2 references: 0 errors"),
    ("b12-formula-title.bib", 0, "1 claims, 1 references: 0 errors"),
    ("b13-html-title.bib", 0, "1 claims, 1 references: 0 errors"),
    ("b14-garbage.bib", 1, "ok.yaml:6:9: error dangling-reference claim 'a' links to 'r'"),
    ("b15-field-twice.bib", 0, "b15-field-twice.bib:1:1: warning duplicate-field field keywords given more than once in entry 'r'"),
    ("d01-binary.md", 2, "d01-binary.md:1:1: a NUL byte: this looks like a binary file, not text"),
    ("d02-latin1.md", 2, "d02-latin1.md:1:4: not valid UTF-8: byte 0xe9 cannot be decoded"),
    ("d03-unclosed-fence.md", 0, "1 draft: 1 sentence read"),
    ("d04-empty.md", 0, "1 draft: 0 sentences read, 0 stated known claims: 0 errors, 0 warnings, 0 infos"),
    ("d05-latex-key.md", 1, "d05-latex-key.md:1:1: error unknown-citation cites 'm{\\\"u}ller2020', which is not in the library"),
    ("d06-html.md", 0, "1 draft: 0 sentences read"),  # an HTML block is not prose
    ("d07-crlf-bom.md", 0, "1 draft: 1 sentence read, 1 stated a known claim: 0 errors, 0 warnings, 0 infos"),
    ("d08-not-a-zip.docx", 2, "d08-not-a-zip.docx: not a .docx package (not a zip file); save the draft from Word as .docx"),
    ("d09-password.docx", 2, "d09-password.docx: this is an OLE file, not a .docx package: a password-protected document"),
    ("d10-zip-bomb.docx", 2, "d10-zip-bomb.docx: word/document.xml unpacks to 70.0 MB from 0.1 MB; refused as a possible zip bomb"),
    ("d11-bad-field.docx", 2, "d11-bad-field.docx: paragraph 2: a Zotero citation field holds data that is not valid JSON"),
    ("d12-scripts-iframes.html", 0, "1 draft: 1 sentence read, 1 stated a known claim"),  # scripts, frames, styles: no text
    ("d13-broken-markup.html", 0, "1 draft: 4 sentences read, 1 stated a known claim"),
    ("d14-latin1.html", 2, "d14-latin1.html:1:7: not valid UTF-8: byte 0xe9 cannot be decoded"),
    ("d15-windows-1252.html", 0, "1 draft: 1 sentence read, 1 stated a known claim"),  # read in the charset it declares
]


def run_case(path: Path):
    name = path.name
    if name.startswith("c"):
        args = ["--claims", str(path), "--bib", str(BAD / "ok.bib"), "audit", "--min-severity", "warning"]
    elif name.startswith("b"):
        args = ["--claims", str(BAD / "ok.yaml"), "--bib", str(path), "audit", "--min-severity", "warning"]
    else:
        args = ["--claims", str(ROOT / "claims.yaml"), "--bib", str(ROOT / "references.bib"), "audit", str(path)]
    return CliRunner().invoke(cli, args)


def test_the_catalogue_is_complete():
    names = {p.name for p in BAD.iterdir()} - {"ok.bib", "ok.yaml"}
    assert names == {c[0] for c in CATALOGUE}
    assert len(CATALOGUE) >= 40


@pytest.mark.parametrize(("name", "code", "text"), CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input(tmp_path, monkeypatch, name, code, text):
    monkeypatch.chdir(tmp_path)
    source = BAD / name
    target = tmp_path / name
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy(source, target)
    for helper in ("ok.bib", "ok.yaml"):
        shutil.copy(BAD / helper, tmp_path / helper)
    result = run_case(target)
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception  # no uncaught error
    assert result.exit_code == code, result.output
    assert text in result.output.replace(str(tmp_path) + "/", "")


def generated_cases() -> list[tuple[str, str, bytes]]:
    """Inputs too large or too odd to commit: (id, kind, bytes)."""
    laughs = ["kbase: 1", 'a0: &a0 ["lol"]'] + [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 9)}]" for i in range(1, 10)]
    return [
        ("yaml-deep-nesting", "claims", b"kbase: 1\nclaims: " + b"[" * 20000 + b"]" * 20000 + b"\n"),
        ("yaml-billion-laughs", "claims", ("\n".join(laughs) + "\nclaims: [*a9]\n").encode()),
        ("yaml-long-line", "claims", b"kbase: 1\nclaims:\n  - id: a\n    statement: " + b"x" * 10000 + b"\n"),
        ("yaml-many-claims", "claims", b"kbase: 1\nclaims:\n" + b"".join(b"  - id: c%d\n    statement: S%d.\n" % (i, i) for i in range(20000))),
        ("bib-deep-braces", "bib", b"@article{r, title={" + b"{" * 20000 + b"x" + b"}" * 20000 + b"}, design={rct}}\n"),
        ("bib-unclosed-deep", "bib", b"@article{r, title={" + b"{" * 20000 + b"\n"),
        ("bib-long-line", "bib", b"@article{r, title={" + b"word " * 2000 + b"}, design={rct}}\n"),
        ("bib-random-bytes", "bib", bytes((i * 7919) % 256 for i in range(200000))),
        ("draft-long-line", "draft", b"Ketamine relieves pain " * 500 + b".\n"),
        ("draft-deep-lists", "draft", b"".join(b"  " * i + b"- item\n" for i in range(300))),
        ("draft-many-citations", "draft", b"Pain [" + b", ".join(b"%d" % i for i in range(5000)) + b"].\n"),
    ]


@pytest.mark.parametrize(("case", "kind", "data"), generated_cases(), ids=[c[0] for c in generated_cases()])
def test_generated_hostile_inputs(tmp_path, monkeypatch, case, kind, data):
    monkeypatch.chdir(tmp_path)
    for helper in ("ok.bib", "ok.yaml"):
        shutil.copy(BAD / helper, tmp_path / helper)
    name = {"claims": "c-gen.yaml", "bib": "b-gen.bib", "draft": "d-gen.md"}[kind]
    (tmp_path / name).write_bytes(data)
    result = run_case(tmp_path / name)
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception  # no uncaught error
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        first = (result.stderr or result.stdout).replace(str(tmp_path) + "/", "").splitlines()[0]
        assert first.startswith((name + ":", "kbase: " + name + ":")), first
