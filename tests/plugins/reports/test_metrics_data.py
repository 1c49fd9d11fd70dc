"""Where the figures come from: visibility, SLA business hours, rebuilds, demo data, hooks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from helpline import db, hookimpl
from helpline.services import messages, tickets
from helpline_reports import rollups
from helpline_reports.metrics import Filters, iter_ticket_rows, run_report
from helpline_reports.tables import FACT_COLUMNS

DAY = date(2025, 1, 6)  # a Monday
ONE_DAY = Filters(start=DAY, end=DAY)


async def _snapshot(helpline):
    facts = await db.fetch(
        helpline.engine, f"SELECT {', '.join(FACT_COLUMNS)} FROM reports_ticket ORDER BY id"
    )
    daily = await db.fetch(
        helpline.engine,
        "SELECT * FROM reports_daily WHERE created + solved + reopened + merged <> 0 "
        "ORDER BY day, team_id, channel, priority, type",
    )
    return facts, daily


async def test_an_agent_sees_only_the_numbers_of_tickets_it_may_see(
    helpline, factory, clock, manager, admin
):
    from helpline.defaults.roles import AGENT
    from helpline.services import roles

    # Agents do not see reports by default: a role of agents who also may.
    await roles.create_role(
        helpline, admin, name="lead", label="Lead", permissions=[*AGENT, "reports.view"]
    )
    clock.freeze(datetime(2025, 1, 6, 9, tzinfo=UTC))
    mine, other = await factory.team("Mine"), await factory.team("Other")
    agent = await factory.user("lead", teams=[mine])
    await factory.ticket(team=mine)
    for _ in range(3):
        await factory.ticket(team=other)
    seen = await run_report(helpline, agent, "volume", ONE_DAY)
    assert seen.totals["created"] == 1
    rows = [r async for r in iter_ticket_rows(helpline, agent, ONE_DAY)]
    assert len(rows) == 1
    everything = await run_report(helpline, manager, "volume", ONE_DAY)
    assert everything.totals["created"] == 4


async def test_business_minutes_follow_the_sla_calendar(helpline, factory, clock, manager):
    from helpline_sla import store
    from helpline_sla.specs import CalendarSpec, PolicySpec, TargetSpec

    await store.save_calendar(
        helpline, CalendarSpec(name="office", timezone="UTC", hours=["mon-fri 09:00-17:00"])
    )
    await store.save_policy(
        helpline,
        PolicySpec(
            name="Standard",
            targets=[TargetSpec(target="first_response", minutes=600, business=True)],
            calendar="office",
        ),
    )
    agent = await factory.user("agent")
    # Friday 16:00 -> reply Monday 10:00: 2 business hours (16-17, 9-10), 66 calendar hours.
    clock.freeze(datetime(2025, 1, 3, 16, tzinfo=UTC))
    ticket = await factory.ticket()
    clock.freeze(datetime(2025, 1, 6, 10, tzinfo=UTC))
    await messages.add_message(helpline, agent, ticket.number, body="Sorry for the wait.")
    report = await run_report(
        helpline, manager, "first_response", Filters(start=date(2025, 1, 3), end=DAY)
    )
    assert report.totals["median"] == 66 * 60
    assert report.totals["business_median"] == 120


async def test_a_rebuild_gives_the_same_facts_as_the_live_hooks(helpline, factory, clock):
    team = await factory.team()
    agent = await factory.user("agent", teams=[team])
    clock.freeze(datetime(2025, 1, 6, 9, tzinfo=UTC))
    first = await factory.ticket(team=team)
    second = await factory.ticket()
    clock.advance(minutes=20)
    await messages.add_message(helpline, agent, first.number, body="On it.")
    await tickets.update_ticket(helpline, agent, first.number, version=None, status="solved")
    clock.advance(days=1)
    await tickets.reopen_ticket(helpline, agent, first.number)
    await tickets.update_ticket(helpline, agent, second.number, version=None, priority="high")
    await tickets.merge_tickets(helpline, agent, second.number, first.number)
    live = await _snapshot(helpline)
    assert len(live[0]) == 2 and live[1]
    assert await rollups.rebuild(helpline, batch=1) == 2
    assert await _snapshot(helpline) == live


async def test_demo_tickets_written_in_bulk_get_their_facts(helpline, manager):
    from helpline.cli.demo import generate

    stats = await generate(helpline, 40, seed=3)
    count = await db.fetchval(helpline.engine, "SELECT COUNT(*) AS n FROM reports_ticket")
    assert count == stats["tickets"] == 40
    created = await db.fetchval(helpline.engine, "SELECT SUM(created) AS n FROM reports_daily")
    assert created == 40
    report = await run_report(
        helpline, manager, "first_response", Filters(start=date(2000, 1, 1), end=date(2100, 1, 1))
    )
    assert report.totals["tickets"] > 0 and report.totals["median"] > 0


class _Csat:
    """A plugin contributing a report through `report_metrics`."""

    @hookimpl
    def report_metrics(self, helpline):
        async def run(helpline, actor, filters):
            return {"columns": ["score"], "rows": [[4.5]], "totals": {"csat": 4.5 + filters.days}}

        return {"mean_score": {"label": "Mean score", "description": "Mean score", "run": run}}


async def test_other_plugins_contribute_reports(helpline, manager):
    helpline.pm.register(_Csat(), name="csat_test")
    report = await run_report(helpline, manager, "mean_score", ONE_DAY)
    assert (report.label, report.rows, report.totals) == ("Mean score", [[4.5]], {"csat": 5.5})
    assert report.previous == {"csat": 5.5}
    from helpline_reports.runner import available

    assert (await available(helpline))["mean_score"].label == "Mean score"


async def test_switching_the_plugin_back_on_rebuilds_stale_facts(helpline, factory, run_jobs):
    await helpline.set_plugin_enabled("reports", False)
    await factory.ticket()
    assert await db.fetchval(helpline.engine, "SELECT COUNT(*) AS n FROM reports_ticket") == 0
    await helpline.set_plugin_enabled("reports", True)
    await run_jobs()
    assert await db.fetchval(helpline.engine, "SELECT COUNT(*) AS n FROM reports_ticket") == 1


class _Impostor:
    """A plugin offering a report under a built-in name, and one under a name already taken."""

    @hookimpl
    def report_metrics(self, helpline):
        async def run(helpline, actor, filters):
            return {"totals": {"created": -1.0}}

        return {
            "volume": {"label": "Fake volume", "run": run},
            "mean_score": {"label": "Second mean score", "run": run},
        }


async def test_a_plugin_cannot_take_the_name_of_another_report(helpline, manager, caplog):
    helpline.pm.register(_Csat(), name="csat_test")
    helpline.pm.register(_Impostor(), name="impostor_test")
    from helpline_reports.runner import available

    reports = await available(helpline)
    assert reports["volume"].label == "Ticket volume"
    volume = await run_report(helpline, manager, "volume", ONE_DAY)
    assert volume.totals["created"] == 0
    assert "the name is taken" in caplog.text
    assert reports["mean_score"].label in ("Mean score", "Second mean score")
