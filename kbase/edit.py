"""Editing ``claims.yaml`` without losing anything: round-trip YAML, validation, atomic writes, a lock.

Every edit goes the same way:

1. take the lock ``claims.yaml.lock`` (:func:`kbase.files.library_lock`: another kbase editing the
   same file waits, then gives a clear message; a lock left by a killed process is free);
2. read the file with ruamel.yaml in round-trip mode (comments, key order, quoting and blank
   lines are kept; the indentation is detected from the file);
3. change the data;
4. check the result as ``kbase check`` would — it must load without problems, and must not add a
   dangling reference, a duplicate id or a premise cycle — and refuse with the reason otherwise,
   leaving the file untouched;
5. write it atomically (temporary file in the same folder, flush, fsync, ``os.replace``, mode
   kept) and release the lock.

Only the lines an edit touches change.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .audit.library import dangling_references, premise_cycle_findings
from .errors import KbaseError, LoadError, ProblemsFound
from .files import LockHeld, library_lock, write_atomic_bytes
from .grading import premise_cycles
from .graph import build_graph
from .language.spelling import did_you_mean
from .loaders.bib import library_references, load_bibs
from .loaders.claims import parse_claims
from .loaders.inputs import read_text
from .model import Finding
from .vocabulary import Severity
from .writers import round_trip_yaml

__all__ = ["ClaimsEditor", "EditRefused", "LockHeld"]


class EditRefused(KbaseError):
    """The edit would leave the library invalid; nothing was written."""


def _indentation(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as ruamel.yaml wants them, read from the file's own layout."""
    lines = text.splitlines()
    mapping, sequence, offset = 2, 4, 2
    for i, line in enumerate(lines[:-1]):
        parent = re.match(r"^(\s*)[\w-]+:\s*(#.*)?$", line)
        if not parent:
            continue
        child = next((l for l in lines[i + 1 :] if l.strip() and not l.lstrip().startswith("#")), "")
        dash = re.match(r"^(\s*)- (\s*)", child)
        if dash:
            offset = len(dash.group(1)) - len(parent.group(1))
            sequence = offset + 2 + len(dash.group(2))
            break
    for i, line in enumerate(lines[:-1]):
        parent = re.match(r"^(\s*)[\w-]+:\s*$", line)
        child = re.match(r"^(\s*)[\w-]+:", lines[i + 1]) if parent else None
        if parent and child and len(child.group(1)) > len(parent.group(1)):
            mapping = len(child.group(1)) - len(parent.group(1))
            break
    return mapping, max(sequence, offset + 2), max(offset, 0)


def _is_block(value: Any) -> bool:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    # a flow collection ([a, b]) ends on its key's line, like a scalar
    return isinstance(value, (CommentedMap, CommentedSeq)) and len(value) > 0 and not value.fa.flow_style()


def _tail(node: Any) -> tuple[Any, Any, int] | None:
    """(container, key, slot) of the last scalar inside ``node``: where ruamel keeps the comment
    and blank lines that follow ``node`` in the file."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap) and len(node):
        key = list(node.keys())[-1]
        return _tail(node[key]) if _is_block(node[key]) else (node, key, 2)
    if isinstance(node, CommentedSeq) and len(node):
        return _tail(node[-1]) if _is_block(node[-1]) else (node, len(node) - 1, 0)
    return None


def _take_trailing(seq: Any) -> str | None:
    """Detach the blank lines / full-line comments after the last item of block sequence ``seq``.

    Returns them as text (each line ending in a newline), or None. ruamel keeps them either in
    the sequence's ``ca.end`` or in the comment slot of the item's last scalar, together with the
    newline that ends that scalar's line (and any end-of-line comment, which stays put).
    """
    if seq.ca.end:
        token, seq.ca.end = seq.ca.end[0], []
        return token.value
    found = _tail(seq[-1]) if len(seq) else None
    if found is None:
        return None
    container, key, slot = found
    entry = container.ca.items.get(key)
    if not entry or len(entry) <= slot or entry[slot] is None:
        return None
    token = entry[slot]
    head, newline, rest = token.value.partition("\n")
    if not rest:
        return None
    if head.strip():
        token.value = head + newline  # keep "  # why" on its line
    else:
        entry[slot] = None
    return rest


def _put_trailing(seq: Any, lines: str | None) -> None:
    """Attach ``lines`` (from :func:`_take_trailing`) after the last item of block sequence ``seq``."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if not lines or not len(seq):
        return
    found = _tail(seq[-1])
    if found is None:
        return
    container, key, slot = found
    items = container.ca.items.setdefault(key, [None, None, None, None])
    while len(items) <= slot:
        items.append(None)
    if items[slot] is not None:
        items[slot].value = items[slot].value.rstrip("\n") + "\n" + lines
    else:
        items[slot] = CommentToken("\n" + lines, CommentMark(0), None)


def _put_trailing_after(mapping: Any, lines: str) -> None:
    """Attach ``lines`` after the last line of ``mapping`` (an item of a block sequence)."""
    from ruamel.yaml.comments import CommentedSeq

    _put_trailing(CommentedSeq([mapping]), lines)  # a holder only: the mapping is not moved


def _mapping(*pairs: tuple[str, Any]) -> Any:
    """A round-trip mapping of the pairs whose value is given (None and "" are left out)."""
    from ruamel.yaml.comments import CommentedMap

    mapping = CommentedMap()
    for key, value in pairs:
        if value is not None and value != "":
            mapping[key] = value
    return mapping


def _append(seq: Any, item: Any) -> None:
    """Append ``item`` to ``seq``, keeping the blank line or comment that followed the old last item after the new one."""
    lines = _take_trailing(seq)
    seq.append(item)
    _put_trailing(seq, lines)


class ClaimsEditor:
    """Edits one ``claims.yaml`` (see the module docs), checked against the library's references.

    Parameters
    ----------
    claims_path : path
        The claims file.
    bib_paths : list of paths
        The BibTeX files whose keys links may name.
    """

    def __init__(self, claims_path: str | Path, bib_paths: Sequence[str | Path], encoding: str = "utf-8") -> None:
        self.path = str(claims_path)
        self.bib_paths = [str(p) for p in bib_paths]
        self.encoding = encoding

    # -- machinery ---------------------------------------------------------------

    def _yaml(self, text: str) -> Any:
        return round_trip_yaml(*_indentation(text))

    def _errors(self, text: str) -> list[str]:
        """Why ``text`` would not be a valid library (empty when it is): the loader's problems, then the
        library audit's own checks of dangling references and premise cycles."""
        parsed = parse_claims(text, self.path)
        if parsed.problems:
            return [f"{p.where}: {p.message}" for p in parsed.problems]
        references = library_references(load_bibs(self.bib_paths, self.encoding))[0]
        graph = build_graph(parsed.claims, references, parsed.articles.values())
        found = [f for claim in parsed.claims for f in dangling_references(graph, claim)]
        found += premise_cycle_findings(graph, premise_cycles(graph))
        return [f.message for f in found]

    def _read(self) -> tuple[str, bool]:
        """The file's text and whether it starts with a byte-order mark (kept on writing).

        A file that cannot be read as a library (bad YAML, wrong shape, unknown fields, encoding)
        raises :class:`~kbase.errors.ProblemsFound` with the same located problems as ``kbase check``:
        an editor never guesses at a structure it could not read.
        """

        try:
            text = read_text(self.path)
        except LoadError as exc:
            raise ProblemsFound([Finding("syntax-error", Severity.ERROR, exc.message, exc.location)]) from None
        parsed = parse_claims(text, self.path)
        if parsed.problems:
            raise ProblemsFound(list(parsed.problems), (len(parsed.claims), 0))
        with open(self.path, "rb") as handle:
            bom = handle.read(3) == codecs.BOM_UTF8
        return text, bom

    def _write(self, new: str, old: str, bom: bool) -> None:
        if new != old:
            write_atomic_bytes(self.path, (codecs.BOM_UTF8 if bom else b"") + new.encode("utf-8"))

    def prepare(self, change: Callable[[Any], None]) -> tuple[str, bytes | None]:
        """Apply ``change`` to the parsed document and check the result, writing nothing.

        Returns the new text and the bytes to write (None when nothing changed). The caller holds
        :func:`~kbase.files.library_lock`; :meth:`edit` does, and so does a change that writes this
        file together with others (``kbase refs dedupe --apply``).
        """
        text, bom = self._read()
        yaml = self._yaml(text)
        data = yaml.load(text)
        before = self._errors(text)
        change(data)
        out = io.StringIO()
        yaml.dump(data, out)
        new = out.getvalue()
        if "\r\n" in text:
            new = new.replace("\r\n", "\n").replace("\n", "\r\n")
        errors = [e for e in self._errors(new) if e not in before]
        if errors:
            raise EditRefused("; ".join(errors) + f" — {self.path} left unchanged")
        return new, ((codecs.BOM_UTF8 if bom else b"") + new.encode("utf-8") if new != text else None)

    def edit(self, change: Callable[[Any], None]) -> str:
        """Apply ``change`` to the parsed document under the lock; check; write. Returns the new text."""
        with library_lock(self.path, self.bib_paths):
            new, data = self.prepare(change)
            if data is not None:
                write_atomic_bytes(self.path, data)
            return new

    @staticmethod
    def rename_references(renamed: dict[str, str]) -> Callable[[Any], None]:
        """A change that points every evidence link at ``renamed[key]`` instead of ``key``.

        Only the ``ref:`` values of evidence links change (never a note that mentions the key); a
        link that becomes a repeat of one the claim already has (same reference and stance) is
        dropped, since the kept reference already carries it.
        """

        def change(data: Any) -> None:
            for claim in data.get("claims") or []:
                evidence = claim.get("evidence") or []
                seen: set[tuple[str, str]] = set()
                repeats = []
                for index, link in enumerate(evidence):
                    if link.get("ref") in renamed:
                        link["ref"] = renamed[link["ref"]]
                    pair = (str(link.get("ref")), str(link.get("stance")))
                    if pair in seen:
                        repeats.append(index)
                    seen.add(pair)
                for index in reversed(repeats):
                    del evidence[index]

        return change

    @staticmethod
    def _claim(data: Any, claim_id: str) -> Any:
        for claim in data.get("claims") or []:
            if claim.get("id") == claim_id:
                return claim

        ids = [c.get("id") for c in data.get("claims") or [] if c.get("id")]
        raise EditRefused(f"no claim {claim_id!r}{did_you_mean(claim_id, ids)}")

    # -- edits -------------------------------------------------------------------

    def add_claim(
        self,
        claim_id: str,
        statement: str,
        *,
        topic: str | None = None,
        article: str | None = None,
        section: str | None = None,
        quote: str | None = None,
    ) -> str:
        """Append a claim (refused if the id exists or is not a slug)."""
        from ruamel.yaml.comments import CommentedSeq

        def change(data: Any) -> None:
            claims = data.get("claims")
            if claims is None:
                data["claims"] = claims = CommentedSeq()
            if any(c.get("id") == claim_id for c in claims):
                raise EditRefused(f"a claim {claim_id!r} already exists")
            appearance = _mapping(("article", article), ("section", section), ("quote", quote)) if article else None
            claim = _mapping(
                ("id", claim_id), ("statement", statement), ("topic", topic), ("appears_in", CommentedSeq([appearance]) if appearance else None)
            )
            _append(claims, claim)

        return self.edit(change)

    def set_article(self, article_id: str, title: str) -> str:
        """Change an article's title; refused when the article is not listed."""

        def change(data: Any) -> None:
            articles = data.get("articles") or {}
            if article_id not in articles:
                raise EditRefused(f"no article {article_id!r}{did_you_mean(article_id, list(articles))}")
            articles[article_id]["title"] = title

        return self.edit(change)

    def add_article(self, article_id: str, title: str) -> str:
        """Add an article (under ``articles:``) that claims can name in ``appears_in``; refused if the id exists."""
        from ruamel.yaml.comments import CommentedMap

        def change(data: Any) -> None:
            articles = data.get("articles")
            if articles is None:
                articles = CommentedMap()
                data.insert(list(data).index("claims") if "claims" in data else len(data), "articles", articles)
            if article_id in articles:
                raise EditRefused(f"an article {article_id!r} already exists")
            articles[article_id] = _mapping(("title", title))

        return self.edit(change)

    def review(self, claim_id: str, date: str, by: str | None = None) -> str:
        """Record that a reviewer checked the claim and its evidence on ``date`` (YYYY-MM-DD)."""

        def change(data: Any) -> None:
            claim = self._claim(data, claim_id)
            claim["reviewed"] = date
            if by:
                claim["reviewed_by"] = by

        return self.edit(change)

    def set_claim(
        self,
        claim_id: str,
        *,
        statement: str | None = None,
        topic: str | None = None,
        aliases: Sequence[str] = (),
        kind: str | None = None,
        article: str | None = None,
        section: str | None = None,
    ) -> str:
        """Change a claim's statement, topic or kind (``CLAIM_KINDS``), or add aliases (other wordings the draft audit matches)."""
        from ruamel.yaml.comments import CommentedSeq

        def change(data: Any) -> None:
            claim = self._claim(data, claim_id)
            if statement is not None:
                claim["statement"] = statement
            if topic is not None:
                claim["topic"] = topic
            if article is not None:  # one more article the claim appears in (a dangling article id is refused by the check)
                shown = claim.get("appears_in")
                if shown is None:
                    claim["appears_in"] = shown = CommentedSeq()
                if any(isinstance(a, dict) and a.get("article") == article for a in shown):
                    raise EditRefused(f"claim {claim_id!r} already appears in article {article!r}")
                shown.append(_mapping(("article", article), ("section", section)))
            if kind is not None:
                if "kind" in claim:
                    claim["kind"] = kind
                else:
                    claim.insert(list(claim).index("statement") + 1 if "statement" in claim else len(claim), "kind", kind)
            if aliases:
                present = claim.get("aliases")
                if present is None:
                    position = list(claim).index("statement") + 1 if "statement" in claim else len(claim)
                    claim.insert(position, "aliases", CommentedSeq())
                    present = claim["aliases"]
                for alias in aliases:
                    if alias in present:
                        raise EditRefused(f"claim {claim_id!r} already has the alias {alias!r}")
                    present.append(alias)

        return self.edit(change)

    def link(
        self,
        claim_id: str,
        ref: str,
        stance: str,
        *,
        locator: str | None = None,
        note: str | None = None,
        indirect: bool = False,
        concerns: Sequence[str] = (),
    ) -> str:
        """Add an evidence link (refused if the same reference and stance are already linked)."""
        from ruamel.yaml.comments import CommentedSeq

        def change(data: Any) -> None:
            claim = self._claim(data, claim_id)
            evidence = claim.get("evidence")
            if evidence is None:
                claim["evidence"] = evidence = CommentedSeq()
            if any(e.get("ref") == ref and e.get("stance") == stance for e in evidence):
                raise EditRefused(f"claim {claim_id!r} already has a {stance} link to {ref!r}")
            flow = None
            if concerns:
                flow = CommentedSeq(list(concerns))
                flow.fa.set_flow_style()
            link = _mapping(
                ("ref", ref), ("stance", stance), ("locator", locator), ("note", note), ("indirect", True if indirect else None), ("concerns", flow)
            )
            _append(evidence, link)

        return self.edit(change)

    def unlink(self, claim_id: str, ref: str, stance: str | None = None) -> str:
        """Remove the links from ``claim_id`` to ``ref`` (of one stance, or all)."""

        def change(data: Any) -> None:
            claim = self._claim(data, claim_id)
            evidence = claim.get("evidence") or []
            keep = [e for e in evidence if not (e.get("ref") == ref and (stance is None or e.get("stance") == stance))]
            if len(keep) == len(evidence):
                raise EditRefused(f"claim {claim_id!r} has no {stance + ' ' if stance else ''}link to {ref!r}")
            token = _take_trailing(evidence)
            for item in [e for e in evidence if e not in keep]:
                del evidence[next(i for i, e in enumerate(evidence) if e is item)]
            if evidence:
                _put_trailing(evidence, token)
            else:
                del claim["evidence"]
                claims = data["claims"]
                if token is not None and claims and claims[-1] is not claim:
                    _put_trailing_after(claim, token)

        return self.edit(change)

    def rename(self, old: str, new: str) -> str:
        """Rename a claim and every ``depends_on`` that names it."""

        def change(data: Any) -> None:
            claim = self._claim(data, old)
            if any(c.get("id") == new for c in data.get("claims") or []):
                raise EditRefused(f"a claim {new!r} already exists")
            claim["id"] = new
            for other in data.get("claims") or []:
                premises = other.get("depends_on") or []
                for i, premise in enumerate(premises):
                    if premise == old:
                        premises[i] = new

        return self.edit(change)

    def depend(self, claim_id: str, premise: str) -> str:
        """Make ``premise`` a premise of ``claim_id`` (refused if it would close a cycle)."""
        from ruamel.yaml.comments import CommentedSeq

        def change(data: Any) -> None:
            claim = self._claim(data, claim_id)
            premises = claim.get("depends_on")
            if premises is None:
                premises = CommentedSeq()
                premises.fa.set_flow_style()
                claim["depends_on"] = premises
            if premise not in premises:
                premises.append(premise)

        return self.edit(change)

    def fmt(self) -> str:
        """Rewrite the file in kbase's layout (2-space mappings, lists indented under their key)."""
        with library_lock(self.path, self.bib_paths):
            text, bom = self._read()
            yaml = round_trip_yaml(2, 4, 2)
            data = yaml.load(text)
            out = io.StringIO()
            yaml.dump(data, out)
            new = out.getvalue()
            if self._errors(new) != self._errors(text):
                raise EditRefused(f"formatting would change what {self.path} says; left unchanged")
            self._write(new, text, bom)
            return new
