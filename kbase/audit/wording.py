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

# What makes a sentence read as a checkable statement of fact (docs/drafts.md, "Factual-looking sentences"):
# a quantity (digits, number words, fractions, quantifiers, frequency words), a comparison, risk and harm
# words, a cause or effect, study language, or a regulatory fact.
_QUANTITY = (r"\d|%|\bpercent\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|forty|fifty|hundred|"
             r"thousands?|millions?|billions?|half|halves|thirds?|quarters?|fifths?|tenths?|twice|double|triple|dozens?|"
             r"most|many|majority|minority|few|fewer|several|all|none|every|no one|nobody|rarely|rare|often|usually|commonly|"
             r"common|typically|always|never|frequently|seldom|sometimes|widely|mostly|largely|average)\b")
_COMPARISON = (r"\b(\w+er|more|less|fewer|greater|higher|lower|better|worse|safer|faster) than\b|\bcompared (with|to)\b|"
               r"\bas \w+ as\b|\btimes (more|less|as|higher|lower)\b|\b(most|least|best|worst|strongest|highest|lowest) \w+")
_RISK = (r"\b(risks?|chances?|likely|likelihood|odds|associated with|linked (to|with)|side[- ]effects?|adverse|safe|safety|unsafe|"
         r"dangerous|toxic|addictive|harm(s|ful)?|complications?|mortality|deaths?|dies?|survival|incidence|prevalence|symptoms?)\b")
_EFFECT = (r"\b(caus\w*|reduc\w*|increas\w*|prevent\w*|improv\w*|reliev\w*|relief|treat\w*|block\w*|help(s|ed)?|eases?|eased|"
           r"affect\w*|worsen\w*|exacerbat\w*|lower(s|ed)?|rais(es|ed)|cures?|cured|protect\w*|trigger\w*|induc\w*|inhibit\w*|"
           r"activat\w*|promot\w*|suppress\w*|regulat\w*|mediat\w*|produc(es|ed|ing)|decreas\w*|enhanc\w*|impair\w*|alter\w*|"
           r"target\w*|influenc\w*|contribut\w*|depend\w*|predict\w*|correlat\w*|effective|efficacy|effects?|works?|lasts?|"
           r"leads? to|results? in|express\w*|bind\w*|encod\w*|requir\w*|develop\w*|transmit\w*|metaboli\w*|absorb\w*|"
           r"involved in|responsible for|role in|plays? a \w+ role|important (for|in)|essential (for|in)|necessary for|due to|"
           r"determined by|observed|occurs?|occurred|prolong\w*|accelerat\w*|delay\w*|shorten\w*|extend\w*|possess\w*|"
           r"contain\w*|administer\w*|deliver\w*|used (to|for|as|in|during)|known as|(in)?capable|(un)?able to|"
           r"relation(ship)?|differ\w*|similar|no (difference|effect|association))\b")
_EVIDENCE = (r"\b(stud(y|ies)|research|trials?|evidence|data|survey|according to|found|finds?|shows?|showed|shown|reports?|reported|"
             r"approved|approval|fda|recommend\w*|guidelines?|meta-analys[ie]s|review)\b")
_FACTUAL = re.compile("|".join((_QUANTITY, _COMPARISON, _RISK, _EFFECT, _EVIDENCE)), re.IGNORECASE)

# What makes it advice, a transition, a caption or the author speaking instead (these win).
_ADVICE_START = re.compile(
    r"^(here(\s+(are|is)|['’](re|s))|let['’]s|let us|read|see|learn|click|photo|image|an? infographic|infographic|table of contents|"
    r"talk|ask|avoid|plan|dress|bring|ensure|consider|check|make sure|be sure|try|call|contact|remember|don['’]t|do not|follow|"
    r"visit|find|choose|keep|stop|start|take|use|go|get|note|lastly|for starters|in the meantime|but hold|if you|you may find)\b",
    re.IGNORECASE)
_ADVICE = re.compile(r"\b(you should|you['’]ll need|it['’]s best|it would be best|is the best strategy|talk (to|with) your|"
                     r"speak (to|with) your|ask your|consult (your|a)|I|I['’]m|I['’]ve|my|me|"
                     r"(so|and|then) (bring|ask|talk|plan|avoid|try|call|check|consider|remember|dress|wear|take))\b|^(they|he|she) (are|is) ",
                     re.IGNORECASE)


def is_factual(sentence: str) -> bool:
    """Whether a sentence reads like a statement of fact that needs a source: a quantity or quantifier
    ("half of all adults", "most", "one in five", "rarely"), a comparison, a risk, a cause or effect, study
    language or a regulatory fact; not a question, a lead-in to a list, advice ("Talk to your doctor…"),
    a transition ("Here are…"), a caption, or the author speaking.

    Examples
    --------
    >>> is_factual("One in five adults lives with chronic pain; 20% of them report high impact.")
    True
    >>> is_factual("Half of all adults have tried a sleep supplement.")
    True
    >>> is_factual("Talk with your doctor about your options.")
    False
    """
    text = sentence.strip().strip("\"“”'")
    if text.endswith(("?", ":")) or len(text.split()) < 4:
        return False
    if _ADVICE_START.match(text) or _ADVICE.search(text):
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
