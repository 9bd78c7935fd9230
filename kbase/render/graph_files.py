"""Exports of the library graph (GraphML, DOT, node-link JSON) with attributes other tools read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..model import Article, Claim, Grade, Reference
from .json import dumps

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["export_graph", "flat_graph"]


def flat_graph(G: nx.MultiDiGraph, grades: Mapping[str, Grade]) -> nx.MultiDiGraph:
    """A copy of the graph whose attributes are plain strings, numbers and booleans.

    Nodes get ``kind``, ``label``, ``missing`` and, by kind, ``level``/``flags``/``statement``/
    ``topic`` (claims), ``design``/``year``/``title``/``doi``/``pmid``/``retracted`` (references) or
    ``title`` (articles). Edges get ``type`` and, for evidence links, ``locator``, ``indirect``,
    ``concerns`` and ``note``.
    """
    import networkx as nx

    H = nx.MultiDiGraph()
    for node, data in G.nodes(data=True):
        record = data["record"]
        attrs: dict[str, object] = {"kind": data["kind"], "label": node.split(":", 1)[1], "missing": bool(data["missing"])}
        if isinstance(record, Claim):
            grade = grades[record.id]
            attrs.update(
                level=str(grade.level),
                flags=",".join(grade.flags),
                statement=record.statement,
                topic=record.topic,
                independent_sources=grade.independent_sources,
            )
        elif isinstance(record, Reference):
            attrs.update(
                design=record.design,
                title=record.title,
                doi=record.doi,
                pmid=record.pmid,
                retracted=record.retracted,
                year=record.year if record.year is not None else 0,
            )
        elif isinstance(record, Article):
            attrs.update(title=record.title)
        H.add_node(node, **attrs)
    for u, v, key, data in G.edges(keys=True, data=True):
        attrs = {"type": key}
        link = data.get("evidence")
        if link is not None:
            attrs.update(locator=link.locator, indirect=link.indirect, concerns=",".join(link.concerns), note=link.note)
        H.add_edge(u, v, key=key, **attrs)
    return H


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot(H: nx.MultiDiGraph) -> str:
    shapes = {"claim": "ellipse", "ref": "box", "article": "note"}
    styles = {
        "supports": 'color="#1a7f37"',
        "contradicts": 'color="#b91c1c"',
        "mentions": 'color="#9ca3af", style=dashed',
        "reports": 'color="#8250df"',
        "depends_on": 'style=bold',
        "appears_in": 'color="#57606a", style=dotted',
    }
    lines = ["digraph kbase {", "  rankdir=LR;", "  node [fontname=Helvetica, fontsize=10];"]
    for node, data in H.nodes(data=True):
        attrs = {k: v for k, v in data.items() if k != "label"}
        extra = "".join(f", {k}={_dot_id(str(v))}" for k, v in attrs.items() if k in ("level", "design", "kind"))
        lines.append(f"  {_dot_id(node)} [label={_dot_id(str(data['label']))}, shape={shapes.get(str(data['kind']), 'ellipse')}{extra}];")
    for u, v, key in H.edges(keys=True):
        lines.append(f"  {_dot_id(u)} -> {_dot_id(v)} [label={_dot_id(key)}, {styles.get(key, '')}];".replace(", ];", "];"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def export_graph(G: nx.MultiDiGraph, grades: Mapping[str, Grade], fmt: str) -> str:
    """The graph as ``graphml``, ``dot`` or node-link ``json`` text."""
    import networkx as nx

    H = flat_graph(G, grades)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(H)) + "\n"
    if fmt == "dot":
        return _dot(H)
    if fmt == "json":
        return dumps(nx.node_link_data(H, edges="links")) + "\n"
    raise ValueError(f"unknown graph format {fmt!r}")
