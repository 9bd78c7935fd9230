"""The figures a sentence states — durations, doses, percentages, money, counts — normalised to one
unit per dimension, so that a draft's "six weeks" can be compared with a claim's "about three
months" (``quantity-mismatch``).

Numbers are digits ("1,000", "0.5") or number words ("three", "twenty-five", "a dozen");
ranges are "10–20 mg", "10 to 20 mg", "between 10 and 20 mg"; "one in five" and "half" are
percentages. Units are normalised: durations to days, masses to milligrams (per kilogram kept
apart), volumes to millilitres, money to dollars. Counts are numbers followed by a noun, compared
only with counts of the same noun ("297 patients").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Quantity", "mismatch", "quantities"]

_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a hundred": 100,
    "a thousand": 1000,
    "a dozen": 12,
    "dozen": 12,
    "a couple of": 2,
    "a few": 3,
}
_WORD = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_WORD})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)"

# unit → (dimension, factor to the dimension's base unit)
UNITS = {
    "second": ("duration", 1 / 86400),
    "seconds": ("duration", 1 / 86400),
    "sec": ("duration", 1 / 86400),
    "s": ("duration", 1 / 86400),
    "minute": ("duration", 1 / 1440),
    "minutes": ("duration", 1 / 1440),
    "min": ("duration", 1 / 1440),
    "mins": ("duration", 1 / 1440),
    "hour": ("duration", 1 / 24),
    "hours": ("duration", 1 / 24),
    "h": ("duration", 1 / 24),
    "hr": ("duration", 1 / 24),
    "hrs": ("duration", 1 / 24),
    "day": ("duration", 1),
    "days": ("duration", 1),
    "week": ("duration", 7),
    "weeks": ("duration", 7),
    "month": ("duration", 30.44),
    "months": ("duration", 30.44),
    "year": ("duration", 365.25),
    "years": ("duration", 365.25),
    "g": ("mass", 1000),
    "gram": ("mass", 1000),
    "grams": ("mass", 1000),
    "mg": ("mass", 1),
    "milligram": ("mass", 1),
    "milligrams": ("mass", 1),
    "µg": ("mass", 0.001),
    "μg": ("mass", 0.001),
    "mcg": ("mass", 0.001),
    "ug": ("mass", 0.001),
    "microgram": ("mass", 0.001),
    "micrograms": ("mass", 0.001),
    "ng": ("mass", 1e-6),
    "g/kg": ("mass/kg", 1000),
    "mg/kg": ("mass/kg", 1),
    "µg/kg": ("mass/kg", 0.001),
    "μg/kg": ("mass/kg", 0.001),
    "mcg/kg": ("mass/kg", 0.001),
    "ml": ("volume", 1),
    "mL": ("volume", 1),
    "l": ("volume", 1000),
    "L": ("volume", 1000),
    "litre": ("volume", 1000),
    "liter": ("volume", 1000),
    "dollar": ("money", 1),
    "dollars": ("money", 1),
    "usd": ("money", 1),
    "USD": ("money", 1),
    "%": ("percent", 1),
    "percent": ("percent", 1),
    "per cent": ("percent", 1),
}
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_RANGE_JOIN = r"\s*(?:-|–|—|to|or)\s*"
_QUANTITY = re.compile(
    rf"(?<![\w.])(?<![A-Za-z]-)(?:between\s+)?(?P<dollar>\$\s?)?(?P<low>{_NUMBER})(?:\s*(?P<unit1>{_UNIT})\b)?"
    rf"(?:(?:{_RANGE_JOIN}|\s+and\s+)(?P<dollar2>\$\s?)?(?P<high>{_NUMBER}))?(?:\s*(?P<unit>{_UNIT})(?![\w/])|\s+(?P<noun>[a-z]{{3,}}))?",
    re.IGNORECASE,
)
_ONE_IN = re.compile(rf"\b(?P<a>{_NUMBER})\s+(?:in|out of)\s+(?P<b>{_NUMBER})\b", re.IGNORECASE)
_FRACTION = re.compile(r"\b(half|a third|one third|a quarter|one quarter|two thirds|three quarters)\b", re.IGNORECASE)
_FRACTIONS = {
    "half": 50.0,
    "a third": 100 / 3,
    "one third": 100 / 3,
    "a quarter": 25.0,
    "one quarter": 25.0,
    "two thirds": 200 / 3,
    "three quarters": 75.0,
}
# names that hold digits, not figures: omega-3, IL-6, COVID-19 (by the lookbehind above), B12, type 2 diabetes, stage 3
_NAMED_NUMBER = re.compile(
    r"\b(type|stage|phase|grade|class|tier|level|step|category|schedule|chapter|section|figure|table|"
    r"generation|wave|part|day|week|cycle|round) \d+\b|\b[A-Za-z]+\d+[A-Za-z\d]*\b",
    re.IGNORECASE,
)
_NOT_COUNT_NOUNS = frozenset("and or to of in the a an per with for from than times".split())


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure of a sentence: its dimension (``duration``, ``mass``, ``mass/kg``, ``volume``, ``percent``,
    ``money`` or ``count:<noun>``), its range in the dimension's base unit, and the words it was written in."""

    dimension: str
    low: float
    high: float
    text: str

    def overlaps(self, other: Quantity, tolerance: float = 0.1) -> bool:
        """Whether two figures of one dimension can be the same (ranges overlap, with a relative tolerance)."""
        slack = tolerance * max(abs(self.high), abs(other.high), 1e-9)
        return self.low <= other.high + slack and other.low <= self.high + slack


def _value(text: str) -> float | None:
    text = text.strip().lower().replace(",", "")
    try:
        return float(text)
    except ValueError:
        pass
    parts = re.split(r"[- ]", text)
    if text in _WORDS:
        return float(_WORDS[text])
    if len(parts) == 2 and parts[0] in _WORDS and parts[1] in _WORDS:
        return float(_WORDS[parts[0]] + _WORDS[parts[1]])
    return None


def quantities(text: str) -> list[Quantity]:
    """The figures ``text`` states.

    Examples
    --------
    >>> [(q.dimension, round(q.low), round(q.high)) for q in quantities("Relief lasts about three months at 0.5–2 mg/kg.")]
    [('duration', 91, 91), ('mass/kg', 0, 2)]
    >>> [(q.dimension, q.low) for q in quantities("One in five adults; half of them; $400 to $1,000 per infusion.")]
    [('percent', 20.0), ('percent', 50.0), ('money', 400.0)]
    >>> quantities("Omega-3 supplements, vitamin B12, IL-6 and COVID-19 in type 2 diabetes.")  # names, not figures
    []
    """
    text = _NAMED_NUMBER.sub(lambda m: "x" * len(m.group()), text)  # same length: places stay where they were
    found: list[tuple[int, Quantity]] = []
    taken: list[tuple[int, int]] = []
    for match in _ONE_IN.finditer(text):
        a, b = _value(match.group("a")), _value(match.group("b"))
        if a is not None and b:
            found.append((match.start(), Quantity("percent", 100 * a / b, 100 * a / b, match.group())))
            taken.append(match.span())
    for match in _FRACTION.finditer(text):
        value = _FRACTIONS[match.group().lower()]
        found.append((match.start(), Quantity("percent", value, value, match.group())))
        taken.append(match.span())
    for match in _QUANTITY.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        low, high = _value(match.group("low")), _value(match.group("high")) if match.group("high") else None
        if low is None:
            continue
        high = low if high is None else high
        unit = match.group("unit") or match.group("unit1")
        if match.group("dollar") or match.group("dollar2"):
            dimension, factor = "money", 1.0
        elif unit:
            key = unit if unit in UNITS else unit.lower()
            dimension, factor = UNITS.get(key, UNITS.get(unit.lower(), ("", 1.0)))
        elif match.group("noun") and match.group("noun").lower() not in _NOT_COUNT_NOUNS and not match.group("low").isalpha():
            dimension, factor = f"count:{match.group('noun').lower().rstrip('s')}", 1.0
        else:
            continue
        if not dimension or re.fullmatch(r"(19|20)\d\d", match.group("low")) and not unit:
            continue  # a year is not a figure
        found.append((match.start(), Quantity(dimension, min(low, high) * factor, max(low, high) * factor, match.group().strip())))
    return [q for _, q in sorted(found, key=lambda pair: pair[0])]


def mismatch(draft: str, wordings: list[str]) -> tuple[list[Quantity], list[Quantity]] | None:
    """The figures of ``draft`` that no wording of the claim allows, with the claim's figures of that dimension,
    or None when they agree (or cannot be compared: no dimension in common)."""
    stated = quantities(draft)
    if not stated:
        return None
    claimed = [quantities(w) for w in wordings]
    for wording in claimed:
        dimensions = {q.dimension for q in wording}
        comparable = [q for q in stated if q.dimension in dimensions]
        if comparable and all(any(q.overlaps(c) for c in wording if c.dimension == q.dimension) for q in comparable):
            return None  # one wording agrees with every comparable figure of the sentence
    for q in stated:
        others = [c for wording in claimed for c in wording if c.dimension == q.dimension]
        if others and not any(q.overlaps(c) for c in others):
            distinct = {(c.low, c.high): c for c in reversed(others)}  # the first wording's words for each figure
            return [q], [distinct[key] for key in dict.fromkeys((c.low, c.high) for c in others)]
    return None
