"""Figures over histories that span several days: reopens, merges, tags and restricted agents.

Every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from helpline import db
from helpline.services import messages, tickets
from helpline_reports import rollups
from helpline_reports.metrics import Filters, run_report

MON, TUE, WED, THU, FRI = (date(2025, 1, d) for d in range(6, 11))
WEEK = Filters(start=MON, end=FRI)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


async def week(helpline, factory, clock, admin):
    """#1 opened Mon 09:00, answered 10:00, solved Mon 12:00, reopened Wed 09:00, solved Fri 09:00.
    #2 opened Mon 09:00, merged into #3 on Tue 10:00. #3 opened Tue 09:00, still open."""
    clock.freeze(at(MON, 9))
    one = await factory.ticket()
    two = await factory.ticket()
    clock.freeze(at(MON, 10))
    await messages.add_message(helpline, admin, one.number, body="On it.")
    clock.freeze(at(MON, 12))
    await tickets.update_ticket(helpline, admin, one.number, version=None, status="solved")
    clock.freeze(at(TUE, 9))
    three = await factory.ticket()
    clock.freeze(at(TUE, 10))
    await tickets.merge_tickets(helpline, admin, two.number, three.number)
    clock.freeze(at(WED, 9))
    await tickets.reopen_ticket(helpline, admin, one.number)
    clock.freeze(at(FRI, 9))
    await tickets.update_ticket(helpline, admin, one.number, version=None, status="solved")
    return one, two, three


async def test_a_reopened_ticket_counts_on_each_day_it_was_solved_or_reopened(
    helpline, factory, clock, manager, admin
):
    await week(helpline, factory, clock, admin)
    report = await run_report(helpline, manager, "volume", WEEK)
    assert report.rows == [
        ["2025-01-06", 2, 1, 0],  # #1 and #2 created, #1 solved
        ["2025-01-07", 1, 0, 0],  # #3 created; the merge of #2 is not a solve
        ["2025-01-08", 0, 0, 1],  # #1 reopened
        ["2025-01-09", 0, 0, 0],
        ["2025-01-10", 0, 1, 0],  # #1 solved again
    ]


async def test_the_backlog_follows_reopens_and_merges_day_by_day(
    helpline, factory, clock, manager, admin
):
    await week(helpline, factory, clock, admin)
    report = await run_report(helpline, manager, "backlog", WEEK)
    # Mon: #2 open (#1 solved). Tue: #2 merged away, #3 open. Wed-Thu: #1 reopened, #3.
    # Fri: #1 solved again, #3 left.
    assert [v for _, v in report.series["backlog"]] == [1.0, 1.0, 2.0, 2.0, 1.0]
    thursday = await run_report(helpline, manager, "backlog", Filters(start=THU, end=THU))
    assert thursday.rows == [["2025-01-09", 2]]  # the level it starts with comes from before


async def test_resolution_time_of_a_reopened_ticket_runs_to_its_last_solve(
    helpline, factory, clock, manager, admin
):
    await week(helpline, factory, clock, admin)
    monday = await run_report(helpline, manager, "resolution", Filters(start=MON, end=MON))
    assert monday.totals["tickets"] == 0  # its solve on Monday was undone by the reopen
    friday = await run_report(helpline, manager, "resolution", Filters(start=FRI, end=FRI))
    # Mon 09:00 -> Fri 09:00 = 4 days = 5760 minutes; the merged #2 is no resolution.
    assert (friday.totals["tickets"], friday.totals["median"]) == (1, 5760)


async def test_a_restricted_agent_gets_the_same_figures_as_the_rollups_give_a_manager(
    helpline, factory, clock, manager, admin
):
    """The agent sees every ticket here (no teams): the facts path must agree with the rollups."""
    from helpline.defaults.roles import AGENT
    from helpline.services import roles

    await roles.create_role(
        helpline, admin, name="lead", label="Lead", permissions=[*AGENT, "reports.view"]
    )
    await week(helpline, factory, clock, admin)
    agent = await factory.user("lead")
    for name in ("volume", "backlog"):
        seen = await run_report(helpline, agent, name, WEEK)
        everything = await run_report(helpline, manager, name, WEEK)
        assert seen.rows == everything.rows, name
        assert seen.previous == everything.previous, name


async def test_an_agent_counts_its_own_tickets_in_other_teams_but_nothing_else_of_theirs(
    helpline, factory, clock, manager, admin
):
    from helpline.defaults.roles import AGENT
    from helpline.services import roles

    await roles.create_role(
        helpline, admin, name="lead", label="Lead", permissions=[*AGENT, "reports.view"]
    )
    mine, other = await factory.team("Mine"), await factory.team("Other")
    agent = await factory.user("lead", teams=[mine])
    clock.freeze(at(MON, 9))
    ours = await factory.ticket(team=mine)
    assigned = await factory.ticket(team=other, assignee=agent.id)
    hidden = await factory.ticket(team=other)
    clock.freeze(at(MON, 9, 30))
    await messages.add_message(helpline, admin, ours.number, body="Hello")
    clock.freeze(at(MON, 10))
    await messages.add_message(helpline, admin, assigned.number, body="Hello")
    clock.freeze(at(MON, 13))
    await messages.add_message(helpline, admin, hidden.number, body="Hello")
    day = Filters(start=MON, end=MON)
    seen = await run_report(helpline, agent, "first_response", day)
    # 30 and 60 minutes; the hidden ticket's 240 stays out: median 45.
    assert (seen.totals["tickets"], seen.totals["median"]) == (2, 45)
    assert {r[0] for r in seen.rows} == {"Mine", "Other"}
    breakdown = await run_report(helpline, agent, "breakdown", day)
    assert breakdown.totals["created"] == 2
    everything = await run_report(helpline, manager, "first_response", day)
    assert (everything.totals["tickets"], everything.totals["median"]) == (3, 60)


async def test_a_ticket_with_two_tags_shows_under_both_but_counts_once_in_the_totals(
    helpline, factory, clock, manager, admin
):
    clock.freeze(at(MON, 9))
    both = await factory.ticket()
    await tickets.add_tags(helpline, admin, both.number, ["billing", "vip"])
    await tickets.update_ticket(helpline, admin, both.number, version=None, status="solved")
    report = await run_report(
        helpline, manager, "one_touch", Filters(start=MON, end=MON, group_by="tag")
    )
    assert [r[:2] for r in report.rows] == [["billing", 1], ["vip", 1]]
    assert report.totals["solved"] == 1
    breakdown = await run_report(
        helpline, manager, "breakdown", Filters(start=MON, end=MON, group_by="tag")
    )
    assert [r[:3] for r in breakdown.rows] == [["billing", 1, 1], ["vip", 1, 1]]
    assert (breakdown.totals["created"], breakdown.totals["solved"]) == (1, 1)


async def test_a_rebuild_from_history_gives_the_transitions_and_rollups_the_hooks_wrote(
    helpline, factory, clock, manager, admin
):
    await week(helpline, factory, clock, admin)

    async def snapshot():
        moves = await db.fetch(
            helpline.engine,
            "SELECT * FROM reports_transition ORDER BY id, day, kind",
        )
        daily = await db.fetch(
            helpline.engine,
            "SELECT * FROM reports_daily WHERE created + solved + reopened + merged <> 0 "
            "ORDER BY day, team_id, channel, priority, type",
        )
        return moves, daily

    live = await snapshot()
    assert [m["kind"] for m in live[0]].count("reopened") == 1
    await rollups.rebuild(helpline)
    assert await snapshot() == live
