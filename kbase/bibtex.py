"""BibTeX text: reading values, splitting names, decoding LaTeX, and writing values safely.

Every module that reads or writes a BibTeX value goes through these helpers: the loader, the
model's :meth:`~kbase.model.Reference.field`, citations, duplicate detection, import, merge and
the library writer. This module imports nothing else of kbase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["bib_value", "entry_text", "latex_to_text", "parse_year", "split_names", "surname", "unenclose"]


def unenclose(value: object) -> str:
    """A field value without its outer braces or quotes (what RemoveEnclosingMiddleware does)."""
    text = value if isinstance(value, str) else str(value)
    if len(text) >= 2 and ((text[0] == "{" and text[-1] == "}") or (text[0] == '"' and text[-1] == '"')):
        return text[1:-1]
    return text


def parse_year(text: str) -> int | None:
    """The four-digit year at the start of a ``year`` or ``date`` value, or None.

    Examples
    --------
    >>> parse_year("{2019}"), parse_year("2021-03-04"), parse_year("n.d.")
    (2019, 2021, None)
    """
    match = re.match(r"\s*\{?(\d{4})", text)
    return int(match.group(1)) if match else None


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def split_names(text: str) -> list[str]:
    """Split a BibTeX name list on ``and`` at brace depth zero.

    Examples
    --------
    >>> split_names("Cohen, Steven P. and {American Society of Anesthesiologists}")
    ['Cohen, Steven P.', '{American Society of Anesthesiologists}']
    """
    if not text:
        return []
    if "{" not in text:
        return [n.strip() for n in _AND.split(text) if n.strip()]
    names, depth, start, i = [], 0, 0, 0
    lower = text.lower()
    while i < len(text):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and lower.startswith(" and ", i):
            names.append(text[start:i].strip())
            i += 5
            start = i
            continue
        i += 1
    names.append(text[start:].strip())
    return [n for n in names if n]


_BRACES = str.maketrans("", "", "{}")


@lru_cache(maxsize=65536)
def latex_to_text(text: str) -> str:
    """Decode LaTeX markup for display.

    Text without backslashes only loses its protective braces; the rest goes
    through pylatexenc (which bibtexparser depends on).

    Examples
    --------
    >>> latex_to_text(r"Caf{\\'e} and {NMDA} receptors")
    'Café and NMDA receptors'
    """
    if not text:
        return ""
    if "\\" not in text and "$" not in text:
        out = text.translate(_BRACES)
    else:
        from pylatexenc.latex2text import LatexNodes2Text

        try:
            out = LatexNodes2Text(math_mode="verbatim").latex_to_text(text)
        except Exception:  # pylatexenc gives up on some malformed markup; show it raw
            out = text.translate(_BRACES)
    out = out.replace("---", "\u2014").replace("--", "\u2013").replace("~", "\u00a0")
    return " ".join(out.split())


def surname(name: str) -> str:
    """The family name of one BibTeX name (``Cohen, Steven P.`` or ``Steven P. Cohen``), braces removed.

    Examples
    --------
    >>> surname("Cohen, Steven P."), surname("Steven P. Cohen"), surname("{World Health Organization}")
    ('Cohen', 'Cohen', 'World Health Organization')
    """
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return name[1:-1].strip()
    if "," in name:
        return name.split(",")[0].strip().strip("{}")
    parts = name.split()
    return parts[-1].strip("{}") if parts else ""


def _balanced(text: str) -> bool:
    depth = 0
    escaped = False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def bib_value(value: str, raw: bool = False) -> str:
    """``value`` as a BibTeX field value that can never end its field early or start new fields.

    A plain-text value (an imported title, ``raw=False``) is enclosed in braces. A value as kbase
    read it from a ``.bib`` (``raw=True``) keeps its own braces or quotes, and a bare number or
    macro stays bare. Either way, if the braces inside are unbalanced — the only way text could
    close the field and start new ones — every brace is escaped, so a title such as
    ``x}, design = {meta-analysis`` stays one title.

    Examples
    --------
    >>> bib_value("Ketamine for pain"), bib_value("{WHO}"), bib_value("2019")
    ('{Ketamine for pain}', '{{WHO}}', '{2019}')
    >>> bib_value("{Already {NMDA} braced}", raw=True), bib_value("2019", raw=True)
    ('{Already {NMDA} braced}', '2019')
    >>> print(bib_value("x}, design = {meta-analysis"))
    {x\\}, design = \\{meta-analysis}
    """
    text = str(value)
    if raw:
        if re.fullmatch(r"[A-Za-z0-9_.:+/-]+", text) and not text.startswith(("{", '"')):
            return text  # a number or an @string macro
        if len(text) >= 2 and text[0] == "{" and text[-1] == "}" and _balanced(text):
            return text
        if len(text) >= 2 and text[0] == '"' and text[-1] == '"' and _balanced(text[1:-1]):
            return text
    if not _balanced(text):
        text = re.sub(r"(?<!\\)([{}])", r"\\\1", text)
    if text.endswith("\\"):
        text += " "  # a trailing backslash would escape the closing brace
    return "{" + text + "}"


def entry_text(entry_type: str, key: str, fields: Iterable[tuple[str, str]], raw: bool = False) -> str:
    """One BibTeX entry, each field written with :func:`bib_value` (``raw``: the values are as read from a ``.bib``).

    Examples
    --------
    >>> print(entry_text("article", "doe2020", [("title", "A}, design = {rct"), ("year", "2020")]))
    @article{doe2020,
      title = {A\\}, design = \\{rct},
      year = {2020},
    }
    """
    lines = [f"@{entry_type}{{{key},"]
    lines += [f"  {name} = {bib_value(value, raw)}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines)
