"""The draft audit: sentence by sentence, where the evidence is missing or wrong.

Rules (registered in :mod:`kbase.audit.rules`, documented in ``docs/drafts.md``):
``uncited-claim``, ``miscited-claim``, ``contradicting-citation``, ``unknown-citation``,
``unregistered-claim``, ``weak-claim-in-draft``, ``reference-list-only``,
``overstated-claim``, ``one-sided-citation``, ``quantity-mismatch``, ``preprint-superseded``.

The audit is a pipeline of named steps, each a function with its own tests:

1. :func:`~kbase.drafts.reader.read_draft` — the draft as located sentences and its reference list;
2. :func:`resolve_citations` — what each sentence cites, as library keys;
3. :func:`match_sentences` — the known claim each sentence states, if any;
4. :func:`coverage` — a paragraph's closing citation covers its earlier sentences that state the
   *same* claim and cite nothing themselves;
5. :func:`sentence_findings` — the findings.

Every step takes the library graph and grades, never the front object.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..drafts.matcher import ClaimMatcher, Match, content_words
from ..drafts.reader import Draft, ListEntry, Sentence, read_draft
from ..graph import ref_node, references
from ..identifiers import cited_identifier, identifiers_in, normalize_identifier
from ..language.quantities import mismatch
from ..language.spelling import did_you_mean
from ..language.wording import (
    SIZE_NAMES,
    SIZE_RANK,
    contradict_it,
    counted,
    effect_size,
    firmness,
    hype_words,
    is_assertion,
    is_attributed,
    is_factual,
    joined,
    library_wording,
    reversal,
)
from ..model import Finding, Grade, Reference
from ..vocabulary import HEDGED_KINDS, Level, wording
from .rules import finding

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "DraftReport",
    "ReferenceFinder",
    "audit_draft",
    "coverage",
    "match_sentences",
    "resolve_citations",
    "resolve_reference_list",
    "sentence_findings",
]

#: A sentence is said to state the opposite of a claim only when it matches the claim at least this well: a looser
#: match that reads reversed shares only the topic's words ("Ketamine infusion may transform your chronic pain
#: management" against "the FDA does not approve ketamine infusion for chronic pain", 64), and is no match.
REVERSAL_MIN_SCORE = 75

#: A study named in a sentence's own words: "Orhurhu et al. found", "Cohen and colleagues (2018) reported".
_NAMED_STUDY = re.compile(
    r"\b(?P<family>[A-Z][\w'’-]{1,40}) (?:et al\.?|and (?:colleagues|coworkers|co-workers))"
    r"(?: ?\(?(?P<year>(?:19|20)\d\d)\)?)?"
)

#: Ranks library references for a sentence: ``suggest(text, k) -> [keys]`` (``kbase suggest``).
Suggester = Callable[[str, int], Sequence[str]]


@dataclass
class DraftReport:
    """What auditing one draft found."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    matches: list[Match | None] = field(default_factory=list)
    resolved: dict[int, str] = field(default_factory=dict)  # reference-list number -> library key
    cited: list[list[str]] = field(default_factory=list)  # the library keys each sentence cites
    draft: Draft | None = None  # what was read: its outline shows the draft itself

    @property
    def matched(self) -> int:
        """How many sentences matched a known claim."""
        return sum(1 for m in self.matches if m is not None)


def _finding(rule: str, message: str, sentence_or_entry: Sentence | ListEntry, subject: str = "") -> Finding:
    return finding(rule, message, sentence_or_entry.where, subject)


def _reference(G: nx.MultiDiGraph, key: str) -> Reference | None:
    node = G.nodes.get(ref_node(key))
    return node["record"] if node is not None else None


class ReferenceFinder:
    """Finds the library reference a draft means: by key, by identifier (DOI, PubMed, PMC, ISBN),
    or by authors, title and year (a Word field's CSL-JSON item, an entry of the draft's own list)."""

    def __init__(self, G: nx.MultiDiGraph) -> None:

        self.library = {r.key: r for r in references(G)}
        self.identifiers: dict[tuple[str, str], str] = {}
        for ref in self.library.values():
            pairs = [("doi", ref.doi), ("pmid", ref.pmid), ("isbn", ref.isbn), ("pmcid", ref.field("pmcid"))]
            for scheme, value in pairs:
                if value:
                    self.identifiers.setdefault((scheme, normalize_identifier(scheme, value)), ref.key)
            for pair in identifiers_in(ref.url):
                self.identifiers.setdefault(pair, ref.key)
        self._targets: list[tuple[Reference, str, set[str]]] | None = None
        self._first_authors: list[tuple[str, Reference]] | None = None

    def key(self, cited: str) -> str | None:
        """The library key a cited key names: itself, or the reference with the identifier it names (``doi:10.1/x``)."""

        if cited in self.library:
            return cited
        named = cited_identifier(cited)
        return self.identifiers.get(named) if named else None

    def by_identifiers(self, pairs: Sequence[tuple[str, str]]) -> str | None:
        """The first reference that has one of the ``(scheme, value)`` identifiers."""
        for pair in pairs:
            if pair in self.identifiers:
                return self.identifiers[pair]
        return None

    def by_text(self, text: str, years: set[str] = frozenset()) -> str | None:  # type: ignore[assignment]
        """The reference whose first authors and title share the most with ``text``: rapidfuzz
        ``token_set_ratio`` of the content words (numbers left out) at least 80, with at least three
        shared words; when both give a year, the years must agree."""
        from rapidfuzz import fuzz

        if self._targets is None:
            self._targets = []
            for ref in self.library.values():
                words = [w for w in content_words(f"{' '.join(ref.surnames()[:3])} {ref.title}") if not w[0].isdigit()]
                self._targets.append((ref, " ".join(words), set(words)))
        words = [w for w in content_words(text) if not w[0].isdigit()]  # volume, pages, year: compared apart
        query, vocabulary = " ".join(words), set(words)
        best, best_score = None, 0.0
        for ref, target, target_words in self._targets:
            if len(vocabulary & target_words) < 3:
                continue
            if years and ref.year is not None and str(ref.year) not in years:
                continue
            score = fuzz.token_set_ratio(query, target)
            if score > best_score:
                best, best_score = ref, score
        return best.key if best is not None and best_score >= 80 else None

    def named(self, text: str) -> list[str]:
        """The references a sentence names in its words ("Orhurhu et al. found…", "Cohen and colleagues (2018)"): the one
        library reference whose first author has that family name (and that year, when given); none when several do."""
        found = []
        for match in _NAMED_STUDY.finditer(text):
            family, year = match["family"].lower(), match["year"]
            if self._first_authors is None:
                self._first_authors = [(names[0].lower() if (names := r.surnames()) else "", r) for r in self.library.values()]
            hits = [r.key for name, r in self._first_authors if name == family and (not year or str(r.year) == year)]
            if len(hits) == 1:
                found.append(hits[0])
        return found

    def entry(self, text: str) -> str | None:
        """The reference an entry of a draft's own reference list names: by identifier first, then by text."""

        return self.by_identifiers(identifiers_in(text)) or self.by_text(text, set(re.findall(r"\b(?:19|20)\d\d\b", text)))

    def item(self, item: Mapping[str, Any]) -> str | None:
        """The reference a CSL-JSON item of a Word citation field names: its citation key, DOI, PMID or PMC id,
        then its authors, title and year."""

        for name in ("citation-key", "citationKey", "id"):
            if isinstance(item.get(name), str) and item[name] in self.library:
                return str(item[name])
        pairs = [
            (scheme, normalize_identifier(scheme, str(item[name])))
            for scheme, name in (("doi", "DOI"), ("pmid", "PMID"), ("pmcid", "PMCID"), ("isbn", "ISBN"))
            if item.get(name)
        ]
        found = self.by_identifiers(pairs)
        if found or not item.get("title"):
            return found
        return self.by_text(f"{' '.join(_families(item))} {item['title']}", {y for y in [_year(item)] if y})


def _families(item: Mapping[str, Any]) -> list[str]:
    people = item.get("author") or []
    return [str(p.get("family") or p.get("literal") or "") for p in people[:3] if isinstance(p, Mapping)]


def _year(item: Mapping[str, Any]) -> str:
    issued = item.get("issued")
    try:
        return str(int(issued["date-parts"][0][0]))  # type: ignore[index]
    except (KeyError, IndexError, TypeError, ValueError):
        return ""


def describe_item(item: Mapping[str, Any]) -> str:
    """A CSL-JSON item in a few words: “Title” (Family 2019), or its DOI."""
    who = " ".join(filter(None, [", ".join(_families(item)[:1]), _year(item)]))
    title = _short(str(item.get("title") or item.get("DOI") or "an item without title"), 60)
    return f"“{title}”" + (f" ({who})" if who else "")


def resolve_reference_list(G: nx.MultiDiGraph, entries: Sequence[ListEntry], finder: ReferenceFinder | None = None) -> dict[int, str]:
    """Match each entry of a draft's own reference list to a library key: by a DOI, PubMed or PMC id
    written in it, else by fuzzy authors, title and year (:meth:`ReferenceFinder.by_text`)."""
    finder = finder or ReferenceFinder(G)
    resolved: dict[int, str] = {}
    for entry in entries:
        key = finder.entry(entry.text)
        if key is not None:
            resolved[entry.number] = key
    return resolved


def resolve_citations(G: nx.MultiDiGraph, draft: Draft, report: DraftReport) -> list[list[str]]:
    """Step 2: the library keys each sentence cites; unknown keys, identifiers, field items and numbers
    become findings in ``report``."""

    finder = ReferenceFinder(G)
    report.resolved = resolve_reference_list(G, draft.references, finder)
    for entry in draft.references:
        if entry.number not in report.resolved:
            report.findings.append(
                _finding(
                    "unknown-citation", f"reference list entry {entry.number} matches no reference in the library: “{_short(entry.text)}”", entry
                )
            )
    if draft.references and not any(s.citations for s in draft.sentences):
        first = draft.references[0]
        report.findings.append(
            _finding(
                "reference-list-only",
                f"the draft lists {counted(len(draft.references), 'reference')} but cites none of them "
                "in the text, so no sentence can be checked against its source",
                first,
            )
        )
    listed = {e.number for e in draft.references}
    known: list[str] = []  # every key of the library, listed once and only when a key is unknown
    cited: list[list[str]] = []
    for sentence in draft.sentences:
        keys: list[str] = []
        for citation in sentence.citations:
            for key in citation.keys:
                found = finder.key(key)
                if found is not None:
                    keys.append(found)
                elif cited_identifier(key):
                    report.findings.append(_finding("unknown-citation", f"cites {key}, which no reference in the library has", sentence, key))
                else:
                    known = known or list(finder.library)
                    # a key near in spelling but by another first author is another paper: no hint toward it
                    author = re.match(r"[^\W\d_]*", key).group().lower()
                    near = [k for k in known if re.match(r"[^\W\d_]*", k).group().lower() == author] if author else known
                    report.findings.append(
                        _finding("unknown-citation", f"cites '{key}', which is not in the library{did_you_mean(key, near)}", sentence, key)
                    )
            for item in citation.items:
                found = finder.item(item)
                if found is not None:
                    keys.append(found)
                else:
                    report.findings.append(
                        _finding(
                            "unknown-citation",
                            f"cites {describe_item(item)} (a {citation.source or 'citation'} field), which matches no reference in the library",
                            sentence,
                        )
                    )
            for number in citation.numbers:
                if number in report.resolved:
                    keys.append(report.resolved[number])
                elif number not in listed:
                    report.findings.append(
                        _finding("unknown-citation", f"cites [{number}], which the draft's reference list does not have", sentence)
                    )
        keys.extend(finder.named(sentence.clean))  # "Orhurhu et al. found…" is checked against that reference
        cited.append(list(dict.fromkeys(keys)))
    return cited


def match_sentences(sentences: Sequence[Sentence], matcher: ClaimMatcher, draft: str = "") -> list[Match | None]:
    """Step 3: the known claim each sentence states. Only an assertion states one (:func:`~kbase.language.wording.is_assertion`):
    a question, a heading, a list's lead-in, an instruction, a caption or what unnamed people say states none."""
    asserted = [i for i, s in enumerate(sentences) if is_assertion(s.clean)]
    found: list[Match | None] = [None] * len(sentences)
    for i, match in zip(asserted, matcher.match_many((sentences[i].clean for i in asserted), draft)):
        found[i] = match
    return found


def coverage(sentences: Sequence[Sentence], cited: Sequence[list[str]], matches: Sequence[Match | None]) -> list[list[str]]:
    """Step 4: what each sentence counts as citing, once a paragraph's closing citation covers the earlier
    sentences of the paragraph that state the same claim and cite nothing themselves."""
    last_of: dict[int, int] = {}
    for i, sentence in enumerate(sentences):
        last_of[sentence.paragraph] = i
    covered = list(cited)
    for i, sentence in enumerate(sentences):
        last = last_of[sentence.paragraph]
        here, there = matches[i], matches[last]
        if i != last and not sentence.citations and here and there and here.claim_id == there.claim_id and sentences[last].citations:
            covered[i] = cited[last]
    return covered


def sentence_findings(
    grades: Mapping[str, Grade],
    sentences: Sequence[Sentence],
    cited: Sequence[list[str]],
    covered: Sequence[list[str]],
    matches: Sequence[Match | None],
    wordings: Mapping[str, Sequence[str]] | None = None,
) -> list[Finding]:
    """Step 5: the findings of every sentence, from what it cites and the claim it states (and, given the
    claims' ``wordings``, the figures it states: ``quantity-mismatch``)."""
    found: list[Finding] = []
    for i, sentence in enumerate(sentences):
        match = matches[i]
        opposite = reversal(sentence.clean, match.wording) if match is not None else None
        if opposite is not None and match is not None and match.score < REVERSAL_MIN_SCORE:
            match = None  # shares only the topic's words and says the reverse: not this claim at all
        if match is None:
            if not sentence.citations and is_factual(sentence.clean):
                hype = list(dict.fromkeys(w.lower() for w in hype_words(sentence.clean)))
                worded_so = f"; and it says {', '.join(repr(w) for w in hype)}, which no evidence supports" if hype else ""
                found.append(
                    _finding(
                        "unregistered-claim",
                        f"factual-looking sentence cites nothing and matches no known claim: “{_short(sentence.clean)}”{worded_so}",
                        sentence,
                    )
                )
            continue
        claimed = (wordings or {}).get(match.claim_id) or [match.wording]
        grade = grades[match.claim_id]
        against = [l.ref for l in grade.links if l.stance == "contradicts" and not l.set_aside]
        if opposite is not None and grade.level == Level.UNSUPPORTED and against:
            # the draft denies a claim that the library's evidence denies too: it is right, and needs that evidence cited
            if not set(covered[i]) & set(against):
                found.append(
                    _finding(
                        "uncited-claim",
                        f"states the opposite of claim {match.claim_id!r} ({match.described}; {opposite}), "
                        f"as the library's evidence does, but cites nothing for it: cite {', '.join(against)}",
                        sentence,
                        match.claim_id,
                    )
                )
            continue
        if opposite is not None:  # never "uncited", "overstated" or "supported" for a claim the sentence denies
            found.append(
                _finding(
                    "contradicts-claim",
                    f"states the opposite of claim {match.claim_id!r} ({match.described}; {opposite}), "
                    f"which the library words “{library_wording(claimed[0], grade.level, grade.kind)}” ({grade.level})",
                    sentence,
                    match.claim_id,
                )
            )
            continue
        has_citation = bool(sentence.citations) or bool(cited[i]) or covered[i] != cited[i]  # cited[i]: a study named in words too
        found.extend(_claim_findings(grade, sentence, match, covered[i], has_citation, claimed[0]))
        found.extend(_quantity_findings(sentence, match, claimed))
    return found


def _overstated_size(sentence: Sentence, statement: str) -> tuple[str | None, str | None] | None:
    """The sizes (draft's, claim's) when the sentence words a larger effect than the claim's statement
    (Santesso et al. 2020: "greatly reduces" is a large effect, "reduces" a moderate one, "reduces … slightly"
    a small one); else None."""
    stated, claimed = effect_size(sentence.clean), effect_size(statement)
    return (stated, claimed) if SIZE_RANK[stated] > SIZE_RANK[claimed] else None


def _quantity_findings(sentence: Sentence, match: Match, wordings: Sequence[str]) -> list[Finding]:

    different = mismatch(sentence.clean, list(wordings))
    if different is None:
        return []
    stated, claimed = different
    return [
        _finding(
            "quantity-mismatch",
            f"states claim {match.claim_id!r} ({match.described}) with other figures: "
            f"draft: {'; '.join(q.text for q in stated)}; claim: {'; '.join(q.text for q in claimed)}",
            sentence,
            match.claim_id,
        )
    ]


def audit_draft(
    G: nx.MultiDiGraph,
    grades: Mapping[str, Grade],
    path: str,
    matcher: ClaimMatcher,
    suggest: Suggester | None = None,
    superseded: Mapping[str, str] | None = None,
) -> DraftReport:
    """Audit the draft at ``path`` against a library's graph and grades.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The library graph.
    grades : mapping
        The grade of every claim.
    path : str
        A Markdown (``.md``) or plain-text draft.
    matcher : ClaimMatcher
        The sentence-to-claim matcher over the library's claims (reused across drafts).
    suggest : callable, optional
        Attach the three best candidate references to ``uncited-claim`` and ``unregistered-claim``
        findings (``kbase audit --suggest``).

    Raises
    ------
    LoadError
        When the draft cannot be read (missing, binary, too large, not UTF-8).
    """
    draft = read_draft(path)
    report = DraftReport(path, sentences=draft.sentences, draft=draft)
    cited = report.cited = resolve_citations(G, draft, report)
    for sentence, keys in zip(draft.sentences, cited):
        for key in keys:
            if superseded and key in superseded:
                report.findings.append(
                    _finding(
                        "preprint-superseded",
                        f"cites the preprint {key}; its published version {superseded[key]} is in the library: cite that instead",
                        sentence,
                        key,
                    )
                )
    report.matches = match_sentences(draft.sentences, matcher, path)
    covered = coverage(draft.sentences, cited, report.matches)
    report.findings.extend(sentence_findings(grades, draft.sentences, cited, covered, report.matches, matcher.wordings_of))
    if suggest is not None:
        by_place = {(s.where.line, s.where.col): s.clean for s in draft.sentences}
        report.findings = [
            dataclasses.replace(f, suggestions=tuple(suggest(by_place[(f.where.line, f.where.col)], 3)))
            if f.rule in ("uncited-claim", "unregistered-claim") and f.where and (f.where.line, f.where.col) in by_place
            else f
            for f in report.findings
        ]
    report.findings.sort(key=lambda f: (f.where.line if f.where else 0, f.where.col if f.where else 0))
    return report


def _claim_findings(grade: Grade, sentence: Sentence, match: Match, keys: list[str], has_citation: bool, statement: str) -> list[Finding]:
    """The findings on a sentence that states a known claim: what it cites (:func:`_citation_findings`),
    then how firmly it says it (:func:`_wording_findings`)."""
    claim_id = match.claim_id
    stance = {l.ref: l.stance for l in grade.links if not l.set_aside}
    supporting = [k for k, s in stance.items() if s == "supports"]
    contradicting = [k for k, s in stance.items() if s == "contradicts"]
    about = f"states claim {claim_id!r} ({match.described})"
    if contradicting and not supporting and not set(keys) & set(contradicting) and match.score >= REVERSAL_MIN_SCORE:
        # the library's evidence says the opposite and nothing supports it: nothing to cite, nothing to hedge (a sentence that
        # cites the contradicting evidence itself is a contradicting-citation, below)
        text = f"{about}, which the library's evidence contradicts ({', '.join(contradicting)}) and nothing supports: do not state it as fact"
        return [_finding("contradicts-claim", text, sentence, claim_id)]
    found = _citation_findings(grade, sentence, about, claim_id, keys, has_citation, stance)
    if grade.level == Level.VERY_LOW and grade.kind in HEDGED_KINDS:  # not for a regulatory fact, a definition, a harm…
        found.append(_finding("weak-claim-in-draft", f"{about}, whose evidence is very-low certainty", sentence, claim_id))
    return found + _wording_findings(grade, sentence, about, claim_id, statement)


def _citation_findings(
    grade: Grade, sentence: Sentence, about: str, claim_id: str, keys: list[str], has_citation: bool, stance: Mapping[str, str]
) -> list[Finding]:
    """``uncited-claim``, ``contradicting-citation``, ``miscited-claim``, ``one-sided-citation``: what the sentence cites
    (``keys``, resolved) against the claim's links (``stance``: reference → stance, set-aside links left out)."""
    supporting = [k for k, s in stance.items() if s == "supports"]
    contradicting = [k for k, s in stance.items() if s == "contradicts"]
    if not has_citation:
        backed = f"the library supports it with {', '.join(supporting)}" if supporting else None
        text = f"{about} but cites nothing; {backed}" if backed else f"{about} but cites nothing, and nothing in the library supports it"
        return [_finding("uncited-claim", text, sentence, claim_id)]
    if not keys:
        return []
    against = [k for k in keys if stance.get(k) == "contradicts"]
    backing = [k for k in keys if stance.get(k) == "supports"]
    if against and firmness(sentence.clean) > 0:
        # citing the other side is right when the sentence says the question is open
        which = "contradicts" if len(against) == 1 else "contradict"
        return [_finding("contradicting-citation", f"{about} and cites {joined(against)}, which {which} it", sentence, claim_id)]
    if not backing and not against:
        linked = ", ".join(supporting) or "nothing"
        aside = {l.ref: l.set_aside for l in grade.links if l.set_aside}
        if all(k in aside for k in keys):  # a retracted paper: say so, not "not linked"
            cites = "; ".join(f"{k}, which the library sets aside ({aside[k]})" for k in keys)
        else:
            cites = f"{', '.join(keys)}, which the library does not link as support"
        return [_finding("miscited-claim", f"{about} but cites {cites} (supporting: {linked})", sentence, claim_id)]
    if backing and grade.has_flag("contested") and not against:
        text = f"{about}, which is contested, but cites only the supporting side; present the other side too: {contradict_it(contradicting)}"
        return [_finding("one-sided-citation", text, sentence, claim_id)]
    return []


def _wording_findings(grade: Grade, sentence: Sentence, about: str, claim_id: str, statement: str) -> list[Finding]:
    """``overstated-claim`` and ``overstated-effect``: hype words, a firmer wording than the evidence allows, a
    larger effect than the claim states; each suggests the library's own wording of the claim."""
    # certainty and size words apply to effects, associations, harms and mechanisms, not to a prevalence figure,
    # a regulatory fact or a definition (the claim's kind), nor to one study's reported result; size words not
    # to a sentence that says the matter is open (firmness 0)
    checked = grade.level > Level.UNSUPPORTED and grade.kind in HEDGED_KINDS and not is_attributed(sentence.clean)
    firm = firmness(sentence.clean) if checked else 0
    sizes = _overstated_size(sentence, statement) if firm > 0 else None
    # the suggestion is always the library's own wording of the claim (never a rewrite of the writer's sentence,
    # which could keep a hype word or break its grammar), so every finding on a sentence suggests the same words
    suggestion = library_wording(statement, grade.level, grade.kind)
    hype = [w for w in hype_words(sentence.clean) if w.lower() not in statement.lower()] if grade.level > Level.UNSUPPORTED else []
    found: list[Finding] = []
    if hype:
        text = (
            f"{about} with {', '.join(repr(w) for w in dict.fromkeys(hype))}, which no evidence "
            f"supports at any certainty ({grade.level} here); word it as “{suggestion}”"
        )
        found.append(_finding("overstated-claim", text, sentence, claim_id))
    elif firm > wording(grade.level).firmness:
        text = f"{about} more firmly than its {grade.level} evidence allows; word it as “{suggestion}”"
        found.append(_finding("overstated-claim", text, sentence, claim_id))
    if sizes:
        text = f"{about} as {SIZE_NAMES[sizes[0]]}, where the claim states {SIZE_NAMES[sizes[1]]}; word it as “{suggestion}”"
        found.append(_finding("overstated-effect", text, sentence, claim_id))
    return found


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
