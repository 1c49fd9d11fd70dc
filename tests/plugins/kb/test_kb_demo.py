"""`helpline demo` leaves a help centre to browse, with readers' activity to report on."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from helpline import db
from helpline.cli.demo import generate
from helpline_kb.demo_content import ARTICLES, CATEGORIES
from helpline_reports.metrics import Filters, run_report

EVER = Filters(start=date(2000, 1, 1), end=date(2100, 1, 1))


@pytest.fixture
def helpline_settings_overrides() -> dict[str, Any]:
    return {"plugins": ["kb", "reports"]}


async def _count(helpline, sql: str) -> int:
    return int(await db.fetchval(helpline.engine, sql))


async def test_the_help_centre_of_a_demo_desk_lists_its_published_articles(
    helpline, browser_client
):
    await generate(helpline, 30, seed=3)
    visitor = await browser_client()

    home = await visitor.get("/help/en")
    assert home.status_code == 200
    for _slug, name, _description in CATEGORIES:
        assert name.replace("&", "&amp;") in home.text
    billing = await visitor.get("/help/en/account-billing")
    assert "Request a refund" in billing.text
    article = await visitor.get("/help/en/account-billing/request-a-refund")
    assert article.status_code == 200 and "<ol>" in article.text, "Markdown is rendered"
    found = await visitor.get("/help/en/search?q=password")
    assert "/help/en/troubleshooting/reset-a-forgotten-password" in found.text


async def test_internal_and_draft_demo_articles_stay_out_of_the_help_centre(
    helpline, browser_client, agent, signin
):
    await generate(helpline, 30, seed=3)

    page = await (await browser_client()).get("/help/en/troubleshooting")
    assert "Reset a forgotten password" in page.text
    assert "Escalation checklist" not in page.text
    found = await (await browser_client()).get("/help/en/search?q=webhook")
    assert "sign-and-verify-payloads" not in found.text
    published = sum(1 for a in ARTICLES if a[1] == "published")
    assert published >= 12
    assert (
        await _count(helpline, "SELECT count(*) FROM kb_article WHERE state = 'published'")
        == published
    )


async def test_the_kb_report_of_a_demo_desk_shows_deflections_inserts_and_views(helpline, manager):
    await generate(helpline, 60, seed=3)

    report = await run_report(helpline, manager, "kb_deflections", EVER)

    assert report.totals["deflected"] > 0 and report.totals["inserted"] > 0
    assert report.rows and all(row[3] > 0 for row in report.rows if row[1]), "views"
    votes = await _count(helpline, "SELECT sum(helpful_yes + helpful_no) FROM kb_article")
    assert votes > 0


async def test_a_second_demo_run_adds_no_second_copy_of_the_help_centre(helpline):
    await generate(helpline, 20, seed=1)
    counts = [
        await _count(helpline, f"SELECT count(*) FROM {table}")
        for table in ("kb_category", "kb_article", "kb_deflection", "kb_vote")
    ]

    await generate(helpline, 20, seed=2)

    again = [
        await _count(helpline, f"SELECT count(*) FROM {table}")
        for table in ("kb_category", "kb_article", "kb_deflection", "kb_vote")
    ]
    assert again == counts
    assert counts[:2] == [len(CATEGORIES), len(ARTICLES)]
