"""What the SLA plugin gives the reports plugin: the SLA compliance report, business minutes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sla_helpers import MONDAY_10, berlin, office, policy

from helpline.errors import Forbidden
from helpline.services import messages, roles, tickets
from helpline_reports.metrics import Filters, run_report
from helpline_sla.reports_hook import business_minutes
from helpline_sla.specs import Conditions

MONDAY, TUESDAY = date(2025, 1, 6), date(2025, 1, 7)
COLUMNS = [
    "first_response_met",
    "first_response_breached",
    "first_response_pct",
    "next_response_met",
    "next_response_breached",
    "next_response_pct",
    "resolution_met",
    "resolution_breached",
    "resolution_pct",
    "met",
    "breached",
    "compliance_pct",
]


@pytest.fixture
def helpline_settings_overrides():
    return {"plugins": ["sla", "reports"]}


async def _desk(helpline, factory, clock, manager, admin):
    """Two teams' tickets under a policy (office hours, Berlin): first response 60 min, next
    response 30 min, resolution 480 min. Created Monday 10:00, looked at Tuesday 12:00.

    Alpha: A1 answered 10:30 (met), the customer writes 10:40 and hears back 11:30 (next
      response breached: due 11:10), solved 12:00 (met). A2 answered 11:30 (breached: due
      11:00), its resolution falls due Tuesday 10:00 and is overdue.
    Beta: B1 answered 10:30 (met), solved 12:00 (met). B2 never answered: its first response
      is overdue since Monday 11:00, its resolution since Tuesday 10:00.
    A1 is tagged vip, B2 vip and billing.
    """
    from helpline.defaults.roles import AGENT

    await roles.create_role(
        helpline, admin, name="lead", label="Lead", permissions=[*AGENT, "reports.view"]
    )
    await office(helpline)
    await policy(helpline, targets={"first_response": 60, "next_response": 30, "resolution": 480})
    alpha, beta = await factory.team("Alpha"), await factory.team("Beta")
    lead = await factory.user("lead", teams=[alpha])
    customer = await factory.user("customer")
    clock.freeze(MONDAY_10)
    a1, a2, b1, b2 = [
        await factory.ticket(requester=customer, team=team, tags=tags)
        for team, tags in ((alpha, ["vip"]), (alpha, []), (beta, []), (beta, ["billing", "vip"]))
    ]
    clock.freeze(berlin(2025, 1, 6, 10, 30))
    await messages.add_message(helpline, lead, a1.number, body="On it.")
    await messages.add_message(helpline, manager, b1.number, body="On it.")
    clock.freeze(berlin(2025, 1, 6, 10, 40))
    await messages.add_message(helpline, customer, a1.number, body="Any news?")
    clock.freeze(berlin(2025, 1, 6, 11, 30))
    await messages.add_message(helpline, lead, a2.number, body="Sorry for the wait.")
    await messages.add_message(helpline, lead, a1.number, body="Nearly there.")
    clock.freeze(berlin(2025, 1, 6, 12, 0))
    for ticket in (a1, b1):
        await tickets.update_ticket(helpline, manager, ticket.number, version=None, status="solved")
    clock.freeze(berlin(2025, 1, 7, 12, 0))
    return lead, customer, alpha, beta, (a1, a2, b1, b2)


def _rows(report):
    return {row[0]: dict(zip(COLUMNS, row[1:], strict=True)) for row in report.rows}


async def test_compliance_counts_met_and_breached_targets_per_team(
    helpline, factory, clock, manager, admin
):
    await _desk(helpline, factory, clock, manager, admin)
    report = await run_report(
        helpline, manager, "sla_compliance", Filters(start=MONDAY, end=TUESDAY)
    )
    assert report.label == "SLA compliance"
    assert report.columns == ["team", *COLUMNS]
    assert _rows(report) == {
        "Alpha": dict(zip(COLUMNS, [1, 1, 50.0, 0, 1, 0.0, 1, 1, 50.0, 2, 3, 40.0], strict=True)),
        "Beta": dict(zip(COLUMNS, [1, 1, 50.0, 0, 0, None, 1, 1, 50.0, 2, 2, 50.0], strict=True)),
    }
    assert report.totals == {
        "first_response_pct": 50.0,
        "next_response_pct": 0.0,
        "resolution_pct": 50.0,
        "met": 4.0,
        "breached": 5.0,
        "compliance_pct": 44.44,
    }


async def test_a_target_counts_on_the_day_it_was_met_or_fell_due(
    helpline, factory, clock, manager, admin
):
    await _desk(helpline, factory, clock, manager, admin)
    monday = await run_report(
        helpline, manager, "sla_compliance", Filters(start=MONDAY, end=MONDAY)
    )
    # The two resolutions overdue since Tuesday 10:00 are Tuesday's.
    assert (monday.totals["met"], monday.totals["breached"]) == (4, 3)
    assert monday.totals["compliance_pct"] == 57.14
    by_day = await run_report(
        helpline,
        manager,
        "sla_compliance",
        Filters(start=MONDAY, end=TUESDAY + timedelta(days=1), group_by="day"),
    )
    assert by_day.columns[0] == "day"
    assert [row[0] for row in by_day.rows] == ["2025-01-06", "2025-01-07", "2025-01-08"]
    assert [row[-3:] for row in by_day.rows] == [[4, 3, 57.14], [0, 2, 0.0], [0, 0, None]]
    assert by_day.previous == {"met": 0.0, "breached": 0.0}


async def test_breaches_the_timers_recorded_count_the_same_as_those_found_late(
    helpline, factory, clock, manager, admin, run_jobs
):
    await _desk(helpline, factory, clock, manager, admin)
    filters = Filters(start=MONDAY, end=TUESDAY, group_by="day")
    before = await run_report(helpline, manager, "sla_compliance", filters)
    await run_jobs()  # every overdue timer fires now and records its breach
    after = await run_report(helpline, manager, "sla_compliance", filters)
    assert after.rows == before.rows and after.totals == before.totals


async def test_every_grouping_adds_up_to_the_same_totals(helpline, factory, clock, manager, admin):
    await _desk(helpline, factory, clock, manager, admin)
    for group_by in ("team", "agent", "channel", "type", "priority", "organization", "day"):
        filters = Filters(start=MONDAY, end=TUESDAY, group_by=group_by)
        report = await run_report(helpline, manager, "sla_compliance", filters)
        assert report.columns[0] == group_by
        assert sum(row[-3] for row in report.rows) == 4, group_by
        assert sum(row[-2] for row in report.rows) == 5, group_by
        assert report.totals["compliance_pct"] == 44.44


async def test_by_tag_a_target_counts_under_each_tag_and_once_in_the_totals(
    helpline, factory, clock, manager, admin
):
    await _desk(helpline, factory, clock, manager, admin)
    filters = Filters(start=MONDAY, end=TUESDAY, group_by="tag")
    report = await run_report(helpline, manager, "sla_compliance", filters)
    assert {row[0]: row[-3:] for row in report.rows} == {
        "billing": [0, 2, 0.0],
        "vip": [2, 3, 40.0],
    }
    assert (report.totals["met"], report.totals["breached"]) == (4, 5)


async def test_compliance_keeps_to_the_filters(helpline, factory, clock, manager, admin):
    *_, beta, _ = await _desk(helpline, factory, clock, manager, admin)
    report = await run_report(
        helpline,
        manager,
        "sla_compliance",
        Filters(start=MONDAY, end=TUESDAY, team_id=beta, group_by="priority"),
    )
    assert [row[0] for row in report.rows] == ["normal"]
    assert report.rows[0][-3:] == [2, 2, 50.0]


async def test_an_agent_sees_only_the_targets_of_its_teams_tickets(
    helpline, factory, clock, manager, admin
):
    lead, *_ = await _desk(helpline, factory, clock, manager, admin)
    report = await run_report(helpline, lead, "sla_compliance", Filters(start=MONDAY, end=TUESDAY))
    assert [row[0] for row in report.rows] == ["Alpha"]
    assert (report.totals["met"], report.totals["breached"]) == (2, 3)
    assert report.totals["compliance_pct"] == 40.0


async def test_customers_and_agents_without_reports_get_no_compliance(
    helpline, factory, clock, manager, admin, agent
):
    _, customer, *_ = await _desk(helpline, factory, clock, manager, admin)
    for actor in (customer, agent):
        with pytest.raises(Forbidden):
            await run_report(helpline, actor, "sla_compliance", Filters(start=MONDAY, end=TUESDAY))


async def test_business_minutes_answer_a_batch_with_the_calendar_of_each_ticket(
    helpline, factory, clock
):
    await office(helpline)
    await policy(helpline, conditions=Conditions(priority=["high"]))
    clock.freeze(MONDAY_10)
    urgent = await factory.ticket(priority="high")
    other = await factory.ticket(priority="low")
    friday_16 = berlin(2025, 1, 3, 16)
    spans = [
        (urgent.id, friday_16, berlin(2025, 1, 6, 10)),  # 16-17 Friday, 9-10 Monday
        (other.id, friday_16, berlin(2025, 1, 6, 10)),  # no policy applies
        (urgent.id, berlin(2025, 1, 6, 10), berlin(2025, 1, 6, 10, 45)),
        (999_999, friday_16, berlin(2025, 1, 6, 10)),  # no such ticket
    ]
    assert await business_minutes(helpline, spans) == [120.0, None, 45.0, None]
    assert await helpline.hook_first(
        "reports_business_minutes", helpline=helpline, spans=spans[:1]
    ) == [120.0]


async def test_business_minutes_have_nothing_to_say_without_a_calendar(helpline, factory, clock):
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    span = (ticket.id, berlin(2025, 1, 3, 16), berlin(2025, 1, 6, 10))
    assert await business_minutes(helpline, [span]) is None
    await policy(helpline, calendar=None, business=False)
    assert await business_minutes(helpline, [span]) is None


async def test_the_compliance_report_has_a_page_among_the_reports(
    helpline, factory, clock, manager, admin, signin
):
    await _desk(helpline, factory, clock, manager, admin)
    web = await signin(manager)
    page = await web.get("/p/reports/view/sla_compliance?start=2025-01-06&end=2025-01-07")
    assert page.status_code == 200
    assert "SLA compliance" in page.text and "Alpha" in page.text
    csv = await web.get(
        "/p/reports/download/sla_compliance?format=csv&start=2025-01-06&end=2025-01-07"
    )
    assert csv.status_code == 200
    lines = csv.text.lstrip("\ufeff").splitlines()  # a BOM, for spreadsheets
    assert lines[0] == ",".join(["team", *COLUMNS])
    assert "Beta,1,1,50.0,0,0,,1,1,50.0,2,2,50.0" in lines
