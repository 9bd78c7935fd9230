"""The HTML evidence report: one self-contained file (no scripts, no network), every string escaped.

It holds summary counts by level, the claims table with level badges, the reasons behind each
grade, the evidence with formatted citations and DOI/PubMed links, and a picture of the
claim–reference graph drawn here as SVG (a two-column layout, no Graphviz needed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from ..graph import claim_node, node_id
from ..tables import EvidenceCell, EvidenceRow
from ..vocabulary import Level

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["html_report", "svg_graph"]

LEVEL_COLOURS = {
    Level.HIGH: "#1a7f37",
    Level.MODERATE: "#4d8f00",
    Level.LOW: "#b7791f",
    Level.VERY_LOW: "#c2410c",
    Level.UNSUPPORTED: "#b91c1c",
}
STANCE_COLOURS = {"supports": "#1a7f37", "contradicts": "#b91c1c", "mentions": "#9ca3af"}

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:2rem auto;max-width:1200px;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem} h2{font-size:1.15rem;margin:2rem 0 .5rem}
.meta{color:#57606a;margin:0 0 1rem}
.summary{display:flex;gap:.5rem;flex-wrap:wrap;margin:1rem 0}
.summary div{border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem;text-align:center}
.summary b{display:block;font-size:1.3rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;table-layout:fixed}
col.c-claim{width:19%} col.c-level{width:11%} col.c-support{width:36%} col.c-contra{width:17%} col.c-action{width:17%}
td{overflow-wrap:anywhere}
th,td{border:1px solid #d0d7de;padding:.45rem .55rem;vertical-align:top;text-align:left}
th{background:#f6f8fa}
.badge{display:inline-block;border-radius:999px;padding:.1rem .6rem;color:#fff;font-weight:600;font-size:.8rem;white-space:nowrap}
.flag{display:inline-block;border:1px solid #d0d7de;border-radius:4px;padding:0 .3rem;margin:.15rem .15rem 0 0;font-size:.75rem;color:#57606a}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.8rem;color:#57606a}
ul{margin:0;padding-left:1.1rem} li{margin:.15rem 0}
.cite{font-size:.85rem} .design{color:#57606a;font-size:.8rem}
details{margin-top:.3rem} summary{cursor:pointer;color:#0969da;font-size:.8rem}
.action{font-size:.85rem}
figure{margin:1rem 0;overflow-x:auto;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}
figcaption{color:#57606a;font-size:.85rem}
"""


def _badge(level: Level) -> str:
    return f'<span class="badge level-{level}" style="background:{LEVEL_COLOURS[level]}">{escape(str(level))}</span>'


def _links(cell: EvidenceCell) -> str:
    links = []
    if cell.doi:
        links.append(f'<a href="https://doi.org/{escape(cell.doi, quote=True)}">DOI</a>')
    if cell.pmid:
        links.append(f'<a href="https://pubmed.ncbi.nlm.nih.gov/{escape(cell.pmid, quote=True)}/">PubMed</a>')
    if cell.url and not links:
        if cell.url.startswith(("http://", "https://")):
            links.append(f'<a href="{escape(cell.url, quote=True)}">link</a>')
    return (" · ".join(links)) if links else ""


def _cells(cells: Sequence[EvidenceCell]) -> str:
    if not cells:
        return "<em>none</em>"
    items = []
    for cell in cells:
        detail = [escape(cell.design), escape(str(cell.level))]
        if cell.locator:
            detail.append(escape(cell.locator))
        if cell.set_aside:
            detail.append("set aside: " + escape(cell.set_aside))
        links = _links(cell)
        note = f"<br><span class=\"design\">{escape(cell.note)}</span>" if cell.note else ""
        items.append(
            f'<li><span class="cite">{cell.citation}</span> <span class="design">[{"; ".join(detail)}]</span>'
            f'{" " + links if links else ""}{note}</li>'
        )
    return "<ul>" + "".join(items) + "</ul>"


def html_report(rows: Sequence[EvidenceRow], *, title: str, graph_svg: str, bibliography: Sequence[str], style: str) -> str:
    """The whole report as one HTML document.

    ``rows`` carry HTML-formatted citations (already escaped by the formatter); every other
    string is escaped here.
    """
    counts = Counter(row.grade.level for row in rows)
    summary = "".join(f'<div class="count level-{level}"><b>{counts.get(level, 0)}</b>{_badge(level)}</div>' for level in sorted(Level, reverse=True))
    body_rows = []
    for row in rows:
        flags = "".join(f'<span class="flag">{escape(flag)}</span>' for flag in row.grade.flags)
        reasons = "".join(f"<li>{escape(r.message)}</li>" for r in row.grade.reasons)
        body_rows.append(
            "<tr>"
            f'<td><span class="id">{escape(row.claim_id)}</span><br>{escape(row.statement)}</td>'
            f"<td>{_badge(row.grade.level)}<br>{flags}<details><summary>why</summary><ul>{reasons}</ul></details></td>"
            f"<td>{_cells(row.supporting)}</td>"
            f"<td>{_cells(row.contradicting)}</td>"
            f'<td class="action">{escape(row.action)}</td>'
            "</tr>"
        )
    bib = "".join(f"<li>{entry}</li>" for entry in bibliography)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — evidence report</title>
<style>{CSS}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="meta">Evidence report by kbase · {len(rows)} claims · citations in {escape(style)} style</p>
<section id="summary"><h2>Claims by level</h2><div class="summary">{summary}</div></section>
<section id="claims"><h2>Claims and their evidence</h2>
<table id="claims-table">
<colgroup><col class="c-claim"><col class="c-level"><col class="c-support"><col class="c-contra"><col class="c-action"></colgroup>
<thead><tr><th>Claim</th><th>Level</th><th>Supporting evidence</th><th>Contradicting evidence</th><th>What to do</th></tr></thead>
<tbody>
{"".join(body_rows)}
</tbody>
</table></section>
<section id="graph"><h2>Claims and references</h2>
<figure>{graph_svg}<figcaption>Claims (circles, by level) on the left, references (squares) on the right; green lines support,
red lines contradict, grey dashed lines only mention; purple arcs join a reference to what it restates.</figcaption></figure></section>
<section id="references"><h2>References</h2><ol>{bib}</ol></section>
</body>
</html>
"""


def svg_graph(G: nx.MultiDiGraph, claim_ids: Sequence[str], levels: dict[str, Level]) -> str:
    """The claims and the references linked to them as an SVG drawing (two columns).

    References are ordered by the mean position of the claims they link to (one barycentre
    pass), which keeps most lines short.
    """

    row_height, top, width = 22, 20, 980
    claim_y = {cid: top + i * row_height for i, cid in enumerate(claim_ids)}
    links: list[tuple[str, str, str]] = []
    for cid in claim_ids:
        for source, keyed in G.pred[claim_node(cid)].items():
            for stance in keyed:
                if stance in STANCE_COLOURS:
                    links.append((node_id(source), cid, stance))
    refs: dict[str, list[float]] = {}
    for ref, cid, _ in links:
        refs.setdefault(ref, []).append(claim_y[cid])
    order = sorted(refs, key=lambda r: (sum(refs[r]) / len(refs[r]), r))
    span = max(len(claim_ids), 1) * row_height
    step = span / max(len(order), 1)
    ref_y = {ref: top + i * step for i, ref in enumerate(order)}
    height = int(top * 2 + max(span, len(order) * row_height))
    claim_x, ref_x = 240, width - 300
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="claim and reference graph" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'
    ]
    for ref, cid, stance in links:
        dash = ' stroke-dasharray="4 3"' if stance == "mentions" else ""
        parts.append(
            f'<line class="edge {stance}" x1="{claim_x}" y1="{claim_y[cid]:.1f}" x2="{ref_x}" y2="{ref_y[ref]:.1f}" '
            f'stroke="{STANCE_COLOURS[stance]}" stroke-width="1.2" opacity="0.7"{dash}/>'
        )
    for u, v, k in G.edges(keys=True):
        a, b = node_id(u), node_id(v)
        if k == "reports" and a in ref_y and b in ref_y:
            y1, y2 = ref_y[a], ref_y[b]
            bend = ref_x + 40 + abs(y2 - y1) / 4
            parts.append(
                f'<path class="edge reports" d="M{ref_x} {y1:.1f} C{bend:.1f} {y1:.1f} {bend:.1f} {y2:.1f} {ref_x} {y2:.1f}" '
                f'fill="none" stroke="#8250df" stroke-width="1.5"/>'
            )
    for cid in claim_ids:
        y, level = claim_y[cid], levels[cid]
        parts.append(
            f'<circle class="node claim" cx="{claim_x}" cy="{y:.1f}" r="6" fill="{LEVEL_COLOURS[level]}"><title>{escape(cid)}: {escape(str(level))}</title></circle>'
        )
        parts.append(f'<text x="{claim_x - 10}" y="{y + 4:.1f}" text-anchor="end">{escape(cid)}</text>')
    for ref in order:
        y = ref_y[ref]
        missing = G.nodes[f"ref:{ref}"]["missing"]
        parts.append(
            f'<rect class="node ref" x="{ref_x - 5}" y="{y - 5:.1f}" width="10" height="10" fill="{"#ffffff" if missing else "#0969da"}" stroke="#0969da"><title>{escape(ref)}</title></rect>'
        )
        parts.append(f'<text x="{ref_x + 12}" y="{y + 4:.1f}">{escape(ref)}{" (not in library)" if missing else ""}</text>')
    parts.append("</svg>")
    return "".join(parts)
