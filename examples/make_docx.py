"""Write examples/ketamine-draft.docx: the Markdown demo draft as Word stores it, citations as Zotero fields.

    python examples/make_docx.py [OUT.docx]

Each paragraph of ketamine-draft.md becomes a Word paragraph (split into runs as Word does); each
``[@key]`` becomes a Zotero citation field whose CSL-JSON item carries the reference's DOI, title,
authors and year from references.bib (the one key the library lacks keeps only its key as title),
so that kbase must find the reference the way it does in a writer's own document.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from docx_maker import complex_field, paragraph, runs, write_docx, zotero  # noqa: E402

import kbase  # noqa: E402


def item(ref: kbase.Reference | None, key: str) -> dict:
    if ref is None:  # not in the library: what a writer's Zotero would hold for it
        return {
            "id": key,
            "type": "article-journal",
            "title": "Ketamine and opioid use after surgery",
            "author": [{"family": "Smith", "given": "J"}],
            "issued": {"date-parts": [[2021]]},
        }
    data = {
        "id": key,
        "type": "article-journal",
        "title": ref.title,
        "issued": {"date-parts": [[ref.year]]},
        "author": [{"family": name} for name in ref.surnames()[:3]],
    }
    if ref.doi:
        data["DOI"] = ref.doi
    return data


def main(out: Path = HERE / "ketamine-draft.docx") -> None:
    kb = kbase.load(HERE.parent / "claims.yaml", HERE.parent / "references.bib")
    text = (HERE / "ketamine-draft.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    paragraphs = []
    for number, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        heading = re.match(r"(#+) (.*)", line)
        if heading:
            paragraphs.append(paragraph(runs(heading.group(2)), style=f"Heading{len(heading.group(1))}"))
            continue
        content, at = "", 0
        for cite in re.finditer(r" ?\[@([\w.:-]+)\]", line):
            content += runs(line[at : cite.start()])
            key = cite.group(1)
            content += complex_field(zotero([item(kb.references.get(key), key)], " (1)", citation_id=f"c{number}"), " (1)")
            at = cite.end()
        paragraphs.append(paragraph(content + runs(line[at:])))
    write_docx(out, paragraphs)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "ketamine-draft.docx")
