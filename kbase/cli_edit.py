"""The commands that edit ``claims.yaml`` (:class:`kbase.ClaimsEditor`): ``claim``, ``article``,
``link``, ``unlink`` and ``fmt``; added to the root group by :mod:`kbase.cli`."""

from __future__ import annotations

import click

import kbase
from kbase import CLAIM_KINDS, CONCERNS, STANCES, Project
from kbase.cli_common import command, edit

__all__ = ["article", "claim", "fmt_claims", "link", "unlink"]


@click.group()
def claim() -> None:
    """Add or rename claims in claims.yaml (comments and layout are kept)."""


@command(claim, "add")
@click.argument("claim_id")
@click.option("--statement", required=True, help="The claim in one sentence.")
@click.option("--topic", default=None, help="A topic to group claims by.")
@click.option("--article", default=None, metavar="ID", help="An article (listed under articles:) that makes the claim.")
@click.option("--section", default=None, help="The article's section.")
@click.option("--quote", default=None, help="The article's own words.")
def claim_add(s: Project, claim_id: str, statement: str, topic: str | None, article: str | None, section: str | None, quote: str | None) -> None:
    """Append a claim; refused (file untouched) if the id exists or the result would not load."""
    edit(s.editor().add_claim, f"added claim {claim_id}", claim_id, statement, topic=topic, article=article, section=section, quote=quote)


@command(claim, "set")
@click.argument("claim_id")
@click.option("--statement", default=None, help="A new wording of the claim.")
@click.option("--topic", default=None, help="The topic to group it by.")
@click.option("--alias", "aliases", multiple=True, help="Another wording the draft audit should match (repeatable).")
@click.option("--kind", type=click.Choice(CLAIM_KINDS), default=None, help="What sort of statement it is (inferred when not set).")
@click.option("--article", default=None, metavar="ID", help="An article the claim appears in (added to appears_in).")
@click.option("--section", default=None, help="The section of that article.")
def claim_set(
    s: Project,
    claim_id: str,
    statement: str | None,
    topic: str | None,
    aliases: tuple[str, ...],
    kind: str | None,
    article: str | None,
    section: str | None,
) -> None:
    """Change a claim's statement, topic or kind, or add aliases or an article it appears in."""
    edit(
        s.editor().set_claim,
        f"updated claim {claim_id}",
        claim_id,
        statement=statement,
        topic=topic,
        aliases=aliases,
        kind=kind,
        article=article,
        section=section,
    )


@click.group()
def article() -> None:
    """Add the articles that claims appear in (articles: in claims.yaml)."""


@command(article, "add")
@click.argument("article_id")
@click.option("--title", required=True, help="The article's title.")
def article_add(s: Project, article_id: str, title: str) -> None:
    """Add an article that claims can name with --article."""
    edit(s.editor().add_article, f"added article {article_id}", article_id, title)


@command(article, "set")
@click.argument("article_id")
@click.option("--title", required=True, help="The article's new title.")
def article_set(s: Project, article_id: str, title: str) -> None:
    """Change an article's title."""
    edit(s.editor().set_article, f"updated article {article_id}", article_id, title)


@command(claim, "review")
@click.argument("claim_id")
@click.option("--by", default=None, help="Who reviewed it.")
@click.option("--date", "on", default=None, metavar="YYYY-MM-DD", help="The date of the review.  [default: today]")
def claim_review(s: Project, claim_id: str, by: str | None, on: str | None) -> None:
    """Record that the claim and its evidence were reviewed (reviewed: in claims.yaml); review-due reports it when it ages."""
    edit(s.editor().review, f"reviewed claim {claim_id}", claim_id, on or kbase.today(), by)


@command(claim, "rename")
@click.argument("old")
@click.argument("new")
def claim_rename(s: Project, old: str, new: str) -> None:
    """Rename a claim and every depends_on that names it."""
    edit(s.editor().rename, f"renamed claim {old} to {new}", old, new)


@command(claim, "depend")
@click.argument("claim_id")
@click.argument("premise")
def claim_depend(s: Project, claim_id: str, premise: str) -> None:
    """Make PREMISE a premise of CLAIM_ID (depends_on); refused if it would close a cycle."""
    edit(s.editor().depend, f"{claim_id} now depends on {premise}", claim_id, premise)


@command(None)
@click.argument("claim_id")
@click.argument("ref")
@click.option("--stance", type=click.Choice(STANCES), required=True, help="How the reference bears on the claim.")
@click.option("--locator", default=None, help="Page, table or section.")
@click.option("--note", default=None, help="What the reference says about the claim, in your own words.")
@click.option("--indirect", is_flag=True, help="The study's population, intervention or outcome differ from the claim's.")
@click.option("--concern", "concerns", multiple=True, type=click.Choice(CONCERNS), help="A GRADE concern (repeatable).")
def link(s: Project, claim_id: str, ref: str, stance: str, locator: str | None, note: str | None, indirect: bool, concerns: tuple[str, ...]) -> None:
    """Link a claim to a reference; refused (file untouched) if the key is not in the bibliography."""
    edit(
        s.editor().link,
        f"linked {claim_id} ← {ref} ({stance})",
        claim_id,
        ref,
        stance,
        locator=locator,
        note=note,
        indirect=indirect,
        concerns=concerns,
    )


@command(None)
@click.argument("claim_id")
@click.argument("ref")
@click.option("--stance", type=click.Choice(STANCES), default=None, help="Only the link of this stance (default: every link to REF).")
def unlink(s: Project, claim_id: str, ref: str, stance: str | None) -> None:
    """Remove a claim's links to a reference."""
    edit(s.editor().unlink, f"unlinked {claim_id} ← {ref}", claim_id, ref, stance)


@command(None, "fmt")
def fmt_claims(s: Project) -> None:
    """Lay out claims.yaml in kbase's style (2-space indentation), keeping comments and order."""
    s.editor().fmt()
