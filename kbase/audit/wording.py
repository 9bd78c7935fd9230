"""How firmly a sentence words something, and whether it reads as a statement of fact.

The draft audit compares :func:`firmness` with the wording scale of
:mod:`kbase.vocabulary` (``overstated-claim``) and uses :func:`is_factual` for
``unregistered-claim``.
"""

from __future__ import annotations

import re

__all__ = ["SIZE_NAMES", "SIZE_RANK", "advice", "claim_kind", "effect_size", "firmness", "is_attributed", "is_factual", "without_size", "worded"]

_UNCERTAIN = re.compile(r"\b(uncertain|unclear|not known|unknown whether|little evidence|limited evidence|no good evidence|"
                        r"insufficient evidence|not enough (data|evidence))\b", re.I)
_HEDGED = re.compile(r"\b(may|might|could|possibly|possible|perhaps|potentially|suggests?|suggested|"
                     r"(is|are|it['’]s|it is) (thought|believed) to|it['’]s (thought|believed)|it is (thought|believed)|thought to|thinks?|"
                     r"believes?|some studies|appears? to|"
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


# -- claim kinds -----------------------------------------------------------------------------------

_KIND_RULES = (
    ("regulatory", re.compile(r"\b(fda|approv\w*|licen[cs]\w*|medicare|medicaid|insurance|insurer|covers?|coverage|"
                              r"reimburs\w*|off-label|prescription-only|schedule [ivx]+|regulat\w*)\b", re.I)),
    ("definition", re.compile(r"^[\w\s()-]{1,60}\b(is|are) (a|an|the)? ?[\w\s-]{0,60}\b(caused by|in which)\b|"
                              r"^[\w\s()-]{1,60}\b(is|are) (a|an) [\w\s-]{0,60}\b(that|which)\b|"
                              r"\b(is|are) (defined as|known as|called)\b|\bmeans\b", re.I)),
    ("harm", re.compile(r"\b(side[- ]effects?|adverse|harms?|harmful|toxic\w*|addictive|abuse|hallucinat\w*|nausea|"
                        r"vomiting|unsafe|safe|safety|dangerous|death|mortality|overdose|worsen\w*|exacerbat\w*|poor (choice|candidate)|"
                        r"complications?|dysfunction|disturbances?|can cause|out-of-body)\b", re.I)),
    ("association", re.compile(r"\b(associated with|linked (to|with)|correlat\w*|more common (in|among)|related to)\b", re.I)),
    ("mechanism", re.compile(r"\b(by (blocking|inhibiting|reducing|activating|binding)|receptors?|mechanism\w*|sensiti[sz]ation|"
                             r"pathways?|anti-inflammatory|neurotransmit\w*|antagonis\w*)\b", re.I)),
    ("prevalence", re.compile(r"(\d+(\.\d+)?\s?%|\b(one|two|three|\d+) in (five|ten|four|three|\d+)\b|\bpercent\b|\b(prevalence|"
                              r"incidence)\b|\b(most|many|few) (adults|people|patients|americans|women|men|children)\b|"
                              r"\blives? with\b|\bmost (studied|commonly)\b|\bcosts?\b)", re.I)),
)


def claim_kind(statement: str) -> str:
    """The kind of a claim, from its statement: ``regulatory``, ``definition``, ``harm``, ``mechanism``,
    ``prevalence`` (frequency, cost, counts), ``association``, else ``effect`` (an intervention and an outcome).
    A ``kind:`` in claims.yaml overrides it.

    Examples
    --------
    >>> [claim_kind(s) for s in ["About one in five adults in the United States lives with chronic pain.",
    ...     "The FDA has approved ketamine as an anesthetic.", "Ketamine infusions can cause nausea and vomiting.",
    ...     "Ketamine reduces the need for opioids.", "Neuropathic pain is chronic pain caused by damage to nerves."]]
    ['prevalence', 'regulatory', 'harm', 'effect', 'definition']
    """
    for kind, pattern in _KIND_RULES:
        if pattern.search(statement):
            return kind
    return "effect"


# -- effect size words (Santesso et al. 2020) -------------------------------------------------------

# GRADE's informative statements word the size of an effect as well as its certainty: a large effect
# ("results in a large reduction"), a moderate one (the plain verb: "reduces"), a small one ("reduces …
# slightly") and a trivial one or none ("results in little to no difference"). "Significantly" reads as
# large to a lay reader whatever the statistics meant, so it counts as a large-effect word.
_SIZE_ADVERB = {"large": r"greatly|highly|substantially|markedly|dramatically|considerably|drastically|sharply|vastly|hugely|massively|"
                         r"significantly|strongly|profoundly|remarkably|tremendously|enormously",
                "small": r"slightly|modestly|marginally|somewhat|mildly|a little|a bit"}
_SIZE_ADJECTIVE = {"large": r"large|big|huge|major|dramatic|substantial|marked|considerable|significant|sharp|strong|profound|"
                            r"remarkable|important|meaningful|vast|massive|great",
                   "small": r"small|slight|modest|minor|marginal|mild"}
_SIZES = (
    ("trivial", re.compile(r"\b(little (or|to) no|no (meaningful |important |significant |clinically \w+ |real )?"
                           r"(difference|effect|benefit|change|improvement)|makes? no difference|no better than)\b", re.I)),
    ("large", re.compile(rf"(?<!not )\b({_SIZE_ADVERB['large']}|(much|far) (more|less|lower|higher|better|worse|greater|fewer|smaller)|"
                         rf"(a|an) ({_SIZE_ADJECTIVE['large']}) (reduction|increase|decrease|drop|fall|rise|improvement|benefit|"
                         rf"effect|difference|change|gain|loss|relief))\b", re.I)),
    ("small", re.compile(rf"\b({_SIZE_ADVERB['small']}|(a )?({_SIZE_ADJECTIVE['small']}) (reduction|increase|decrease|drop|fall|"
                         rf"rise|improvement|benefit|effect|difference|change|gain|loss|relief))\b", re.I)),
)
_SIZE_WORD = re.compile(rf"\b(?P<article>an?) (?:{_SIZE_ADJECTIVE['large']}|{_SIZE_ADJECTIVE['small']}|{_SIZE_ADVERB['large']}|"
                        rf"{_SIZE_ADVERB['small']}) (?P<next>\w)"
                        rf"|\s*\b(?:{_SIZE_ADVERB['large']}|{_SIZE_ADVERB['small']})\b(?!\s+(?:as|than)\b)"
                        r"|\s*\b(?:much|far)\b(?=\s+(?:more|less|lower|higher|better|worse|greater|fewer|smaller)\b)", re.I)


def without_size(text: str) -> str:
    """``text`` without its size words: "greatly reduces" → "reduces", "a large reduction" → "a reduction".

    Examples
    --------
    >>> without_size("Ketamine gives a large benefit and greatly reduces pain.")
    'Ketamine gives a benefit and reduces pain.'
    >>> without_size("It is a highly effective treatment.")
    'It is an effective treatment.'
    """
    def drop(match: re.Match[str]) -> str:
        if match["article"] is None:
            return ""
        article = "an" if match["next"].lower() in "aeiou" else "a"
        return (article.capitalize() if match["article"][0].isupper() else article) + " " + match["next"]
    return _SIZE_WORD.sub(drop, text)


def effect_size(sentence: str) -> str | None:
    """The size of effect a sentence words, after Santesso et al. (2020): ``large`` ("greatly reduces",
    "a large reduction", "much lower"), ``small`` ("slightly", "a modest benefit"), ``trivial`` ("little or
    no difference", "no effect"), or None when it states none (the plain verb, a moderate effect).

    Examples
    --------
    >>> [effect_size(s) for s in ["Ketamine greatly reduces pain.", "Ketamine reduces pain slightly.",
    ...     "Ketamine makes little or no difference to mood.", "Ketamine reduces pain."]]
    ['large', 'small', 'trivial', None]
    """
    for size, pattern in _SIZES:
        if pattern.search(sentence):
            return size
    return None


#: How large an effect each size word claims; a sentence that words no size claims a moderate effect.
SIZE_RANK = {"trivial": 0, "small": 1, None: 2, "large": 3}
#: Each size as the draft audit names it (``overstated-effect``).
SIZE_NAMES = {"large": "a large effect", "small": "a small effect", "trivial": "little or no effect",
              None: "an effect without size words (read as a moderate one)"}


# -- wording a claim at its level, in its own words ------------------------------------------------

_MODALS = {"can", "could", "will", "would", "should", "may", "might", "must"}
_AUXILIARIES = {"is": "be", "are": "be", "was": "have been", "were": "have been", "has": "have", "have": "have", "does": "", "do": ""}
# verbs that claims are made of, in their base form: found first, so that a plural noun is not taken for a verb
_VERBS = frozenset("""
    reduce relieve ease cause improve increase lower raise block work last help depend treat prevent affect worsen give make lead
    offer cost take begin start stay bypass become hold need live use require protect trigger induce inhibit activate promote
    suppress produce decrease enhance impair alter target influence contribute predict fade occur appear remain show find provide
    carry shorten lengthen extend slow speed drive mediate bind express spare lessen dampen boost restore kill cure result cut
""".split())
_PROPER = {"medicare", "medicaid", "spravato"}


def _verb(words: list[str]) -> int | None:
    """Index of the main verb of a simple statement: a modal or auxiliary, else a known claim verb in its
    present tense; a leading phrase or clause up to the first comma ("In opioid-dependent patients, …", "While
    ketamine is not approved for pain, …") is skipped."""
    start = 1
    if words and words[0].lower() in ("in", "for", "of", "among", "after", "during", "when", "with", "used", "without", "while",
                                      "although", "though", "whereas", "because", "since", "if", "as", "before", "unlike"):
        start = next((i + 1 for i, w in enumerate(words) if w.endswith(",")), 1)
    for i in range(start, len(words)):
        lower = words[i].lower().strip(",;:")
        if lower in _MODALS or lower in _AUXILIARIES:
            return i
    for i in range(start, len(words)):
        lower = words[i].lower().strip(",;:")
        if lower.isalpha() and (_base(lower) in _VERBS and lower != _base(lower) or lower in _VERBS and i > start):
            return i
    return None


def _base(verb: str) -> str:
    """The base form of a third-person present verb: relieves → relieve, causes → cause, carries → carry."""
    lower = verb.lower()
    if lower.endswith("ies") and len(lower) > 4:
        return verb[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return verb[:-2]
    return verb[:-1] if lower.endswith("s") else verb


def _clause(text: str) -> str:
    """``text`` as a clause after "whether" or "that": its first word lower-cased unless it is a name or an acronym."""
    first = text.split(" ", 1)[0]
    name = len(first) > 1 and (first.isupper() or any(c.isupper() for c in first[1:]) or first.lower() in _PROPER)
    return text if name else text[0].lower() + text[1:]


def worded(statement: str, level: int) -> str:
    """``statement`` worded for a certainty ``level`` (4 high … 1 very-low), after GRADE's informative
    statements (Santesso et al. 2020): high as it stands, moderate "probably", low "may", very low "it is
    uncertain whether". A hedge already in the statement ("may", "might", "could") is not doubled. The
    statement's effect size words are kept ("may greatly reduce", "probably reduces … slightly"), except
    at very low certainty, where GRADE states no size: "greatly" and "a large" are dropped.

    Examples
    --------
    >>> worded("Ketamine reduces the need for opioids.", 2)
    'Ketamine may reduce the need for opioids.'
    >>> worded("Ketamine has anti-inflammatory effects at pain sites.", 1)
    'It is uncertain whether ketamine has anti-inflammatory effects at pain sites.'
    >>> worded("Ketamine infusions can relieve pain in CRPS.", 3)
    'Ketamine infusions can probably relieve pain in CRPS.'
    >>> worded("Ketamine is not a first-line treatment.", 2), worded("Ketamine may reduce migraine pain.", 1)
    ('Ketamine may not be a first-line treatment.', 'It is uncertain whether ketamine can reduce migraine pain.')
    >>> worded("Ketamine greatly reduces pain.", 2), worded("Ketamine greatly reduces pain.", 1)
    ('Ketamine may greatly reduce pain.', 'It is uncertain whether ketamine reduces pain.')
    """
    text = statement.strip()
    if level >= 4 or not text:
        return text
    if level <= 1:
        text = without_size(text)
    words = text.split(" ")
    at = _verb(words)
    if level <= 1:
        if at is not None and words[at].lower() in ("may", "might", "could"):
            words[at] = "can"
        return "It is uncertain whether " + _clause(" ".join(words))
    if at is None:
        return ("It is likely that " if level == 3 else "It is possible that ") + _clause(text)
    verb = words[at]
    lower = verb.lower()
    negated = at + 1 < len(words) and words[at + 1].lower() == "not"
    lead = at  # the hedge goes before the adverbs that lead the verb: "may greatly reduce", "probably also lowers"
    while lead > 1 and _is_adverb(words[lead - 1]):
        lead -= 1
    if level == 3:
        if lower not in ("may", "might", "could"):
            words.insert(at + 1 if lower in _MODALS or lower in _AUXILIARIES else lead, "probably")
    elif lower in _MODALS:
        words[at] = "may"
    elif lower in _AUXILIARIES:
        replacement = _AUXILIARIES[lower]
        if negated:
            del words[at + 1]
            words[at] = ("may not " + replacement).strip()
        else:
            words[at] = ("may " + replacement).strip()
    else:
        words[at] = _base(verb)
        words.insert(lead, "may")
    return " ".join(words)


_ADVERBS = frozenset({"also", "often", "still", "even", "further", "only", "now", "usually", "generally", "typically"})


def _is_adverb(word: str) -> bool:
    lower = word.lower()
    return lower in _ADVERBS or (lower.endswith("ly") and lower.isalpha() and len(lower) > 4)


def advice(statement: str, level: int, kind: str) -> str:
    """How a writer should word a claim, in its own words: the one wording advice of ``kbase evidence``,
    the evidence tables and the draft audit. Only kinds in :data:`~kbase.vocabulary.HEDGED_KINDS` take
    certainty words; a prevalence figure, a regulatory fact or a definition is stated with its source.

    Examples
    --------
    >>> advice("Ketamine reduces the need for opioids.", 2, "effect")
    '“Ketamine may reduce the need for opioids.”'
    >>> advice("About one in five adults lives with chronic pain.", 2, "prevalence")
    'state it with its source: certainty words do not apply to a prevalence fact'
    """
    from ..vocabulary import HEDGED_KINDS

    if level <= 0:
        return "do not state it as fact"
    if kind not in HEDGED_KINDS:
        return f"state it with its source: certainty words do not apply to a {kind} fact"
    if level >= 4:
        return f"state it plainly: “{statement.strip()}”"
    return f"“{worded(statement, level)}”"
