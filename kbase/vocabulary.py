"""kbase's vocabulary, in one place: levels, severities, stances, designs, concerns, wording.

Every other module, the loaders' checks and the command line's choices read these tables;
none repeats them. The rules they encode (GRADE-inspired) are documented in ``docs/grading.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = [
    "CONCERNS",
    "CONCERN_SEVERITIES",
    "MIN_EVENTS",
    "MIN_PARTICIPANTS",
    "POOLED",
    "PREVALENCE_DESIGNS",
    "PUBMED_DESIGNS",
    "UNASSESSED_CAP",
    "UPGRADES",
    "DESIGN_START",
    "DESIGNS",
    "FAIL_ON",
    "LEVELS",
    "LINK_STANCES",
    "PRIMARY_DESIGNS",
    "SECONDARY_DESIGNS",
    "SYNTHESIS_DESIGNS",
    "SEVERITIES",
    "STANCES",
    "CLAIM_KINDS",
    "HEDGED_KINDS",
    "WORDING_SCALE",
    "Level",
    "Severity",
    "Wording",
    "wording",
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


#: Level names, most certain first (the choices of ``--level``).
LEVELS: tuple[str, ...] = tuple(str(level) for level in sorted(Level, reverse=True))

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

#: PubMed publication types that name a design (``kbase refs add --pmid``), most specific first; a
#: type that could be several designs ("Observational Study", "Clinical Trial") names none.
PUBMED_DESIGNS: tuple[tuple[str, str], ...] = (
    ("Meta-Analysis", "meta-analysis"),
    ("Systematic Review", "systematic-review"),
    ("Practice Guideline", "guideline"),
    ("Guideline", "guideline"),
    ("Randomized Controlled Trial", "rct"),
    ("Case Reports", "case-report"),
    ("Review", "narrative-review"),
    ("Editorial", "expert-opinion"),
)

#: Designs that restate other work rather than report new evidence.
SECONDARY_DESIGNS: frozenset[str] = frozenset({"narrative-review", "press-release", "website", "news"})

#: Designs that report new evidence from people (what a writer should cite over a secondary source).
PRIMARY_DESIGNS: frozenset[str] = frozenset({"meta-analysis", "systematic-review", "rct", "cohort", "case-control", "cross-sectional"})

#: The three ways a reference can bear on a claim (an evidence link's ``stance``).
STANCES: tuple[str, ...] = ("supports", "contradicts", "mentions")

#: The stances that count for or against a claim (``mentions`` does neither).
LINK_STANCES: tuple[str, ...] = STANCES[:2]

#: GRADE domains a link's ``concerns`` may name; each one lowers the link a level.
CONCERNS: tuple[str, ...] = (
    "risk-of-bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication-bias",
)

#: How serious a concern is, in the mapping form of ``concerns`` (``{risk-of-bias: very-serious}``), and
#: how many levels each lowers the link (GRADE's "not serious", "serious", "very serious").
CONCERN_SEVERITIES: dict[str, int] = {"not-serious": 0, "serious": 1, "very-serious": 2}

#: GRADE's reasons to rate observational evidence up (a link's ``upgrades``), and how many levels each raises.
UPGRADES: dict[str, int] = {"large-effect": 1, "very-large-effect": 2, "dose-response": 1, "opposing-confounding": 1}

#: The designs that pool other studies (``pooled`` says what they pooled).
SYNTHESIS_DESIGNS: frozenset[str] = frozenset({"meta-analysis", "systematic-review"})

#: What a meta-analysis or systematic review pooled (``pooled`` in the .bib or on a link): trials start
#: high; observational studies, and a mix of the two, start low, as GRADE rates the body of evidence.
POOLED: dict[str, Level] = {"rct": Level.HIGH, "observational": Level.LOW, "mixed": Level.LOW}

#: Designs that start high for a prevalence claim: GRADE rates prevalence and prognosis from
#: representative observational studies as high to start with (Iorio et al., BMJ 2015;350:h870).
PREVALENCE_DESIGNS: frozenset[str] = frozenset({"cross-sectional", "cohort"})

#: GRADE's rule of thumb for imprecision when no optimal information size is given (GRADE guidelines 6,
#: Guyatt et al., J Clin Epidemiol 2011;64:1283-93): fewer than 300 events (a dichotomous outcome), or,
#: where a link gives no events, fewer than 400 participants.
MIN_EVENTS, MIN_PARTICIPANTS = 300, 400

#: What a supporting link's certainty can be at most when nobody assessed it (no ``concerns`` key): a
#: link that starts above this is flagged ``unassessed`` and capped here unless ``unassessed = "flag"``.
UNASSESSED_CAP = Level.MODERATE


class Severity(IntEnum):
    """How much a finding matters; ``--fail-on`` compares against this order.

    Examples
    --------
    >>> Severity.parse("warning") > Severity.INFO
    True
    """

    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity from its printed name."""
        return cls[text.strip().upper()]


#: Severity names, worst first (the choices of ``--min-severity``).
SEVERITIES: tuple[str, ...] = tuple(str(s) for s in sorted(Severity, reverse=True))

#: The choices of ``--fail-on``: a severity, or ``none`` (never fail).
FAIL_ON: tuple[str, ...] = (*SEVERITIES, "none")


#: What sort of statement a claim is (``kind:`` in claims.yaml; inferred from the statement when absent).
CLAIM_KINDS = (
    "effect",
    "association",
    "harm",
    "mechanism",
    "prevalence",
    "trend",
    "accuracy",
    "regulatory",
    "recommendation",
    "practice",
    "caution",
    "definition",
)
#: The kinds whose wording follows the certainty of their evidence (GRADE's informative statements). A
#: prevalence figure or a trend, a test's accuracy, a regulatory fact, a guideline's recommendation, how
#: something is done (practice), a definition is checked for a source, not for hedges; and a caution
#: ("should only be given by…", "is a poor choice for people with psychosis") is never weakened, nor is a
#: harm: "it is uncertain whether ketamine can worsen high blood pressure" reads as reassurance, and an
#: uncertain harm is still a reason for care (a medical editor's reading, issue 27).
HEDGED_KINDS = frozenset({"effect", "association", "mechanism"})


@dataclass(frozen=True, slots=True)
class Wording:
    """How firmly a claim at one level may be worded (after GRADE's advice on informative statements).

    Attributes
    ----------
    example : str
        The scale shown with the example verb "reduces" (``kbase evidence``).
    hedge : str
        The hedge a sentence needs (draft findings, the tables' advice).
    firmness : int
        The firmest wording allowed: 3 plain, 2 "probably", 1 "may", 0 "it is uncertain whether".
    """

    example: str
    hedge: str
    firmness: int


#: The wording scale: one row per level.
WORDING_SCALE: dict[Level, Wording] = {
    Level.HIGH: Wording("state it plainly: “reduces”", "plain wording", 3),
    Level.MODERATE: Wording("“probably reduces”", "“probably …”", 2),
    Level.LOW: Wording("“may reduce”", "“may …”", 1),
    Level.VERY_LOW: Wording("“it is uncertain whether … reduces”", "“it is uncertain whether …”", 0),
    Level.UNSUPPORTED: Wording("do not state it as fact", "nothing stated as fact", 0),
}


def wording(level: Level) -> Wording:
    """The row of the wording scale for ``level``.

    Examples
    --------
    >>> wording(Level.LOW).hedge
    '“may …”'
    """
    return WORDING_SCALE[level]
