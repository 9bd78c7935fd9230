"""``kbase refs fmt``: a normal layout for a BibTeX file that loses nothing.

The file is parsed with no middleware (values stay as written, ``@string`` macros and ``#``
concatenations included) and written back by bibtexparser's writer with two-space indentation,
one blank line between blocks and the common fields first. Parsing the result gives the same
entries, fields, strings, comments and preambles; formatting it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from ..errors import LoadError, Location
from ..loaders.bib import COMMENTED_AT, early_closes, mask_commented_entries

__all__ = ["FIELD_ORDER", "format_bib", "parsed_content"]

FIELD_ORDER = (
    "author",
    "editor",
    "title",
    "journal",
    "journaltitle",
    "booktitle",
    "year",
    "date",
    "volume",
    "number",
    "pages",
    "publisher",
    "doi",
    "pmid",
    "isbn",
    "issn",
    "url",
    "design",
    "reports",
    "pubstate",
)


def _parse(text: str, path: str) -> Any:
    import bibtexparser
    from bibtexparser import model as bm

    library = bibtexparser.parse_string(mask_commented_entries(text), parse_stack=[])
    for block in library.failed_blocks:
        # a complete block with a repeated key or field is written back as it is; a block the
        # parser gave up on is not: where it ends is unknown, so reformatting could change it
        if not isinstance(block, (bm.DuplicateBlockKeyBlock, bm.DuplicateFieldKeyBlock)):
            raise LoadError(Location(path, block.start_line + 1, 1), "cannot format a file with a block that does not parse; `kbase check` shows it")
    for problem in early_closes(path, library.blocks):  # formatting would make the lost fields' loss permanent
        raise LoadError(problem.where, f"cannot format: {problem.message}")  # type: ignore[arg-type]
    return library


def format_bib(text: str, path: str = "references.bib") -> str:
    """``text`` in kbase's layout (see the module docs).

    Blocks with a repeated key or field are written back as they were: formatting fixes nothing
    behind the user's back.

    Raises
    ------
    LoadError
        When a block does not parse (an unclosed brace): it is fixed first, never reformatted.
    """
    import bibtexparser
    from bibtexparser.middlewares import SortFieldsCustomMiddleware

    library = _parse(text, path)
    layout = bibtexparser.BibtexFormat()
    layout.indent = "  "
    layout.block_separator = "\n"
    layout.trailing_comma = True
    layout.parsing_failed_comment = ""
    order = SortFieldsCustomMiddleware(order=FIELD_ORDER, case_sensitive=False, allow_inplace_modification=True)
    out = bibtexparser.write_string(library, unparse_stack=[order], bibtex_format=layout)
    if COMMENTED_AT not in text:
        out = out.replace(COMMENTED_AT, "@")
    return out.strip("\n") + "\n"


def parsed_content(text: str, path: str = "references.bib") -> dict[str, Any]:
    """What a file says, independent of layout and order: for checking that formatting lost nothing."""
    library = _parse(text, path)
    return {
        "entries": sorted((e.entry_type.lower(), e.key, tuple(sorted((f.key, str(f.value)) for f in e.fields))) for e in library.entries),
        "strings": sorted((s.key, str(s.value)) for s in library.strings),
        "preambles": sorted(str(p.value) for p in library.preambles),
        "comments": sorted(" ".join(str(c.comment).split()) for c in library.comments if str(c.comment).strip()),
        "failed": sorted(" ".join(b.raw.split()) for b in library.failed_blocks),
    }
