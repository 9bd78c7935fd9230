"""The review a writer opens (issue 31): the draft itself with each finding on its sentence, as one
HTML page or as Word comments on the writer's own document."""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from conftest import ROOT
from docx_maker import complex_field, paragraph, run, runs, write_docx, zotero

import kbase
from kbase.citations import csl_json
from kbase.cli import cli
from kbase.drafts.docx import W, paragraph_elements

EXAMPLES = ROOT / "examples"
HOSTILE = (
    "# Ketamine <script>alert('draft')</script>\n\n"
    "Ketamine infusions definitely relieve chronic pain. <img src=x onerror=\"alert(1)\"> Read more at "
    "javascript:alert(2) & \"quotes\".\n"
)


@pytest.fixture(scope="module")
def kb():
    return kbase.load(ROOT / "claims.yaml", ROOT / "references.bib", year=2026)


def invoke(*args: str):
    return CliRunner().invoke(cli, ["--claims", str(ROOT / "claims.yaml"), "--bib", str(ROOT / "references.bib"), "audit", *args])


def test_the_review_holds_every_finding_of_the_audit_once_on_its_sentence(kb):
    for draft in ("ketamine-draft.md", "ketamine-draft.docx"):
        review = kb.review(EXAMPLES / draft)
        audited = kb.draft_report(EXAMPLES / draft).findings
        placed = [f for part in review.parts for s in part.sentences for f in s.findings] + [f for p in review.parts for f in p.findings]
        assert sorted(map(id, placed + list(review.general))) == sorted(map(id, review.findings))
        assert sorted((f.rule, f.message) for f in review.findings) == sorted((f.rule, f.message) for f in audited)
        overstated = next(s for p in review.parts for s in p.sentences if s.text.startswith("Ketamine infusions definitely"))
        assert [f.rule for f in overstated.findings][:1] == ["uncited-claim"] and overstated.claim_id == "infusion-effective"
        assert review.claims["infusion-effective"].grade.level == kb.grade("infusion-effective").level
    word, markdown = kb.review(EXAMPLES / "ketamine-draft.docx"), kb.review(EXAMPLES / "ketamine-draft.md")
    assert word.title == markdown.title == "Ketamine infusions for chronic pain: what the evidence says"
    cited = next(s for p in word.parts for s in p.sentences if s.text.startswith("About one in five"))
    assert ("cite", "Dahlhamer 2018") in cited.pieces  # a Zotero field shown as its item, not as a private-use character


def test_html_review_is_self_contained_escaped_and_navigable(tmp_path):
    draft = tmp_path / "hostile.md"
    draft.write_text(HOSTILE, encoding="utf-8")
    result = invoke(str(draft), "--format", "html", "-o", str(tmp_path / "review.html"))
    assert result.exit_code == 0, result.output  # warnings only; --fail-on error
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "onerror=\"" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert not re.search(r"(src|href)=\"(https?:|//|javascript:)", page)  # nothing fetched, no script link
    notes = re.findall(r'id="f(\d+)"', page)
    assert notes == [str(n) for n in range(1, len(notes) + 1)] and notes  # numbered in reading order
    for n in notes:
        assert page.count(f'href="#f{n}"') >= 2  # from the sentence's badge and from the margin
    assert "<main" in page and "<nav" in page and 'lang="en"' in page and "warning</span>" in page  # words, not colour alone


def _reviewed(tmp_path, source, *extra: str):
    out = tmp_path / "reviewed.docx"
    result = invoke(str(source), "--format", "docx", "-o", str(out), *extra)
    assert result.exit_code in (0, 1) and out.is_file(), result.output
    return out


def _comment_paragraphs(path) -> tuple[list[int], list[str], list[str]]:
    """For each comment: the index of the body paragraph (reading order) holding its range start and end,
    the comments' authors and texts."""
    import docx

    document = docx.Document(str(path))
    starts, ends = {}, {}
    for i, p in enumerate(paragraph_elements(document.element.body)):
        for mark in p.iter(f"{W}commentRangeStart"):
            starts[mark.get(f"{W}id")] = i
        for mark in p.iter(f"{W}commentRangeEnd"):
            ends[mark.get(f"{W}id")] = i
    assert starts == ends, "a comment range starts and ends in the same paragraph"
    comments = list(document.comments)
    return [starts[str(c.comment_id)] for c in comments], [c.author for c in comments], [c.text for c in comments]


def _body_texts(path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in paragraph_elements(document.element.body)]


def test_word_in_word_out_comments_on_the_right_paragraphs_and_the_text_untouched(kb, tmp_path):
    source = tmp_path / "draft.docx"
    shutil.copy(EXAMPLES / "ketamine-draft.docx", source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    out = _reviewed(tmp_path, source)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the writer's file is never modified
    assert _body_texts(out) == _body_texts(source)
    review = kb.review(source)
    with_findings = [s for p in review.parts for s in p.sentences if s.findings]
    where, authors, texts = _comment_paragraphs(out)
    assert authors == ["kbase"] * len(with_findings)
    assert where == [review.elements[s.paragraph - 1] for s in with_findings]
    for sentence, text in zip(with_findings, texts):
        for f in sentence.findings:
            assert f.message in text
    assert any("word it as “" in t for t in texts)  # the suggested wording travels with the comment
    with zipfile.ZipFile(out) as package:  # Word's own parts survive: the Zotero fields, the styles
        document = package.read("word/document.xml").decode()
    assert document.count("ZOTERO_ITEM") == zipfile.ZipFile(source).read("word/document.xml").decode().count("ZOTERO_ITEM")


def test_comments_anchor_in_tables_and_after_fields(kb, tmp_path):
    """A sentence in a table cell and one whose citation is a field: the comment still lands in its paragraph."""
    item = csl_json(kb.references["zhou2011targeting"])
    body = [
        paragraph(runs("Ketamine for chronic pain"), style="Heading1"),
        paragraph(runs("Ketamine infusions can cause nausea and vomiting.") + complex_field(zotero([item], "(1)"), "(1)") + run(" ")),
        '<w:tbl><w:tr><w:tc>' + paragraph(runs("Ketamine infusions definitely relieve chronic pain.")) + "</w:tc></w:tr></w:tbl>",
    ]
    source = write_docx(tmp_path / "table.docx", body)
    out = _reviewed(tmp_path, source)
    review = kb.review(source)
    with_findings = [s for p in review.parts for s in p.sentences if s.findings]
    where, _, _ = _comment_paragraphs(out)
    assert len(with_findings) == 2 and where == [1, 2]
    assert _body_texts(out) == _body_texts(source)


def test_a_markdown_draft_written_as_a_reviewed_word_document(kb, tmp_path):
    out = _reviewed(tmp_path, EXAMPLES / "ketamine-draft.md")
    import docx

    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert "Ketamine infusions for chronic pain: what the evidence says" in texts
    review = kb.review(EXAMPLES / "ketamine-draft.md")
    assert len(list(document.comments)) == sum(1 for p in review.parts for s in p.sentences if s.findings)


def test_a_list_number_reference_list_survives_the_round_trip(kb, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Pain relief after a ketamine infusion lasts about six months [1].")
    document.add_heading("References", 2)
    document.add_paragraph(
        "Niesters M, Martini C, Dahan A. Ketamine for chronic pain: risks and benefits. Br J Clin Pharmacol. 2014;77(2):357-367.", style="List Number"
    )
    document.save(tmp_path / "n.docx")
    out = _reviewed(tmp_path, tmp_path / "n.docx")
    again = kb.draft_report(out)
    assert again.resolved == {1: "niesters2014ketamine"}
    assert [(f.rule, f.message) for f in again.findings] == [(f.rule, f.message) for f in kb.draft_report(tmp_path / "n.docx").findings]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "docx"], "give -o FILE.docx"),
        (["--format", "docx", "-o", "-"], "give -o FILE.docx"),
        (["--format", "html", "EXTRA"], "give exactly one DRAFT"),
    ],
)
def test_a_review_needs_one_draft_and_a_word_file_needs_a_name(tmp_path, args, message):
    args = [a if a != "EXTRA" else str(EXAMPLES / "ketamine-draft.docx") for a in args]
    result = invoke(str(EXAMPLES / "ketamine-draft.md"), *args)
    assert result.exit_code == 2 and message in result.output


def test_the_review_never_overwrites_the_draft(tmp_path):
    draft = tmp_path / "d.docx"
    shutil.copy(EXAMPLES / "ketamine-draft.docx", draft)
    kept = draft.read_bytes()
    result = invoke(str(draft), "--format", "docx", "-o", str(draft))
    assert result.exit_code == 2 and "is a file this command reads" in result.output and draft.read_bytes() == kept


def test_a_word_package_that_unpacks_to_too_much_is_refused_before_python_docx_reads_it(tmp_path):
    source = tmp_path / "bomb.docx"
    shutil.copy(EXAMPLES / "ketamine-draft.docx", source)
    with zipfile.ZipFile(source, "a", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/media/huge.bin", b"\0" * 30_000_000)
    result = invoke(str(source), "--format", "docx", "-o", str(tmp_path / "out.docx"))
    assert result.exit_code == 2 and "zip bomb" in result.output and not (tmp_path / "out.docx").exists()


def test_the_commands_of_the_review_section_run_as_printed(tmp_path, monkeypatch):
    """docs/drafts.md shows two commands under "The review a writer opens": they run, in a copy of the project."""
    import shlex

    page = (ROOT / "docs" / "drafts.md").read_text(encoding="utf-8")
    section = page.split("## The review a writer opens", 1)[1].split("\n## ", 1)[0]
    commands = [line.split("  #", 1)[0].strip() for line in re.search(r"```sh\n(.*?)```", section, re.S).group(1).splitlines()]
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns("*.py"))
    monkeypatch.chdir(tmp_path)
    assert len(commands) == 2
    for command in commands:
        args = shlex.split(command)
        result = CliRunner().invoke(cli, args[1:])
        assert result.exit_code == 1, (command, result.output)  # the demo draft has an error: --fail-on error
        assert (tmp_path / args[args.index("-o") + 1]).stat().st_size > 1000


def test_comments_already_in_the_document_are_kept(kb, tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Ketamine", 1)
    p = document.add_paragraph("Ketamine infusions definitely relieve chronic pain.")
    document.add_comment(p.runs, text="Please check this with the pain team.", author="Editor", initials="ED")
    document.save(tmp_path / "commented.docx")
    out = _reviewed(tmp_path, tmp_path / "commented.docx")
    comments = list(docx.Document(str(out)).comments)
    assert [c.author for c in comments] == ["Editor", "kbase"] and comments[0].text == "Please check this with the pain team."


def test_tracked_changes_are_read_as_accepted_and_kept_as_tracked(kb, tmp_path):
    """A deletion Word tracks is not read; an insertion is; the reviewed copy keeps both as they were."""
    deleted = '<w:del w:id="1" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>probably </w:delText></w:r></w:del>'
    inserted = '<w:ins w:id="2" w:author="A" w:date="2026-01-01T00:00:00Z"><w:r><w:t>definitely </w:t></w:r></w:ins>'
    source = write_docx(tmp_path / "tracked.docx", [paragraph(runs("Ketamine infusions ") + deleted + inserted + runs("relieve chronic pain."))])
    review = kb.review(source)
    (sentence,) = [s for p in review.parts for s in p.sentences]
    assert sentence.text == "Ketamine infusions definitely relieve chronic pain." and "overstated-claim" in {f.rule for f in sentence.findings}
    out = _reviewed(tmp_path, source)
    with zipfile.ZipFile(out) as package:
        body = package.read("word/document.xml").decode()
    assert "<w:delText>probably </w:delText>" in body and "w:ins " in body and "commentRangeStart" in body


# -- LibreOffice: it opens what kbase writes, and what it saves reads as Word's own (issue 31) -----------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice on this machine (.ci/run installs libreoffice-writer-nogui)")


def _libreoffice(tmp_path, source, target: str, folder: str):
    import subprocess

    out = tmp_path / folder
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (made,) = out.iterdir()
    return made


@needs_soffice
def test_libreoffice_opens_the_reviewed_document_with_its_text_and_every_comment(kb, tmp_path):
    import docx

    source = tmp_path / "draft.docx"
    shutil.copy(EXAMPLES / "ketamine-draft.docx", source)
    out = _reviewed(tmp_path, source)
    resaved = _libreoffice(tmp_path, out, "docx:MS Word 2007 XML", "resaved")
    expected = [(c.author, c.text) for c in docx.Document(str(out)).comments]
    assert [(c.author, c.text) for c in docx.Document(str(resaved)).comments] == expected and len(expected) == 5
    assert _libreoffice(tmp_path, out, "txt:Text", "text-reviewed").read_text(encoding="utf-8-sig") == _libreoffice(
        tmp_path, source, "txt:Text", "text-source"
    ).read_text(encoding="utf-8-sig")


@needs_soffice
@pytest.mark.parametrize("made_by", ["python-docx", "kbase-tests"])
def test_a_draft_libreoffice_saved_gives_the_findings_of_the_original(kb, tmp_path, made_by):
    """LibreOffice rewrites a package its own way (its styles, numbering, run splits, fields): a writer who
    saves from LibreOffice gets the findings of the document they started from."""
    import docx

    if made_by == "python-docx":
        document = docx.Document()
        document.add_heading("Ketamine for pain", 1)
        document.add_paragraph("Ketamine infusions can cause nausea and vomiting [1].")
        document.add_paragraph("Pain relief after a ketamine infusion lasts about six months [2].")
        document.add_heading("References", 2)
        document.add_paragraph(
            "Orhurhu V, Orhurhu MS, Bhatia A, Cohen SP. Ketamine infusions for chronic pain: a systematic review "
            "and meta-analysis of randomized controlled trials. Anesth Analg. 2019;129(1):241-254.",
            style="List Number",
        )
        document.add_paragraph(
            "Niesters M, Martini C, Dahan A. Ketamine for chronic pain: risks and benefits. Br J Clin Pharmacol. 2014;77(2):357-367.",
            style="List Number",
        )
        source = tmp_path / "draft.docx"
        document.save(source)
    else:
        source = tmp_path / "draft.docx"
        shutil.copy(EXAMPLES / "ketamine-draft.docx", source)  # Zotero fields
    resaved = _libreoffice(tmp_path, source, "docx:MS Word 2007 XML", "resaved")
    assert [(f.rule, f.message) for f in kb.draft_report(resaved).findings] == [(f.rule, f.message) for f in kb.draft_report(source).findings]
    assert kb.draft_report(resaved).findings


# -- what a second reader and an attacker found (issue 31 review) ---------------------------------------


def _ranges(path) -> dict[str, str]:
    """The text each comment covers (between its range start and end, in document order)."""
    import docx

    body = docx.Document(str(path)).element.body
    open_ids: list[str] = []
    covered: dict[str, str] = {}
    for element in body.iter():
        if element.tag == f"{W}commentRangeStart":
            open_ids.append(element.get(f"{W}id"))
            covered[element.get(f"{W}id")] = ""
        elif element.tag == f"{W}commentRangeEnd":
            open_ids.remove(element.get(f"{W}id"))
        elif element.tag == f"{W}t" and not any(a.tag.endswith("}txbxContent") for a in element.iterancestors()):
            for cid in open_ids:
                covered[cid] += element.text or ""
    return covered


def test_a_comment_covers_its_sentence_only_even_inside_one_run_and_after_a_look_alike(kb, tmp_path):
    """Word keeps a plain paragraph in one run: the comment used to cover the whole paragraph; and a sentence
    whose first words an earlier sentence shares got the earlier sentence's comment."""
    import docx

    document = docx.Document()
    document.add_paragraph(
        "Ketamine infusion for chronic pain is now offered in many clinics. Ketamine infusion for chronic "
        "pain provides long-term relief.  Doctors usually try other options first."
    )
    document.save(tmp_path / "one-run.docx")
    out = _reviewed(tmp_path, tmp_path / "one-run.docx")
    review = kb.review(tmp_path / "one-run.docx")
    expected = [s.text.strip() for p in review.parts for s in p.sentences if s.findings]
    assert "Ketamine infusion for chronic pain provides long-term relief." in expected
    ranges = _ranges(out)
    assert list(ranges.values()) == expected  # each comment covers its own sentence, no more
    texts = {str(c.comment_id): c.text for c in docx.Document(str(out)).comments}
    (long_term,) = [cid for cid, text in ranges.items() if text.endswith("long-term relief.")]
    assert "long-term-relief" in texts[long_term]
    assert _body_texts(out) == _body_texts(tmp_path / "one-run.docx")


def test_a_comment_never_reaches_into_a_text_box(kb, tmp_path):
    box = (
        '<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent><w:p><w:r><w:t>A box.</w:t></w:r>'
        '</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'
    )
    source = write_docx(tmp_path / "box.docx", [paragraph(runs("Ketamine infusions definitely ") + box + runs("relieve chronic pain."))])
    out = _reviewed(tmp_path, source)
    assert list(_ranges(out).values()) == ["Ketamine infusions definitely relieve chronic pain."]
    with zipfile.ZipFile(out) as package:
        inside = package.read("word/document.xml").decode().split("<w:txbxContent>")[1].split("</w:txbxContent>")[0]
    assert "comment" not in inside


def test_findings_on_the_reference_list_and_the_whole_draft_become_comments_too(kb, tmp_path):
    draft = tmp_path / "refs.md"
    draft.write_text(
        "Ketamine infusions can cause nausea and vomiting [1].\n\n## References\n\n"
        "1. Smith J. Ketamine miracles in the pain clinic. J Pain Wonders. 2021.\n",
        encoding="utf-8",
    )
    review = kb.review(draft)
    on_entries = [f for p in review.parts for f in p.findings]
    assert on_entries, "the entry the library lacks has a finding of its own"
    import docx

    out = _reviewed(tmp_path, draft)
    texts = [c.text for c in docx.Document(str(out)).comments]
    assert any(on_entries[0].message in t for t in texts)
    assert sum(1 for p in review.parts for s in p.sentences if s.findings) + len(on_entries) + bool(review.general) == len(texts)


def test_an_unregistered_sentence_shows_no_claim_and_advice_reads_as_the_library_s(kb, tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text("Ketamine infusions definitely relieve chronic pain.\n", encoding="utf-8")
    page = invoke(str(draft), "--format", "html", "--fail-on", "none").stdout
    assert "The library's advice for this claim: word it as “Ketamine infusions may reduce chronic pain slightly in the short term.”" in page
    assert "”." not in page and "What to do" not in page
    assert page.index('class="card"') < page.index('id="f1"')  # the claim comes before its findings, once
    assert page.count('class="card"') == 1


@pytest.mark.parametrize("kind", ["control-character-in-the-library", "lone-surrogate-in-a-zotero-field"])
def test_text_xml_cannot_hold_is_replaced_not_a_traceback(kb, tmp_path, kind):
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    if kind == "control-character-in-the-library":
        bib = tmp_path / "references.bib"
        bib.write_text(
            bib.read_text(encoding="utf-8").replace(
                "Ketamine for chronic pain: risks and benefits", "Ketamine for chronic pain:\x01 risks and benefits"
            ),
            encoding="utf-8",
        )
        source = EXAMPLES / "ketamine-draft.md"
    else:
        item = {**csl_json(kb.references["zhou2011targeting"]), "author": [{"family": "Zhou\\udfff"}]}
        instruction = zotero([item], "(1)").replace("Zhou\\\\udfff", "Zhou\\udfff")
        source = write_docx(
            tmp_path / "s.docx", [paragraph(runs("Ketamine infusions can cause nausea and vomiting.") + complex_field(instruction, "(1)"))]
        )
    base = ["--claims", str(tmp_path / "claims.yaml"), "--bib", str(tmp_path / "references.bib"), "audit", str(source)]
    for extra in ([], ["--format", "html"], ["--format", "docx", "-o", str(tmp_path / "out.docx")]):
        result = CliRunner().invoke(cli, [*base, *extra, "--fail-on", "none"])
        assert result.exit_code == 0 and result.exception is None or isinstance(result.exception, SystemExit), (extra, result.output)


def _package(tmp_path, name: str, change) -> object:
    source = tmp_path / name
    with zipfile.ZipFile(EXAMPLES / "ketamine-draft.docx") as old, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as new:
        parts = {i.filename: old.read(i.filename) for i in old.infolist()}
        for part, data in change(parts).items():
            new.writestr(part, data)
    return source


@pytest.mark.parametrize(
    ("name", "change", "said"),
    [
        (
            "decoy.docx",
            lambda parts: {
                **parts,
                "word/main.xml": parts["word/document.xml"],
                "word/document.xml": parts["word/document.xml"].replace(b"definitely", b"maybe"),
                "_rels/.rels": parts["_rels/.rels"].replace(b"word/document.xml", b"word/main.xml"),
            },
            "main part is 'word/main.xml'",
        ),
        (
            "doctype.docx",
            lambda parts: {**parts, "word/document.xml": parts["word/document.xml"].replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY p "x">]>', 1)},
            "DOCTYPE",
        ),
        ("bad-styles.docx", lambda parts: {**parts, "word/styles.xml": b"<w:styles"}, "cannot add comments to this package"),
        ("missing-part.docx", lambda parts: {k: v for k, v in parts.items() if k != "word/styles.xml"}, "cannot add comments"),
        ("big-header.docx", lambda parts: {**parts, "word/header1.xml": b"<a>" + b" " * 21_000_000 + b"</a>"}, "zip bomb"),
    ],
)
def test_a_package_word_would_show_differently_or_python_docx_cannot_read_is_a_located_error(tmp_path, name, change, said):
    source = _package(tmp_path, name, change)
    result = invoke(str(source), "--format", "docx", "-o", str(tmp_path / "out.docx"))
    assert result.exit_code == 2 and said in result.output and result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert not (tmp_path / "out.docx").exists()


def test_comments_stop_at_the_cap_and_say_how_many_more(kb, tmp_path, monkeypatch):
    import docx

    import kbase.render.review as review_render

    monkeypatch.setattr(review_render, "MAX_COMMENTS", 3)
    draft = tmp_path / "many.md"
    draft.write_text("\n\n".join(["Ketamine infusions definitely relieve chronic pain."] * 6) + "\n", encoding="utf-8")
    out = _reviewed(tmp_path, draft)
    texts = [c.text for c in docx.Document(str(out)).comments]
    assert len(texts) == 3 and "4 sentences with findings have no comment here" in texts[0]


def test_an_output_name_too_long_is_a_located_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke(str(EXAMPLES / "ketamine-draft.md"), "--format", "html", "-o", "a" * 300 + ".html")
    assert result.exit_code == 2 and "cannot write" in result.output


def test_a_markdown_draft_s_comments_cover_each_sentence_exactly(kb, tmp_path):
    draft = tmp_path / "d.md"
    draft.write_text(
        "Ketamine infusions definitely relieve chronic pain. Ketamine infusion for chronic pain provides long-term relief.\n", encoding="utf-8"
    )
    out = _reviewed(tmp_path, draft)
    assert list(_ranges(out).values()) == [
        "Ketamine infusions definitely relieve chronic pain.",
        "Ketamine infusion for chronic pain provides long-term relief.",
    ]
