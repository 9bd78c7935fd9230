"""What changes if a reference is withdrawn: the claims whose level moves, before → after."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .grading import grade_claims
from .graph import claim_node, node_id, ref_node
from .model import ClaimChange, Grade
from .queries import linked_claims, premise_graph

if TYPE_CHECKING:
    import networkx as nx

    from .grading import GradingOptions

__all__ = ["Impact", "affected_claims", "impact"]


@dataclass(frozen=True, slots=True)
class Impact:
    """The effect of withdrawing one reference."""

    ref: str
    linked: tuple[str, ...]  # claims that link to the reference directly
    changes: tuple[ClaimChange, ...]  # claims whose level changes, linked or through premises


def affected_claims(G: nx.MultiDiGraph, key: str) -> list[str]:
    """Claims linked to ``key``, and every claim that rests on them through ``depends_on``."""

    linked = [claim_node(c) for c in linked_claims(G, key)]
    dependents = premise_graph(G).reverse(copy=False)
    # one breadth-first walk from all linked claims at once: linear in the premise graph
    seen = dict.fromkeys(linked)
    frontier = [n for n in linked if n in dependents]
    while frontier:
        following = []
        for node in frontier:
            for dependent in dependents.successors(node):
                if dependent not in seen:
                    seen[dependent] = None
                    following.append(dependent)
        frontier = following
    return [node_id(n) for n in seen]


def impact(G: nx.MultiDiGraph, key: str, options: GradingOptions, grades: Mapping[str, Grade]) -> Impact:
    """Regrade, without reference ``key``, the claims that could change; report those that do.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The library graph (not modified: the reference is hidden with a restricted view).
    key : str
        The reference to withdraw.
    options : GradingOptions
        Grading settings, as for the current grades.
    grades : mapping
        The current grade of every claim.
    """
    import networkx as nx

    rnode = ref_node(key)
    linked = tuple(linked_claims(G, key))
    affected = affected_claims(G, key)
    if not affected:
        return Impact(key, linked, ())
    without = nx.restricted_view(G, [rnode], [])
    after = grade_claims(without, options, only=affected, known=grades, structure=G, without=[rnode])
    changes = []
    for claim_id in affected:
        before, now = grades[claim_id], after[claim_id]
        if before.level == now.level:
            continue
        articles = tuple(node_id(v) for _, v, k in G.out_edges(claim_node(claim_id), keys=True) if k == "appears_in")
        best = before.best
        changes.append(ClaimChange(claim_id, before.level, now.level, articles=articles, lost_best=best is not None and best.ref == key))
    return Impact(key, linked, tuple(changes))
