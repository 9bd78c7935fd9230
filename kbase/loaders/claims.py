"""Read ``claims.yaml`` into records, collecting every problem with its place.

The file is composed into a YAML node tree (libyaml through ruamel.yaml.clib
when present, ruamel's pure-Python parser otherwise) and checked against the
schema by hand, node by node, so that every problem keeps the line and
column of the node it is about. Scalars are never given implicit types
(``yes`` stays the string ``"yes"``): the schema says what each field is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import LoadError, Location
from ..language.spelling import did_you_mean
from ..model import Appearance, Article, Claim, Evidence, Finding, Severity
from ..vocabulary import CLAIM_KINDS, CONCERN_SEVERITIES, CONCERNS, POOLED, STANCES, UPGRADES
from .inputs import decode_text, offset_location, read_input

__all__ = ["ClaimsFile", "SLUG", "claims_from_bytes", "load_claims", "parse_claims", "read_claims_bytes"]

#: What a claim or article id may look like: lower-case words joined by ``-``, ``_`` or ``.``.
SLUG = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*\Z")
FORMAT_VERSION = 1

TOP_FIELDS = ("kbase", "articles", "claims")
ARTICLE_FIELDS = ("title",)
CLAIM_FIELDS = ("id", "statement", "kind", "aliases", "topic", "appears_in", "evidence", "depends_on", "reviewed", "reviewed_by")
APPEARANCE_FIELDS = ("article", "section", "quote")
EVIDENCE_FIELDS = ("ref", "stance", "locator", "note", "indirect", "concerns", "upgrades", "pooled", "participants", "events")

_KINDS: dict[type, str] = {}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}


@dataclass
class ClaimsFile:
    """What ``claims.yaml`` holds, and what was wrong with it."""

    path: str
    version: int | None = None
    articles: dict[str, Article] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)


#: Claims files above this size are refused before parsing (a 20,000-claim library is about
#: 10 MB); YAML parsing costs about 0.6 s per MB, so this bounds the time a hostile file takes.
MAX_CLAIMS_BYTES = 32_000_000


def _iso_date(text: str) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def load_claims(path: str) -> ClaimsFile:
    """Read and check ``claims.yaml`` at ``path``.

    Problems in the file are collected in ``ClaimsFile.problems``; a file that
    cannot be opened or decoded yields a single problem. (Through the parse cache, and by a worker
    process for a large file: :mod:`kbase.loading.reading`.)
    """
    try:
        data = read_claims_bytes(path)
    except LoadError as exc:
        return ClaimsFile(path, problems=[_problem("syntax-error", exc.location, exc.message)])
    return claims_from_bytes(path, data)


def read_claims_bytes(path: str) -> bytes:
    """The bytes of the claims file at ``path``, refused past :data:`MAX_CLAIMS_BYTES` (raises LoadError)."""
    return read_input(path, max_bytes=MAX_CLAIMS_BYTES, what="claims files")


def claims_from_bytes(path: str, data: bytes) -> ClaimsFile:
    """What :func:`load_claims` returns for the claims file ``path`` whose bytes are ``data``."""
    try:
        return parse_claims(decode_text(path, data), path)
    except LoadError as exc:
        return ClaimsFile(path, problems=[_problem("syntax-error", exc.location, exc.message)])


def parse_claims(text: str, path: str = "claims.yaml") -> ClaimsFile:
    """Check the YAML ``text`` of a claims file named ``path``."""
    result = ClaimsFile(path)
    root = _compose(text, path, result)
    if root is not None:
        _Reader(path, result).read_root(root)
    return result


def _problem(rule: str, where: Location, message: str) -> Finding:
    return Finding(rule=rule, severity=Severity.ERROR, message=message, where=where)


#: No claims file nests this deep; libyaml's parser recurses per level and crashes the process
#: (a segmentation fault, found by fuzzing) somewhere past 20,000 levels, so deeper input is refused first.
MAX_DEPTH = 1000
_FLOW = re.compile(r"[\[\]{}]")
_DASHES = re.compile(rf"(?:-[ \t]+){{{MAX_DEPTH}}}")


def _too_deep(text: str, path: str) -> Location | None:
    """Where ``text`` first nests more than :data:`MAX_DEPTH` levels (flow brackets, or dashes on one line)."""
    depth = 0
    for match in _FLOW.finditer(text):  # brackets are rare in a claims file: this is fast
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            return offset_location(path, text, match.start())
    dashes = _DASHES.search(text)
    return offset_location(path, text, dashes.start()) if dashes else None


# What the YAML parser says, and what a writer should type instead (the parser's words are kept as detail).
_YAML_ADVICE = (
    (
        "mapping values are not allowed",
        "a ': ' inside a value starts a new field; put the whole value in quotes (statement: \"Ketamine: an anaesthetic\")",
    ),
    ("tab", "a tab is used for indentation; YAML indents with spaces only: replace the tab with spaces"),
    (
        "expected '-' indicator",
        "this line does not line up with the list above it: give it the indentation of the "
        "lines it belongs with (fields of one claim start in the same column)",
    ),
    ("expected <block end>", "this line does not line up with the lines above it: give it the indentation of the lines it belongs with"),
    (
        "could not find expected ':'",
        "a line here is not a 'field: value' pair: a ':' is missing, or the line belongs to the value above (then quote that value)",
    ),
    (
        "block sequence entries are not allowed",
        "a '- ' list item must start a line of its own, indented under its field (or write the list as [one, two])",
    ),
    ("while scanning a quoted scalar", "a quote is opened but never closed: end the value with the same quote mark"),
    ("expected ',' or ']'", "a list opened with '[' is not closed with ']' (or a ',' is missing between its items)"),
    ("expected ',' or '}'", "a mapping opened with '{' is not closed with '}' (or a ',' is missing between its fields)"),
    ("found character '@' that cannot start", "a value cannot start with '@' or '`': put it in quotes"),
    ("found character '`' that cannot start", "a value cannot start with '@' or '`': put it in quotes"),
)


def _yaml_advice(problem: str, text: str, where: Location) -> str:
    """A YAML syntax error in a writer's words, with the parser's own words kept as detail."""
    lowered = problem.lower()
    lines = text.split("\n")
    line = lines[where.line - 1] if 0 < where.line <= len(lines) else ""
    if "\t" in line[: len(line) - len(line.lstrip())]:
        lowered += " tab"  # "cannot start any token": the character is a tab in the indentation
    indented = _over_indented(lines, where.line - 1) if "mapping values are not allowed" in lowered else None
    if indented is not None:
        return f"{indented} (YAML: {problem})"
    for needle, advice in _YAML_ADVICE:
        if needle in lowered:
            return f"{advice} (YAML: {problem})"
    return f"YAML syntax error: {problem}"


def _over_indented(lines: list[str], index: int) -> str | None:
    """The advice for a field indented deeper than the field above it (``  - id: x`` then ``      statement: …``), which
    YAML reads as a value that goes on with ": " inside it; None when the line is not shaped so."""
    field = re.match(r"^( *)([A-Za-z_][\w-]*):(\s|$)", lines[index]) if 0 <= index < len(lines) else None
    previous = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), "")
    above = re.match(r"^( *(?:- +)?)([A-Za-z_][\w-]*):", previous)
    if field is None or above is None or len(field.group(1)) <= len(above.group(1)):
        return None
    return (
        f"“{lines[index].strip()}” is indented {len(field.group(1))} spaces, deeper than “{previous.strip()}” above it: "
        f"start it at column {len(above.group(1)) + 1}, under “{above.group(2)}”, as a field of the same claim"
    )


def _compose(text: str, path: str, result: ClaimsFile) -> Any:
    """The YAML node tree of ``text``, or None (with a problem recorded)."""
    deep = _too_deep(text, path)
    if deep is not None:
        result.problems.append(_problem("syntax-error", deep, f"nested more than {MAX_DEPTH} levels deep; this is not a claims file"))
        return None
    try:
        from ruamel.yaml.cyaml import CBaseLoader as Loader
    except ImportError:  # pragma: no cover - ruamel.yaml.clib missing on this platform
        from ruamel.yaml.loader import BaseLoader as Loader  # type: ignore[assignment]
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    loader = Loader(text)
    try:
        node = loader.get_single_node()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and exc.context and ("quoted scalar" in exc.context or "flow" in exc.context):
            mark = exc.context_mark  # an unclosed quote or bracket: where it was opened
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if exc.context and exc.problem:
            problem = f"{problem} ({exc.context.strip()})"
        result.problems.append(_problem("syntax-error", where, _yaml_advice(problem, text, where)))
        return None
    except ReaderError as exc:  # a character YAML does not allow (found by fuzzing)
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        result.problems.append(
            _problem(
                "syntax-error",
                offset_location(path, text, exc.position),
                f"the file holds the control character U+{ord(character):04X}, which YAML does not allow",
            )
        )
        return None
    except YAMLError as exc:
        message = " ".join(str(exc).split("\n")[0].split())
        result.problems.append(_problem("syntax-error", Location(path), f"YAML error: {message}"))
        return None
    finally:
        loader.dispose()
    if node is None:
        result.problems.append(_problem("syntax-error", Location(path), "the file is empty; it needs 'kbase: 1' and a 'claims:' list"))
    return node


class _Reader:
    """Walks the node tree once, building records and recording problems."""

    def __init__(self, path: str, result: ClaimsFile) -> None:
        self.path = path
        self.result = result
        self.seen: set[int] = set()

    # -- helpers ---------------------------------------------------------

    def where(self, node: Any) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def problem(self, node: Any, message: str, rule: str = "invalid-field") -> None:
        self.result.problems.append(_problem(rule, self.where(node), message))

    def visit(self, node: Any) -> bool:
        """False (with a problem) when ``node`` was reached before: an alias."""
        if id(node) in self.seen:
            self.problem(node, "YAML aliases (*name) are not allowed in claims.yaml; write the value out", "syntax-error")
            return False
        self.seen.add(id(node))
        return True

    def kind(self, node: Any) -> str:
        """``scalar``, ``sequence`` or ``mapping``."""
        cls = type(node)
        name = _KINDS.get(cls)
        if name is None:
            name = _KINDS[cls] = cls.__name__.replace("Node", "").lower()
        return name

    def mapping(self, node: Any, allowed: tuple[str, ...], what: str) -> dict[str, tuple[Any, Any]] | None:
        if not self.visit(node):
            return None
        if self.kind(node) != "mapping":
            self.problem(node, f"{what} must be a mapping of fields, not a {self.kind(node)}")
            return None
        fields: dict[str, tuple[Any, Any]] = {}
        for key_node, value_node in node.value:
            if self.kind(key_node) != "scalar":
                self.problem(key_node, f"{what}: field names must be plain words")
                continue
            name = key_node.value
            if name in fields:
                first = self.where(fields[name][0])
                self.problem(key_node, f"duplicate key {name!r} in {what} (first at line {first.line})", "duplicate-key")
                continue
            if name not in allowed:
                self.problem(key_node, f"unknown field {name!r} in {what}{did_you_mean(name, allowed)}")
                continue
            fields[name] = (key_node, value_node)
        return fields

    def is_null(self, node: Any) -> bool:
        return self.kind(node) == "scalar" and not node.style and node.value in _NULL

    def string(self, node: Any, what: str, *, required: bool = False) -> str | None:
        if self.is_null(node):
            if required:
                self.problem(node, f"{what} must not be empty")
            return None
        if self.kind(node) != "scalar" or not self.visit(node):
            if self.kind(node) != "scalar":
                self.problem(node, f"{what} must be text, not a {self.kind(node)}")
            return None
        value = str(node.value).strip()
        if required and not value:
            self.problem(node, f"{what} must not be empty")
            return None
        return value

    def boolean(self, node: Any, what: str) -> bool | None:
        if self.is_null(node):
            return None
        if self.kind(node) == "scalar" and not node.style:
            if node.value in _TRUE:
                return True
            if node.value in _FALSE:
                return False
        self.problem(node, f"{what} must be true or false")
        return None

    def sequence(self, node: Any, what: str) -> list[Any]:
        if self.is_null(node):
            return []
        if not self.visit(node):
            return []
        if self.kind(node) != "sequence":
            self.problem(node, f"{what} must be a list, not a {self.kind(node)}")
            return []
        return list(node.value)

    def strings(self, node: Any, what: str) -> list[tuple[str, Any]]:
        items = []
        for item in self.sequence(node, what):
            value = self.string(item, f"each entry of {what}", required=True)
            if value is not None:
                items.append((value, item))
        return items

    def choice(self, node: Any, what: str, allowed: tuple[str, ...]) -> str | None:
        value = self.string(node, what, required=True)
        if value is None:
            return None
        if value not in allowed:
            self.problem(node, f"unknown {what} {value!r}{did_you_mean(value, allowed)}; use one of: {', '.join(allowed)}")
            return None
        return value

    def slug(self, node: Any, what: str) -> str | None:
        value = self.string(node, what, required=True)
        if value is None:
            return None
        if not SLUG.match(value):
            self.problem(node, f"{what} {value!r} is not a slug (lower-case letters, digits, and - _ . between them)")
            return None
        return value

    # -- the schema ------------------------------------------------------

    def read_root(self, root: Any) -> None:
        fields = self.mapping(root, TOP_FIELDS, "the top level")
        if fields is None:
            return
        if "kbase" not in fields:
            self.problem(root, "missing 'kbase: 1' (the format version) at the top level")
        else:
            node = fields["kbase"][1]
            if self.kind(node) == "scalar" and not node.style and node.value == str(FORMAT_VERSION):
                self.result.version = FORMAT_VERSION
            else:
                self.problem(node, f"unsupported format version {getattr(node, 'value', '?')!r}; this kbase reads 'kbase: 1'")
        if "articles" in fields:
            self.read_articles(fields["articles"][1])
        if "claims" not in fields:
            self.problem(root, "missing 'claims:' list at the top level")
        else:
            self.read_claims(fields["claims"][1])

    def read_articles(self, node: Any) -> None:
        if self.is_null(node):
            return
        if self.kind(node) != "mapping" or not self.visit(node):
            if self.kind(node) != "mapping":
                self.problem(node, f"articles must be a mapping from article id to its fields, not a {self.kind(node)}")
            return
        articles = self.result.articles
        for key_node, value_node in node.value:
            article_id = self.slug(key_node, "article id")
            if article_id is None:
                continue
            if article_id in articles:
                first = articles[article_id].where
                self.problem(key_node, f"duplicate article id {article_id!r} (first at line {first.line if first else '?'})", "duplicate-key")
                continue
            title = ""
            if not self.is_null(value_node):
                fields = self.mapping(value_node, ARTICLE_FIELDS, f"article {article_id!r}")
                if fields and "title" in fields:
                    title = self.string(fields["title"][1], "title") or ""
            articles[article_id] = Article(article_id, title, self.where(key_node))

    def read_claims(self, node: Any) -> None:
        ids: dict[str, Location] = {}
        for item in self.sequence(node, "claims"):
            claim = self.read_claim(item)
            if claim is None:
                continue
            if claim.id in ids:
                self.problem(item, f"duplicate claim id {claim.id!r} (first at line {ids[claim.id].line})", "duplicate-key")
                continue
            ids[claim.id] = self.where(item)
            self.result.claims.append(claim)

    def read_claim(self, node: Any) -> Claim | None:
        fields = self.mapping(node, CLAIM_FIELDS, "a claim")
        if fields is None:
            return None
        if "id" not in fields:
            self.problem(node, "a claim needs an 'id'")
            return None
        claim_id = self.slug(fields["id"][1], "claim id")
        if claim_id is None:
            return None
        what = f"claim {claim_id!r}"
        statement = None
        if "statement" not in fields:
            self.problem(node, f"{what} needs a 'statement'")
        else:
            statement = self.string(fields["statement"][1], f"the statement of {what}", required=True)
        get: Callable[[str], Any] = lambda name: fields[name][1] if name in fields else None  # noqa: E731
        aliases = [v for v, _ in self.strings(get("aliases"), f"aliases of {what}")] if "aliases" in fields else []
        topic = (self.string(get("topic"), f"topic of {what}") or "") if "topic" in fields else ""
        kind = (self.choice(get("kind"), "kind", CLAIM_KINDS) or "") if "kind" in fields else ""
        reviewed = (self.string(get("reviewed"), f"reviewed of {what}") or "") if "reviewed" in fields else ""
        if reviewed and not _iso_date(reviewed):
            self.problem(get("reviewed"), f"reviewed of {what} must be a date written YYYY-MM-DD, not {reviewed!r}")
            reviewed = ""
        reviewed_by = (self.string(get("reviewed_by"), f"reviewed_by of {what}") or "") if "reviewed_by" in fields else ""
        appears = (
            [a for a in (self.read_appearance(n, what) for n in self.sequence(get("appears_in"), f"appears_in of {what}")) if a]
            if "appears_in" in fields
            else []
        )
        evidence = (
            [e for e in (self.read_evidence(n, what) for n in self.sequence(get("evidence"), f"evidence of {what}")) if e]
            if "evidence" in fields
            else []
        )
        premises = []
        if "depends_on" in fields:
            for value, item in self.strings(get("depends_on"), f"depends_on of {what}"):
                if value == claim_id:
                    self.problem(item, f"{what} cannot depend on itself", "premise-cycle")
                    continue
                premises.append(value)
        if statement is None:
            return None
        return Claim(
            id=claim_id,
            statement=statement,
            aliases=tuple(aliases),
            topic=topic,
            appears_in=tuple(appears),
            evidence=tuple(evidence),
            depends_on=tuple(premises),
            where=self.where(node),
            kind=kind,
            reviewed=reviewed,
            reviewed_by=reviewed_by,
        )

    def read_appearance(self, node: Any, what: str) -> Appearance | None:
        fields = self.mapping(node, APPEARANCE_FIELDS, f"an appears_in entry of {what}")
        if fields is None:
            return None
        if "article" not in fields:
            self.problem(node, f"an appears_in entry of {what} needs an 'article'")
            return None
        article = self.slug(fields["article"][1], "article id")
        if article is None:
            return None
        section = self.string(fields["section"][1], "section") if "section" in fields else None
        quote = self.string(fields["quote"][1], "quote") if "quote" in fields else None
        return Appearance(article, section or "", quote or "", self.where(node))

    def read_evidence(self, node: Any, what: str) -> Evidence | None:
        fields = self.mapping(node, EVIDENCE_FIELDS, f"an evidence link of {what}")
        if fields is None:
            return None
        if "ref" not in fields:
            self.problem(node, f"an evidence link of {what} needs a 'ref' (a key of references.bib)")
            return None
        ref = self.string(fields["ref"][1], "ref", required=True)
        stance = self.choice(fields["stance"][1], "stance", STANCES) if "stance" in fields else None
        if "stance" not in fields:
            self.problem(node, f"the evidence link to {ref!r} in {what} needs a 'stance' ({', '.join(STANCES)})")
        locator = self.string(fields["locator"][1], "locator") if "locator" in fields else None
        note = self.string(fields["note"][1], "note") if "note" in fields else None
        indirect = self.boolean(fields["indirect"][1], "indirect") if "indirect" in fields else None
        concerns, severities = self.concerns(fields["concerns"][1]) if "concerns" in fields else ([], [])
        upgrades: list[str] = []
        for value, item in self.strings(fields["upgrades"][1], "upgrades") if "upgrades" in fields else []:
            if value not in UPGRADES:
                self.problem(item, f"unknown upgrade {value!r}{did_you_mean(value, list(UPGRADES))}; use one of: {', '.join(UPGRADES)}")
            elif value in upgrades:
                self.problem(item, f"upgrade {value!r} is listed twice", "duplicate-key")
            else:
                upgrades.append(value)
        pooled = self.choice(fields["pooled"][1], "pooled", tuple(POOLED)) if "pooled" in fields else None
        participants = self.count(fields["participants"][1], "participants") if "participants" in fields else None
        events = self.count(fields["events"][1], "events") if "events" in fields else None
        if participants is not None and events is not None and events > participants:
            self.problem(fields["events"][1], f"events ({events}) cannot be more than participants ({participants})")
        if ref is None or stance is None:
            return None
        return Evidence(
            ref=ref,
            stance=stance,
            locator=locator or "",
            note=note or "",
            indirect=bool(indirect),
            concerns=tuple(concerns),
            where=self.where(node),
            assessed="concerns" in fields,
            severities=tuple(severities),
            upgrades=tuple(upgrades),
            pooled=pooled or "",
            participants=participants,
            events=events,
        )

    def concerns(self, node: Any) -> tuple[list[str], list[tuple[str, str]]]:
        """A link's ``concerns``: a list (each domain one level) or a mapping of domain to severity
        (``not-serious``, ``serious``, ``very-serious``); as one entry per level lowered, and the mapping's pairs."""
        lowered: list[str] = []
        pairs: list[tuple[str, str]] = []
        if self.kind(node) == "mapping":
            fields = self.mapping(node, CONCERNS, "concerns") or {}
            for domain, (_, value) in fields.items():
                severity = self.choice(value, f"severity of {domain}", tuple(CONCERN_SEVERITIES))
                if severity is not None:
                    pairs.append((domain, severity))
                    lowered.extend([domain] * CONCERN_SEVERITIES[severity])
            return lowered, pairs
        for value, item in self.strings(node, "concerns"):
            if value not in CONCERNS:
                self.problem(item, f"unknown concern {value!r}{did_you_mean(value, CONCERNS)}; use one of: {', '.join(CONCERNS)}")
            elif value in lowered:
                self.problem(
                    item, f"concern {value!r} is listed twice; for a very serious concern write concerns: {{{value}: very-serious}}", "duplicate-key"
                )
            else:
                lowered.append(value)
        return lowered, []

    def count(self, node: Any, what: str) -> int | None:
        """A whole number of people or events (0 or more)."""
        value = self.string(node, what, required=True)
        if value is None:
            return None
        if not re.fullmatch(r"\d{1,9}", value.replace(",", "").replace("_", "")):
            self.problem(node, f"{what} must be a whole number, such as 120")
            return None
        return int(value.replace(",", "").replace("_", ""))
