"""The one graph that holds a library: claims, references, articles and the links between them.

Nodes are ``claim:<id>``, ``ref:<key>`` and ``article:<id>``; each carries
``kind`` and ``record`` (the frozen record it stands for). A key that a link
names but the library does not hold becomes a node with ``record=None`` and
``missing=True``, so that queries can see and report it.

Edges (``key`` is the edge type, also stored as ``type``):

* ``supports`` / ``contradicts`` / ``mentions``: reference → claim, with ``evidence`` (the link)
* ``depends_on``: claim → premise claim
* ``reports``: reference → the reference it restates
* ``appears_in``: claim → article, with ``appearance``
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .model import Article, Claim, Evidence, Reference
from .vocabulary import STANCES

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "article_node",
    "build_graph",
    "claim_node",
    "claims",
    "evidence_edges",
    "node_id",
    "ref_node",
    "references",
]

LINK_TYPES = STANCES  # the edge types of evidence links


def claim_node(claim_id: str) -> str:
    """The node name of a claim."""
    return f"claim:{claim_id}"


def ref_node(key: str) -> str:
    """The node name of a reference."""
    return f"ref:{key}"


def article_node(article_id: str) -> str:
    """The node name of an article."""
    return f"article:{article_id}"


def node_id(node: str) -> str:
    """The id or key inside a node name: ``node_id("ref:smith2020") == "smith2020"``."""
    return node.split(":", 1)[1]


def build_graph(
    claims: Iterable[Claim],
    references: Iterable[Reference],
    articles: Iterable[Article] = (),
) -> nx.MultiDiGraph:
    """Build the library graph; records keep their file order as node order.

    Examples
    --------
    >>> from kbase.model import Claim, Evidence, Reference
    >>> G = build_graph([Claim("c", "C.", evidence=(Evidence("r", "supports"),))],
    ...                 [Reference("r", "article")])
    >>> sorted(G.edges(keys=True))
    [('ref:r', 'claim:c', 'supports')]
    """
    import networkx as nx

    G = nx.MultiDiGraph()
    references, claims = list(references), list(claims)
    G.add_nodes_from((article_node(a.id), {"kind": "article", "record": a, "missing": False}) for a in articles)
    G.add_nodes_from((ref_node(r.key), {"kind": "ref", "record": r, "missing": False}) for r in references)
    G.add_nodes_from((claim_node(c.id), {"kind": "claim", "record": c, "missing": False}) for c in claims)

    # keys that links name but the library does not define become "missing" nodes
    missing: dict[str, str] = {}
    for reference in references:
        missing.update((ref_node(t), "ref") for t in reference.reports)
    for claim in claims:
        missing.update((ref_node(link.ref), "ref") for link in claim.evidence)
        missing.update((claim_node(p), "claim") for p in claim.depends_on)
        missing.update((article_node(a.article), "article") for a in claim.appears_in)
    G.add_nodes_from((n, {"kind": kind, "record": None, "missing": True}) for n, kind in missing.items() if n not in G)

    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    for reference in references:
        for target in reference.reports:
            edges.append((ref_node(reference.key), ref_node(target), "reports", {"type": "reports"}))
    for claim in claims:
        cnode = claim_node(claim.id)
        for link in _one_link_each(claim.evidence):
            edges.append((ref_node(link.ref), cnode, link.stance, {"type": link.stance, "evidence": link}))
        for premise in claim.depends_on:
            edges.append((cnode, claim_node(premise), "depends_on", {"type": "depends_on"}))
        for appearance in claim.appears_in:
            edges.append((cnode, article_node(appearance.article), "appears_in", {"type": "appears_in", "appearance": appearance}))
    G.add_edges_from(edges)
    return G


def _one_link_each(evidence: Sequence[Evidence]) -> list[Evidence]:
    """One link per (reference, stance), in first-mention order. Of repeated copies (``duplicate-link``),
    the one that lowers the grade most (most concerns, then indirect) is kept, with a total order on the
    rest of its content as the tie-break, so that the grade never depends on the order of the lines."""
    chosen: dict[tuple[str, str], Evidence] = {}
    for link in evidence:
        key = (link.ref, link.stance)
        current = chosen.get(key)
        if current is None or _severity(link) > _severity(current):
            chosen[key] = link
    return list(chosen.values())


def _severity(link: Evidence) -> tuple[object, ...]:
    """Levels lowered first (very serious concerns count twice; upgrades raise, so count against), then
    every other field, so that the order of the lines never matters."""
    return (
        len(link.concerns) + int(link.indirect) - len(link.upgrades),
        link.indirect,
        tuple(sorted(link.concerns)),
        not link.assessed,
        tuple(sorted(link.severities)),
        tuple(sorted(link.upgrades)),
        link.pooled,
        -1 if link.participants is None else -link.participants,
        -1 if link.events is None else -link.events,
        link.locator,
        link.note,
    )


def claims(G: nx.MultiDiGraph) -> Iterator[Claim]:
    """Every claim record in the graph, in file order."""
    for _, data in G.nodes(data=True):
        if data["kind"] == "claim" and data["record"] is not None:
            yield data["record"]


def references(G: nx.MultiDiGraph) -> Iterator[Reference]:
    """Every reference record in the graph, in file order."""
    for _, data in G.nodes(data=True):
        if data["kind"] == "ref" and data["record"] is not None:
            yield data["record"]


def evidence_edges(G: nx.MultiDiGraph, claim_id: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The evidence links into a claim as ``(ref key, stance, edge data)``.

    Links come in the order the claim first names each reference.
    """
    for source, keyed in G.pred[claim_node(claim_id)].items():
        for stance, data in keyed.items():
            if stance in LINK_TYPES:
                yield source[4:], stance, data  # source is "ref:<key>"
