"""Source lineage: which references restate which (``reports`` edges), and what that means.

A claim backed by five references is not strong if all five restate one press release.
These functions read the ``reports`` edges of the library graph (a chain, the ``reports`` fields of
the references themselves); none mutates anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from .graph import node_id
from .queries import cycles, lineage_graph

if TYPE_CHECKING:
    import networkx as nx

    from .model import Reference

__all__ = ["describe_chain", "lineage_graph", "missing_primary_sources", "reports_chain", "reports_cycles", "source_chains", "source_groups"]


def source_groups(G: nx.MultiDiGraph, without: Iterable[str] = (), lineage: nx.DiGraph | None = None) -> dict[str, int]:
    """Map every reference node joined by ``reports`` edges to a group number.

    References that report nothing and that nothing reports are absent: each is a group of its
    own. Edges count either way and transitively, also through references that are not in the
    library. Reference nodes in ``without`` are left out (as if withdrawn).

    Examples
    --------
    >>> from kbase.graph import build_graph
    >>> from kbase.model import Reference
    >>> G = build_graph([], [Reference("news", "misc", reports=("press",)), Reference("press", "misc", reports=("study",))])
    >>> len(set(source_groups(G).values()))
    1
    """
    import networkx as nx

    without = list(without)
    if lineage is None:
        lineage = lineage_graph(G)
    elif without:
        lineage = lineage.copy()
    lineage.remove_nodes_from(without)
    groups: dict[str, int] = {}
    for number, component in enumerate(nx.weakly_connected_components(lineage)):
        for node in component:
            groups[node] = number
    return groups


def reports_chain(references: Mapping[str, Reference], key: str) -> list[str]:
    """The references ``key`` restates, step by step: ``[key, press, study]``.

    At each step the first reference its ``reports`` field names is followed; a reference not in
    the library ends the chain, and a cycle stops it at the first reference seen twice.

    Examples
    --------
    >>> from kbase.model import Reference
    >>> refs = {r.key: r for r in (Reference("news", "misc", reports=("press",)), Reference("press", "misc", reports=("study",)))}
    >>> reports_chain(refs, "news")
    ['news', 'press', 'study']
    """
    chain = [key]
    seen = {key}
    while True:
        record = references.get(chain[-1])
        target = record.reports[0] if record is not None and record.reports else None
        if target is None or target in seen:
            return chain
        chain.append(target)
        seen.add(target)


def describe_chain(references: Mapping[str, Reference], chain: Iterable[str]) -> str:
    """``news2023 → asa2019press → study2019 (not in library)``."""
    return " → ".join(key if key in references else f"{key} (not in library)" for key in chain)


def missing_primary_sources(G: nx.MultiDiGraph, lineage: nx.DiGraph | None = None) -> Iterator[tuple[str, str]]:
    """``(reference, missing key)`` for every reference that reports something not in the library."""
    for u, v in (lineage if lineage is not None else lineage_graph(G)).edges():
        if G.nodes[v]["missing"]:
            yield node_id(u), node_id(v)


def reports_cycles(G: nx.MultiDiGraph, lineage: nx.DiGraph | None = None) -> list[list[str]]:
    """Every cycle of ``reports`` edges (A reports B reports A), as reference keys in order."""
    return cycles(lineage if lineage is not None else lineage_graph(G))


def source_chains(references: Mapping[str, Reference], groups: Iterable[Iterable[str]]) -> list[str]:
    """One line per independent source: the reports chains of its supporting references (the library's
    ``references`` by key; no graph needed).

    Chains contained in a longer one are left out, so ``news → press → study`` is shown once
    even when both the news story and the press release support the claim.
    """
    lines = []
    for group in groups:
        chains = [reports_chain(references, key) for key in group]
        kept = [c for c in chains if not any(c != o and _contains(o, c) for o in chains)]
        lines.append("; ".join(describe_chain(references, c) for c in dict.fromkeys(map(tuple, kept))))
    return lines


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return len(longer) > n and any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))
