"""How firmly a sentence words something, and whether it reads as a statement of fact.

The draft audit compares :func:`firmness` with the wording scale of
:mod:`kbase.vocabulary` (``overstated-claim``) and uses :func:`is_factual` for
``unregistered-claim``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..vocabulary import HEDGED_KINDS, wording

__all__ = [
    "SIZE_NAMES",
    "SIZE_RANK",
    "advice",
    "claim_kind",
    "contradict_it",
    "counted",
    "effect_size",
    "firmness",
    "hype_words",
    "is_assertion",
    "is_attributed",
    "is_factual",
    "joined",
    "library_wording",
    "reversal",
    "without_size",
    "worded",
]

_UNCERTAIN = re.compile(
    r"\b(uncertain|unclear|not known|unknown whether|little evidence|limited evidence|no good evidence|"
    r"insufficient evidence|not enough (data|evidence))\b",
    re.I,
)
_HEDGED = re.compile(
    r"\b(may|might|could|possibly|possible|perhaps|potentially|suggests?|suggested|"
    r"(is|are|it['’]s|it is) (thought|believed) to|it['’]s (thought|believed)|it is (thought|believed)|thought to|thinks?|"
    r"believes?|some studies|appears? to|"
    r"seems? to|holds? promise|promising|preliminary|early evidence)\b",
    re.I,
)
_PROBABLE = re.compile(r"\b(probably|likely|can|generally|usually|typically|often|tends? to)\b", re.I)


def joined(items: Sequence[str]) -> str:
    """Items as a writer lists them: ``a``, ``a and b``, ``a, b and c``.

    Examples
    --------
    >>> joined(["orhurhu2019ketamine", "cohen2018consensus"])
    'orhurhu2019ketamine and cohen2018consensus'
    """
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def counted(n: int, noun: str, plural: str = "") -> str:
    """``1 reference``, ``2 references``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def contradict_it(refs: Sequence[str]) -> str:
    """``x contradicts it``, ``x and y contradict it``."""
    return f"{joined(refs)} {'contradicts' if len(refs) == 1 else 'contradict'} it"


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
_ATTRIBUTED = re.compile(
    r"\b(in (one|a|an|this|that|the) ([\w-]+ )?(study|review|trial|analysis|meta-analysis|survey)|"
    r"(a|one|the|this) ([\w-]+ )?(study|review|trial|meta-analysis|survey|analysis) (found|showed|reported)|"
    r"found that|reported that)\b",
    re.I,
)

# What makes a sentence read as a checkable statement of fact (docs/drafts.md, "Factual-looking sentences"):
# a quantity (digits, number words, fractions, quantifiers, frequency words), a comparison, risk and harm
# words, a cause or effect, study language, or a regulatory fact.
_QUANTITY = (
    r"\d|%|\bpercent\b|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousands?|millions?|billions?|half|halves|thirds?|quarters?|fifths?|tenths?|twice|double|triple|dozens?|"
    r"most|many|majority|minority|few|fewer|several|all|none|every|no one|nobody|rarely|rare|often|usually|commonly|"
    r"common|typically|always|never|frequently|seldom|sometimes|widely|mostly|largely|average)\b"
)
_COMPARISON = (
    r"\b(\w+er|more|less|fewer|greater|higher|lower|better|worse|safer|faster) than\b|\bcompared (with|to)\b|"
    r"\bas \w+ as\b|\btimes (more|less|as|higher|lower)\b|\b(most|least|best|worst|strongest|highest|lowest) \w+"
)
_RISK = (
    r"\b(risks?|chances?|likely|likelihood|odds|associated with|linked (to|with)|side[- ]effects?|adverse|safe|safety|unsafe|"
    r"dangerous|toxic|addictive|harm(s|ful)?|complications?|mortality|deaths?|dies?|survival|incidence|prevalence|symptoms?)\b"
)
_EFFECT = (
    r"\b(caus\w*|reduc\w*|increas\w*|prevent\w*|improv\w*|reliev\w*|relief|treat\w*|block\w*|help(s|ed)?|eases?|eased|"
    r"affect\w*|worsen\w*|exacerbat\w*|lower(s|ed)?|rais(es|ed)|cures?|cured|protect\w*|trigger\w*|induc\w*|inhibit\w*|"
    r"activat\w*|promot\w*|suppress\w*|regulat\w*|mediat\w*|produc(es|ed|ing)|decreas\w*|enhanc\w*|impair\w*|alter\w*|"
    r"target\w*|influenc\w*|contribut\w*|depend\w*|predict\w*|correlat\w*|effective|efficacy|effects?|works?|lasts?|"
    r"leads? to|results? in|express\w*|bind\w*|encod\w*|requir\w*|develop\w*|transmit\w*|metaboli\w*|absorb\w*|"
    r"involved in|responsible for|role in|plays? a \w+ role|important (for|in)|essential (for|in)|necessary for|due to|"
    r"determined by|observed|occurs?|occurred|prolong\w*|accelerat\w*|delay\w*|shorten\w*|extend\w*|possess\w*|"
    r"contain\w*|administer\w*|deliver\w*|used (to|for|as|in|during)|known as|(in)?capable|(un)?able to|"
    r"relation(ship)?|differ\w*|similar|no (difference|effect|association))\b"
)
_EVIDENCE = (
    r"\b(stud(y|ies)|research|trials?|evidence|data|survey|according to|found|finds?|shows?|showed|shown|reports?|reported|"
    r"approved|approval|fda|recommend\w*|guidelines?|meta-analys[ie]s|review)\b"
)
_FACTUAL = re.compile("|".join((_QUANTITY, _COMPARISON, _RISK, _EFFECT, _EVIDENCE)), re.IGNORECASE)

# What makes it advice, a transition, a caption or the author speaking instead (these win).
_ADVICE_START = re.compile(
    r"^(here(\s+(are|is)|['’](re|s))|let['’]s|let us|read|see|learn|click|photo|image|an? infographic|infographic|table of contents|"
    r"talk|ask|avoid|plan|dress|bring|ensure|consider|check|make sure|be sure|try|call|contact|remember|don['’]t|do not|follow|"
    r"visit|find|choose|keep|stop|start|take|use|go|get|note|lastly|for starters|in the meantime|but hold|if you|you may find)\b",
    re.IGNORECASE,
)
_ADVICE = re.compile(
    r"\b(you should|you['’]ll need|it['’]s best|it would be best|is the best strategy|talk (to|with) your|"
    r"speak (to|with) your|ask your|consult (your|a)|I|I['’]m|I['’]ve|my|me|"
    r"(so|and|then) (bring|ask|talk|plan|avoid|try|call|check|consider|remember|dress|wear|take))\b|^(they|he|she) (are|is) ",
    re.IGNORECASE,
)


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
    if len(text.split()) < 4 or not _states_something(text):  # what unnamed people say still needs a source
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


# -- what a sentence is: an assertion, hype, the opposite of a claim ---------------------------------

# Certainty and proof words no evidence grade licenses in health writing (issue 27): a sentence that uses
# one overstates any claim whose own statement does not.
_HYPE = re.compile(
    r"\b(cur(e|es|ed|ing)|proves?|proved|proven|guarantee[sd]?|definitely|certainly|undoubtedly|unquestionably|"
    r"always|never fails?|miracle\w*|breakthrough\w*|revolutionary|completely|totally|100 ?%|one hundred percent|"
    r"without (a )?doubt|no doubt|conclusively|once and for all|works? for everyone|for everyone|in every case)\b",
    re.I,
)

# Sentences that assert nothing a reader could check against a source, so get no certainty advice:
# instructions and safety rules, captions and image descriptions, attributions to unnamed people.
_INSTRUCTION = re.compile(
    r"\b((must|should|may|can) only be|(must|should) (not )?be (given|administered|used|taken|done|performed)|"
    r"only (a|an|your) (qualified|licensed|trained)|(always|never) (take|use|give|drive|combine|mix))\b",
    re.I,
)
_CAPTION = re.compile(
    r"^(image|photo|picture|figure|fig\.|illustration|diagram|chart|graph|infographic|video|caption)\b|"
    r"\b(pictured|shown (above|below|here|in the (figure|image|picture))|in (this|the) (image|photo|picture|diagram|"
    r"figure|illustration|chart)|the (top|bottom|upper|lower) (left|right)|(left|right|top|bottom)[- ](hand )?"
    r"(side|corner|circle|panel))\b",
    re.I,
)
_UNNAMED = re.compile(
    r"^(but |and |yet |still )?((some|many|most|a few|several|other) (people|experts|doctors|users|patients|"
    r"proponents|advocates|critics|researchers|scientists|sources|studies|reports|websites|articles|fans|supporters)|"
    r"(people|users|fans|proponents|advocates|supporters|critics)) "
    r"(say|said|claim\w*|believe\w*|think|thought|suggest\w*|report\w*|argue\w*|feel|swear)\b|"
    r"^(it is|it['’]s) (said|claimed|believed|rumou?red|widely (said|believed))\b|^(some|many) (say|believe|claim)\b|"
    r"\b(according to (some|many|anecdotal|word of mouth|users|fans))\b",
    re.I,
)


def hype_words(sentence: str) -> list[str]:
    """The hype and proof words of a sentence ("cures", "proves", "definitely", "always", "miracle", "100%"), in order.

    >>> hype_words("This meta-analysis proves that melatonin always works; a miracle.")
    ['proves', 'always', 'miracle']
    """
    return [m.group() for m in _HYPE.finditer(sentence)]


def is_assertion(sentence: str, heading: bool = False) -> bool:
    """Whether a sentence asserts something a source could back, so that its wording may be advised: not a
    heading (or a line shaped like one: no closing punctuation), a question, a list's lead-in ending in ":",
    an instruction or safety rule ("may only be given by a qualified professional"), a caption or image
    description, or a report of what unnamed people say ("Some say…", "Fans claim…").

    Examples
    --------
    >>> [is_assertion(s) for s in ["Melatonin shortens sleep onset by seven minutes.", "Does melatonin work?",
    ...     "Here are ways ketamine can help:", "Ketamine may only be administered by a qualified professional.",
    ...     "The bottom left circle explains how ketamine reduces pain.", "Some people say melatonin cures insomnia.",
    ...     "Providing Long-term Pain Relief"]]
    [True, False, False, False, False, False, False]
    """
    text = sentence.strip().strip("\"“”'")
    return not heading and _states_something(text) and not _UNNAMED.search(text)


def _states_something(text: str) -> bool:
    """Not a question, a lead-in, a heading-shaped line, an instruction or a caption (see :func:`is_assertion`)."""
    if not text or text.endswith(("?", ":")):
        return False
    if not text.endswith((".", "!", "…", ")", "]")):  # a heading, a list fragment; a full sentence may lack its period
        words = text.split()
        capitals = sum(1 for w in words if w[:1].isupper())
        if len(words) < 9 or capitals * 2 > len(words):
            return False
    return not (_ADVICE_START.match(text) or _INSTRUCTION.search(text) or _CAPTION.search(text))


# Words whose meaning flips a claim: each pair's two sides say opposite things (Santesso et al.'s "increases"
# against "reduces", and the health writer's "temporary" against "long-lasting").
_OPPOSITES = (
    (
        r"temporar\w*|short[- ](term|lived)|briefly|fades?|wears? off|not (permanent|lasting)",
        r"long[- ](term|lasting)|lasting|permanent\w*|durable|for good|sustained|persist\w*",
    ),
    (
        r"increas\w*|rais(e|es|ed|ing)|boost\w*|higher|more|greater|worsen\w*|exacerbat\w*|aggravat\w*",
        r"reduc\w*|decreas\w*|lower(s|ed|ing)?|less|fewer|smaller|improv\w*|eas(e|es|ed|ing)|relie\w*|alleviat\w*|lessen\w*",
    ),
    (
        r"safe|safely|safer|harmless|well[- ]tolerated|(a )?good (choice|candidate)",
        r"unsafe|dangerous|harmful|hazardous|toxic|risky|poor (choice|candidate)|not (suitable|recommended)|unsuitable",
    ),
    (r"effective|efficacious|works?|helps?|benefits?", r"ineffective|useless|(does|do)n['’]?t work|no (benefit|effect)"),
    (r"better|superior", r"worse|inferior"),
    (r"common|frequent\w*|often|usually", r"rare|rarely|uncommon|seldom|infrequent\w*"),
    (r"approved", r"unapproved|not approved"),
    (
        r"promot\w*|enhanc\w*|induc\w*|activat\w*|stimulat\w*|facilitat\w*|accelerat\w*",
        r"suppress\w*|inhibit\w*|prevent\w*|counteract\w*|imped\w*|antagoni\w*|block\w*|hinder\w*|delay\w*|slow(s|ed)?",
    ),
    (r"positive(ly)?|beneficial|favou?rable|good", r"negative(ly)?|detrimental|unfavou?rable|poor(er)?|bad"),
    (r"dependent", r"independent"),
    (r"eas(y|ily)|simple", r"difficult|hard"),
    (r"resistant|protect\w*", r"vulnerable|susceptible|prone"),
    (r"present|found", r"absent|missing"),
)
_OPPOSITE_PATTERNS = [(re.compile(rf"\b({a})\b", re.I), re.compile(rf"\b({b})\b", re.I)) for a, b in _OPPOSITES]
_NEGATION = re.compile(
    r"\b(not|no|never|none|neither|nor|cannot|fails? to|failed to|yet to|"
    r"\w+n['’]t)\b|\bno (evidence|proof|sign) (that|of)\b",
    re.I,
)
# negations that do not turn the whole statement round: a contrast ("approved as an anesthetic but not for pain"),
# "not only", "whether or not", "if not", "not just", "no more than" (a figure's bound)
_SIDE_NEGATION = re.compile(
    r"\b(but|and|or|if|whether or) not\b|\bnot (only|just|least|necessarily)\b|\bno (more|less|later|earlier) than\b|"
    # an effect's size, not its direction: overstated-effect compares those
    r"\blittle (or|to) no\b|\bno (\w+ )?(difference|effect|benefit|change|improvement)\b",
    re.I,
)
# a leading concessive clause ("While ketamine is not approved for pain, …") does not set the main clause's polarity
_CONCESSIVE = re.compile(r"^\s*(while|although|though|even though|whereas|despite|in spite of)\b[^,]{0,200},", re.I)
_COMPARISON_AT = re.compile(
    r"\b(?:more|less|better|worse|safer|greater|higher|lower|stronger|weaker|superior|inferior|"
    r"\w+er) (?:\w+ ){0,3}(?:than|to)\b",
    re.I,
)


def _sides(text: str) -> tuple[set[str], set[str]] | None:
    """The content words before and after a comparison ("A is better than B": ({a}, {b})), or None."""
    found = _COMPARISON_AT.search(text)
    if found is None:
        return None
    words = lambda part: {w for w in re.findall(r"[a-z][a-z0-9-]{2,}", part.lower())} - _STOP  # noqa: E731
    return words(text[: found.start()]), words(text[found.end() :])


_STOP = frozenset(
    "the and for with that this from are was were has have had its their than more less may can could "
    "probably likely is be been being not who which what when".split()
)


# "not permanent" says "temporary": one word of an opposite pair, not a negation of the whole statement
_NOT_PHRASE = re.compile(r"\bnot (permanent|lasting|approved|safe|effective)\b", re.I)
_NOT_WORDS = {"permanent": "temporary", "lasting": "temporary", "approved": "unapproved", "safe": "unsafe", "effective": "ineffective"}
_CLAUSE_BREAK = re.compile(r";|,\s+(?:and|but|while|whereas|although|though|so|yet)\s+|\s+but\s+", re.I)


def _closest_clauses(sentence: str, statement: str) -> tuple[str, str]:
    """The clause of ``sentence`` and the clause of ``statement`` that share the most words: the polarity of
    "Onset is within 30 minutes, and omega-3 does not change that" is that of its first clause, and a compound
    claim's clauses are each compared with their own counterpart."""
    words = lambda text: set(re.findall(r"[a-z]{3,}", text.lower()))  # noqa: E731
    mine = [c for c in _CLAUSE_BREAK.split(sentence) if c and c.strip()] or [sentence]
    theirs = [c for c in _CLAUSE_BREAK.split(statement) if c and c.strip()] or [statement]
    return max(((a, b) for a in mine for b in theirs), key=lambda pair: len(words(pair[0]) & words(pair[1])))


def reversal(sentence: str, statement: str) -> str | None:
    """Why ``sentence`` states the opposite of ``statement``, or None when it does not: a negation one has and
    the other lacks ("does not", "no", "never", "fails to", "no evidence that"), a word of one side of an
    opposite pair where the claim has the other ("temporary" / "long-term", "increases" / "reduces", "safe" /
    "dangerous"), or a comparison whose sides are swapped ("A more effective than B" / "B more effective than A").

    Examples
    --------
    >>> reversal("Ketamine infusion provides long-term relief.", "Pain relief from ketamine infusions is often temporary.")
    "'long-term' where the claim says 'temporary'"
    >>> reversal("Melatonin does not shorten sleep onset.", "Melatonin shortens sleep onset.")
    "'not' where the claim has no negation"
    >>> reversal("Melatonin shortens the time it takes to fall asleep.", "Melatonin shortens sleep onset.") is None
    True
    >>> reversal("Ketamine acts fast, but relief may not be permanent.", "Relief from ketamine is often temporary.") is None
    True
    """
    flips = []
    sentence, statement = _CONCESSIVE.sub("", sentence, count=1), _CONCESSIVE.sub("", statement, count=1)
    sentence, statement = (_NOT_PHRASE.sub(lambda m: _NOT_WORDS[m.group(1).lower()], t) for t in _closest_clauses(sentence, statement))
    said, claimed = _NEGATION.findall(sentence), _NEGATION.findall(statement)
    contrast = _SIDE_NEGATION.search(sentence) or _SIDE_NEGATION.search(statement)  # a compound: its parts are judged apart
    if bool(said) != bool(claimed) and not contrast:
        word = (said or claimed)[0]
        word = word if isinstance(word, str) else next(w for w in word if w)
        flips.append(f"'{word}' where the claim has no negation" if said else f"no negation where the claim says '{word}'")
    for one, other in _OPPOSITE_PATTERNS:
        mine = (one.search(sentence), other.search(sentence))
        theirs = (one.search(statement), other.search(statement))
        for here, there in ((mine[0], theirs[1]), (mine[1], theirs[0])):
            if here and there and not (mine[0] and mine[1]) and not (theirs[0] and theirs[1]):
                flips.append(f"'{here.group()}' where the claim says '{there.group()}'")
    a, b = _sides(sentence), _sides(statement)
    if a and b and a[0] and a[1] and (a[0] & b[1]) and (a[1] & b[0]) and not (a[0] & b[0]):
        flips.append("the comparison's sides swapped")
    return flips[0] if len(flips) % 2 else None


# -- claim kinds -----------------------------------------------------------------------------------

_KIND_RULES = (
    (
        "caution",
        re.compile(
            r"\b(should|must) (not|never|only|always|be avoided)\b|\b(only|never) be (given|used|administered|taken)\b|"
            r"\b(poor (choice|candidate)|not (recommended|advised|suitable) for|avoid\w*|contraindicat\w*|"
            r"do(es)? not (take|use|give)|(talk|speak) (to|with) (your|a) (doctor|pharmacist))\b",
            re.I,
        ),
    ),
    (
        "recommendation",
        re.compile(
            r"\b(guidelines?|recommend\w*|advis(es|ed)|first-line|second-line|standard of care|"
            r"(is|are) (preferred|indicated))\b",
            re.I,
        ),
    ),
    (
        "accuracy",
        re.compile(
            r"\b(sensitivity|specificity|(in)?accura(te|tely|cy)|mislabell?\w*|labell?ed (in)?correctly|"
            r"(more|less) than (the )?(label|labell?ed|stated|listed)|false (positives?|negatives?)|positive predictive|"
            r"detects? \w+ (of|in) \d|(test|screen\w*|label\w*|assay)s? (is|are|was|were) (\w+ )?(accurate|correct|wrong))\b",
            re.I,
        ),
    ),
    (
        "trend",
        re.compile(
            r"\b(has|have|had) (risen|rised|fallen|grown|doubled|tripled|halved|increased|decreased|declined|dropped|"
            r"climbed|soared)|\b(rising|falling|growing|declining|on the rise|trend\w*|since (19|20)\d\d|"
            r"(rose|fell|grew|doubled|tripled|halved) (from|to|by|between|over))\b",
            re.I,
        ),
    ),
    (
        "practice",
        re.compile(
            r"\b((is|are|was|were) (already |now |commonly |widely |often |usually )?(used|given|administered|offered|"
            r"prescribed|performed|done) (to|for|in|as|by|at|during|over)|a (standard |typical )?course (of|starts|is)|"
            r"(takes|last) (a few|about|\d+) (hours|minutes)|(is|are) (usually|typically) (given|done|performed))\b",
            re.I,
        ),
    ),
    # one study's result ("Of 297 patients given ketamine, about 20% had side effects") is a figure to cite, not to hedge
    ("prevalence", re.compile(r"^(of|among|in) (about |around |nearly |over |more than )?\d[\d,]*\b", re.I)),
    (
        "regulatory",
        re.compile(
            r"\b(fda|approv\w*|licen[cs]\w*|medicare|medicaid|insurance|insurer|covers?|coverage|"
            r"reimburs\w*|off-label|prescription-only|schedule [ivx]+|regulat\w*)\b",
            re.I,
        ),
    ),
    (
        "definition",
        re.compile(
            r"^[\w\s()-]{1,60}\b(is|are) (a|an|the)? ?[\w\s-]{0,60}\b(caused by|in which)\b|"
            r"^[\w\s()-]{1,60}\b(is|are) (a|an) [\w\s-]{0,60}\b(that|which)\b|"
            r"\b(is|are) (defined as|known as|called)\b|\bmeans\b",
            re.I,
        ),
    ),
    (
        "harm",
        re.compile(
            r"\b(side[- ]effects?|adverse|harms?|harmful|toxic\w*|addictive|abuse|hallucinat\w*|nausea|"
            r"vomiting|unsafe|safe|safety|dangerous|death|mortality|overdose|worsen\w*|exacerbat\w*|poor (choice|candidate)|"
            r"complications?|dysfunction|disturbances?|can cause|out-of-body)\b",
            re.I,
        ),
    ),
    ("association", re.compile(r"\b(associated with|linked (to|with)|correlat\w*|more common (in|among)|related to)\b", re.I)),
    (
        "mechanism",
        re.compile(
            r"\b(by (blocking|inhibiting|reducing|activating|binding)|receptors?|mechanism\w*|sensiti[sz]ation|"
            r"pathways?|anti-inflammatory|neurotransmit\w*|antagonis\w*)\b",
            re.I,
        ),
    ),
    (
        "prevalence",
        re.compile(
            r"(\d+(\.\d+)?\s?%|\b(one|two|three|\d+) in (five|ten|four|three|\d+)\b|\bpercent\b|\b(prevalence|"
            r"incidence)\b|\b(most|many|few) (adults|people|patients|americans|women|men|children)\b|"
            r"\blives? with\b|\bmost (studied|commonly)\b|\bcosts?\b)",
            re.I,
        ),
    ),
)


def claim_kind(statement: str) -> str:
    """The kind of a claim, from its statement: ``caution`` (who must not, or only who may), ``recommendation``
    (a guideline's or practice advice), ``accuracy`` (a test's or label's), ``trend`` (a change over time),
    ``practice`` (how something is done or used), ``regulatory``, ``definition``, ``harm``, ``mechanism``,
    ``prevalence`` (frequency, cost, counts), ``association``, else ``effect`` (an intervention and an
    outcome). A ``kind:`` in claims.yaml (``kbase claim set ID --kind``) overrides it.

    Examples
    --------
    >>> [claim_kind(s) for s in ["About one in five adults in the United States lives with chronic pain.",
    ...     "The FDA has approved ketamine as an anesthetic.", "Ketamine infusions can cause nausea and vomiting.",
    ...     "Ketamine reduces the need for opioids.", "Neuropathic pain is chronic pain caused by damage to nerves."]]
    ['prevalence', 'regulatory', 'harm', 'effect', 'definition']
    >>> [claim_kind(s) for s in ["Ketamine should only be given by a qualified professional.",
    ...     "Intravenous ketamine is already used to treat depression.", "Melatonin use in adults has risen fivefold since 1999.",
    ...     "Guidelines recommend sleep hygiene before medication.", "Melatonin gummies are often labelled inaccurately."]]
    ['caution', 'practice', 'trend', 'recommendation', 'accuracy']
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
_SIZE_ADVERB = {
    "large": r"greatly|highly|substantially|markedly|dramatically|considerably|drastically|sharply|vastly|hugely|massively|"
    r"significantly|strongly|profoundly|remarkably|tremendously|enormously",
    "small": r"slightly|modestly|marginally|somewhat|mildly|a little|a bit",
}
_SIZE_ADJECTIVE = {
    "large": r"large|big|huge|major|dramatic|substantial|marked|considerable|significant|sharp|strong|profound|"
    r"remarkable|important|meaningful|vast|massive|great",
    "small": r"small|slight|modest|minor|marginal|mild",
}
_SIZES = (
    (
        "trivial",
        re.compile(
            r"\b(little (or|to) no|no (meaningful |important |significant |clinically \w+ |real )?"
            r"(difference|effect|benefit|change|improvement)|makes? no difference|no better than)\b",
            re.I,
        ),
    ),
    (
        "large",
        re.compile(
            rf"(?<!not )\b({_SIZE_ADVERB['large']}|(much|far) (more|less|lower|higher|better|worse|greater|fewer|smaller)|"
            rf"(a|an) ({_SIZE_ADJECTIVE['large']}) (reduction|increase|decrease|drop|fall|rise|improvement|benefit|"
            rf"effect|difference|change|gain|loss|relief))\b",
            re.I,
        ),
    ),
    (
        "small",
        re.compile(
            rf"\b({_SIZE_ADVERB['small']}|(a )?({_SIZE_ADJECTIVE['small']}) (reduction|increase|decrease|drop|fall|"
            rf"rise|improvement|benefit|effect|difference|change|gain|loss|relief))\b",
            re.I,
        ),
    ),
)
_SIZE_WORD = re.compile(
    rf"\b(?P<article>an?) (?:{_SIZE_ADJECTIVE['large']}|{_SIZE_ADJECTIVE['small']}|{_SIZE_ADVERB['large']}|"
    rf"{_SIZE_ADVERB['small']}) (?P<next>\w)"
    rf"|\s*\b(?:{_SIZE_ADVERB['large']}|{_SIZE_ADVERB['small']})\b(?!\s+(?:as|than)\b)"
    r"|\s*\b(?:much|far)\b(?=\s+(?:more|less|lower|higher|better|worse|greater|fewer|smaller)\b)",
    re.I,
)


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
SIZE_NAMES = {
    "large": "a large effect",
    "small": "a small effect",
    "trivial": "little or no effect",
    None: "an effect without size words (read as a moderate one)",
}


# -- wording a claim at its level, in its own words ------------------------------------------------

_MODALS = {"can", "could", "will", "would", "should", "may", "might", "must"}
_AUXILIARIES = {"is": "be", "are": "be", "was": "have been", "were": "have been", "has": "have", "have": "have", "does": "", "do": ""}
# verbs that claims are made of, in their base form: found first, so that a plural noun is not taken for a verb
_VERBS = frozenset(
    """
    reduce relieve ease cause improve increase lower raise block work last help depend treat prevent affect worsen give make lead
    offer cost take begin start stay bypass become hold need live use require protect trigger induce inhibit activate promote
    suppress produce decrease enhance impair alter target influence contribute predict fade occur appear remain show find provide
    carry shorten lengthen extend slow speed drive mediate bind express spare lessen dampen boost restore kill cure result cut
""".split()
)
_PROPER = {"medicare", "medicaid", "spravato"}


def _verb(words: list[str]) -> int | None:
    """Index of the main verb of a simple statement: a modal or auxiliary, else a known claim verb in its
    present tense; a leading phrase or clause up to the first comma ("In opioid-dependent patients, …", "While
    ketamine is not approved for pain, …") is skipped."""
    start = _lead_end(words) or 1
    if words and words[0].lower() in _WH:  # "How well ketamine works depends on…": the verb after the subject clause
        first = _verb(words[1:])
        start = first + 2 if first is not None else start
    for i in range(start, len(words)):
        lower = words[i].lower().strip(",;:")
        if lower in _MODALS or lower in _AUXILIARIES:
            return i
    for i in range(start, len(words)):
        lower = words[i].lower().strip(",;:")
        if lower.isalpha() and (_base(lower) in _VERBS and lower != _base(lower) or lower in _VERBS and i > start):
            return i
    return None


_LEADS = frozenset(
    (
        "in",
        "for",
        "of",
        "among",
        "after",
        "during",
        "when",
        "with",
        "used",
        "without",
        "while",
        "although",
        "though",
        "whereas",
        "because",
        "since",
        "if",
        "as",
        "before",
        "unlike",
        "given",
        "taken",
        "compared",
    )
)
_WH = frozenset(("how", "whether", "what", "why", "who"))


def _lead_end(words: list[str]) -> int:
    """The index just after a leading phrase or clause up to its comma ("Used with other drugs, …"); 0 when there is none."""
    if words and words[0].lower() in _LEADS:
        return next((i + 1 for i, w in enumerate(words) if w.endswith(",")), 0)
    return 0


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
        if words[0].lower() in _WH:  # "How well ketamine works depends on…" cannot follow "whether"
            return worded(text, 2).rstrip(".") + ", though the evidence is very uncertain."
        if at is not None and words[at].lower() in ("may", "might", "could"):
            words[at] = "can"
        lead = _lead_end(words)
        if lead:  # "It is uncertain whether, used with other drugs, ketamine can cause…"
            return "It is uncertain whether, " + _clause(" ".join(words[:lead])) + " " + " ".join(words[lead:])
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
        if lower in ("does", "do", "did") and negated:  # "probably does not", not "does probably not"
            words.insert(lead, "probably")
        elif lower not in ("may", "might", "could"):
            words.insert(at + 1 if lower in _MODALS or lower in _AUXILIARIES else lead, "probably")
    elif lower in _MODALS:
        words[at] = "may"
    elif lower in _AUXILIARIES:
        # the adverbs and "not" after the auxiliary go between "may" and the verb: "is typically not" → "may typically not be"
        end = at + 1
        while end < len(words) and (words[end].lower() == "not" or _is_adverb(words[end])):
            end += 1
        words[at:end] = [" ".join(["may", *words[at + 1 : end], _AUXILIARIES[lower]]).strip()]
    else:
        words[at] = _base(verb)
        words.insert(lead, "may")
    return " ".join(words)


_ADVERBS = frozenset({"also", "often", "still", "even", "further", "only", "now", "usually", "generally", "typically"})


def _is_adverb(word: str) -> bool:
    lower = word.lower()
    return lower in _ADVERBS or (lower.endswith("ly") and lower.isalpha() and len(lower) > 4)


def library_wording(statement: str, level: int, kind: str) -> str:
    """How the library words a claim at its certainty ``level``: its own statement, softened (:func:`worded`)
    only when it says more than the level allows and certainty words apply to its ``kind``. The one wording
    of a claim that ``kbase evidence``, the evidence tables, the HTML report and the draft audit print.

    Examples
    --------
    >>> library_wording("Ketamine reduces the need for opioids.", 2, "effect")
    'Ketamine may reduce the need for opioids.'
    >>> library_wording("Ketamine infusions can relieve pain in CRPS.", 3, "effect")  # "can" fits moderate
    'Ketamine infusions can relieve pain in CRPS.'
    >>> library_wording("Ketamine should only be given by a qualified professional.", 1, "caution")
    'Ketamine should only be given by a qualified professional.'
    """

    text = statement.strip()
    if kind not in HEDGED_KINDS or level >= 4 or level <= 0 or firmness(text) <= wording(level).firmness:
        return text
    return worded(text, level)


def advice(statement: str, level: int, kind: str) -> str:
    """How a writer should word a claim: the one wording advice of ``kbase evidence``, the evidence tables
    and the draft audit (:func:`library_wording`). Only kinds in :data:`~kbase.vocabulary.HEDGED_KINDS`
    take certainty words; a prevalence figure, a regulatory fact or a definition is stated with its source,
    and a caution is never weakened.

    Examples
    --------
    >>> advice("Ketamine reduces the need for opioids.", 2, "effect")
    '“Ketamine may reduce the need for opioids.”'
    >>> advice("About one in five adults lives with chronic pain.", 2, "prevalence")
    'state it with its source: certainty words do not apply to a prevalence fact'
    """

    if level <= 0:
        return "do not state it as fact"
    if kind in ("caution", "harm"):
        return f"state it with its source, as firmly as it is: a {kind} is never weakened"
    if kind not in HEDGED_KINDS:
        return f"state it with its source: certainty words do not apply to a {kind} fact"
    if level >= 4:
        return f"state it plainly: “{statement.strip()}”"
    return f"“{library_wording(statement, level, kind)}”"
