"""The rule registry: every finding kbase can report, with its id, severity and meaning.

The rules reference in the docs (``docs/rules.md``) is generated from :data:`RULES`, and a test
checks that every rule is documented and that no code reports a rule that is not registered.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Location
from ..model import Finding
from ..vocabulary import Severity

__all__ = ["RULES", "Rule", "finding"]


@dataclass(frozen=True, slots=True)
class Rule:
    """An audit rule: its id, how serious it is, and what it means."""

    id: str
    severity: Severity
    summary: str
    kind: str = "library"  # "load" (a file cannot be read), "library", "draft", "refs" (kbase refs lint) or "registry" (kbase refs verify)


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "syntax-error",
            Severity.ERROR,
            "A file cannot be read: bad YAML or BibTeX syntax, an encoding that is not UTF-8, an empty claims file.",
            "load",
        ),
        Rule(
            "invalid-field",
            Severity.ERROR,
            "A field is unknown, of the wrong type, or holds a value outside its vocabulary (stance, design, concern).",
            "load",
        ),
        Rule("duplicate-key", Severity.ERROR, "A key, claim id, article id or BibTeX key is defined twice.", "load"),
        Rule(
            "dangling-reference",
            Severity.ERROR,
            "An evidence link, premise or appears_in names a reference, claim or article the library does not hold.",
        ),
        Rule(
            "duplicate-link",
            Severity.WARNING,
            "A claim links the same reference with the same stance twice (the copy that lowers "
            "the grade most is used, whatever the order), or as contradicting it and also supporting or mentioning it: a reference takes one side of a claim.",
        ),
        Rule("premise-cycle", Severity.ERROR, "Claims depend on each other in a cycle; the whole cycle is named."),
        Rule("unsupported-claim", Severity.WARNING, "No reference supports the claim (after retracted references are set aside)."),
        Rule("weak-claim", Severity.WARNING, "The claim's evidence is of very-low certainty."),
        Rule(
            "unassessed-evidence",
            Severity.INFO,
            "A supporting link starts above low and nobody has assessed it (no concerns): "
            "the claim is capped at moderate until its concerns are written (concerns: [] when there are none).",
        ),
        Rule(
            "upgrade-not-allowed",
            Severity.WARNING,
            "A link gives upgrades where GRADE allows none: the evidence starts above low, or has a serious concern; they are not applied.",
        ),
        Rule("contested-claim", Severity.WARNING, "At least one reference contradicts the claim."),
        Rule("amplified-claim", Severity.WARNING, "Three or more references support the claim, but they restate one independent source."),
        Rule("secondary-only", Severity.WARNING, "All support comes from narrative reviews, press releases, websites or news."),
        Rule("retracted-reference", Severity.WARNING, "A reference is retracted (pubstate or a retraction list); links to it do not count."),
        Rule(
            "retraction-notice",
            Severity.WARNING,
            "A retraction list carries an expression of concern or a correction for a reference; its links still count.",
        ),
        Rule(
            "missing-primary-source",
            Severity.WARNING,
            "A reference reports (restates) a source that is not in the library: cite the study, not the press release.",
        ),
        Rule("reports-cycle", Severity.WARNING, "References report each other in a cycle; they count as one source."),
        Rule(
            "duplicate-reference",
            Severity.WARNING,
            "Two entries share a DOI or PMID and are one work (their titles agree), or share "
            "title, year and first author: the same reference entered twice, which grading counts as one source; "
            "`kbase refs dedupe --apply` merges them.",
        ),
        Rule(
            "identifier-conflict",
            Severity.WARNING,
            "Two entries share a DOI or PMID but are different works (their titles have "
            "little in common, or they are different volumes, parts or editions), or PubMed's record of an entry's PMID gives "
            "another DOI than the entry (kbase refs verify): one identifier is wrong.",
        ),
        Rule(
            "preprint-superseded",
            Severity.WARNING,
            "A claim links (or a draft cites) a preprint whose published version is in the "
            "library: results can change between them; link and cite the published version.",
        ),
        Rule("invalid-identifier", Severity.WARNING, "A DOI, PMID, ISBN or URL is malformed or fails its checksum."),
        Rule(
            "review-due",
            Severity.INFO,
            "A claim was last reviewed longer ago than the review interval (review_days, default 365), or "
            "a reference it links carries a retraction notice dated after its review, or its entry changed after the review (git).",
        ),
        Rule("single-source", Severity.INFO, "All support comes from one independent source."),
        Rule("stale-evidence", Severity.INFO, "The newest supporting reference is older than the staleness threshold (default 10 years)."),
        Rule("unused-reference", Severity.INFO, "No claim links to the reference."),
        Rule("design-inferred", Severity.INFO, "A reference has no design field; kbase inferred its design from the entry type and title."),
        Rule(
            "duplicate-field",
            Severity.WARNING,
            "A BibTeX entry gives the same field more than once (common in ScienceDirect and Google Scholar exports); the first value is read.",
            "refs",
        ),
        Rule(
            "missing-field", Severity.WARNING, "An entry lacks a field its type requires (article: author, title, journal, year; and so on).", "refs"
        ),
        Rule("empty-title", Severity.WARNING, "An entry's title is empty.", "refs"),
        Rule("impossible-year", Severity.WARNING, "An entry's year is not a four-digit year between 1400 and next year.", "refs"),
        Rule(
            "confusable-key",
            Severity.WARNING,
            "Two keys differ only by case or invisible characters, or a key holds characters a reader cannot see or tell apart (bidi controls, look-alike letters).",
            "refs",
        ),
        Rule(
            "undefined-string",
            Severity.WARNING,
            "A field holds a bare word that no @string defines; BibTeX tools read it as an error or as the literal word.",
            "refs",
        ),
        Rule("missing-design", Severity.INFO, "An entry has no design field, or one outside the vocabulary.", "refs"),
        Rule(
            "invalid-pooled",
            Severity.WARNING,
            "A pooled field outside rct, observational and mixed, or on an entry that is not a meta-analysis or systematic review.",
            "refs",
        ),
        Rule(
            "identifier-not-found",
            Severity.ERROR,
            "Crossref does not know the entry's DOI, or PubMed its PMID: "
            "the identifier is mistyped or invented (a DOI of another agency, such as DataCite, is not-verified instead).",
            "registry",
        ),
        Rule(
            "metadata-mismatch",
            Severity.WARNING,
            "A title, first author, year (print and online both accepted), journal "
            "(full or abbreviated), volume or pages differs from the registry's record of the entry's DOI or PMID; "
            "when title and first author both differ, the identifier points to another paper.",
            "registry",
        ),
        Rule(
            "retracted",
            Severity.ERROR,
            "The registry carries a retraction (or withdrawal) of the work: Crossref's "
            "update notices, which include the Retraction Watch data, or PubMed's; kbase refs verify --fix records "
            "pubstate = {retracted}, which sets its links aside in grading.",
            "registry",
        ),
        Rule("expression-of-concern", Severity.WARNING, "The registry carries an expression of concern about the work.", "registry"),
        Rule(
            "corrected",
            Severity.WARNING,
            "The registry carries a correction (erratum, corrigendum) of the work: check that what the library cites it for survived the correction.",
            "registry",
        ),
        Rule(
            "not-verified",
            Severity.INFO,
            "A reference with a DOI or PMID could not be checked: offline and not in the cache, "
            "the registry unreachable, or a DOI registered with another agency than Crossref.",
            "registry",
        ),
        Rule("uncited-claim", Severity.WARNING, "A draft sentence states a known claim and cites nothing.", "draft"),
        Rule(
            "miscited-claim",
            Severity.WARNING,
            "A draft sentence states a known claim but cites references the library does not link as its support.",
            "draft",
        ),
        Rule("contradicting-citation", Severity.ERROR, "A draft sentence cites a reference that contradicts the claim it states.", "draft"),
        Rule(
            "unknown-citation",
            Severity.ERROR,
            "A draft cites a key that is not in the library, a number its reference list lacks, or lists an entry that matches no reference.",
            "draft",
        ),
        Rule(
            "unregistered-claim",
            Severity.WARNING,
            "A factual-looking draft sentence (numbers, study language, causal or comparative verbs) cites nothing and matches no known claim.",
            "draft",
        ),
        Rule("weak-claim-in-draft", Severity.INFO, "A draft sentence states a claim whose evidence is very-low certainty.", "draft"),
        Rule("reference-list-only", Severity.WARNING, "A draft has a reference list but no in-text citations.", "draft"),
        Rule(
            "overstated-claim",
            Severity.WARNING,
            "A draft sentence words a claim more firmly than its level allows (the wording scale), "
            "or with a hype or proof word (cures, proves, definitely, always, miracle, 100%) that the claim itself does not use.",
            "draft",
        ),
        Rule(
            "contradicts-claim",
            Severity.WARNING,
            "A draft sentence states the opposite of a known claim (a negation, an opposite "
            "word, a comparison's sides swapped), or states a claim that the library's evidence contradicts and nothing supports.",
            "draft",
        ),
        Rule(
            "overstated-effect",
            Severity.WARNING,
            "A draft sentence words a larger effect than its claim states (\"greatly reduces\" "
            "for \"reduces\", \"reduces\" for \"reduces slightly\"; Santesso et al. 2020).",
            "draft",
        ),
        Rule("one-sided-citation", Severity.WARNING, "A draft sentence states a contested claim and cites only its supporting side.", "draft"),
        Rule(
            "quantity-mismatch",
            Severity.WARNING,
            "A draft sentence states a claim with other figures (durations, doses, percentages, "
            "counts, money) than the claim's, after normalising units.",
            "draft",
        ),
    )
}


def finding(rule: str, message: str, where: Location | None = None, subject: str = "") -> Finding:
    """A finding of the registered ``rule``, at its registered severity.

    Examples
    --------
    >>> finding("weak-claim", "claim 'x' is weak").severity
    <Severity.WARNING: 1>
    """
    return Finding(rule, RULES[rule].severity, message, where, subject)
