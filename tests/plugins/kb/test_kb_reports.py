"""Knowledge base deflections in the reports (the `report_metrics` hook): hand-built activity,
numbers worked out in the comments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from helpline.errors import Forbidden
from helpline_kb import activity
from helpline_reports.metrics import Filters, run_report

MON, TUE = date(2025, 3, 3), date(2025, 3, 4)
RANGE = Filters(start=MON, end=TUE)  # the previous period: Sat 1 - Sun 2 March


@pytest.fixture
def helpline_settings_overrides():
    # Only the two plugins at work here: others are being changed in parallel.
    return {"plugins": ["kb", "reports"], "plugin": {"kb": {"languages": ["en", "de"]}}}


def at(day: int, hour: int) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


@pytest.fixture
async def desk(kb, helpline, factory, clock, manager, customer):
    """Articles: "Reset your password" and "Export invoices" (published), "VPN setup"
    (internal), "Draft notes" (draft). Tickets: one of team Alpha, one of team Beta.

    Deflected: password Mon x2, Tue x1; invoices Tue x1; password Sun 2 March (before the range).
    Inserted by agents: password (link) on Alpha's ticket Mon; invoices (text) on Beta's Tue;
    VPN (text) and the draft (text) on Alpha's Tue. A draft made from Alpha's ticket on Mon is
    not an insert. The password article was viewed 5 times (views are kept only as a total).
    """

    d = SimpleNamespace()
    d.helpline, d.factory = helpline, factory
    d.alpha, d.beta = await factory.team("Alpha"), await factory.team("Beta")
    clock.freeze(at(1, 8))
    password = await kb.article("Reset your password")
    invoices = await kb.article("Export invoices")
    vpn = await kb.article("VPN setup", state="internal")
    draft = await kb.article("Draft notes", state="draft")
    alpha_ticket = await factory.ticket(team=d.alpha)
    beta_ticket = await factory.ticket(team=d.beta)
    for day, hour, article in ((3, 9, password), (3, 10, password), (4, 9, password)):
        clock.freeze(at(day, hour))
        async with helpline.transaction():
            await activity.record_deflection(helpline, customer, article.id, "forgot password")
    for day, article in ((4, invoices), (2, password)):
        clock.freeze(at(day, 11))
        async with helpline.transaction():
            await activity.record_deflection(helpline, None, article.id, "")
    for day, article, ticket, kind in (
        (3, password, alpha_ticket, "link"),
        (4, invoices, beta_ticket, "text"),
        (4, vpn, alpha_ticket, "text"),
        (4, draft, alpha_ticket, "text"),
        (3, draft, alpha_ticket, "created"),
    ):
        clock.freeze(at(day, 14))
        async with helpline.transaction():
            await activity.record_usage(helpline, manager, article.id, ticket.id, kind)
    for _ in range(5):
        activity.count_view(helpline, password.id)
    return d


async def test_deflections_per_day_and_per_article_with_previous_totals(desk, manager):
    report = await run_report(desk.helpline, manager, "kb_deflections", RANGE)
    assert report.label == "Knowledge base deflections"
    assert report.columns == ["article", "deflected", "inserted", "views_all_time"]
    # Most deflecting first; ties by inserts, then title.
    assert report.rows == [
        ["Reset your password", 3, 1, 5],
        ["Export invoices", 1, 1, 0],
        ["Draft notes", 0, 1, 0],
        ["VPN setup", 0, 1, 0],
    ]
    assert report.series == {
        "deflected": [(MON, 2.0), (TUE, 2.0)],
        "inserted": [(MON, 1.0), (TUE, 3.0)],
    }
    assert report.totals == {"deflected": 4.0, "inserted": 4.0}
    assert report.previous == {"deflected": 1.0, "inserted": 0.0}


async def test_ticket_filters_narrow_inserts_but_not_deflections(desk, manager):
    beta = await run_report(
        desk.helpline, manager, "kb_deflections", Filters(start=MON, end=TUE, team_id=desk.beta)
    )
    # Only the invoices article was inserted on Beta's ticket; deflections have no ticket.
    assert beta.totals == {"deflected": 4.0, "inserted": 1.0}
    assert ["Export invoices", 1, 1, 0] in beta.rows
    tuesday = await run_report(
        desk.helpline, manager, "kb_deflections", Filters(start=TUE, end=TUE)
    )
    assert tuesday.totals == {"deflected": 2.0, "inserted": 3.0}


async def test_an_agent_of_one_team_sees_its_tickets_inserts_and_no_drafts(desk, admin):
    from helpline.defaults.roles import AGENT
    from helpline.services import roles

    await roles.create_role(
        desk.helpline, admin, name="lead", label="Lead", permissions=[*AGENT, "reports.view"]
    )
    lead = await desk.factory.user("lead", teams=[desk.alpha])
    report = await run_report(desk.helpline, lead, "kb_deflections", RANGE)
    # Alpha's ticket only (not Beta's invoices insert); the draft is not readable without
    # kb.write; deflections and views are the KB report's (publishers and managers).
    assert report.columns == ["article", "inserted"]
    assert report.rows == [["Reset your password", 1], ["VPN setup", 1]]
    assert report.totals == {"inserted": 2.0}
    assert "deflected" not in report.series


async def test_customers_and_agents_without_reports_get_no_deflection_report(desk, customer, agent):
    for viewer in (customer, agent):
        with pytest.raises(Forbidden):
            await run_report(desk.helpline, viewer, "kb_deflections", RANGE)


async def test_the_deflections_report_page_shows_the_articles(desk, manager, signin):
    web = await signin(manager)
    page = await web.get("/p/reports/view/kb_deflections?start=2025-03-03&end=2025-03-04")
    assert page.status_code == 200
    assert "Knowledge base deflections" in page.text and "Reset your password" in page.text
