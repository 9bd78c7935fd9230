"""The reviewed draft: one HTML page, or the writer's own Word document with Word comments.

Both are functions of a :class:`~kbase.draft_review.DraftReview`. The HTML page is self-contained (no
script, no network), every string from the draft or the library escaped; each finding is marked on
its sentence, in words as well as colour, and listed in a margin that links to it. The Word copy is
the original package with comments added (author "kbase", one comment per sentence that has
findings); the body's text is untouched.
"""

from __future__ import annotations

import io
import re
from html import escape
from typing import TYPE_CHECKING, Any

from ..drafts.docx import NOT_RUNNING_TEXT, W, paragraph_elements
from ..errors import KbaseError
from ..vocabulary import Severity

if TYPE_CHECKING:
    from ..draft_review import DraftReview, ReviewPart, ReviewSentence
    from ..model import Finding
    from ..tables import EvidenceRow

__all__ = ["comment_text", "review_docx", "review_html"]

AUTHOR, INITIALS = "kbase", "kb"
_BADGE = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.INFO: "i"}

CSS = """
:root{--error:#b91c1c;--warning:#8a4b00;--info:#1d4ed8;--ink:#1f2328;--muted:#57606a}
*{box-sizing:border-box}
body{font:16px/1.55 Georgia,"Times New Roman",serif;color:var(--ink);margin:0;background:#fff}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.3rem;z-index:9}
header{font-family:system-ui,sans-serif;padding:1rem 1.5rem;border-bottom:1px solid #d0d7de}
header h1{font-size:1.3rem;margin:0} header p{margin:.25rem 0;color:var(--muted)}
.counts{display:flex;gap:.5rem;flex-wrap:wrap;list-style:none;padding:0;margin:.5rem 0 0}
.counts li{border:1px solid #d0d7de;border-radius:6px;padding:.15rem .6rem;font-size:.9rem}
.layout{display:grid;grid-template-columns:minmax(0,1fr) 22rem;gap:2rem;max-width:1200px;margin:0 auto;padding:1rem 1.5rem}
nav{font:14px/1.4 system-ui,sans-serif;position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding:.5rem 0}
nav h2{font-size:1rem;margin:.5rem 0} nav ol{padding-left:2.2rem;margin:0} nav li{margin:.2rem 0}
nav table{border-collapse:collapse;font-size:.85rem;margin-bottom:.5rem} nav td{padding:.1rem .4rem;border-bottom:1px solid #eaeef2}
article h2,article h3,article h4{font-family:system-ui,sans-serif}
mark{background:none;color:inherit;border-bottom:3px solid;padding:0 .1rem}
mark.error{border-color:var(--error);background:#fde8e8} mark.warning{border-color:var(--warning);background:#fff4e0}
mark.info{border-color:var(--info);background:#e8f0fe;border-bottom-style:dotted}
.badge{font:bold 11px/1 system-ui,sans-serif;vertical-align:super;text-decoration:none;border-radius:3px;padding:1px 3px;margin-left:1px;color:#fff}
.badge.error{background:var(--error)} .badge.warning{background:var(--warning)} .badge.info{background:var(--info)}
.cite{font:13px system-ui,sans-serif;color:var(--muted)}
aside.notes{font:14px/1.45 system-ui,sans-serif;border-left:3px solid #d0d7de;margin:.3rem 0 1.2rem;padding:.1rem 0 .1rem .8rem}
.note{margin:.5rem 0;padding:.4rem .6rem;border-radius:4px;border:1px solid #d0d7de}
.note:target,.note:focus{outline:3px solid #0969da;outline-offset:2px}
.note .sev{font-weight:bold;text-transform:uppercase;font-size:.8rem;letter-spacing:.03em}
.note.error .sev{color:var(--error)} .note.warning .sev{color:var(--warning)} .note.info .sev{color:var(--info)}
.note code,.card code{font-size:.85rem} .card{margin:.5rem 0;padding:.4rem .6rem;background:#f6f8fa;border-radius:4px} .card p{margin:0} .card ul{margin:.2rem 0;padding-left:1.2rem}
.note .moves{font-size:.8rem;margin-top:.3rem} .note .moves a{margin-right:.8rem}
ol.refs li{margin:.3rem 0}
.item::before{content:"• "} .item[data-number]::before{content:attr(data-number) ". "}
@media (max-width:900px){.layout{grid-template-columns:1fr} nav{position:static;max-height:none}}
@media print{nav,.skip,.moves{display:none}.layout{display:block}mark{border-bottom-width:2px}
 .badge{color:#000;background:none;border:1px solid #000}aside.notes{break-inside:avoid}}
"""


def _text(sentence: ReviewSentence) -> str:
    out = []
    for kind, text in sentence.pieces:
        out.append(escape(text) if kind == "text" else f' <span class="cite">[{escape(text)}]</span>')
    return "".join(out)


def _claim_card(row: EvidenceRow | None, claim_id: str, score: float) -> str:
    if row is None:
        return ""
    grade = row.grade
    links = "".join(
        f"<li>{escape(c.ref)} ({escape(stance)}): {escape(c.citation)}</li>"
        for stance, cells in (("supports", row.supporting), ("contradicts", row.contradicting))
        for c in cells
    )
    flags = f" ({escape(', '.join(grade.flags))})" if grade.flags else ""
    return (
        f'<div class="card"><p class="claim">The sentence states the library\'s claim <code>{escape(claim_id)}</code> '
        f"(word match {score:.0f} of 100): “{escape(row.statement)}” Its certainty: <b>{escape(str(grade.level))}</b>{flags}. "
        f"The library's advice for this claim: {escape(_sentence_end(row.action))}</p>" + (f"<ul>{links}</ul>" if links else "") + "</div>"
    )


def _note(f: Finding, number: int, total: int, sentence_id: str, card: str = "") -> str:
    sev = str(f.severity)
    suggestions = f" Candidates from the library: {escape(', '.join(f.suggestions))}." if f.suggestions else ""
    moves = [f'<a href="#{sentence_id}">back to the sentence</a>' if sentence_id else ""]
    if number > 1:
        moves.append(f'<a href="#f{number - 1}">previous finding</a>')
    if number < total:
        moves.append(f'<a href="#f{number + 1}">next finding</a>')
    return (
        f'<div class="note {sev}" id="f{number}" tabindex="-1" role="note" aria-label="Finding {number} of {total}: {sev}">'
        f'<span class="sev">{sev}</span> <code>{escape(f.rule)}</code> {escape(f.message)}{suggestions}{card}'
        f'<div class="moves">{" ".join(m for m in moves if m)}</div></div>'
    )


class _Html:
    def __init__(self, review: DraftReview) -> None:
        self.review = review
        self.total = len(review.findings)
        self.number = 0
        self.index: list[tuple[int, Finding, str]] = []  # (finding number, finding, excerpt) for the margin

    def sentence(self, s: ReviewSentence, sid: str) -> tuple[str, list[str]]:
        if not s.findings:
            return _text(s), []
        worst = str(s.findings[0].severity)
        badges, notes = [], []
        for f in s.findings:
            self.number += 1
            self.index.append((self.number, f, s.text))
            badges.append(
                f'<a class="badge {f.severity}" href="#f{self.number}" aria-label="{f.severity}: {escape(f.rule)}">'
                f"{_BADGE[f.severity]}{self.number}</a>"
            )
            notes.append(_note(f, self.number, self.total, sid))
        # the claim the findings are about, once, before them (none when a finding says it matches no claim)
        if s.claim_id and not any(f.rule == "unregistered-claim" for f in s.findings):
            notes.insert(0, _claim_card(self.review.claims.get(s.claim_id), s.claim_id, s.score))
        return f'<mark class="{worst}" id="{sid}">{_text(s)}</mark>{"".join(badges)}', notes

    def block(self, part: ReviewPart, n: int) -> str:
        if part.kind == "heading":
            level = min(max(part.level, 1) + 1, 6)
            return f"<h{level}>{escape(part.text)}</h{level}>"
        if part.kind == "reference":
            notes = []
            sid = f"r{n}"
            for f in part.findings:
                self.number += 1
                self.index.append((self.number, f, part.text))
                notes.append(_note(f, self.number, self.total, sid, ""))
            body = escape(part.text) if not notes else f'<mark class="{part.findings[0].severity}" id="{sid}">{escape(part.text)}</mark>'
            aside = f'<aside class="notes" aria-label="Findings on reference {part.number}">{"".join(notes)}</aside>' if notes else ""
            return f'<li value="{part.number}">{body}{aside}</li>'
        texts, notes = [], []
        for i, s in enumerate(part.sentences):
            text, found = self.sentence(s, f"s{n}-{i}")
            texts.append(text)
            notes.extend(found)
        attrs = ' class="item"' + (f' data-number="{part.number}"' if part.number else "") if part.kind == "item" else ""
        aside = f'<aside class="notes" aria-label="Findings on this paragraph">{"".join(notes)}</aside>' if notes else ""
        return f"<p{attrs}>{' '.join(texts)}</p>{aside}"


def _excerpt(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def review_html(review: DraftReview) -> str:
    """The draft as one HTML page with every finding on its sentence (``kbase audit DRAFT --format html``)."""
    page = _Html(review)
    body, in_refs = [], False
    for n, part in enumerate(review.parts):
        if part.kind == "reference" and not in_refs:
            body.append('<ol class="refs">')
            in_refs = True
        elif part.kind != "reference" and in_refs:
            body.append("</ol>")
            in_refs = False
        body.append(page.block(part, n))
    if in_refs:
        body.append("</ol>")
    general = []
    for f in review.general:
        page.number += 1
        page.index.append((page.number, f, ""))
        general.append(_note(f, page.number, page.total, "", ""))
    counts = "".join(f"<li>{v} {escape(k)}{'s' if v != 1 else ''}</li>" for k, v in review.counts.items())
    rules = "".join(f"<tr><td><code>{escape(r)}</code></td><td>{v}</td></tr>" for r, v in review.by_rule.items())
    jumps = "".join(
        f'<li><a href="#f{n}">{escape(str(f.severity))}: {escape(f.rule)}</a> — {escape(_excerpt(excerpt))}</li>'
        for n, f, excerpt in sorted(page.index)
    )
    margin = (
        (f'<nav aria-label="Findings"><h2>Findings by rule</h2><table>{rules}</table><h2>All findings, in order</h2><ol>{jumps}</ol></nav>')
        if review.findings
        else '<nav aria-label="Findings"><h2>No findings</h2></nav>'
    )
    extra = f'<section aria-label="Findings about the whole draft"><h2>About the whole draft</h2>{"".join(general)}</section>' if general else ""
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>Review: {escape(review.title)}</title><style>{CSS}</style></head><body>"
        '<a class="skip" href="#draft">Skip to the draft</a>'
        f'<header><h1>Review: {escape(review.title)}</h1><p>{escape(review.path)} · {escape(review.summary)}</p>'
        f'<ul class="counts" aria-label="Findings by severity">{counts}</ul></header>'
        f'<div class="layout"><main id="draft"><article>{"".join(body)}</article>{extra}</main>{margin}</div>'
        "</body></html>\n"
    )


def _xml_safe(text: str) -> str:
    """``text`` with what XML cannot hold (control characters, lone surrogates) as U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: At most this many Word comments; past it, one last comment says how many sentences more have findings
#: (the HTML review shows them all). Real drafts stay far below; it bounds the time a hostile one takes.
MAX_COMMENTS = 2000


def _finding_line(f: Finding) -> str:
    return f"{str(f.severity).capitalize()} ({f.rule}): {f.message}" + (
        f" Candidates from the library: {', '.join(f.suggestions)}." if f.suggestions else ""
    )


def comment_text(sentence: ReviewSentence, row: EvidenceRow | None) -> list[str]:
    """The paragraphs of the Word comment on ``sentence``: each finding, then the claim's evidence."""
    lines = [_finding_line(f) for f in sentence.findings]
    if row is not None and not any(f.rule == "unregistered-claim" for f in sentence.findings):
        lines.append(
            f"Claim {row.claim_id}, certainty {row.grade.level}: “{row.statement}” The library's advice for this claim: {_sentence_end(row.action)}"
        )
        lines.extend(
            f"{c.ref} ({stance}): {c.citation}" for stance, cells in (("supports", row.supporting), ("contradicts", row.contradicting)) for c in cells
        )
    return [_xml_safe(line) for line in lines]


def _sentence_end(text: str) -> str:
    return text if text.endswith((".", "?", "!", ".”", "?”", "!”")) else text + "."


class _Comments:
    """Adds Word comments through python-docx, at most :data:`MAX_COMMENTS`."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.count = 0

    def add(self, runs: list[Any], lines: list[str]) -> None:
        if self.count >= MAX_COMMENTS:
            return
        self.count += 1
        comment = self.document.add_comment(runs, text=lines[0], author=AUTHOR, initials=INITIALS)
        for line in lines[1:]:
            comment.add_paragraph(line)


def _visible_runs(node: Any) -> list[Any]:
    """The runs of a paragraph whose text the reader reads, in order: not those in text boxes, pictures or
    tracked deletions (a comment must start and end in the paragraph's own story)."""

    out = []
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag.endswith((*NOT_RUNNING_TEXT, "}txbxContent", "}del", "}moveFrom")):  # and tracked deletions
            continue
        if tag == f"{W}r":
            if child.find(f"{W}t") is not None:
                out.append(child)
        else:
            out.extend(_visible_runs(child))
    return out


def _run_text(r: Any) -> str:

    return "".join(t.text or "" for t in r.iter(f"{W}t"))


def _split(r: Any, offset: int) -> Any:
    """Split the run ``r`` (one ``w:t``) at ``offset`` of its text; the second part, inserted after it. The
    text is unchanged; a run with several pieces (tabs, breaks, more than one w:t) is left whole (None)."""
    import copy

    texts = [c for c in r if c.tag != f"{W}rPr"]
    if len(texts) != 1 or texts[0].tag != f"{W}t":
        return None
    text = texts[0].text or ""
    if not 0 < offset < len(text):
        return None
    second = copy.deepcopy(r)
    second_t = second.find(f"{W}t")
    texts[0].text, second_t.text = text[:offset], text[offset:]
    for t in (texts[0], second_t):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    r.addnext(second)
    return second


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of white space as one space, and for each of its characters the index in ``text``."""
    out, index = [], []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space:
                out.append(" ")
                index.append(i)
            space = True
        else:
            out.append(ch)
            index.append(i)
            space = False
    return "".join(out), index


def _anchor(p: Any, sentences: list[tuple[str, list[str]]], comments: _Comments, holder: Any) -> None:
    """Comment each of a paragraph's sentences (its reader text, the comment's lines; no lines: none), in
    order: each is found after the one before, and its runs are split at its ends so that the comment
    covers that sentence and no other."""
    from docx.text.run import Run

    runs = _visible_runs(p)
    texts = [_run_text(r) for r in runs]
    joined = "".join(texts)
    folded, index = _folded(joined)
    cursor = 0
    for text, lines in sentences:
        words = " ".join(text.split())
        head_words = " ".join(words.split()[:3])
        at = folded.find(head_words, cursor) if head_words else -1
        if at < 0:
            at = folded.find(words.split()[0], cursor) if words else -1
        if at < 0:
            if lines and runs:  # not found in the paragraph's text: the whole paragraph, never lost
                comments.add([Run(runs[0], holder), Run(runs[-1], holder)], lines)
            continue
        tail = " ".join(words.split()[-2:]).rstrip(".!?;:")
        end_at = folded.find(tail, at) if tail else -1
        end = end_at + len(tail) if end_at >= 0 else len(folded)
        while end < len(folded) and folded[end] in ".!?;:)]”’\"'":
            end += 1
        cursor = end
        if not lines:
            continue
        start_i, end_i = index[at], (index[end - 1] + 1 if end > 0 else 0)
        first, last = _runs_for(runs, texts, start_i, end_i)  # splits runs, and updates both lists
        comments.add([Run(first, holder), Run(last, holder)], lines)


def _runs_for(runs: list[Any], texts: list[str], start: int, end: int) -> tuple[Any, Any]:
    """The first and last run covering ``[start, end)`` of the runs' joined text, split so that they cover no
    more; ``runs`` and ``texts`` are updated in place with the runs a split made."""
    import bisect
    import itertools

    offsets = [0, *itertools.accumulate(len(t) for t in texts)][:-1]
    last_i = bisect.bisect_right(offsets, max(end, start + 1) - 1) - 1
    cut_end = end - offsets[last_i]
    if 0 < cut_end < len(texts[last_i]) and _split(runs[last_i], cut_end) is not None:
        runs.insert(last_i + 1, runs[last_i].getnext())
        texts[last_i : last_i + 1] = [texts[last_i][:cut_end], texts[last_i][cut_end:]]
    first_i = bisect.bisect_right(offsets, start) - 1
    cut_start = start - offsets[first_i]
    if 0 < cut_start < len(texts[first_i]) and _split(runs[first_i], cut_start) is not None:
        runs.insert(first_i + 1, runs[first_i].getnext())
        texts[first_i : first_i + 1] = [texts[first_i][:cut_start], texts[first_i][cut_start:]]
        last_i += 1
        first_i += 1
    return runs[first_i], runs[last_i]


def review_docx(review: DraftReview, source: bytes | None) -> bytes:
    """The reviewed Word document: ``source`` (the writer's .docx) with a comment on each sentence that has
    findings, or, for a Markdown, text or HTML draft (``source`` None), the draft written as a new document.

    Raises
    ------
    KbaseError
        When python-docx cannot open or write the package (one that Word would repair).
    """
    try:
        return _review_docx(review, source)
    except (KbaseError, MemoryError, RecursionError):
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise many kinds on a package they cannot read
        raise KbaseError(
            f"{review.path}: kbase cannot add comments to this package ({type(exc).__name__}: "
            f"{' '.join(str(exc).split())[:200]}); open it in Word and save it again, or use --format html"
        ) from None


def _review_docx(review: DraftReview, source: bytes | None) -> bytes:
    """The writer's own package with a comment on each sentence that has findings, or, for a draft that
    was not a Word document, the draft written as a new one with its comments."""
    general = [_xml_safe(_finding_line(f)) for f in review.general]
    commented = sum(1 for part in review.parts for s in part.sentences if s.findings) + sum(1 for p in review.parts if p.findings)
    if commented + bool(general) > MAX_COMMENTS:
        general.append(
            f"{commented + 1 - MAX_COMMENTS} sentences with findings have no comment here: kbase puts at most "
            f"{MAX_COMMENTS} comments in a document; kbase audit --format html shows every finding."
        )
    document = _commented_package(review, source, general) if source is not None else _commented_document(review, general)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _commented_package(review: DraftReview, source: bytes, general: list[str]) -> Any:
    """The writer's .docx with the comments anchored on their paragraphs (the general ones on the first)."""
    import docx
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(source))
    comments = _Comments(document)
    elements = list(paragraph_elements(document.element.body))
    by_place: dict[int, list[tuple[str, list[str]]]] = {}
    for part in review.parts:
        for s in part.sentences:
            if s.paragraph:
                lines = comment_text(s, review.claims.get(s.claim_id)) if s.findings else []
                by_place.setdefault(s.paragraph, []).append((s.clean or s.text, lines))
    for part in review.parts:  # a reference entry's findings: on its paragraph
        if part.kind == "reference" and part.findings and part.place:
            by_place.setdefault(part.place, []).append((part.text, [_xml_safe(_finding_line(f)) for f in part.findings]))
    if general and review.elements:
        by_place.setdefault(1, []).insert(0, ("", ["About the whole draft:", *general]))
    for place, sentences in sorted(by_place.items()):
        if 0 < place <= len(review.elements) and review.elements[place - 1] < len(elements):
            p = elements[review.elements[place - 1]]
            _anchor(p, sentences, comments, Paragraph(p, document._body))
    return document


def _commented_document(review: DraftReview, general: list[str]) -> Any:
    """A new .docx of the draft's headings, paragraphs, items and references, with the comments on their runs."""
    import docx

    document = docx.Document()
    comments = _Comments(document)
    if general:
        comments.add([document.add_paragraph().add_run("About the whole draft")], general)
    for part in review.parts:
        if part.kind == "heading":
            document.add_heading(_xml_safe(part.text), min(max(part.level, 1), 9))
            continue
        paragraph = document.add_paragraph()
        if part.kind == "reference":
            run = paragraph.add_run(_xml_safe(f"{part.number}. {part.text}"))
            if part.findings:
                comments.add([run], [_xml_safe(_finding_line(f)) for f in part.findings])
            continue
        if part.kind == "item":
            paragraph.add_run(f"{part.number}. " if part.number else "• ")
        for i, s in enumerate(part.sentences):
            if i:
                paragraph.add_run(" ")  # between sentences, outside either one's comment
            run = paragraph.add_run(_xml_safe(s.text.strip()))
            if s.findings:
                comments.add([run], comment_text(s, review.claims.get(s.claim_id)))
    return document
