"""Draft reading and graph walks on pathological inputs, as ratios to ordinary input of the same size.

Issue 19's budget: no input of 64 kB takes more than 1 s in any reader, and the tree and impact
computations are linear in the graph. Each shape is 64 kB of one repeated unit; the baseline is
64 kB of ordinary prose with citations, read in the same run.

    python benchmarks/bench_pathological.py
"""

from __future__ import annotations

import time

from kbase.drafts.html_draft import parse_html
from kbase.drafts.reader import parse_draft

SIZE = 64_000
PROSE = "Ketamine infusions relieve pain in some patients with CRPS [@cohen2018consensus]. Effects fade within weeks. "
SHAPES = {
    "email": "a@",
    "cite-notes": "\\cite[",
    "cite-keys": "\\cite{",
    "pandoc": "[@a ",
    "numbers": "[1]",
    "brackets": "[",
    "images": "![",
    "links": "[a](",
    "tags": "<a ",
    "carets": "^1",
    "urls": "http://",
    "full-stops": "a. ",
    "et-al": "et al. ",
    "stars": "*a",
    "backticks": "`",
    "quotes": "> ",
    "headings": "# ",
    "tildes": "~~",
    "bangs": "!",
    "percent": "5% ",
    "open-tags": "<a: ",
    "comments": "<!--",
    "entities": "&#x",
    "sup": "<sup>1",
    "list-items": "- a\n",
    "numbered": "1. a\n",
    "paragraphs": "a\n\n",
    "table-rows": "|a|\n",
}


def best_of(runs: int, func) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    prose = (PROSE * (SIZE // len(PROSE) + 1))[:SIZE]
    base = {md: best_of(3, lambda md=md: parse_draft(prose, "d.md", markdown=md)) for md in (True, False)}
    print(f"baseline: 64 kB of prose with citations: {base[True] * 1000:.0f} ms as Markdown, {base[False] * 1000:.0f} ms as text")
    html_prose = "<p>" + prose.replace("\n\n", "</p>\n<p>") + "</p>"
    base_html = best_of(3, lambda: parse_html(html_prose, "d.html"))
    print(f"          the same as HTML paragraphs: {base_html * 1000:.0f} ms")
    print(f"{'shape':<12} {'markdown':>10} {'ratio':>7} {'text':>10} {'ratio':>7} {'html':>10} {'ratio':>7}")
    worst = 0.0
    for name, unit in SHAPES.items():
        text = unit * (SIZE // len(unit))
        md = best_of(3, lambda: parse_draft(text, "d.md", markdown=True))
        plain = best_of(3, lambda: parse_draft(text, "d.md", markdown=False))
        page = best_of(3, lambda: parse_html(text, "d.html"))
        worst = max(worst, md, plain, page)
        print(
            f"{name:<12} {md * 1000:>8.0f}ms {md / base[True]:>6.1f}x {plain * 1000:>8.0f}ms {plain / base[False]:>6.1f}x "
            f"{page * 1000:>8.0f}ms {page / base_html:>6.1f}x"
        )
    print(f"slowest pathological 64 kB input: {worst:.2f} s (budget 1 s)")
    graph_walks()


def graph_walks() -> None:
    from kbase.grading import GradingOptions
    from kbase.graph import build_graph
    from kbase.kb import KnowledgeBase
    from kbase.model import Claim, Evidence, Reference
    from kbase.render.text import premise_tree_text

    print()
    print(f"{'premise chain':<14} {'grade':>8} {'impact':>8} {'ratio':>6} {'tree':>8}")
    for n in (2_500, 5_000, 10_000):
        claims = [Claim(f"c{i}", "S.", evidence=(Evidence("r"),), depends_on=((f"c{i - 1}",) if i else ())) for i in range(n)]
        kb = KnowledgeBase(build_graph(claims, [Reference("r", "article", design="rct", design_inferred=False)]), (), GradingOptions(2026))
        grade = best_of(1, lambda: kb.grades)
        impact = best_of(1, lambda: kb.impact("r"))
        tree = best_of(1, lambda: premise_tree_text(f"c{n - 1}", kb.claims, kb.grades))
        print(f"{n:<14} {grade:>7.2f}s {impact:>7.2f}s {impact / grade:>5.1f}x {tree:>7.2f}s")


if __name__ == "__main__":
    main()
