"""The reviewed draft: one HTML page, or the writer's own Word document with Word comments.

Both are functions of a :class:`~kbase.review.DraftReview`. The HTML page is self-contained (no
script, no network), every string from the draft or the library escaped; each finding is marked on
its sentence, in words as well as colour, and listed in a margin that links to it. The Word copy is
the original package with comments added (author "kbase", one comment per sentence that has
findings); the body's text is untouched.
"""

from __future__ import annotations

import io
from html import escape
from typing import TYPE_CHECKING

from ..vocabulary import Severity

if TYPE_CHECKING:
    from ..model import Finding
    from ..review import DraftReview, ReviewPart, ReviewSentence
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
.note code{font-size:.85rem} .note .claim{margin:.3rem 0 0;color:var(--ink)} .note ul{margin:.2rem 0;padding-left:1.2rem}
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
    links = "".join(f"<li>{escape(c.ref)} ({escape(stance)}): {escape(c.citation)}</li>"
                    for stance, cells in (("supports", row.supporting), ("contradicts", row.contradicting)) for c in cells)
    return (f'<p class="claim">States claim <code>{escape(claim_id)}</code> (match {score:.0f}), certainty '
            f"<b>{escape(str(grade.level))}</b>{': ' + escape(', '.join(grade.flags)) if grade.flags else ''}. "
            f"In the library's words: “{escape(row.statement)}” What to do: {escape(row.action)}.</p>"
            + (f"<ul>{links}</ul>" if links else "<p>No reference supports it in the library.</p>"))


def _note(f: Finding, number: int, total: int, sentence_id: str, card: str) -> str:
    sev = str(f.severity)
    suggestions = f" Candidates from the library: {escape(', '.join(f.suggestions))}." if f.suggestions else ""
    moves = [f'<a href="#{sentence_id}">back to the sentence</a>' if sentence_id else ""]
    if number > 1:
        moves.append(f'<a href="#f{number - 1}">previous finding</a>')
    if number < total:
        moves.append(f'<a href="#f{number + 1}">next finding</a>')
    return (f'<div class="note {sev}" id="f{number}" tabindex="-1" role="note" aria-label="Finding {number} of {total}: {sev}">'
            f'<span class="sev">{sev}</span> <code>{escape(f.rule)}</code> {escape(f.message)}{suggestions}{card}'
            f'<div class="moves">{" ".join(m for m in moves if m)}</div></div>')


class _Html:
    def __init__(self, review: DraftReview) -> None:
        self.review = review
        self.total = len(review.findings)
        self.number = 0
        self.index: list[tuple[int, Finding, str]] = []   # (finding number, finding, excerpt) for the margin

    def sentence(self, s: ReviewSentence, sid: str) -> tuple[str, list[str]]:
        if not s.findings:
            return _text(s), []
        worst = str(s.findings[0].severity)
        badges, notes = [], []
        for i, f in enumerate(s.findings):
            self.number += 1
            self.index.append((self.number, f, s.text))
            badges.append(f'<a class="badge {f.severity}" href="#f{self.number}" aria-label="{f.severity}: {escape(f.rule)}">'
                          f"{_BADGE[f.severity]}{self.number}</a>")
            card = _claim_card(self.review.claims.get(s.claim_id), s.claim_id, s.score) if i == len(s.findings) - 1 and s.claim_id else ""
            notes.append(_note(f, self.number, self.total, sid, card))
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
    jumps = "".join(f'<li><a href="#f{n}">{escape(str(f.severity))}: {escape(f.rule)}</a> — {escape(" ".join(excerpt.split()[:8]))}…</li>'
                    for n, f, excerpt in sorted(page.index))
    margin = (f'<nav aria-label="Findings"><h2>Findings by rule</h2><table>{rules}</table><h2>All findings, in order</h2>'
              f"<ol>{jumps}</ol></nav>") if review.findings else '<nav aria-label="Findings"><h2>No findings</h2></nav>'
    extra = (f'<section aria-label="Findings about the whole draft"><h2>About the whole draft</h2>{"".join(general)}</section>'
             if general else "")
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>Review: {escape(review.title)}</title><style>{CSS}</style></head><body>"
            '<a class="skip" href="#draft">Skip to the draft</a>'
            f'<header><h1>Review: {escape(review.title)}</h1><p>{escape(review.path)} · {escape(review.summary)}</p>'
            f'<ul class="counts" aria-label="Findings by severity">{counts}</ul></header>'
            f'<div class="layout"><main id="draft"><article>{"".join(body)}</article>{extra}</main>{margin}</div>'
            "</body></html>\n")


def comment_text(sentence: ReviewSentence, row: EvidenceRow | None) -> list[str]:
    """The paragraphs of the Word comment on ``sentence``: each finding, then the claim's evidence."""
    lines = [f"{str(f.severity).capitalize()} ({f.rule}): {f.message}"
             + (f" Candidates from the library: {', '.join(f.suggestions)}." if f.suggestions else "") for f in sentence.findings]
    if row is not None:
        lines.append(f"Claim {row.claim_id} ({row.grade.level}): “{row.statement}” What to do: {row.action}.")
        lines.extend(f"{c.ref} ({stance}): {c.citation}"
                     for stance, cells in (("supports", row.supporting), ("contradicts", row.contradicting)) for c in cells)
    return lines


def _comment(document: object, runs: list, lines: list[str]) -> None:
    comment = document.add_comment(runs, text=lines[0], author=AUTHOR, initials=INITIALS)  # type: ignore[attr-defined]
    for line in lines[1:]:
        comment.add_paragraph(line)


def _span(texts: list[str], sentence: str) -> tuple[int, int]:
    """The first and last of the runs (given by their texts) that hold ``sentence``: found by its first and
    last words in the runs' joined text; all of them when the words cannot be found."""
    joined, starts = "", []
    for t in texts:
        starts.append(len(joined))
        joined += t
    words = sentence.split()
    if not words:
        return 0, len(texts) - 1
    head = joined.find(" ".join(words[:3]))
    head = joined.find(words[0]) if head < 0 else head
    if head < 0:
        return 0, len(texts) - 1
    tail_words = " ".join(words[-2:]).rstrip(".!?")
    tail = joined.find(tail_words, head)
    end = tail + len(tail_words) if tail >= 0 else len(joined)
    first = max(i for i, s in enumerate(starts) if s <= head)
    last = max(i for i, s in enumerate(starts) if s < max(end, head + 1))
    return first, max(first, last)


def review_docx(review: DraftReview, source: bytes | None) -> bytes:
    """The reviewed Word document: ``source`` (the writer's .docx) with a comment on each sentence that has
    findings, or, for a Markdown, text or HTML draft (``source`` None), the draft written as a new document."""
    import docx
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    from ..drafts.docx import W, paragraph_elements

    if source is not None:
        document = docx.Document(io.BytesIO(source))
        elements = list(paragraph_elements(document.element.body))
        for part in review.parts:
            for s in part.sentences:
                if not s.findings or not s.paragraph or s.paragraph > len(review.elements):
                    continue
                p = elements[review.elements[s.paragraph - 1]]
                holder = Paragraph(p, document._body)  # type: ignore[arg-type]
                runs = [Run(r, holder) for r in p.iter(f"{W}r") if r.find(f"{W}t") is not None]
                if not runs:
                    continue
                first, last = _span([r.text for r in runs], s.clean or s.text)
                _comment(document, [runs[first], runs[last]], comment_text(s, review.claims.get(s.claim_id)))
        if review.general and review.elements:  # about the whole draft: on its first paragraph, so nothing is lost
            p = elements[review.elements[0]]
            runs = [Run(r, Paragraph(p, document._body)) for r in p.iter(f"{W}r") if r.find(f"{W}t") is not None]  # type: ignore[arg-type]
            if runs:
                _comment(document, runs[:1], [f"{str(f.severity).capitalize()} ({f.rule}): {f.message}" for f in review.general])
    else:
        document = docx.Document()
        if review.general:
            _comment(document, [document.add_paragraph().add_run("About the whole draft")],
                     [f"{str(f.severity).capitalize()} ({f.rule}): {f.message}" for f in review.general])
        for part in review.parts:
            if part.kind == "heading":
                document.add_heading(part.text, min(max(part.level, 1), 9))
                continue
            paragraph = document.add_paragraph()
            if part.kind == "reference":
                paragraph.add_run(f"{part.number}. {part.text}")
                continue
            if part.kind == "item":
                paragraph.add_run(f"{part.number}. " if part.number else "• ")
            for i, s in enumerate(part.sentences):
                run = paragraph.add_run(("" if i == 0 else " ") + s.text)
                if s.findings:
                    _comment(document, [run], comment_text(s, review.claims.get(s.claim_id)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
