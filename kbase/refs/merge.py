"""``kbase refs dedupe --apply``: merge duplicate entries, editing the files as little as possible.

For each group the kept entry gains, at its end, the fields it lacked that a duplicate had; the
duplicates' blocks are cut out of their ``.bib`` files; every evidence link in ``claims.yaml``
that named a duplicate now names the kept key (through the YAML structure: a note that mentions
a key is left alone). Everything else stays byte for byte, and all files change in one
transaction under the library lock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..bibtex import bib_value
from ..edit import ClaimsEditor
from ..errors import KbaseError
from ..files import library_lock, write_together
from ..loaders.bib import mask_commented_entries
from ..model import Reference
from .dedupe import DuplicateGroup
from .fmt import format_bib, parsed_content

__all__ = ["apply_merges", "with_fields_set"]


def _read(path: str) -> str:
    # newline="" and no BOM stripping: what is written back differs only where kbase edits
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _blocks(text: str) -> dict[str, tuple[int, int, str]]:
    """Each entry's (start offset, end offset, raw text) in ``text``."""
    import bibtexparser

    library = bibtexparser.parse_string(mask_commented_entries(text), parse_stack=[])
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    spans = {}
    for entry in library.entries:
        start = text.find(entry.raw, line_starts[entry.start_line])
        if start >= 0:
            spans[entry.key] = (start, start + len(entry.raw), entry.raw)
    return spans


def _with_fields(raw: str, additions: Sequence[tuple[str, str]]) -> str:
    if not additions:
        return raw
    close = raw.rstrip().rfind("}")
    body = raw[:close].rstrip()
    if not body.endswith(","):
        body += ","
    lines = "".join(f"\n  {name} = {value}," for name, value in additions)
    return body + lines + "\n" + raw[close:]


def _field_spans(raw: str) -> dict[str, tuple[int, int]]:
    """Where each field's value is in an entry's raw text: ``{name: (start, end)}`` (first occurrence)."""
    spans: dict[str, tuple[int, int]] = {}
    for match in re.finditer(r"(?:^|[,{(])\s*([A-Za-z][\w-]*)\s*=\s*", raw):
        start = i = match.end()
        depth, quoted = 0, False
        while i < len(raw):
            char = raw[i]
            if char == "\\":
                i += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    break  # the entry's own closing brace
                depth -= 1
            elif char == '"' and depth == 0:
                quoted = not quoted
            elif char == "," and depth == 0 and not quoted:
                break
            i += 1
        spans.setdefault(match.group(1).lower(), (start, len(raw[:i].rstrip()) if i <= len(raw) else i))
    return spans


def with_fields_set(text: str, key: str, fields: Sequence[tuple[str, str]]) -> str:
    """``text`` (a whole .bib) with entry ``key``'s fields set: a field it has gets the new value in place,
    one it lacks is added before the closing brace. Values are written with :func:`~kbase.bibtex.bib_value`,
    so no value can close its field or start others; everything else stays byte for byte."""
    span = _blocks(text).get(key)
    if span is None:
        raise KbaseError(f"cannot find the entry {key!r} to edit; run `kbase refs fmt` first")
    start, end, raw = span
    additions = []
    for name, value in fields:
        place = _field_spans(raw).get(name.lower())
        if not value.strip():  # an empty value removes the field (kbase never writes `year = {}`)
            if place is not None:
                raw = _without_field(raw, name.lower(), place)
        elif place is None:
            additions.append((name.lower(), bib_value(value)))
        else:
            raw = raw[: place[0]] + bib_value(value) + raw[place[1] :]
    return text[:start] + _formatted(_with_fields(raw, additions)) + text[end:]


def _formatted(raw: str) -> str:
    """One edited entry in ``kbase refs fmt``'s layout (fields in its order), so that an edit leaves a formatted
    file formatted; the entry as it is when it cannot be laid out losslessly."""

    try:
        laid_out = format_bib(raw, "entry.bib").rstrip("\n")
        if parsed_content(laid_out, "entry.bib") == parsed_content(raw, "entry.bib"):
            return laid_out + raw[len(raw.rstrip()) :]
    except Exception:  # noqa: BLE001 - the entry stays as written: the edit is still checked when read back
        pass
    return raw


def _without_field(raw: str, name: str, place: tuple[int, int]) -> str:
    """An entry's raw text without the field ``name`` whose value spans ``place``: its line, or its part of one."""
    head = [m for m in re.finditer(rf"(?:^|[,{{(])(\s*){re.escape(name)}\s*=\s*", raw, re.I) if m.end() == place[0]]
    begin = head[0].start(1) if head else place[0]
    stop = place[1]
    tail = re.match(r"\s*,?[ \t]*", raw[stop:])
    stop += tail.end() if tail else 0
    if "\n" in raw[begin : place[0]] and raw[stop : stop + 1] == "\n":
        begin = raw.rfind("\n", 0, place[0])  # the whole line goes, with its line break
    return raw[:begin] + raw[stop:]


def apply_merges(
    groups: Sequence[DuplicateGroup], references: dict[str, Reference], claims_path: str, encoding: str = "utf-8", bib_files: Sequence[str] = ()
) -> dict[str, str]:
    """Merge every group into its kept key; returns ``{removed key: kept key}``.

    Under the library lock, the new ``.bib`` files and the new ``claims.yaml`` (links renamed
    through the YAML structure, :meth:`~kbase.edit.ClaimsEditor.rename_references`) are prepared,
    then written as one transaction (:func:`~kbase.files.write_together`): a crash at any step
    leaves the old files or the new ones, never a link to a removed key.
    """

    renamed = {key: group.keep for group in groups for key in group.keys if key != group.keep}
    if not renamed:
        return {}
    bib_paths = list(dict.fromkeys(r.where.path for r in references.values() if r.where))
    with library_lock(claims_path, [*bib_paths, *bib_files]):
        changes: dict[str, bytes] = {path: text.encode(encoding) for path, text in _merged_bibs(groups, references).items()}
        if Path(claims_path).exists():
            _, claims_bytes = ClaimsEditor(claims_path, bib_paths, encoding).prepare(ClaimsEditor.rename_references(renamed))
            if claims_bytes is not None:
                changes[claims_path] = claims_bytes
        write_together(changes, claims_path)
    return renamed


def _merged_bibs(groups: Sequence[DuplicateGroup], references: dict[str, Reference]) -> dict[str, str]:
    """The new text of each ``.bib`` file: kept entries gain the fields they lacked, duplicates are cut out."""
    edits: dict[str, list[tuple[int, int, str]]] = {}
    texts: dict[str, str] = {}
    for group in groups:
        kept = references[group.keep]
        have = {name for name, _ in kept.fields}
        additions: list[tuple[str, str]] = []
        for key in group.keys:
            if key == group.keep:
                continue
            for name, value in references[key].fields:
                if name not in have:
                    have.add(name)
                    additions.append((name, bib_value(value, raw=True)))
        for key in group.keys:
            path = references[key].where.path if references[key].where else None
            if path is None:
                raise KbaseError(f"cannot tell which file holds {key!r}")
            if path not in texts:
                texts[path] = _read(path)
            span = _blocks(texts[path]).get(key)
            if span is None:
                raise KbaseError(f"{path}: cannot find the entry {key!r} to edit; run `kbase refs fmt` first")
            start, end, raw = span
            if key == group.keep:
                edits.setdefault(path, []).append((start, end, _formatted(_with_fields(raw, additions))))
            else:
                while end < len(texts[path]) and texts[path][end] in "\r\n" and end - span[1] < 2:
                    end += 1  # the block's own line break and one blank line go with it
                edits.setdefault(path, []).append((start, end, ""))
    new_texts = {}
    for path, changes in edits.items():
        text = texts[path]
        for start, end, replacement in sorted(changes, reverse=True):
            text = text[:start] + replacement + text[end:]
        new_texts[path] = text
    return new_texts
