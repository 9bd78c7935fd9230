"""Source lineage: which references restate which (``reports`` edges), and what that means.

A claim backed by five references is not strong if all five restate one press release.
These functions read the ``reports`` edges of the library graph; none mutates it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .graph import node_id, ref_node
from .queries import cycles, lineage_graph

if TYPE_CHECKING:
    import networkx as nx

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


def reports_chain(G: nx.MultiDiGraph, key: str, lineage: nx.DiGraph | None = None) -> list[str]:
    """The references ``key`` restates, step by step: ``[key, press, study]``.

    At each step the first ``reports`` target is followed; a cycle stops the chain at the
    first reference seen twice. Pass ``lineage`` (the ``reports`` edges as a DiGraph, from
    :func:`lineage_graph`) when walking many chains.

    Examples
    --------
    >>> from kbase.graph import build_graph
    >>> from kbase.model import Reference
    >>> G = build_graph([], [Reference("news", "misc", reports=("press",)), Reference("press", "misc", reports=("study",))])
    >>> reports_chain(G, "news")
    ['news', 'press', 'study']
    """
    if lineage is None:
        lineage = lineage_graph(G)
    chain = [key]
    seen = {key}
    node = ref_node(key)
    succ = lineage.succ
    while True:
        target = next(iter(succ[node]), None) if node in lineage else None
        if target is None or node_id(target) in seen:
            return chain
        node = target
        chain.append(node_id(node))
        seen.add(chain[-1])


def describe_chain(G: nx.MultiDiGraph, chain: Iterable[str]) -> str:
    """``news2023 → asa2019press → study2019 (not in library)``."""
    parts = []
    for key in chain:
        missing = G.nodes[ref_node(key)]["missing"]
        parts.append(f"{key} (not in library)" if missing else key)
    return " → ".join(parts)


def missing_primary_sources(G: nx.MultiDiGraph, lineage: nx.DiGraph | None = None) -> Iterator[tuple[str, str]]:
    """``(reference, missing key)`` for every reference that reports something not in the library."""
    for u, v in (lineage if lineage is not None else lineage_graph(G)).edges():
        if G.nodes[v]["missing"]:
            yield node_id(u), node_id(v)


def reports_cycles(G: nx.MultiDiGraph, lineage: nx.DiGraph | None = None) -> list[list[str]]:
    """Every cycle of ``reports`` edges (A reports B reports A), as reference keys in order."""
    return cycles(lineage if lineage is not None else lineage_graph(G))


def source_chains(G: nx.MultiDiGraph, groups: Iterable[Iterable[str]], lineage: nx.DiGraph | None = None) -> list[str]:
    """One line per independent source: the reports chains of its supporting references.

    Chains contained in a longer one are left out, so ``news → press → study`` is shown once
    even when both the news story and the press release support the claim.
    """
    if lineage is None:
        lineage = lineage_graph(G)
    lines = []
    for group in groups:
        chains = [reports_chain(G, key, lineage) for key in group]
        kept = [c for c in chains if not any(c != o and _contains(o, c) for o in chains)]
        lines.append("; ".join(describe_chain(G, c) for c in dict.fromkeys(map(tuple, kept))))
    return lines


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return len(longer) > n and any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))
