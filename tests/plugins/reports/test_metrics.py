"""Report figures on hand-built histories; every expected number is worked out in the comments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.services import messages, tickets
from helpline_reports.metrics import Filters, run_report

DAY = date(2025, 1, 6)  # a Monday
ONE_DAY = Filters(start=DAY, end=DAY)


def at(hour: int, minute: int = 0, day: int = 6) -> datetime:
    return datetime(2025, 1, day, hour, minute, tzinfo=UTC)


async def history(helpline, factory, clock):
    """Three tickets opened on Monday 09:00 by one customer.

    #1: reply at 09:30 by A, solved 10:00  -> first response 30, resolution 60, one touch.
    #2: reply 11:00 by A, reassigned to B, B replies 12:00, solved 13:00, reopened 14:00,
        solved 15:00 -> first response 120, resolution 360 (to the last solve), 2 replies.
    #3: reply 10:00 by B, still open -> first response 60.
    """
    team = await factory.team("Support")
    a = await factory.user("agent", name="Ann", teams=[team])
    b = await factory.user("agent", name="Bob", teams=[team])
    customer = await factory.user("customer")
    clock.freeze(at(9))
    one = await factory.ticket(requester=customer, by=customer)
    two = await factory.ticket(requester=customer, by=customer)
    three = await factory.ticket(requester=customer, by=customer)
    for t in (one, two, three):
        await tickets.assign_ticket(helpline, a, t.number, assignee=a.id, team=team)
    clock.freeze(at(9, 30))
    await messages.add_message(helpline, a, one.number, body="Try this.")
    clock.freeze(at(10))
    await tickets.update_ticket(helpline, a, one.number, version=None, status="solved")
    await messages.add_message(helpline, b, three.number, body="Looking.")
    clock.freeze(at(11))
    await messages.add_message(helpline, a, two.number, body="Hm.")
    await tickets.assign_ticket(helpline, a, two.number, assignee=b.id)
    clock.freeze(at(12))
    await messages.add_message(helpline, b, two.number, body="Fixed?")
    clock.freeze(at(13))
    await tickets.update_ticket(helpline, b, two.number, version=None, status="solved")
    clock.freeze(at(14))
    await tickets.reopen_ticket(helpline, b, two.number)
    clock.freeze(at(15))
    await tickets.update_ticket(helpline, b, two.number, version=None, status="solved")
    return {"team": team, "a": a, "b": b, "customer": customer, "tickets": [one, two, three]}


async def test_first_response_median_and_p90_count_the_first_agent_reply(
    helpline, factory, clock, manager
):
    await history(helpline, factory, clock)
    report = await run_report(helpline, manager, "first_response", ONE_DAY)
    # 30, 60, 120: median 60; p90 at rank 1.8 -> 60 + 0.8 * 60 = 108.
    assert report.totals["tickets"] == 3
    assert report.totals["median"] == 60
    assert report.totals["p90"] == 108
    # No calendar applies: business minutes fall back to calendar minutes.
    assert report.totals["business_median"] == 60


async def test_resolution_time_runs_to_the_last_solve_after_a_reopen(
    helpline, factory, clock, manager
):
    await history(helpline, factory, clock)
    report = await run_report(helpline, manager, "resolution", ONE_DAY)
    # 60 and 360: median 210; p90 = 60 + 0.9 * 300 = 330.
    assert (report.totals["tickets"], report.totals["median"], report.totals["p90"]) == (
        2,
        210,
        330,
    )


async def test_volume_counts_created_solved_and_reopened_per_day(helpline, factory, clock, manager):
    await history(helpline, factory, clock)
    report = await run_report(helpline, manager, "volume", Filters(start=date(2025, 1, 5), end=DAY))
    assert report.series["created"] == [(date(2025, 1, 5), 0.0), (DAY, 3.0)]
    # #2 was solved twice (13:00 and 15:00 after its reopen at 14:00): each solve counts.
    assert report.totals == {"created": 3.0, "solved": 3.0, "reopened": 1.0}
    assert report.rows[-1] == ["2025-01-06", 3, 3, 1]


async def test_replies_and_one_touch_resolution_on_solved_tickets(
    helpline, factory, clock, manager
):
    await history(helpline, factory, clock)
    replies = await run_report(helpline, manager, "replies", ONE_DAY)
    assert replies.totals == {"tickets": 2.0, "mean": 1.5, "median": 1.5, "p90": 1.9}
    touch = await run_report(helpline, manager, "one_touch", ONE_DAY)
    # #1 is solved with one reply; #2 took two replies and a reopen.
    assert touch.totals == {"solved": 2.0, "one_touch": 1.0, "rate": 50.0}


async def test_breakdown_by_agent_follows_the_reassignment(helpline, factory, clock, manager):
    await history(helpline, factory, clock)
    report = await run_report(
        helpline, manager, "breakdown", Filters(start=DAY, end=DAY, group_by="agent")
    )
    rows = {r[0]: r[1:] for r in report.rows}
    # columns: created, solved, reopened, frt median, resolution median, one-touch rate
    assert report.columns[0] == "agent"
    assert rows["Ann"] == [2, 1, 0, 45.0, 60.0, 100.0]  # #1 and #3: 30, 60
    assert rows["Bob"] == [1, 2, 1, 120.0, 360.0, 0.0]  # #2: solved, reopened, solved


async def test_backlog_is_the_unsolved_tickets_at_the_end_of_each_day(
    helpline, factory, clock, manager
):
    await history(helpline, factory, clock)
    clock.freeze(at(9, day=8))
    await factory.ticket()
    report = await run_report(
        helpline, manager, "backlog", Filters(start=date(2025, 1, 7), end=date(2025, 1, 8))
    )
    # one ticket left open on Monday, one more on Wednesday
    assert report.series["backlog"] == [(date(2025, 1, 7), 1.0), (date(2025, 1, 8), 2.0)]


async def test_the_previous_period_of_equal_length_is_compared(helpline, factory, clock, manager):
    await history(helpline, factory, clock)
    clock.freeze(at(10, day=7))
    await factory.ticket()
    report = await run_report(
        helpline, manager, "volume", Filters(start=date(2025, 1, 7), end=date(2025, 1, 7))
    )
    assert report.totals["created"] == 1
    assert report.previous["created"] == 3


async def test_filters_narrow_the_figures(helpline, factory, clock, manager):
    data = await history(helpline, factory, clock)
    await tickets.add_tags(helpline, data["a"], data["tickets"][0].number, ["billing"])
    tagged = await run_report(
        helpline, manager, "volume", Filters(start=DAY, end=DAY, tag="billing")
    )
    assert tagged.totals["created"] == 1
    mine = await run_report(
        helpline, manager, "volume", Filters(start=DAY, end=DAY, assignee_id=data["b"].id)
    )
    assert mine.totals == {"created": 1.0, "solved": 2.0, "reopened": 1.0}  # #2 solved twice


async def test_customers_and_unknown_reports_are_refused(
    helpline, factory, clock, manager, customer
):
    with pytest.raises(Forbidden):
        await run_report(helpline, customer, "volume", ONE_DAY)
    with pytest.raises(NotFound):
        await run_report(helpline, manager, "nope", ONE_DAY)


async def test_bad_filters_name_the_field():
    with pytest.raises(Invalid) as bad:
        Filters.from_query({"start": "2025-13-01"})
    assert bad.value.field == "start"
    with pytest.raises(Invalid) as bad:
        Filters.from_query({"team_id": "x"})
    assert bad.value.field == "team_id"
    with pytest.raises(Invalid) as bad:
        Filters.from_query({"group_by": "moon"})
    assert bad.value.field == "group_by"
    parsed = Filters.from_query({"end": "2025-01-31"})
    assert (parsed.start, parsed.end) == (date(2025, 1, 2), date(2025, 1, 31))
