"""Sentences and citations in draft text, with their offsets.

Sentence splitting survives "et al.", "e.g.", "Dr.", "U.S.", initials, decimals,
percentages and citations. Citations are found in the pandoc (``[@key]``,
``[@a; @b, p. 3]``, ``@key``, ``[-@key]``), LaTeX (``\\cite{a,b}``, ``\\citep``,
``\\citet``, biblatex's ``\\parencite``…) and numbered (``[1]``, ``[2, 3]``,
``[4–6]``, ``^1^``) syntaxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Citation", "clean_for_matching", "find_citations", "split_sentences"]

# Words that end with a period without ending a sentence (compared in lower case, without the period).
ABBREVIATIONS = frozenset(
    """
    al e.g eg i.e ie dr mr mrs ms prof vs fig figs no nos st approx cf ca vol pp p ed eds jr sr inc ltd co
    u.s u.k u.n e.u a.m p.m jan feb mar apr jun jul aug sep sept oct nov dec mt ft dept est min max ref refs
    """.split()
)

# a run of end marks is tried once, from its start (a lookbehind), never from each of its characters
_BOUNDARY = re.compile(r"(?<![.!?])([.!?]+)([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the sentences of ``text`` (a paragraph).

    Examples
    --------
    >>> t = "Cohen et al. found 3.5% fewer falls in the U.S. Army. Dr. Lee disagreed [@lee2020]. Why?"
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Cohen et al. found 3.5% fewer falls in the U.S. Army.', 'Dr. Lee disagreed [@lee2020].', 'Why?']
    """
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end(2)
        before = text[max(start, match.start(1) - 60):match.start(1)]  # the last word is all that matters
        word = re.search(r"([A-Za-z][A-Za-z.]*)$", before)
        if match.group(1) == "." and word:
            token = word.group(1).lower()
            if token in ABBREVIATIONS or (len(token) == 1 and word.group(1).isupper()):
                continue  # "et al.", "e.g.", an initial such as "J. Smith"
            if "." in token and len(token) <= 5:
                continue  # "U.S." and the like
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end(3)
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True, slots=True)
class Citation:
    """A citation found in a sentence: keys (author-year styles) or numbers (numbered styles)."""

    kind: str                  # "pandoc", "latex" or "numbered"
    keys: tuple[str, ...] = ()
    numbers: tuple[int, ...] = ()
    start: int = 0             # offset in the sentence
    end: int = 0


_PANDOC_GROUP = re.compile(r"\[([^\[\]]*?-?@[^\[\]]+)\]")
_PANDOC_KEY = re.compile(r"(?<![\w@])-?@(\w(?:[\w:.#$%&+?<>~/'\"{}\\-]*[\w}])?)")
_INTEXT = re.compile(r"(?<![\w@\[])@([A-Za-z_](?:[\w:.#$%&+?<>~/-]*\w)?)")
# Every pattern over draft text runs in linear time: no unbounded repetition can be retried from
# every position of a long run (the optional notes of \cite and the key list are bounded, an
# e-mail address starts only where a run of its characters starts). tests/test_hostile.py and
# benchmarks/bench_hostile.py feed them 64 kB of each pathological shape.
_LATEX = re.compile(r"\\(?:cite|citep|citet|citealp|citealt|citeauthor|citeyear|parencite|textcite|autocite|footcite|supercite)\*?"
                    r"(?:\[[^\]\n]{0,200}\]){0,2}\{([^}\n]{0,2000})\}")
_NUMBERED = re.compile(r"\[(\d+(?:\s*[-–—]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–—]\s*\d+)?)*)\]|\^(\d+(?:\s*[-–,]\s*\d+)*)\^")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


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


def find_citations(sentence: str) -> list[Citation]:
    """Every citation in ``sentence``, in order.

    Examples
    --------
    >>> [(c.kind, c.keys, c.numbers) for c in find_citations("As shown [@a; see @b, p. 3], and \\\\citep{c,d} [4–6].")]
    [('pandoc', ('a', 'b'), ()), ('latex', ('c', 'd'), ()), ('numbered', (), (4, 5, 6))]
    """
    found: list[Citation] = []
    occupied = bytearray(len(sentence))  # 1 where an earlier citation already is

    def free(a: int, b: int) -> bool:
        return not any(occupied[a:b])

    def take(a: int, b: int) -> None:
        occupied[a:b] = b"\x01" * (b - a)

    masked = _EMAIL.sub(lambda m: " " * len(m.group()), sentence)
    for match in _PANDOC_GROUP.finditer(masked):
        keys = tuple(k.rstrip(".,;") for k in _PANDOC_KEY.findall(match.group(1)))
        if keys:
            found.append(Citation("pandoc", keys, (), match.start(), match.end()))
            take(*match.span())
    for match in _LATEX.finditer(masked):
        keys = tuple(k.strip() for k in match.group(1).split(",") if k.strip())
        found.append(Citation("latex", keys, (), match.start(), match.end()))
        take(*match.span())
    for match in _NUMBERED.finditer(masked):
        if free(*match.span()):
            numbers = _numbers(match.group(1) or match.group(2))
            if numbers:
                found.append(Citation("numbered", (), numbers, match.start(), match.end()))
                take(*match.span())
    for match in _INTEXT.finditer(masked):
        if free(*match.span()):
            found.append(Citation("pandoc", (match.group(1).rstrip(".,;:"),), (), match.start(), match.end()))
            take(*match.span())
    found.sort(key=lambda c: c.start)
    return found


_LINK = re.compile(r"!?\[([^\[\]\n]{0,500})\]\([^()\s]{0,2000}\)")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HTML = re.compile(r"<[^<>\n]{1,500}>")
_MARKUP = re.compile(r"[*_`~]+")


def clean_for_matching(sentence: str, citations: list[Citation]) -> str:
    """The sentence as a reader sees it: no citations, link targets, URLs, HTML or emphasis marks."""
    text = sentence
    for citation in reversed(citations):
        text = text[:citation.start] + " " + text[citation.end:]
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _HTML.sub(" ", text)
    text = _MARKUP.sub("", text)
    return " ".join(text.split())
