"""Did-you-mean hints for unknown names, using rapidfuzz."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["did_you_mean"]


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 60.0) -> str:
    """A hint such as ``" (did you mean 'stance'?)"``, or ``""`` when nothing is close.

    Examples
    --------
    >>> did_you_mean("stnce", ["ref", "stance", "locator"])
    " (did you mean 'stance'?)"
    >>> did_you_mean("zzz", ["ref", "stance"])
    ''
    """
    from rapidfuzz import fuzz, process

    best = process.extractOne(word, list(choices), scorer=fuzz.ratio, score_cutoff=cutoff)
    return f" (did you mean {best[0]!r}?)" if best else ""
