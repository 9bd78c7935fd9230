"""The draft audit: sentence by sentence, where the evidence is missing or wrong.

Rules (documented in ``docs/drafts.md``): ``uncited-claim``, ``miscited-claim``,
``contradicting-citation``, ``unknown-citation``, ``unregistered-claim``,
``weak-claim-in-draft``, ``reference-list-only``, ``overstated-claim``, ``one-sided-citation``.

A citation at the end of a paragraph covers the earlier sentences of that paragraph that
match the *same* claim and cite nothing themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..levels import HEDGE, Level
from ..model import Finding, Severity
from ..rules import RULES
from .matcher import DEFAULT_THRESHOLD, ClaimMatcher, Match, content_words
from .reader import Draft, ListEntry, Sentence, read_draft

if TYPE_CHECKING:
    from ..kb import KnowledgeBase

__all__ = ["DraftReport", "audit_draft", "firmness", "is_factual"]


@dataclass
class DraftReport:
    """What auditing one draft found."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    matches: list[Match | None] = field(default_factory=list)
    resolved: dict[int, str] = field(default_factory=dict)  # reference-list number -> library key

    @property
    def matched(self) -> int:
        """How many sentences matched a known claim."""
        return sum(1 for m in self.matches if m is not None)


# -- wording --------------------------------------------------------------------

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

ALLOWED_FIRMNESS = {Level.HIGH: 3, Level.MODERATE: 2, Level.LOW: 1, Level.VERY_LOW: 0, Level.UNSUPPORTED: 0}

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


# -- the audit ------------------------------------------------------------------


def _finding(rule: str, message: str, sentence_or_entry: Sentence | ListEntry, subject: str = "") -> Finding:
    return Finding(rule, RULES[rule].severity, message, sentence_or_entry.where, subject)


def resolve_reference_list(kb: KnowledgeBase, entries: list[ListEntry]) -> dict[int, str]:
    """Match each entry of a draft's own reference list to a library key by fuzzy author, title and year.

    An entry matches the reference whose first authors and title share the most with it
    (rapidfuzz ``token_set_ratio`` of the content words, numbers left out, at least 80, and at least three shared
    words); when both give a year, the years must agree.
    """
    from rapidfuzz import fuzz

    resolved: dict[int, str] = {}
    targets = []
    for ref in kb.references.values():
        surnames = " ".join(a.split(",")[0] for a in ref.authors[:3])
        words = [w for w in content_words(f"{surnames} {ref.title}") if not w[0].isdigit()]
        targets.append((ref, " ".join(words), set(words)))
    for entry in entries:
        words = [w for w in content_words(entry.text) if not w[0].isdigit()]  # volume, pages, year: compared apart
        text, vocabulary = " ".join(words), set(words)
        years = set(re.findall(r"\b(?:19|20)\d\d\b", entry.text))
        best, best_score = None, 0.0
        for ref, target, target_words in targets:
            if len(vocabulary & target_words) < 3:
                continue
            if years and ref.year is not None and str(ref.year) not in years:
                continue
            score = fuzz.token_set_ratio(text, target)
            if score > best_score:
                best, best_score = ref, score
        if best is not None and best_score >= 80:
            resolved[entry.number] = best.key
    return resolved


def audit_draft(kb: KnowledgeBase, path: str, threshold: float = DEFAULT_THRESHOLD,
                matcher: ClaimMatcher | None = None, suggest: bool = False) -> DraftReport:
    """Audit the draft at ``path`` against the library ``kb``.

    Parameters
    ----------
    kb : KnowledgeBase
        The library.
    path : str
        A Markdown (``.md``) or plain-text draft.
    threshold : float
        The lowest score at which a sentence counts as stating a claim.
    matcher : ClaimMatcher, optional
        A matcher to reuse across drafts.
    suggest : bool
        Attach the three best candidate references (``kbase suggest``) to ``uncited-claim``
        and ``unregistered-claim`` findings.

    Raises
    ------
    LoadError
        When the draft cannot be read (missing, binary, too large, not UTF-8).
    """
    from ..spelling import did_you_mean

    draft: Draft = read_draft(path)
    matcher = matcher or ClaimMatcher(kb.claims.values(), threshold)
    report = DraftReport(path, sentences=draft.sentences)
    report.resolved = resolve_reference_list(kb, draft.references)
    for entry in draft.references:
        if entry.number not in report.resolved:
            report.findings.append(_finding("unknown-citation", f"reference list entry {entry.number} matches no reference in the library: "
                                            f"“{_short(entry.text)}”", entry))
    if draft.references and not any(s.citations for s in draft.sentences):
        first = draft.references[0]
        report.findings.append(_finding("reference-list-only", f"the draft lists {len(draft.references)} references but cites none of them "
                                        "in the text, so no sentence can be checked against its source", first))

    # what each sentence cites, as library keys
    cited: list[list[str]] = []
    for sentence in draft.sentences:
        keys: list[str] = []
        for citation in sentence.citations:
            for key in citation.keys:
                if key in kb.references:
                    keys.append(key)
                else:
                    report.findings.append(_finding("unknown-citation", f"cites '{key}', which is not in the library{did_you_mean(key, kb.references)}",
                                                    sentence, key))
            for number in citation.numbers:
                if number in report.resolved:
                    keys.append(report.resolved[number])
                elif not any(e.number == number for e in draft.references):
                    report.findings.append(_finding("unknown-citation", f"cites [{number}], which the draft's reference list does not have", sentence))
        cited.append(list(dict.fromkeys(keys)))

    # a question asserts nothing, so it states no claim
    report.matches = [None if s.clean.endswith("?") else matcher.match(s.clean) for s in draft.sentences]
    # a paragraph's closing citation covers its earlier sentences that state the same claim
    covered = list(cited)
    for i, sentence in enumerate(draft.sentences):
        last = max(j for j, s in enumerate(draft.sentences) if s.paragraph == sentence.paragraph)
        if i != last and not sentence.citations and report.matches[i] and report.matches[last] \
                and report.matches[i].claim_id == report.matches[last].claim_id and draft.sentences[last].citations:
            covered[i] = cited[last]

    for i, sentence in enumerate(draft.sentences):
        match = report.matches[i]
        if match is None:
            if not sentence.citations and is_factual(sentence.clean):
                report.findings.append(_finding("unregistered-claim", f"factual-looking sentence cites nothing and matches no known claim: "
                                                f"“{_short(sentence.clean)}”", sentence))
            continue
        report.findings.extend(_claim_findings(kb, sentence, match, covered[i], bool(sentence.citations) or covered[i] != cited[i]))
    if suggest:
        import dataclasses

        by_place = {(s.where.line, s.where.col): s.clean for s in draft.sentences}
        report.findings = [
            dataclasses.replace(f, suggestions=tuple(x.key for x in kb.suggest(by_place[(f.where.line, f.where.col)], 3)))
            if f.rule in ("uncited-claim", "unregistered-claim") and f.where and (f.where.line, f.where.col) in by_place else f
            for f in report.findings
        ]
    report.findings.sort(key=lambda f: (f.where.line if f.where else 0, f.where.col if f.where else 0))
    return report


def _claim_findings(kb: KnowledgeBase, sentence: Sentence, match: Match, keys: list[str], has_citation: bool) -> list[Finding]:
    claim_id = match.claim_id
    grade = kb.grades[claim_id]
    stance = {l.ref: l.stance for l in grade.links if not l.set_aside}
    supporting = [k for k, s in stance.items() if s == "supports"]
    contradicting = [k for k, s in stance.items() if s == "contradicts"]
    found: list[Finding] = []
    about = f"states claim {claim_id!r} (match {match.score:.0f})"
    if not has_citation:
        if supporting:
            found.append(_finding("uncited-claim", f"{about} but cites nothing; the library supports it with {', '.join(supporting)}", sentence, claim_id))
        else:
            found.append(_finding("uncited-claim", f"{about} but cites nothing, and nothing in the library supports it", sentence, claim_id))
    elif keys:
        against = [k for k in keys if stance.get(k) == "contradicts"]
        backing = [k for k in keys if stance.get(k) == "supports"]
        if against and firmness(sentence.clean) > 0:
            # citing the other side is right when the sentence says the question is open
            found.append(_finding("contradicting-citation", f"{about} and cites {', '.join(against)}, which contradicts it", sentence, claim_id))
        elif not backing and not against:
            linked = ", ".join(supporting) or "nothing"
            found.append(_finding("miscited-claim", f"{about} but cites {', '.join(keys)}, which the library does not link as support "
                                  f"(supporting: {linked})", sentence, claim_id))
        elif backing and grade.has_flag("contested") and not against:
            found.append(_finding("one-sided-citation", f"{about}, which is contested, but cites only the supporting side; "
                                  f"also cite {', '.join(contradicting)}", sentence, claim_id))
    if grade.level == Level.VERY_LOW:
        found.append(_finding("weak-claim-in-draft", f"{about}, whose evidence is very-low certainty", sentence, claim_id))
    if grade.level > Level.UNSUPPORTED and firmness(sentence.clean) > ALLOWED_FIRMNESS[grade.level] \
            and not _ATTRIBUTED.search(sentence.clean):
        found.append(_finding("overstated-claim", f"{about} more firmly than its {grade.level} evidence allows; word it as {HEDGE[grade.level]}",
                              sentence, claim_id))
    return found


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
