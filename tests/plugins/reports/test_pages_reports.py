"""Report pages: filters that keep what was typed, charts with tables, totals, downloads."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

MONDAY = datetime(2025, 1, 6, 9, tzinfo=UTC)
RANGE = "preset=custom&start=2025-01-06&end=2025-01-07"


async def _tickets(factory, clock, count=3, **fields):
    clock.freeze(MONDAY)
    return [await factory.ticket(**fields) for _ in range(count)]


async def test_a_manager_sees_every_report_listed_on_the_overview(signin, manager):
    page = await (await signin(manager)).get("/p/reports/")
    assert page.status_code == 200
    for label in ("Ticket volume", "Backlog", "First response time"):
        assert label in page.text
    assert 'href="/p/reports/view/volume"' in page.text


async def test_a_report_page_shows_a_chart_its_table_and_the_change_on_the_previous_period(
    signin, factory, clock, manager
):
    await _tickets(factory, clock)
    page = await (await signin(manager)).get(f"/p/reports/view/volume?{RANGE}")
    assert page.status_code == 200
    assert "<svg" in page.text and 'class="chart-data"' in page.text
    assert "▲" in page.text and "vs previous period" in page.text
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>") + 6]
    ET.fromstring(svg)  # the chart is well-formed
    assert 'value="2025-01-06"' in page.text  # the form keeps the range


async def test_a_preset_fills_in_the_dates(signin, clock, manager):
    clock.freeze(MONDAY)
    page = await (await signin(manager)).get("/p/reports/view/volume?preset=7d")
    assert 'value="2024-12-31"' in page.text and 'value="2025-01-06"' in page.text


async def test_a_bad_date_is_shown_next_to_its_field_and_what_was_typed_stays(signin, manager):
    web = await signin(manager)
    page = await web.get("/p/reports/view/volume?preset=custom&start=yesterday&tag=vip")
    assert page.status_code == 400
    assert 'id="err-start"' in page.text and "must be a date" in page.text
    assert 'value="yesterday"' in page.text and 'value="vip"' in page.text


async def test_htmx_filter_changes_get_only_the_page_content(signin, manager):
    web = await signin(manager)
    page = await web.get(f"/p/reports/view/volume?{RANGE}", headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert "<html" not in page.text and "reports-filters" in page.text


async def test_a_table_report_gets_a_bar_chart_and_the_full_table(signin, factory, clock, manager):
    team = await factory.team("Billing")
    await _tickets(factory, clock, team=team)
    page = await (await signin(manager)).get(f"/p/reports/view/breakdown?{RANGE}&group_by=team")
    assert page.status_code == 200
    assert "chart-bar" in page.text and "Billing" in page.text


async def test_hostile_names_are_escaped_on_the_report_page(signin, factory, clock, manager):
    team = await factory.team("<script>alert(1)</script>")
    await _tickets(factory, clock, count=1, team=team)
    page = await (await signin(manager)).get(f"/p/reports/view/breakdown?{RANGE}&group_by=team")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_the_report_downloads_as_csv_and_xlsx_from_the_page(signin, factory, clock, manager):
    await _tickets(factory, clock)
    web = await signin(manager)
    page = await web.get(f"/p/reports/view/volume?{RANGE}")
    assert "/p/reports/download/volume?format=csv" in page.text
    csv = await web.get(f"/p/reports/download/volume?format=csv&{RANGE}")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "2025-01-06,3,0,0" in csv.text
    xlsx = await web.get(f"/p/reports/download/volume?format=xlsx&{RANGE}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    tickets = await web.get(f"/p/reports/download/tickets?format=csv&{RANGE}")
    assert tickets.status_code == 200 and len(tickets.text.strip().splitlines()) == 4


async def test_an_unknown_report_is_not_found(signin, manager):
    web = await signin(manager)
    assert (await web.get("/p/reports/view/nope")).status_code == 404
    assert (await web.get("/p/reports/download/nope?format=csv")).status_code == 404


async def test_agents_and_customers_cannot_open_report_pages_or_downloads(
    signin, factory, clock, agent, customer
):
    await _tickets(factory, clock)
    for actor in (agent, customer):
        web = await signin(actor)
        for url in (
            "/p/reports/",
            f"/p/reports/view/volume?{RANGE}",
            f"/p/reports/download/volume?format=csv&{RANGE}",
            f"/p/reports/download/tickets?format=csv&{RANGE}",
        ):
            assert (await web.get(url)).status_code == 403, (actor.role, url)


async def test_an_admin_may_open_reports(signin, admin):
    assert (await (await signin(admin)).get("/p/reports/view/backlog")).status_code == 200


async def test_signed_out_visitors_are_sent_to_sign_in(browser_client):
    web = await browser_client()
    response = await web.get("/p/reports/")
    assert response.status_code in (302, 303, 401)
