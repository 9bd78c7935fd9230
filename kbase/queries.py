"""Questions a medical reviewer asks about the shape of the evidence, as networkx-style functions.

Each takes the library graph first, never mutates it, and returns a generator or a list.
Functions that need levels take the grades (``kb.grades``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from .graph import LINK_TYPES, claim_node, node_id, ref_node
from .model import Grade
from .vocabulary import LINK_STANCES, Level

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "critical_references",
    "linked_claims",
    "cycles",
    "lineage_graph",
    "premise_graph",
    "most_cited_references",
    "orphan_references",
    "single_reference_claims",
    "unsupported_claims",
    "weakest_claims_by_article",
]


def premise_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """The ``depends_on`` edges of the library graph (claim → premise), as a DiGraph.

    Examples
    --------
    >>> from kbase.graph import build_graph
    >>> from kbase.model import Claim
    >>> sorted(premise_graph(build_graph([Claim("a", "A.", depends_on=("b",)), Claim("b", "B.")], [])).edges())
    [('claim:a', 'claim:b')]
    """
    import networkx as nx

    return nx.DiGraph((u, v) for u, v, k in G.edges(keys=True) if k == "depends_on")


def lineage_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """The ``reports`` edges of the library graph (reference → what it restates), as a DiGraph."""
    import networkx as nx

    return nx.DiGraph((u, v) for u, v, k in G.edges(keys=True) if k == "reports")


def cycles(D: nx.DiGraph) -> list[list[str]]:
    """One cycle per strongly connected component of ``D``, as ids in cycle order, sorted.

    Each cycle starts at the smallest node of its component, so the answer does not depend on
    the order the graph was built in.

    Examples
    --------
    >>> import networkx as nx
    >>> cycles(nx.DiGraph([("claim:b", "claim:a"), ("claim:a", "claim:b"), ("claim:a", "claim:c")]))
    [['a', 'b']]
    """
    import networkx as nx

    found = []
    for component in nx.strongly_connected_components(D):
        if len(component) > 1:
            cycle = [u for u, _ in nx.find_cycle(D.subgraph(component), source=min(component))]
            found.append([node_id(n) for n in cycle])
    return sorted(found)


def _supporters(G: nx.MultiDiGraph, claim: str) -> list[str]:
    """Keys of the references that count as support for a claim (present, not retracted)."""
    keys = []
    for source, keyed in G.pred[claim_node(claim)].items():
        record = G.nodes[source]["record"]
        if "supports" in keyed and record is not None and not record.retracted:
            keys.append(node_id(source))
    return keys


def _claim_ids(G: nx.MultiDiGraph) -> Iterator[str]:
    return (node_id(n) for n, d in G.nodes(data=True) if d["kind"] == "claim" and d["record"] is not None)


def unsupported_claims(G: nx.MultiDiGraph) -> Iterator[str]:
    """Claims with no counted supporting reference, in file order.

    Examples
    --------
    >>> from kbase.graph import build_graph
    >>> from kbase.model import Claim, Evidence, Reference
    >>> G = build_graph([Claim("a", "A."), Claim("b", "B.", evidence=(Evidence("r"),))], [Reference("r", "article")])
    >>> list(unsupported_claims(G))
    ['a']
    """
    return (c for c in _claim_ids(G) if not _supporters(G, c))


def linked_claims(G: nx.MultiDiGraph, key: str) -> list[str]:
    """The ids of the claims that link to reference ``key`` (any stance), in link order, once each."""
    node = ref_node(key)
    if node not in G:
        return []
    return list(dict.fromkeys(node_id(v) for _, v, k in G.out_edges(node, keys=True) if k in LINK_TYPES))


def orphan_references(G: nx.MultiDiGraph) -> Iterator[str]:
    """References in the library that no claim links to."""
    for node, data in G.nodes(data=True):
        if data["kind"] == "ref" and data["record"] is not None and not linked_claims(G, node_id(node)):
            yield node_id(node)


def single_reference_claims(G: nx.MultiDiGraph) -> Iterator[tuple[str, str]]:
    """``(claim, reference)`` for every claim that rests on exactly one supporting reference."""
    for claim in _claim_ids(G):
        supporters = _supporters(G, claim)
        if len(supporters) == 1:
            yield claim, supporters[0]


def critical_references(G: nx.MultiDiGraph) -> Iterator[tuple[str, list[str]]]:
    """References whose removal would leave some claim unsupported, with those claims.

    These are the articulation points of support: each is the only counted supporter of at
    least one claim. Ordered by how many claims depend on them, most first.
    """
    alone: dict[str, list[str]] = {}
    for claim, ref in single_reference_claims(G):
        alone.setdefault(ref, []).append(claim)
    yield from sorted(alone.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def most_cited_references(G: nx.MultiDiGraph, n: int | None = None) -> list[tuple[str, int]]:
    """References by the number of claims they support or contradict, most first."""
    counts: Counter[str] = Counter()
    for u, _, k in G.edges(keys=True):
        if k in LINK_STANCES and G.nodes[u]["record"] is not None:
            counts[node_id(u)] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def weakest_claims_by_article(G: nx.MultiDiGraph, grades: Mapping[str, Grade], n: int = 5) -> dict[str, list[tuple[str, Level]]]:
    """For each article, its ``n`` least certain claims (file order breaks ties)."""
    per_article: dict[str, list[tuple[str, Level]]] = {}
    for claim in _claim_ids(G):
        for _, article, k in G.out_edges(claim_node(claim), keys=True):
            if k == "appears_in":
                per_article.setdefault(node_id(article), []).append((claim, grades[claim].level))
    return {a: sorted(items, key=lambda item: item[1])[:n] for a, items in per_article.items()}
