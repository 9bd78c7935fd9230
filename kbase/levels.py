"""Certainty levels, the study-design vocabulary and the level each design starts at.

These tables are kbase's rules (GRADE-inspired), documented in ``docs/grading.md``.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "DESIGN_START",
    "DESIGNS",
    "GRADE_DOMAINS",
    "SECONDARY_DESIGNS",
    "Level",
    "HEDGE",
    "WORDING",
]


class Level(IntEnum):
    """How certain the evidence behind a claim is; higher is more certain.

    Examples
    --------
    >>> Level.parse("very-low") < Level.LOW
    True
    >>> str(Level.MODERATE)
    'moderate'
    """

    UNSUPPORTED = 0
    VERY_LOW = 1
    LOW = 2
    MODERATE = 3
    HIGH = 4

    def __str__(self) -> str:
        return self.name.lower().replace("_", "-")

    @classmethod
    def parse(cls, text: str) -> Level:
        """Read a level from its printed name (``"very-low"``)."""
        return cls[text.strip().upper().replace("-", "_")]

    def lowered(self, steps: int = 1) -> Level:
        """This level moved down ``steps`` times, never below very-low."""
        return Level(max(Level.VERY_LOW, self - steps))

    def raised(self) -> Level:
        """This level moved up once, never above high."""
        return Level(min(Level.HIGH, self + 1))


#: The level a supporting link starts at, by the design of its reference.
DESIGN_START: dict[str, Level] = {
    "meta-analysis": Level.HIGH,
    "systematic-review": Level.HIGH,
    "rct": Level.HIGH,
    "guideline": Level.MODERATE,
    "cohort": Level.LOW,
    "case-control": Level.LOW,
    "cross-sectional": Level.LOW,
    "narrative-review": Level.LOW,
    "case-series": Level.VERY_LOW,
    "case-report": Level.VERY_LOW,
    "expert-opinion": Level.VERY_LOW,
    "preclinical": Level.VERY_LOW,
    "press-release": Level.VERY_LOW,
    "website": Level.VERY_LOW,
    "news": Level.VERY_LOW,
    "unknown": Level.VERY_LOW,
}

#: Every design name a ``design`` field may hold.
DESIGNS: tuple[str, ...] = tuple(DESIGN_START)

#: Designs that restate other work rather than report new evidence.
SECONDARY_DESIGNS: frozenset[str] = frozenset({"narrative-review", "press-release", "website", "news"})

#: GRADE domains a link's ``concerns`` may name; each one lowers the link a level.
GRADE_DOMAINS: tuple[str, ...] = (
    "risk-of-bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication-bias",
)

#: How firmly a sentence may word a claim at each level (after GRADE's advice on
#: informative statements), shown with the example verb "reduces".
WORDING: dict[Level, str] = {
    Level.HIGH: "state it plainly: “reduces”",
    Level.MODERATE: "“probably reduces”",
    Level.LOW: "“may reduce”",
    Level.VERY_LOW: "“it is uncertain whether … reduces”",
    Level.UNSUPPORTED: "do not state it as fact",
}

#: The hedge a sentence needs at each level, for messages about a draft's wording.
HEDGE: dict[Level, str] = {
    Level.HIGH: "plain wording",
    Level.MODERATE: "“probably …”",
    Level.LOW: "“may …”",
    Level.VERY_LOW: "“it is uncertain whether …”",
    Level.UNSUPPORTED: "nothing stated as fact",
}
