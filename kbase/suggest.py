"""Finding the evidence: rank the library's references for a claim (BM25 with bm25s).

Documents are a reference's title (counted three times), abstract and keywords. Tokens are
lower-cased words with numbers kept; a hyphenated or apostrophised word ("beta-blocker",
"Alzheimer's") gives its parts and the joined word; English stop words are dropped; words are
Snowball-stemmed (:func:`kbase.language.stems.stem`). BM25 parameters k1 = 1.5, b = 0.75 and the title weight were
chosen on the SciFact train queries (docs/suggest.md).

With the parse cache on (:mod:`kbase.cache`, as on the command line), the index is built once and
kept in ``.kbase-cache/``, keyed by the BibTeX files' bytes and these settings, so it is rebuilt
when a ``.bib`` changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .bibtex import latex_to_text
from .language.stems import stem
from .semantic import embed, encoder

if TYPE_CHECKING:
    from .cache import Cache
    from .model import Reference

__all__ = ["K1", "B", "MIN_SHARE", "TITLE_WEIGHT", "Ranking", "SuggestIndex", "Suggestion", "library_index", "tokenize"]

K1, B, TITLE_WEIGHT = 1.5, 0.75, 3
INDEX_VERSION = 1
_WORD = re.compile(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*")
_SPLIT = re.compile(r"[-'’]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    """Medical-aware tokens of ``text`` (see the module docs).

    Examples
    --------
    >>> tokenize("Beta-blockers reduced mortality by 20% in 1,500 patients")
    ['beta', 'blocker', 'betablock', 'reduc', 'mortal', '20', '1', '500', 'patient']
    """
    stop = _stopwords()
    tokens: list[str] = []
    for word in _WORD.findall(text.lower()):
        parts = _SPLIT.split(word)
        if len(parts) > 1:
            tokens.extend(p for p in parts if p and p not in stop)
            tokens.append("".join(parts))
        elif word not in stop:
            tokens.append(word)
    return stem(tokens)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A reference that may support a claim: its key, BM25 score and best-matching sentence."""

    key: str
    score: float
    sentence: str


@dataclass(frozen=True)
class Ranking:
    """What ``kbase suggest`` shows: the query (a claim id or any text), the suggestions, best first, the
    references they name, each one's formatted citation, and the stance of a link the claim already has."""

    query: str
    suggestions: Sequence[Suggestion]
    references: Mapping[str, Reference]
    citations: Mapping[str, str]
    linked: Mapping[str, str] = field(default_factory=dict)


#: A reference whose BM25 score is below this share of the best one's is not suggested. Measured
#: on the top 10 of SciFact's 809 train queries and NFCorpus's 323 test queries (docs/suggest.md):
#: a floor of 0.25 drops none of SciFact's 735 relevant results and 3 of NFCorpus's 768 (0.4 %),
#: while the long tail of one-shared-word matches in a small library goes.
MIN_SHARE = 0.25

#: How many of BM25's best documents the semantic re-ranking looks at (kbase[semantic])
FUSION_DEPTH = 100


def _fuse(ranked: list[tuple[int, float]], vectors: object, text: str) -> list[tuple[int, float]]:
    import numpy as np

    model = encoder()
    if model is None:
        return ranked
    bm25 = np.array([score for _, score in ranked], dtype=np.float64)
    cosine = vectors[[doc for doc, _ in ranked]] @ model.encode([text])[0]  # type: ignore[index]

    def scaled(values: np.ndarray) -> np.ndarray:
        span = values.max() - values.min()
        return (values - values.min()) / span if span > 0 else np.ones_like(values)

    fused = 0.5 * scaled(bm25) + 0.5 * scaled(cosine.astype(np.float64))
    order = np.argsort(-fused, kind="stable")
    return [(ranked[i][0], round(float(fused[i]), 3)) for i in order]


class SuggestIndex:
    """A BM25 index over references' titles, abstracts and keywords."""

    def __init__(self, keys: Sequence[str], titles: Sequence[str], abstracts: Sequence[str], keywords: Sequence[str] | None = None) -> None:
        import bm25s

        keywords = keywords or [""] * len(keys)
        self.keys = list(keys)
        # each document's sentences with their tokens, to show the one that matches a query best
        self.sentences = [[(s, frozenset(tokenize(s))) for s in ([t] + _SENTENCE.split(a)) if s.strip()] for t, a in zip(titles, abstracts)]
        corpus = [tokenize(" ".join([t] * TITLE_WEIGHT) + " " + a + " " + k) for t, a, k in zip(titles, abstracts, keywords)]
        self.vocab: dict[str, int] = {}
        ids = [[self.vocab.setdefault(w, len(self.vocab)) for w in doc] for doc in corpus]
        self.retriever = bm25s.BM25(k1=K1, b=B)
        if any(ids):
            self.retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=self.vocab), show_progress=False)

    @classmethod
    def for_library(cls, references: Sequence[object], bib_paths: Sequence[str], cache: Cache | None = None) -> SuggestIndex:
        """The index of a library's references; with a ``cache`` (:mod:`kbase.cache`), kept there and
        reused while the ``.bib`` files are unchanged."""

        def build() -> SuggestIndex:
            return cls(
                [r.key for r in references],  # type: ignore[attr-defined]
                [r.title for r in references],  # type: ignore[attr-defined]
                [latex_to_text(r.field("abstract")) for r in references],  # type: ignore[attr-defined]
                [latex_to_text(r.field("keywords")) for r in references],  # type: ignore[attr-defined]
            )

        if cache is None:
            return build()
        parts: list[object] = ["suggest", INDEX_VERSION, K1, B, TITLE_WEIGHT]
        for path in bib_paths:
            try:
                parts += [path, Path(path).read_bytes()]
            except OSError:
                return build()
        index = cache.fetch("suggest", cache.key(*parts), build)  # type: ignore[arg-type]
        return index if isinstance(index, cls) else build()

    def use_semantic(self, vectors: object) -> None:
        """Re-rank by meaning too (kbase[semantic]): ``vectors`` are the documents' unit embeddings, row for row."""
        self.vectors = vectors

    def search(self, text: str, k: int = 10) -> list[Suggestion]:
        """The ``k`` best references for ``text``, best first: only those sharing a word, and scoring at
        least :data:`MIN_SHARE` of the best one's BM25 score.

        With :meth:`use_semantic`, BM25's best :data:`FUSION_DEPTH` are re-ranked by the mean of their
        min-max-normalised BM25 score and cosine similarity to ``text`` (equal weights, fixed in advance),
        and the score is that mean; BM25 alone chooses which documents are candidates.
        """
        import bm25s

        query = [self.vocab[t] for t in tokenize(text) if t in self.vocab]
        if not query or not self.keys:
            return []
        vectors = getattr(self, "vectors", None)
        depth = min(max(k, FUSION_DEPTH) if vectors is not None else k, len(self.keys))
        docs, scores = self.retriever.retrieve(bm25s.tokenization.Tokenized(ids=[query], vocab=self.vocab), k=depth, show_progress=False)
        floor = MIN_SHARE * float(scores[0][0]) if len(scores[0]) else 0.0
        ranked = [(int(d), round(float(v), 3)) for d, v in zip(docs[0], scores[0]) if v > 0 and v >= floor]
        if vectors is not None and len(ranked) > 1:
            ranked = _fuse(ranked, vectors, text)
        wanted = frozenset(tokenize(text))
        out = []
        for doc, score in ranked[:k]:
            sentences = self.sentences[doc]
            best = max(sentences, key=lambda pair: len(wanted & pair[1]), default=("", frozenset()))[0]
            out.append(Suggestion(self.keys[doc], score, best))
        return out


def library_index(references: Sequence[Reference], bib_paths: Sequence[str], store: Cache | None = None, *, semantic: bool = False) -> SuggestIndex:
    """The BM25 index over a library's references (kept in the parse cache ``store`` when there is one);
    with ``semantic`` and the ``kbase[semantic]`` extra installed, BM25's candidates are re-ranked by
    meaning too, the references' embeddings kept in ``store``."""
    index = SuggestIndex.for_library(references, bib_paths, store)
    if semantic:
        vectors = embed([f"{r.title}. {latex_to_text(r.field('abstract'))}" for r in references], store, "embeddings-references")
        if vectors is not None:
            index.use_semantic(vectors)
    return index
