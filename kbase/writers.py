"""Writing a whole library out: ``claims.yaml`` and ``references.bib`` from records.

Used to create a library from code (and by the property tests: load → write → load is the
identity). Editing an existing file goes through :mod:`kbase.edit`, which keeps its layout.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from .bibtex import entry_text
from .model import Article, Claim, Reference

__all__ = ["round_trip_yaml", "bib_text", "claims_text"]


def claims_text(claims: Iterable[Claim], articles: Iterable[Article] = ()) -> str:
    """``claims.yaml`` for ``claims`` and ``articles`` (fields left at their defaults are omitted)."""
    from ruamel.yaml import YAML

    doc: dict[str, object] = {"kbase": 1}
    articles = list(articles)
    if articles:
        doc["articles"] = {a.id: ({"title": a.title} if a.title else None) for a in articles}
    items = []
    for claim in claims:
        item: dict[str, object] = {"id": claim.id, "statement": claim.statement}
        if claim.kind:
            item["kind"] = claim.kind
        if claim.reviewed:
            item["reviewed"] = claim.reviewed
        if claim.reviewed_by:
            item["reviewed_by"] = claim.reviewed_by
        if claim.aliases:
            item["aliases"] = list(claim.aliases)
        if claim.topic:
            item["topic"] = claim.topic
        if claim.appears_in:
            item["appears_in"] = [
                {k: v for k, v in (("article", a.article), ("section", a.section), ("quote", a.quote)) if v} for a in claim.appears_in
            ]
        if claim.evidence:
            links = []
            for e in claim.evidence:
                link: dict[str, object] = {"ref": e.ref, "stance": e.stance}
                if e.locator:
                    link["locator"] = e.locator
                if e.note:
                    link["note"] = e.note
                if e.indirect:
                    link["indirect"] = True
                if e.severities:
                    link["concerns"] = dict(e.severities)
                elif e.concerns or e.assessed:
                    link["concerns"] = list(e.concerns)
                if e.upgrades:
                    link["upgrades"] = list(e.upgrades)
                if e.pooled:
                    link["pooled"] = e.pooled
                if e.participants is not None:
                    link["participants"] = e.participants
                if e.events is not None:
                    link["events"] = e.events
                links.append(link)
            item["evidence"] = links
        if claim.depends_on:
            item["depends_on"] = list(claim.depends_on)
        items.append(item)
    doc["claims"] = items
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.representer.sort_base_mapping_type_on_output = False  # keep file order, ids first
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def bib_text(references: Iterable[Reference]) -> str:
    """BibTeX for ``references``, writing each entry's fields as they were read."""

    blocks = [entry_text(ref.entry_type, ref.key, ref.fields, raw=True) for ref in references]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def round_trip_yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> Any:
    """The ruamel.yaml round-trip reader and writer every edit of ``claims.yaml`` goes through (comments,
    quotes and order kept; lines never folded), indented as given (``kbase fmt``: 2, 4, 2)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml
