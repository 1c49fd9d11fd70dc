"""Report pages: filters that keep what was typed, charts with tables, totals, downloads."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime, timedelta

from helpline import hookimpl

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


class _Contributed:
    """Another plugin's reports: a per-day series and a table, both reading the filters."""

    @hookimpl(optionalhook=True)
    def report_metrics(self, helpline):
        async def trend(helpline, actor, filters):
            days = [filters.start + timedelta(days=i) for i in range(filters.days)]
            base = 4.0 if filters.start == MONDAY.date() else 3.0  # the previous period scored less
            points = [(d, base + i / 10) for i, d in enumerate(days)]
            return {
                "columns": ["day", "score"],
                "rows": [[d.isoformat(), v] for d, v in points],
                "series": {"score": points},
                "totals": {"score": base},
            }

        async def by_team(helpline, actor, filters):
            who = f"{filters.channel or 'all'} channels"
            return {
                "columns": ["team", "responses", "promoters"],
                "rows": [["Billing", 12, 7], [f"Support ({who})", 30, 21]],
                "totals": {"responses": 42.0, "promoters": 28.0},
            }

        async def headline(helpline, actor, filters):
            return {"totals": {"deflected": 9.0}}

        async def broken(helpline, actor, filters):
            raise RuntimeError("the plugin has a bug")

        return {
            "csat_trend": {
                "label": "CSAT trend",
                "description": "Mean score per day",
                "kind": "series",
                "group_by": "day",
                "run": trend,
            },
            "nps_teams": {
                "label": "NPS by team",
                "description": "Promoters per team",
                "kind": "table",
                "group_by": "team",
                "run": by_team,
            },
            "headline": {
                "label": "Deflections",
                "description": "Just a number",
                "kind": "series",
                "group_by": "day",
                "run": headline,
            },
            "broken": {
                "label": "Broken report",
                "description": "Always fails",
                "kind": "table",
                "group_by": "team",
                "run": broken,
            },
        }


async def test_reports_of_other_plugins_are_listed_and_drawn_like_built_in_ones(
    signin, helpline, manager
):
    helpline.pm.register(_Contributed(), name="contributed_test")
    web = await signin(manager)
    overview = await web.get("/p/reports/")
    for name, label in (("csat_trend", "CSAT trend"), ("nps_teams", "NPS by team")):
        assert f'href="/p/reports/view/{name}"' in overview.text and label in overview.text

    trend = await web.get(f"/p/reports/view/csat_trend?{RANGE}")
    assert trend.status_code == 200
    assert "chart-line" in trend.text and 'class="chart-data"' in trend.text
    assert "4.1" in trend.text  # the second day's score, in the chart's table
    assert "▲" in trend.text and "33% up vs previous period (3)" in trend.text

    teams = await web.get(f"/p/reports/view/nps_teams?{RANGE}&channel=email")
    assert teams.status_code == 200
    assert "chart-bar" in teams.text
    assert "reports-table" not in teams.text, "every figure is charted: its table is the same"
    assert "Support (email channels)" in teams.text  # the filters reached the plugin
    assert "Promoters" in teams.text and "0% vs previous period" in teams.text
    headline = await web.get(f"/p/reports/view/headline?{RANGE}")
    assert '<strong class="reports-total-value">9</strong>' in headline.text
    assert "No tickets match" not in headline.text

    csv = await web.get(f"/p/reports/download/nps_teams?format=csv&{RANGE}")
    assert csv.status_code == 200 and "Billing,12,7" in csv.text


async def test_a_failing_report_of_another_plugin_is_explained_on_its_page(
    signin, helpline, manager
):
    helpline.pm.register(_Contributed(), name="contributed_test")
    page = await (await signin(manager)).get(f"/p/reports/view/broken?{RANGE}")
    assert page.status_code == 200
    assert "could not be computed" in page.text


async def test_agents_cannot_open_reports_of_other_plugins(signin, helpline, agent, customer):
    helpline.pm.register(_Contributed(), name="contributed_test")
    for actor in (agent, customer):
        web = await signin(actor)
        for url in (f"/p/reports/view/csat_trend?{RANGE}", "/p/reports/download/nps_teams"):
            assert (await web.get(url)).status_code == 403, (actor.role, url)


async def test_volume_split_by_channel_is_drawn_as_stacked_bars_over_time(
    signin, factory, clock, manager
):
    clock.freeze(MONDAY)
    await factory.ticket(channel="email")
    await factory.ticket(channel="email")
    await factory.ticket(channel="phone")
    page = await (await signin(manager)).get(f"/p/reports/view/volume?{RANGE}&group_by=channel")
    assert page.status_code == 200
    assert "Tickets created per day by channel" in page.text and "chart-stacked" in page.text
    figure = page.text[page.text.index("Tickets created per day by channel") :]
    table = figure[figure.index('class="chart-data"') : figure.index("</table>")]
    first_day = table[table.index("2025-01-06") : table.index("2025-01-07")]
    assert [n for n in ("2", "1", "3") if f">{n}<" in first_day] == ["2", "1", "3"]
    lines = await (await signin(manager)).get(
        f"/p/reports/view/volume?{RANGE}&group_by=channel&chart=line"
    )
    assert "Tickets created per day by channel" in lines.text and "chart-line" in lines.text


async def test_a_team_lead_sees_the_figures_and_filters_of_their_own_team_only(
    signin, helpline, factory, clock, admin
):
    from helpline.defaults.roles import AGENT
    from helpline.services import roles

    await roles.create_role(
        helpline, admin, name="lead", label="Lead", permissions=[*AGENT, "reports.view"]
    )
    mine, other = await factory.team("Mine"), await factory.team("Hidden team")
    lead = await factory.user("lead", teams=[mine])
    await _tickets(factory, clock, count=1, team=mine)
    await _tickets(factory, clock, count=3, team=other)
    web = await signin(lead)
    page = await web.get(f"/p/reports/view/volume?{RANGE}")
    assert page.status_code == 200
    assert '<strong class="reports-total-value">1</strong>' in page.text
    assert ">Mine</option>" in page.text and "Hidden team" not in page.text
    split = await web.get(f"/p/reports/view/volume?{RANGE}&group_by=team")
    assert "Hidden team" not in split.text
    overview = await web.get("/p/reports/")
    assert "<strong>1</strong> open" in overview.text
    assert 'href="/p/reports/schedules"' not in overview.text, "schedules are for managers"


class _Rates:
    """Reports shaped like the SLA plugin's compliance and the surveys plugin's CSAT by day."""

    @hookimpl(optionalhook=True)
    def report_metrics(self, helpline):
        async def compliance(helpline, actor, filters):
            return {
                "columns": ["team", "met", "breached", "compliance_pct"],
                "rows": [["Billing", 3, 1, 75.0], ["Support", 1, 3, 25.0]],
                "totals": {"met": 4.0, "breached": 4.0, "compliance_pct": 50.0},
            }

        async def csat(helpline, actor, filters):
            return {
                "columns": ["day", "sent", "answered", "satisfied", "csat_pct"],
                "rows": [["2025-01-06", 7, 4, 3, 75.0], ["2025-01-07", 5, 0, 0, None]],
                "series": {"csat_pct": [(MONDAY.date(), 75.0)]},
                "totals": {"csat_pct": 75.0, "sent": 12.0},
            }

        return {
            "sla_half": {
                "label": "SLA: 1/2 [first response] *all* teams?",
                "description": "Met and breached targets",
                "kind": "table",
                "group_by": "team",
                "run": compliance,
            },
            "csat_daily": {
                "label": "CSAT per day",
                "description": "Surveys per day",
                "kind": "series",
                "group_by": "day",
                "run": csat,
            },
        }


async def test_percentages_of_another_plugins_report_are_charted_apart_from_counts(
    signin, helpline, manager
):
    helpline.pm.register(_Rates(), name="rates_test")
    page = await (await signin(manager)).get(f"/p/reports/view/sla_half?{RANGE}")
    assert page.status_code == 200
    charts = page.text.split("<figure")[1:]
    assert len(charts) == 2
    assert "Breached" in charts[0] and "Compliance pct" not in charts[0]
    assert "Compliance pct" in charts[1] and ">100%</text>" in charts[1]
    assert '<strong class="reports-total-value">50%</strong>' in page.text


async def test_a_per_day_report_with_more_than_its_series_keeps_its_table(
    signin, helpline, manager
):
    helpline.pm.register(_Rates(), name="rates_test")
    page = await (await signin(manager)).get(f"/p/reports/view/csat_daily?{RANGE}")
    assert page.status_code == 200
    assert "chart-line" in page.text and ">100%</text>" in page.text
    table = page.text[page.text.index('class="reports-table"') :]
    assert "Sent" in table and "Satisfied" in table and ">7<" in table


def _sheet(content: bytes) -> tuple[str, str]:
    """The first worksheet's name and XML."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        workbook = book.read("xl/workbook.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    found = re.search(r'<sheet name="([^"]*)"', workbook)
    assert found is not None
    return found.group(1), sheet


async def test_a_report_whose_label_excel_refuses_as_a_sheet_name_downloads_as_xlsx(
    signin, api, helpline, manager
):
    helpline.pm.register(_Rates(), name="rates_test")
    web = await signin(manager)
    client = await api(manager)
    for url in (
        f"/p/reports/download/sla_half?format=xlsx&{RANGE}",
        f"/api/v1/reports/sla_half?format=xlsx&{RANGE}",
    ):
        xlsx = await (web if url.startswith("/p/") else client).get(url)
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK", url
        name, sheet = _sheet(xlsx.content)
        assert name.startswith("SLA  1 2  first response") and len(name) <= 31, name
        assert "<v>75</v>" in sheet
