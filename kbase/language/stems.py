"""Words: the one stemmer kbase uses (Snowball English, through PyStemmer's C implementation).

The draft matcher's content words and the BM25 index's tokens are stemmed here, so a word
reduces to the same stem wherever kbase compares text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

__all__ = ["stem"]


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(words: Sequence[str]) -> list[str]:
    """The Snowball English stems of ``words``, in order.

    Examples
    --------
    >>> stem(["reduces", "opioids", "relieving"])
    ['reduc', 'opioid', 'reliev']
    """
    return _stemmer().stemWords(list(words))
