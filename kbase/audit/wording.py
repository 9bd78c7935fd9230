"""How firmly a sentence words something, and whether it reads as a statement of fact.

The draft audit compares :func:`firmness` with the wording scale of
:mod:`kbase.vocabulary` (``overstated-claim``) and uses :func:`is_factual` for
``unregistered-claim``.
"""

from __future__ import annotations

import re

__all__ = ["firmness", "is_attributed", "is_factual"]

_UNCERTAIN = re.compile(r"\b(uncertain|unclear|not known|unknown whether|little evidence|limited evidence|no good evidence|"
                        r"insufficient evidence|not enough (data|evidence))\b", re.I)
_HEDGED = re.compile(r"\b(may|might|could|possibly|possible|perhaps|potentially|suggests?|suggested|"
                     r"(is|are|it's|it is) (thought|believed) to|it's thought|it is thought|thought to|thinks?|believes?|some studies|appears? to|"
                     r"seems? to|holds? promise|promising|preliminary|early evidence)\b", re.I)
_PROBABLE = re.compile(r"\b(probably|likely|can|generally|usually|typically|often|tends? to)\b", re.I)


def firmness(sentence: str) -> int:
    """How firmly a sentence states something: 3 plain, 2 "probably", 1 "may", 0 "it is uncertain whether".

    Examples
    --------
    >>> [firmness(s) for s in ["Ketamine relieves pain.", "Ketamine probably relieves pain.",
    ...                        "Ketamine may relieve pain.", "It is uncertain whether ketamine relieves pain."]]
    [3, 2, 1, 0]
    """
    if _UNCERTAIN.search(sentence):
        return 0
    if _HEDGED.search(sentence):
        return 1
    if _PROBABLE.search(sentence):
        return 2
    return 3


# "In one trial, 69% improved" reports a study's result; it does not word the general claim.
_ATTRIBUTED = re.compile(r"\b(in (one|a|an|this|that|the) ([\w-]+ )?(study|review|trial|analysis|meta-analysis|survey)|"
                         r"(a|one|the|this) ([\w-]+ )?(study|review|trial|meta-analysis|survey|analysis) (found|showed|reported)|"
                         r"found that|reported that)\b", re.I)

_FACTUAL = re.compile(
    r"\d|%|\bpercent\b|\b(stud(y|ies)|research|trials?|evidence|survey|data|according to|found that|shows?|showed|"
    r"reports?|reported|causes?|caused|reduces?|reduced|increases?|increased|prevents?|improves?|relieves?|treats?|"
    r"blocks?|leads? to|results? in|lowers?|raises?|cures?|more effective|less effective|better than|worse than|"
    r"safer than|risk of|rates? of|approved)\b",
    re.I,
)


def is_factual(sentence: str) -> bool:
    """Whether a sentence reads like a factual claim (numbers, study language, causal or comparative verbs).

    Examples
    --------
    >>> is_factual("One in five adults lives with chronic pain; 20% of them report high impact.")
    True
    >>> is_factual("Talk with your doctor about your options.")
    False
    """
    text = sentence.strip()
    if text.endswith(("?", ":")) or len(text.split()) < 5:
        return False
    return bool(_FACTUAL.search(text))



def is_attributed(sentence: str) -> bool:
    """Whether a sentence reports one study's result ("In one trial, 69% improved") rather than the general claim.

    Examples
    --------
    >>> is_attributed("In one trial, 69% of patients improved."), is_attributed("Ketamine relieves pain.")
    (True, False)
    """
    return bool(_ATTRIBUTED.search(sentence))
