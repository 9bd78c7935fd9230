"""Sentences and citations in draft text, with their offsets.

Sentence splitting survives "et al.", "e.g.", "Dr.", "U.S.", initials, decimals, percentages,
locators inside brackets ("[@a, chap. 3; @b]") and citation markers placed after the full stop
("asleep.[1]", "asleep.^1^", "asleep.¹", "asleep.<sup>1</sup>"), which belong to the sentence
they close. Citations are found in the pandoc (``[@key]``, ``[@a; @b, p. 3]``, ``@key``,
``[-@key]``, ``@{key}``), Manubot identifier (``[@doi:10.…]``, ``[@pmid:…]``), LaTeX
(``\\cite{a,b}``, ``\\citep``, ``\\citet``, biblatex's ``\\parencite``…) and numbered (``[1]``,
``[2, 3]``, ``[4–6]``, ``^1^``, ``<sup>1</sup>``, ``¹⁻³``) syntaxes. Readers of other formats
(Word, HTML) put a private-use character where a citation field was, and hand the citation for
it in ``anchors``.

Every pattern here runs in linear time: none can be retried from every position of a long run
(bodies are bounded and exclude their own opening character). tests/test_hostile_input_and_concurrent_edits.py and
benchmarks/bench_pathological.py feed them 64 kB of each pathological shape.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ANCHOR_BASE", "MAX_FIELDS", "Citation", "anchor_char", "clean_for_matching", "find_citations", "split_sentences"]

# Words that end with a period without ending a sentence (compared in lower case, without the period):
# titles, Latin, months, and the locator abbreviations of citations ("chap. 3", "bk. VI", "n. 6").
ABBREVIATIONS = frozenset(
    """
    al e.g eg i.e ie dr mr mrs ms prof vs fig figs no nos st approx cf ca vol vols pp p ed eds jr sr inc ltd co
    u.s u.k u.n e.u a.m p.m jan feb mar apr jun jul aug sep sept oct nov dec mt ft dept est min max ref refs
    chap ch sec secs bk para paras pt pts fn art col cols ser suppl op loc ibid viz
    """.split()
)

#: Readers of Word and HTML drafts put ``chr(ANCHOR_BASE + n)`` (a private-use character) where
#: citation field ``n`` was; :func:`find_citations` returns the citation handed for it.
ANCHOR_BASE = 0xF0000
#: The most citation fields (or citing links) one draft may hold: the private-use plane has 65,534 characters.
MAX_FIELDS = 60_000
_ANCHOR = re.compile("[\U000f0000-\U000ffffd]+")


def anchor_char(n: int) -> str:
    """The placeholder character for citation field ``n`` of a Word or HTML draft."""
    return chr(ANCHOR_BASE + n)


@dataclass(frozen=True, slots=True)
class Citation:
    """A citation found in a sentence: keys (pandoc, LaTeX, identifiers such as ``doi:10.1/x``),
    numbers (numbered styles) or CSL-JSON items (a Zotero, Mendeley or EndNote field of a Word draft)."""

    kind: str  # "pandoc", "latex", "numbered" or "field"
    keys: tuple[str, ...] = ()
    numbers: tuple[int, ...] = ()
    start: int = 0  # offset in the sentence
    end: int = 0
    items: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)
    source: str = ""  # for fields: "zotero", "mendeley", "endnote"


# A bracket group: escapes allowed, no nested brackets, bounded (so a scan stops at the next "[").
_GROUP = re.compile(r"\[((?:[^\[\]\\]|\\.){0,2000})\]")
# A pandoc key inside a group item, or in running text: braces for keys with punctuation (@{https://…}).
_KEY = r"(?:\{[^{}\s]{1,500}\}|\w(?:[\w:.#$%&+?<>~/'\"{}\\-]{0,500}[\w}])?)"
_ITEM_KEY = re.compile(r"(?<![\w@])-?@(" + _KEY + ")")
# in running text, only pandoc's own key characters: "@smith2020's results" cites smith2020
_INTEXT = re.compile(r"(?<![\w@\[\\])@(\{[^{}\s]{1,500}\}|\w(?:[\w:.#$%&+?<>~/-]{0,500}\w)?)")
_LATEX = re.compile(
    r"\\(?:cite|citep|citet|citealp|citealt|citeauthor|citeyear|parencite|textcite|autocite|footcite|supercite)\*?"
    r"(?:\[[^\]\n]{0,200}\]){0,2}\{([^}\n\\]{0,2000})\}"
)  # a key list stops at the next backslash
_NUMBER_LIST = r"\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:\s*,\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?){0,50}"
_NUMBERED_GROUP = re.compile(r"\s*(" + _NUMBER_LIST + r")\s*")
_SUPERSCRIPT = re.compile(r"\^(" + _NUMBER_LIST + r")\^|<sup\b[^<>]{0,200}>\s*\[?(" + _NUMBER_LIST + r")\]?\s*</sup>", re.I)
_UNICODE_SUP = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}(?:[⁻–,-][⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}){0,20}")
_SUP_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_UNIT_BEFORE = re.compile(r"(?:\d|(?:^|[\s/(])(?:[cmkµμd]?m|ft|in|s|km/h|cm/s))$")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_INLINE_CODE = re.compile(r"`[^`]{0,2000}`")
#: A text without any of these characters holds no marker (most sentences of a long list): skip the scans
_MAY_HOLD_MARKER = re.compile("[\\[\\\\^<⁰¹²³⁴⁵⁶⁷⁸⁹\U000f0000-\U000ffffd]")


def _numbers(text: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in re.split(r"\s*,\s*", text.strip()):
        bounds = re.split(r"\s*[-–—]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            if low <= high and high - low < 100:
                out.extend(range(low, high + 1))
        elif part.isdigit():
            out.append(int(part))
    return tuple(out)


def _group_keys(body: str) -> tuple[str, ...]:
    """The keys of a pandoc citation group: the first ``@key`` of each ``;``-separated item."""
    keys = []
    for item in _split_items(body):
        match = _ITEM_KEY.search(item)
        if match:
            keys.append(_strip_key(match.group(1)))
    return tuple(k for k in keys if k)


def _split_items(body: str) -> list[str]:
    items, depth, start = [], 0, 0
    for i, char in enumerate(body):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    return items


def _strip_key(key: str) -> str:
    if key.startswith("{") and key.endswith("}"):
        return key[1:-1].strip()
    return key.rstrip(".,;:")


def _markers(text: str, masked: str | None = None) -> list[tuple[int, int, Citation | None]]:
    """Every citation marker and every other bracket group of ``text``, as ``(start, end, citation)``
    spans in order (citation None for a bracket that cites nothing, such as a link's text)."""
    if not _MAY_HOLD_MARKER.search(text):
        return []
    masked = masked if masked is not None else _EMAIL.sub(lambda m: " " * len(m.group()), text)
    spans: list[tuple[int, int, Citation | None]] = []
    for match in _GROUP.finditer(masked):
        a, b = match.span()
        body = match.group(1)
        if body.startswith("^"):
            spans.append((a, b, None))  # a footnote reference
            continue
        if "@" in body:
            keys = _group_keys(body)
            spans.append((a, b, Citation("pandoc", keys, (), a, b) if keys else None))
        elif numbered := _NUMBERED_GROUP.fullmatch(body):
            numbers = _numbers(numbered.group(1))
            spans.append((a, b, Citation("numbered", (), numbers, a, b) if numbers else None))
        else:
            spans.append((a, b, None))
    for match in _LATEX.finditer(masked):
        keys = tuple(k.strip() for k in match.group(1).split(",") if k.strip())
        spans.append((match.start(), match.end(), Citation("latex", keys, (), match.start(), match.end())))
    for match in _SUPERSCRIPT.finditer(masked):
        numbers = _numbers(match.group(1) or match.group(2))
        if numbers:
            spans.append((match.start(), match.end(), Citation("numbered", (), numbers, match.start(), match.end())))
    for match in _UNICODE_SUP.finditer(masked):
        if not _UNIT_BEFORE.search(masked, max(0, match.start() - 8), match.start()):
            numbers = _numbers(match.group().translate(_SUP_DIGITS))
            if numbers:
                spans.append((match.start(), match.end(), Citation("numbered", (), numbers, match.start(), match.end())))
    for match in _ANCHOR.finditer(masked):
        for i in range(match.start(), match.end()):
            spans.append((i, i + 1, Citation("field", (), (), i, i + 1)))
    spans.sort(key=lambda s: (s[0], -s[1]))
    # keep the outermost of overlapping spans (a superscript inside a bracket belongs to the bracket)
    kept: list[tuple[int, int, Citation | None]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def find_citations(sentence: str, anchors: Mapping[str, Citation] | None = None, examples: frozenset[str] = frozenset()) -> list[Citation]:
    """Every citation in ``sentence``, in order.

    ``anchors`` maps the placeholder characters of a Word or HTML draft to their citations;
    ``examples`` are pandoc example-list labels (``(@foo)``), which are not citations.

    Examples
    --------
    >>> [(c.kind, c.keys, c.numbers) for c in find_citations("As shown [@a; see @b, p. 3], and \\\\citep{c,d} [4–6].")]
    [('pandoc', ('a', 'b'), ()), ('latex', ('c', 'd'), ()), ('numbered', (), (4, 5, 6))]
    >>> [c.numbers for c in find_citations("Most slept.¹⁻³ A BMI over 30 kg/m² counts.")]
    [(1, 2, 3)]
    """
    if "@" not in sentence and not _MAY_HOLD_MARKER.search(sentence):
        return []
    masked = _EMAIL.sub(lambda m: " " * len(m.group()), sentence)
    masked = _INLINE_CODE.sub(lambda m: " " * len(m.group()), masked)
    found: list[Citation] = []
    occupied: list[tuple[int, int]] = []
    for a, b, citation in _markers(sentence, masked):
        occupied.append((a, b))
        if citation is None:
            continue
        if citation.kind == "field":
            given = (anchors or {}).get(sentence[a])
            if given is None:
                continue
            citation = Citation(given.kind, given.keys, given.numbers, a, b, given.items, given.source)
        elif citation.kind == "pandoc" and examples:
            keys = tuple(k for k in citation.keys if k not in examples)
            if not keys:
                continue
            citation = Citation("pandoc", keys, (), a, b)
        found.append(citation)
    starts = [a for a, _ in occupied]
    for match in _INTEXT.finditer(masked):
        i = bisect.bisect_right(starts, match.start()) - 1
        if i >= 0 and match.start() < occupied[i][1]:
            continue  # inside a bracket group
        if match.start() >= 1 and masked[match.start() - 1] == "(" and masked[match.end() : match.end() + 1] == ")":
            continue  # a pandoc example-list label "(@foo)"
        key = _strip_key(match.group(1))
        if key and key not in examples:
            found.append(Citation("pandoc", (key,), (), match.start(), match.end()))
    found.sort(key=lambda c: c.start)
    return found


# A run of end marks is tried once, from its start (a lookbehind), never from each of its characters.
_END = re.compile(r"(?<![.!?])[.!?]+")
_CLOSERS = re.compile(r"[\"'”’)\]*_]*")
_SPACES = re.compile(r"[ \t\u00a0]*")
_START = re.compile(r"\s+[\"'“‘(\[*_]*(?=[^\W_]|@\w|[\U000F0000-\U000FFFFD])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sentences of ``text`` (a paragraph).

    Examples
    --------
    >>> t = "Cohen et al. found 3.5% fewer falls in the U.S. Army. Dr. Lee disagreed [@lee2020]. Why?"
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Cohen et al. found 3.5% fewer falls in the U.S. Army.', 'Dr. Lee disagreed [@lee2020].', 'Why?']
    >>> t = "Most slept.[1] Few woke.^2^ See [@a, chap. 3; @b]."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Most slept.[1]', 'Few woke.^2^', 'See [@a, chap. 3; @b].']
    """
    markers = _markers(text)
    starts = [a for a, _, _ in markers]
    by_start = {a: (b, c) for a, b, c in markers}

    def inside(position: int) -> bool:
        i = bisect.bisect_right(starts, position) - 1
        return i >= 0 and markers[i][0] < position < markers[i][1]

    spans = []
    start = 0
    for match in _END.finditer(text):
        if match.start() < start or inside(match.start()):
            continue
        end = _CLOSERS.match(text, match.end()).end()
        # citation markers after the full stop ("asleep.[1]", "asleep. ^2^") close this sentence
        while True:
            gap = _SPACES.match(text, end).end()
            marker = by_start.get(gap)
            if marker is None or marker[1] is None:
                break
            end = _CLOSERS.match(text, marker[0]).end()
        following = _START.match(text, end)
        if following is None:
            continue
        next_char = text[following.end()]
        if not (next_char.isupper() or next_char.isdigit() or next_char in "@" or 0xF0000 <= ord(next_char) <= 0xFFFFD):
            continue
        if match.group() == "." and _abbreviation(text, max(start, match.start() - 60), match.start()):
            continue
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


_LAST_WORD = re.compile(r"([^\W\d_][\w.]*)$")


def _abbreviation(text: str, a: int, b: int) -> bool:
    """Whether the word before a period at ``b`` is an abbreviation ("et al.", "e.g.", an initial, "U.S.")."""
    word = _LAST_WORD.search(text, a, b)
    if not word:
        return False
    token = word.group(1).lower()
    if token in ABBREVIATIONS or (len(token) == 1 and word.group(1).isupper()):
        return True
    return "." in token and len(token) <= 5


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_LINK = re.compile(r"!?\[([^\[\]\n]{0,500})\]\([^()\s]{0,2000}\)")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HTML = re.compile(r"<[^<>\n]{1,500}>")
_MARKUP = re.compile(r"[*_`~]+")
_SPACE_BEFORE_MARK = re.compile(r" ([.,;:!?])(?=\s|$)")  # where a citation was taken out: "pain [1]." reads "pain."


def clean_for_matching(sentence: str, citations: list[Citation]) -> str:
    """The sentence as a reader sees it: no citations, link targets, URLs, HTML, emphasis marks or placeholders."""
    text = sentence
    for citation in reversed(citations):
        text = text[: citation.start] + " " + text[citation.end :]
    text = _ANCHOR.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _HTML.sub(" ", text)
    text = _MARKUP.sub("", text)
    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join(text.split()))
