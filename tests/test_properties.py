"""Properties that must hold for any library (Hypothesis generates them)."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbase.grading import GradingOptions, grade_claims
from kbase.graph import build_graph, claim_node, ref_node
from kbase.loaders.bib import parse_bib
from kbase.loaders.claims import parse_claims
from kbase.model import Appearance, Article, Claim, Evidence, Reference
from kbase.vocabulary import CONCERN_SEVERITIES, CONCERNS, DESIGNS, POOLED, STANCES, UPGRADES
from kbase.writers import bib_text, claims_text

slug = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
text = (
    st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P", "S"), exclude_characters="\x00{}\\"), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@st.composite
def links(draw: st.DrawFn, ref_keys: list[str]) -> Evidence:
    """A link in any of the forms claims.yaml takes: concerns as a list or as a mapping of severities (or
    none written: unassessed), upgrades, what a synthesis pooled, participants and events."""
    domains = tuple(draw(st.lists(st.sampled_from(CONCERNS), max_size=3, unique=True)))
    severities: tuple[tuple[str, str], ...] = ()
    if domains and draw(st.booleans()):
        severities = tuple((d, draw(st.sampled_from(tuple(CONCERN_SEVERITIES)))) for d in domains)
        concerns = tuple(d for d, v in severities for _ in range(CONCERN_SEVERITIES[v]))
    else:
        concerns = domains
    participants = draw(st.none() | st.integers(0, 5000))
    events = draw(st.none() | st.integers(0, participants)) if participants is not None else draw(st.none() | st.integers(0, 500))
    return Evidence(
        ref=draw(st.sampled_from(ref_keys)),
        stance=draw(st.sampled_from(STANCES)),
        locator=draw(st.just("") | text),
        note=draw(st.just("") | text),
        indirect=draw(st.booleans()),
        concerns=concerns,
        assessed=bool(domains) or draw(st.booleans()),
        severities=severities,
        upgrades=tuple(draw(st.lists(st.sampled_from(tuple(UPGRADES)), max_size=2, unique=True))),
        pooled=draw(st.just("") | st.sampled_from(tuple(POOLED))),
        participants=participants,
        events=events,
    )


@st.composite
def libraries(draw: st.DrawFn, repeats: bool = False) -> tuple[list[Claim], list[Reference], list[Article]]:
    ref_keys = draw(st.lists(slug, min_size=1, max_size=8, unique=True))
    refs = []
    for key in ref_keys:
        reports = tuple(draw(st.lists(st.sampled_from(ref_keys), max_size=2, unique=True)))
        design = draw(st.sampled_from(DESIGNS))
        year = draw(st.none() | st.integers(1990, 2026))
        fields = [("title", "{" + draw(text) + "}"), ("design", "{" + design + "}")]
        if year is not None:
            fields.append(("year", "{" + str(year) + "}"))
        if reports:
            fields.append(("reports", "{" + ", ".join(reports) + "}"))
        if draw(st.booleans()):
            fields.append(("pubstate", "{retracted}"))
        refs.append((key, fields))
    articles = [Article(a) for a in draw(st.lists(slug, max_size=2, unique=True))]
    claim_ids = draw(st.lists(slug, min_size=1, max_size=8, unique=True))
    claims = []
    for index, cid in enumerate(claim_ids):
        evidence = tuple(draw(links(ref_keys)) for _ in range(draw(st.integers(0, 4))))
        if not repeats:  # at most one link per (reference, stance), as the graph keeps one edge for each
            evidence = tuple({(e.ref, e.stance): e for e in evidence}.values())
        earlier = claim_ids[:index]
        premises = tuple(draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True))) if earlier else ()
        appears = tuple(Appearance(a.id, draw(st.just("") | text)) for a in articles[:1])
        claims.append(
            Claim(
                cid,
                draw(text),
                aliases=tuple(draw(st.lists(text, max_size=2, unique=True))),
                topic=draw(st.just("") | text),
                appears_in=appears,
                evidence=evidence,
                depends_on=premises,
            )
        )
    bib = "\n".join(f"@article{{{k},\n" + "".join(f"  {n} = {v},\n" for n, v in f) + "}\n" for k, f in refs)
    return claims, parse_bib(bib, "references.bib").references, articles


@SETTINGS
@given(libraries())
def test_load_write_load_is_the_identity(library):
    claims, references, articles = library
    loaded = parse_claims(claims_text(claims, articles), "claims.yaml")
    assert loaded.problems == []
    assert loaded.claims == claims
    assert list(loaded.articles.values()) == articles
    again = parse_bib(bib_text(references), "references.bib")
    assert again.problems == [] and again.references == references


def signature(grades):
    return {k: (g.level, g.flags, g.independent_sources) for k, g in grades.items()}


@SETTINGS
@given(libraries(repeats=True), st.randoms(use_true_random=False))
def test_grading_does_not_depend_on_order(library, rnd: random.Random):
    """Repeated links (duplicate-link) included: the copy that lowers the grade most counts, wherever it is."""
    claims, references, articles = library
    options = GradingOptions(2026)
    base = signature(grade_claims(build_graph(claims, references, articles), options))
    shuffled_claims = [
        Claim(c.id, c.statement, c.aliases, c.topic, c.appears_in, tuple(rnd.sample(list(c.evidence), len(c.evidence))), c.depends_on) for c in claims
    ]
    rnd.shuffle(shuffled_claims)
    shuffled_refs = rnd.sample(references, len(references))
    assert signature(grade_claims(build_graph(shuffled_claims, shuffled_refs, articles), options)) == base


@SETTINGS
@given(libraries())
def test_graph_and_files_agree(library):
    claims, references, articles = library
    # the graph of the library as written to files and read back, against the records it was written from
    parsed = parse_claims(claims_text(claims, articles), "claims.yaml")
    G = build_graph(parsed.claims, parse_bib(bib_text(references), "references.bib").references, parsed.articles.values())
    for claim in claims:
        for link in claim.evidence:
            data = G.get_edge_data(ref_node(link.ref), claim_node(claim.id), key=link.stance)
            assert data is not None and data["evidence"] == link
        for premise in claim.depends_on:
            assert G.has_edge(claim_node(claim.id), claim_node(premise), key="depends_on")
    links = sum(len(c.evidence) for c in claims)
    assert sum(1 for _, _, k in G.edges(keys=True) if k in STANCES) == links
    assert {n for n, d in G.nodes(data=True) if d["kind"] == "claim"} == {claim_node(c.id) for c in claims}
    assert {n for n, d in G.nodes(data=True) if d["kind"] == "ref" and not d["missing"]} == {ref_node(r.key) for r in references}


# -- kbase's own writes pass kbase's own checks (issue 29) ------------------------------------------

_VALUE = st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P", "S"), exclude_characters="\x00{}\\"), max_size=30)
_SETS = st.one_of(
    st.tuples(st.just("design"), st.sampled_from(DESIGNS)),  # design= removes it, and lint then asks for one, as it should
    st.tuples(st.just("year"), st.integers(1950, 2026).map(str)),
    st.tuples(st.sampled_from(("volume", "number", "pages")), st.just("") | st.from_regex(r"[1-9][0-9]{0,3}(-[1-9][0-9]{0,3})?", fullmatch=True)),
    st.tuples(st.sampled_from(("note", "keywords")), _VALUE),
    st.tuples(st.just("title"), _VALUE.map(str.strip).filter(bool)),
)


@st.composite
def _csl_items(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(st.sampled_from(("article-journal", "report", "book", "webpage")))
    item: dict[str, object] = {
        "id": draw(slug),
        "type": kind,
        "title": draw(_VALUE.map(str.strip).filter(bool)),
        "author": [{"family": draw(st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True)), "given": "Ann"}],
        "issued": {"date-parts": [[draw(st.integers(1990, 2025))]]},
    }
    if kind == "article-journal":
        item |= {
            "container-title": draw(_VALUE.map(str.strip).filter(bool)),
            "volume": str(draw(st.integers(1, 99))),
            "DOI": f"10.{draw(st.integers(1000, 9999))}/{draw(slug)}",
        }
    elif kind in ("report", "book"):
        item["publisher"] = draw(_VALUE.map(str.strip).filter(bool))
    else:
        item["URL"] = f"https://example.org/{draw(slug)}"
    return item


_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.integers(0, 100), _SETS),
        st.tuples(st.just("import"), st.lists(_csl_items(), min_size=1, max_size=3)),
        st.tuples(st.just("dedupe")),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(steps=_STEPS)
def test_any_sequence_of_kbase_writes_leaves_the_bib_formatted_and_lint_clean(tmp_path_factory, steps):
    """`refs set`, `refs import` and `refs dedupe --apply`, in any order, leave `refs fmt --check`
    passing and `refs lint` with no finding the library did not have before (issue 29: kbase's own
    writes failed its own checks)."""
    import json
    import shutil

    from click.testing import CliRunner
    from conftest import ROOT

    from kbase.cli import cli

    folder = tmp_path_factory.mktemp("writes")
    for name in ("claims.yaml", "references.bib"):
        shutil.copy(ROOT / name, folder / name)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["--claims", str(folder / "claims.yaml"), "--bib", str(folder / "references.bib"), *args])

    def lint() -> set[tuple[str, str]]:
        return {(f["rule"], f["message"]) for f in json.loads(run("refs", "lint", "--format", "json", "--fail-on", "none").stdout)["findings"]}

    before = lint()
    for step in steps:
        if step[0] == "set":
            keys = sorted(_bib_keys(folder / "references.bib"))
            key = keys[step[1] % len(keys)]
            name, value = step[2]
            result = run("refs", "set", key, f"{name}={value}")
            # what refs set said of the entry it wrote is known to the writer (a design that makes `pooled` moot)
            before |= {
                tuple(line.split(": ", 1)[1].split(" ", 2)[1:])
                for line in result.stderr.splitlines()
                if ": info " in line or ": warning " in line or ": error " in line
            }  # type: ignore[misc]
        elif step[0] == "import":
            (folder / "items.json").write_text(json.dumps(step[1]), encoding="utf-8")
            result = run("refs", "import", str(folder / "items.json"))
            # what the import said of the entries it added is known to the writer (a CSL item has no design)
            before |= {
                tuple(line.split(": ", 1)[1].split(" ", 2)[1:])
                for line in result.stderr.splitlines()
                if ": info " in line or ": warning " in line or ": error " in line
            }  # type: ignore[misc]
        else:
            result = run("refs", "dedupe", "--apply")
        assert result.exit_code in (0, 1), (step, result.output)
        formatted = run("refs", "fmt", "--check")
        assert formatted.exit_code == 0, (steps, formatted.output)
    assert not lint() - before, steps


def _bib_keys(path) -> list[str]:
    import re

    return re.findall(r"^@\w+\{([^,\s]+),", path.read_text(encoding="utf-8"), re.M)


@SETTINGS
@given(libraries(), st.data())
def test_a_concern_never_raises_a_grade_and_an_upgrade_never_lowers_one(library, data):
    """Issue 28: grading is monotone in what a writer enters on a link."""
    claims, references, articles = library
    options = GradingOptions(2026)
    before = grade_claims(build_graph(claims, references, articles), options)
    linked = [i for i, c in enumerate(claims) if c.evidence]
    if not linked:
        return
    i = data.draw(st.sampled_from(linked))
    j = data.draw(st.integers(0, len(claims[i].evidence) - 1))
    link = claims[i].evidence[j]
    missing = [c for c in CONCERNS if c not in link.concerns]
    worse = dataclasses.replace(
        link, concerns=(*link.concerns, data.draw(st.sampled_from(missing))) if missing else link.concerns, assessed=True, severities=()
    )
    better = dataclasses.replace(link, upgrades=tuple(dict.fromkeys((*link.upgrades, data.draw(st.sampled_from(tuple(UPGRADES)))))))
    for changed, compare in ((worse, lambda after, was: after <= was), (better, lambda after, was: after >= was)):
        edited = [
            dataclasses.replace(c, evidence=tuple(changed if k == j else e for k, e in enumerate(c.evidence))) if n == i else c
            for n, c in enumerate(claims)
        ]
        after = grade_claims(build_graph(edited, references, articles), options)
        for cid, grade in after.items():
            assert compare(grade.level, before[cid].level), (cid, link, changed)
