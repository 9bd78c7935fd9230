"""The HTML report in a real headless browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, bib_entry, claims_yaml

from kbase.cli import cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (.ci/run installs Debian's chromium)")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def open_report(path: Path, screenshot: Path):
    sync_api = pytest.importorskip("playwright.sync_api")
    seen = {"requests": [], "console": [], "errors": [], "dialogs": []}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: seen["requests"].append(r.url))
        page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
        page.goto(path.resolve().as_uri())
        page.wait_for_load_state("load")
        facts = {
            "table_visible": page.locator("#claims-table").is_visible(),
            "rows": page.locator("#claims-table tbody tr").count(),
            "badges_visible": page.locator("#claims-table .badge").first.is_visible(),
            "badge_count": page.locator("#claims-table .badge").count(),
            "summary_text": page.locator("#summary").inner_text(),
            "graph_visible": page.locator("#graph svg").is_visible(),
            "graph_box": page.locator("#graph svg").bounding_box(),
            "graph_nodes": page.locator("#graph svg .node").count(),
            "statement_text": page.locator("#claims-table tbody tr").first.inner_text(),
            "reference_items": page.locator("#references li").all_inner_texts(),
            "reference_numbers": page.locator("#references ol").evaluate("(ol) => getComputedStyle(ol).listStyleType"),
        }
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return facts, seen


def test_ketamine_report_shows_table_badges_and_graph_offline(tmp_path):
    report = tmp_path / "ketamine-report.html"
    result = CliRunner().invoke(
        cli,
        [
            "--claims",
            str(ROOT / "claims.yaml"),
            "--bib",
            str(ROOT / "references.bib"),
            "table",
            "--article",
            "ketamine-chronic-pain",
            "--format",
            "html",
            "-o",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    facts, seen = open_report(report, tmp_path / "report.png")
    assert facts["table_visible"] and facts["badges_visible"] and facts["graph_visible"]
    assert facts["rows"] == 57 and facts["badge_count"] == 57
    assert "34" in facts["summary_text"] and "unsupported" in facts["summary_text"]
    assert facts["graph_box"]["width"] > 500 and facts["graph_box"]["height"] > 500
    assert facts["graph_nodes"] == 57 + 15  # every claim, and every reference linked to one (yang2020emerging is not)
    assert seen["requests"] == [report.resolve().as_uri()]  # nothing fetched but the file itself
    assert seen["console"] == [] and seen["errors"] == []
    # the 13 references that support or contradict a claim (mentions are not cited); the list numbers
    # itself, and no entry carries a second number of its own ("1. 1.Niesters")
    assert len(facts["reference_items"]) == 13 and facts["reference_numbers"] == "decimal"
    assert not any(item.lstrip()[:1].isdigit() for item in facts["reference_items"]), facts["reference_items"][:2]
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_a_script_in_a_statement_stays_text(library, tmp_path):
    claims = claims_yaml("""
    - id: evil
      statement: "Ketamine <script>alert(1)</script> cures pain <img src=x onerror=alert(2)>"
      evidence:
        - ref: r
          stance: supports
    """)
    library.write(claims, bib_entry("r", "rct", title="<script>alert(3)</script>"))
    report = tmp_path / "evil.html"
    assert CliRunner().invoke(cli, ["table", "--format", "html", "-o", str(report)]).exit_code == 0
    facts, seen = open_report(report, tmp_path / "evil.png")
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert "<script>alert(1)</script>" in facts["statement_text"]  # shown as text, not run
    assert seen["requests"] == [report.resolve().as_uri()]  # the <img src=x> was not created


def test_the_reviewed_draft_shows_findings_at_their_sentences_and_navigates_offline(tmp_path):
    """Issue 31: the annotated draft in Chromium: findings visible on their sentences, the margin's links
    reach them, nothing from the draft's text runs, nothing is fetched."""
    sync_api = pytest.importorskip("playwright.sync_api")
    draft = tmp_path / "draft.md"
    draft.write_text(
        (ROOT / "examples" / "ketamine-draft.md").read_text(encoding="utf-8")
        + "\nKetamine works <img src=x onerror=\"alert('draft')\"><script>alert('draft')</script> for some.\n",
        encoding="utf-8",
    )
    review = tmp_path / "review.html"
    result = CliRunner().invoke(
        cli,
        [
            "--claims",
            str(ROOT / "claims.yaml"),
            "--bib",
            str(ROOT / "references.bib"),
            "audit",
            str(draft),
            "--format",
            "html",
            "-o",
            str(review),
            "--fail-on",
            "none",
        ],
    )
    assert result.exit_code == 0, result.output
    seen = {"requests": [], "errors": [], "dialogs": []}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: seen["requests"].append(r.url))
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
        page.goto(review.as_uri())
        page.wait_for_load_state("load")
        marked = page.locator("article mark")
        first_mark = marked.first.inner_text()
        notes = page.locator(".note").count()
        badge_visible = page.locator("article .badge").first.is_visible()
        page.locator("nav a[href='#f4']").click()
        target = page.evaluate("location.hash")
        in_view = page.locator("#f4").evaluate("(e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
        page.keyboard.press("Tab")  # the skip link comes first and is reachable by keyboard
        focused = page.evaluate("document.activeElement && document.activeElement.textContent")
        page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
        browser.close()
    assert first_mark.startswith("Ketamine infusions definitely relieve chronic pain.") and badge_visible
    assert notes == 12 + 1  # the demo draft's twelve, and the added sentence's unregistered claim
    assert target == "#f4" and in_view
    assert focused and focused.strip()
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]


def test_the_summary_of_findings_page_in_the_browser(tmp_path):
    """Issue 28: the Summary-of-Findings HTML: one table of every claim, its footnotes, nothing fetched or run."""
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "sof.html"
    result = CliRunner().invoke(
        cli, ["--claims", str(ROOT / "claims.yaml"), "--bib", str(ROOT / "references.bib"), "table", "--format", "sof-html", "-o", str(page_file)]
    )
    assert result.exit_code == 0, result.output
    requests = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        rows = page.locator("#sof tbody tr").count()
        visible = page.locator("#sof").is_visible()
        notes = page.locator("#footnotes li").count()
        first_certainty = page.locator("#sof tbody tr").first.locator("td").last.inner_text()
        browser.close()
    assert visible and rows == 57 and notes > 0 and first_certainty in ("⊕⊕◯◯ low", "⊕◯◯◯ very-low", "⊕⊕⊕◯ moderate", "⊕⊕⊕⊕ high")
    assert all(url.startswith("file://") for url in requests)
