"""Matching draft sentences to known claims (statements and aliases).

Each text is reduced to its content words (lower case, stop words dropped, Snowball-stemmed).
The score of a sentence against one wording of a claim, 0–100, is the mean of

* rapidfuzz's ``token_set_ratio`` of the two reduced texts (robust to word order, extra words
  and small spelling differences), and
* an IDF-weighted F2 measure of the shared words (how much of the claim the sentence covers,
  weighted towards rare words), which keeps a short sentence that shares one common word with a
  claim from matching it.

A wording that shares no word with the sentence has F2 = 0 and so scores at most 50; more
generally a wording must share a minimum IDF-weighted part of its words to reach the threshold
(see :meth:`ClaimMatcher.min_recall`). That makes an inverted index from word to wordings, with
the shared weight accumulated per wording, an exact filter: it returns the same best match as
scoring every wording with ``rapidfuzz.process.extract``, at a fraction of the cost. Of wordings
with the same score, the one whose words come in the sentence's order wins (a comparison and its
reverse share every word), then the one listed first. The
default threshold, 62, was chosen on the labelled drafts (see docs/drafts.md).

The wordings of a claim are its statement, its aliases and the quotes of its ``appears_in``
entries (the article's own words for it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..cache import slot_name
from ..language.stems import stem
from ..language.wording import is_factual
from ..model import Claim
from ..semantic import embed

if TYPE_CHECKING:
    from ..cache import Cache

__all__ = ["DEFAULT_THRESHOLD", "SEMANTIC_THRESHOLD", "ClaimMatcher", "Match", "content_words", "library_matcher"]

#: Lowest cosine × 100 at which a sentence that matches no claim lexically states a claim by meaning
#: (kbase[semantic]); calibrated on the paraphrase set (docs/drafts.md, benchmarks/paraphrases.py).
SEMANTIC_THRESHOLD = 64.0

DEFAULT_THRESHOLD = 62.0

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
    out over own same she should so some such than that the their them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your also
    may might must shall it's thats there's however although though thus therefore yet still even like
    """.split()
)
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?%?")


@lru_cache(maxsize=200_000)
def content_words(text: str) -> tuple[str, ...]:
    """The content words of ``text``: lower case, no stop words, stemmed, in order.

    Examples
    --------
    >>> content_words("Ketamine reduces the need for opioids.")
    ('ketamin', 'reduc', 'need', 'opioid')
    """
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    return tuple(stem(words))


def outcome_agrees(sentence: str, wording: str) -> bool:
    """Whether a sentence and a claim's wording share a content word besides the subject each starts with: a
    match by meaning must agree on what is claimed (the outcome), not only on the intervention both name.

    Examples
    --------
    >>> outcome_agrees("Melatonin cures insomnia in most people who take it.", "Melatonin increases total sleep time by 8 minutes.")
    False
    >>> outcome_agrees("Melatonin helps people fall asleep sooner.", "Melatonin shortens the time it takes to fall asleep.")
    True
    """
    mine, theirs = content_words(sentence), content_words(wording)
    subjects = {w for w in (mine[:1] + theirs[:1])}
    return bool((set(mine) & set(theirs)) - subjects)


@dataclass(frozen=True, slots=True)
class Match:
    """The claim a sentence matched, the wording it matched best, and the score."""

    claim_id: str
    score: float
    wording: str
    method: str = "lexical"  # or "semantic": found by meaning (kbase[semantic]), the score a cosine × 100

    @property
    def described(self) -> str:
        """``match 71`` or ``semantic match 64``, for messages."""
        return f"{'semantic ' if self.method == 'semantic' else ''}match {self.score:.0f}"


class ClaimMatcher:
    """Finds the claim a sentence states, among the statements and aliases of ``claims``.

    Parameters
    ----------
    claims : iterable of Claim
        The library's claims.
    threshold : float
        Scores below this are not matches.
    """

    def __init__(self, claims: Iterable[Claim], threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self.owner: list[str] = []
        self.wordings: list[str] = []
        self.reduced: list[str] = []
        self.token_sets: list[frozenset[str]] = []
        df: dict[str, int] = {}
        for claim in claims:
            # the article's own words for the claim (appears_in quotes) are wordings too
            quotes = tuple(a.quote for a in claim.appears_in if a.quote)
            for wording in dict.fromkeys((claim.statement, *claim.aliases, *quotes)):
                tokens = content_words(wording)
                self.owner.append(claim.id)
                self.wordings.append(wording)
                self.reduced.append(" ".join(tokens))
                self.token_sets.append(frozenset(tokens))
                for token in set(tokens):
                    df[token] = df.get(token, 0) + 1
        self.wordings_of: dict[str, list[str]] = {}
        for owner, wording in zip(self.owner, self.wordings):
            self.wordings_of.setdefault(owner, []).append(wording)
        n = max(len(self.wordings), 1)
        self.idf = {t: math.log(1 + n / d) for t, d in df.items()}
        self.unknown_idf = math.log(1 + n)
        self.index: dict[str, list[int]] = {}
        for i, tokens in enumerate(self.token_sets):
            for token in tokens:
                self.index.setdefault(token, []).append(i)
        self.mass = [math.fsum(self.idf[t] for t in tokens) for tokens in self.token_sets]

    # -- scoring ---------------------------------------------------------------

    def score(self, query: str, choice: str) -> float:
        """Score a reduced sentence against a reduced wording (see the module docs); a rapidfuzz scorer."""
        from rapidfuzz import fuzz

        q, c = set(query.split()), set(choice.split())
        shared = q & c
        if shared:
            # fsum: a sum that does not depend on the order a set gives its words in (that order
            # changes with Python's hash seed, and two wordings of one score could tie or not)
            weight, unknown, fsum = self.idf.get, self.unknown_idf, math.fsum
            overlap = fsum(weight(t, unknown) for t in shared)
            recall = overlap / fsum(weight(t, unknown) for t in c)
            precision = overlap / fsum(weight(t, unknown) for t in q)
            f2 = 5 * precision * recall / (4 * precision + recall)
        else:
            f2 = 0.0
        return 0.5 * fuzz.token_set_ratio(query, choice) + 50.0 * f2

    def _scorer(self, query: str, choice: str, **_: object) -> float:
        return self.score(query, choice)

    # -- matching --------------------------------------------------------------

    def min_recall(self) -> float:
        """The least IDF-weighted share of a wording's words a sentence must contain to reach the threshold.

        score = 0.5 * token_set_ratio + 50 * F2 with token_set_ratio <= 100, so a match needs
        F2 >= (threshold - 50) / 50; and F2 = 5PR / (4P + R) <= 5R / 4, so R >= 4/5 of that.
        """
        return max(0.0, 0.8 * (self.threshold - 50.0) / 50.0)

    def candidates(self, reduced: str) -> list[int]:
        """Indexes of the wordings that can reach the threshold against ``reduced``.

        Shared IDF weight is accumulated from the inverted index; a wording that shares no word,
        or too small a share of its weight (:meth:`min_recall`), cannot reach the threshold, so
        leaving it out changes no match.
        """
        shared: dict[int, float] = {}
        get = shared.get
        for token in set(reduced.split()):
            weight = self.idf.get(token)
            if weight is None:
                continue
            for i in self.index[token]:
                shared[i] = get(i, 0.0) + weight
        floor = self.min_recall() - 1e-9
        mass = self.mass
        return sorted(i for i, overlap in shared.items() if overlap >= floor * mass[i])

    def match(self, sentence: str) -> Match | None:
        """The best-scoring claim for ``sentence`` at or above the threshold, or None.

        Scores only the candidates of the index; ties are broken by :meth:`_best`.
        """
        reduced = " ".join(content_words(sentence))
        if not reduced:
            return None
        return self._best(reduced, ((i, self.score(reduced, self.reduced[i])) for i in self.candidates(reduced)))

    def _best(self, reduced: str, scored: Iterable[tuple[int, float]]) -> Match | None:
        """The best of (wording index, score) pairs at or above the threshold: the highest score, and on a
        tie the wording whose words come in the sentence's order, then the one listed first. A comparison
        and its reverse ("A works better than B", "B works better than A") share every word and score
        alike; the order of the words tells them apart."""
        passing = [(i, score) for i, score in scored if score >= self.threshold]
        if not passing:
            return None
        top = max(score for _, score in passing)
        tied = [i for i, score in passing if score == top]
        best = tied[0]
        if len(tied) > 1:
            from rapidfuzz import fuzz

            best = max(tied, key=lambda i: (fuzz.ratio(reduced, self.reduced[i]), -i))
        return Match(self.owner[best], round(top, 1), self.wordings[best])

    def use_semantic(self, vectors: object, threshold: float = SEMANTIC_THRESHOLD, cache: object | None = None) -> None:
        """Turn on matching by meaning: ``vectors`` are the unit embeddings of :attr:`wordings`, row for row;
        with a parse ``cache``, the embeddings of a draft's sentences are kept there too (per draft)."""
        self.vectors, self.semantic_threshold, self.cache = vectors, threshold, cache

    def match_many(self, sentences: Iterable[str], draft: str = "") -> list[Match | None]:
        """:meth:`match` for each sentence; with matching by meaning on (:meth:`use_semantic`), the
        factual-looking sentences that match no claim lexically are embedded together and matched to the
        nearest wording."""
        texts = list(sentences)
        found = [self.match(t) for t in texts]
        vectors = getattr(self, "vectors", None)
        if vectors is None or not len(vectors):
            return found

        # only a sentence that reads as a statement of fact can state a claim in other words: advice,
        # captions and transitions on the same topic are close in meaning to every claim
        missing = [i for i, m in enumerate(found) if m is None and content_words(texts[i]) and is_factual(texts[i])]
        cache = getattr(self, "cache", None) if draft else None  # an unchanged sentence of a re-audited draft is not encoded again
        embedded = embed([texts[i] for i in missing], cache, slot_name("embeddings-sentences", draft)) if missing else None
        if embedded is None:
            return found
        scores = embedded @ vectors.T  # type: ignore[attr-defined, operator]
        for row, i in enumerate(missing):
            best = int(scores[row].argmax())
            score = float(scores[row, best]) * 100
            if score >= self.semantic_threshold and outcome_agrees(texts[i], self.wordings[best]):
                found[i] = Match(self.owner[best], round(score, 1), self.wordings[best], "semantic")
        return found

    def match_exhaustive(self, sentence: str) -> Match | None:
        """The same as :meth:`match`, scoring every wording (the benchmark's baseline)."""
        from rapidfuzz import process

        reduced = " ".join(content_words(sentence))
        if not reduced or not self.reduced:
            return None
        found = process.extract(reduced, self.reduced, scorer=self._scorer, processor=None, score_cutoff=self.threshold, limit=None)
        return self._best(reduced, ((index, score) for _, score, index in found))


def library_matcher(
    claims: Iterable[Claim], threshold: float = DEFAULT_THRESHOLD, *, semantic: bool = False, store: Cache | None = None
) -> ClaimMatcher:
    """A matcher over a library's claims; with ``semantic`` and the ``kbase[semantic]`` extra installed,
    sentences no wording matches by its words are matched by meaning too, the claims' embeddings kept
    in the parse cache ``store``."""
    matcher = ClaimMatcher(claims, threshold)
    if semantic:
        vectors = embed(matcher.wordings, store, "embeddings-claims")
        if vectors is not None:
            matcher.use_semantic(vectors, cache=store)
    return matcher
