"""Warnings, breaches and escalations (issue 5, rule 4): exact timers, actions, calendars."""

from __future__ import annotations

from datetime import timedelta

from sla_helpers import MONDAY_10, berlin, clocks, office, policy, timers

from helpline import jobs
from helpline.services import history, tickets
from helpline_sla.specs import Action, EscalationSpec

WARN_AND_BREACH = [
    EscalationSpec(when="warning", actions=[Action(action="notify", to="assignee")]),
    EscalationSpec(
        when="breach",
        actions=[Action(action="notify", to="assignee"), Action(action="notify", to="team_lead")],
    ),
]


async def test_timers_are_jobs_due_at_the_exact_warning_and_due_times(
    helpline, factory, clock, run_jobs, agent
):
    await office(helpline)
    await policy(
        helpline, targets={"first_response": 60}, warn_before=15, escalations=WARN_AND_BREACH
    )
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(assignee=agent.id)
    assert await timers(helpline) == {"first_response": berlin(2025, 1, 6, 10, 45)}
    clock.freeze(berlin(2025, 1, 6, 10, 45) - timedelta(seconds=1))
    assert await run_jobs() == 0, "nothing polls: the timer waits for its instant"
    clock.advance(seconds=1)
    assert await run_jobs() == 1
    assert (await clocks(ticket))["first_response"].warned_at == berlin(2025, 1, 6, 10, 45)
    assert await timers(helpline) == {"first_response": berlin(2025, 1, 6, 11, 0)}


async def test_a_warning_then_a_breach_notify_and_announce_themselves(
    helpline, factory, clock, run_jobs, agent, recorder
):
    await office(helpline)
    await policy(
        helpline, targets={"first_response": 60}, warn_before=15, escalations=WARN_AND_BREACH
    )
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(assignee=agent.id)
    clock.freeze(berlin(2025, 1, 6, 10, 45))
    await run_jobs()
    assert recorder.events == [("warning", ticket.number, "first_response", berlin(2025, 1, 6, 11))]
    assert recorder.to(agent.email) == [
        f"[SLA] #{ticket.number} First response due 2025-01-06 10:00 UTC"
    ]
    clock.freeze(berlin(2025, 1, 6, 11, 0))
    await run_jobs()
    assert recorder.events[-1] == (
        "breached",
        ticket.number,
        "first_response",
        berlin(2025, 1, 6, 11),
    )
    found = (await clocks(ticket))["first_response"]
    assert (found.state, found.breached_at) == ("breached", berlin(2025, 1, 6, 11))
    assert len(recorder.to(agent.email)) == 2
    breaches = [(e.field, e.new) for e in await history.events(ticket.id) if e.kind == "sla"]
    assert breaches == [("first response SLA", "breached")]


async def test_a_late_reply_keeps_the_breach_on_record(
    helpline, factory, clock, run_jobs, agent, customer
):
    from helpline.services import messages

    await office(helpline)
    await policy(helpline, targets={"first_response": 60})
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(requester=customer, by=customer)
    clock.advance(hours=2)
    await run_jobs()
    await messages.add_message(helpline, agent, ticket.number, body="Sorry for the wait")
    late = (await clocks(ticket))["first_response"]
    assert (late.state, late.breached_at, late.met_at) == (
        "breached",
        berlin(2025, 1, 6, 11),
        berlin(2025, 1, 6, 12),
    )


async def test_escalation_levels_raise_priority_tag_reassign_and_page_managers(
    helpline, factory, clock, run_jobs, agent, manager, recorder
):
    tier2 = await factory.team("Tier 2")
    await office(helpline)
    steps = [
        EscalationSpec(
            when="after",
            minutes=30,
            actions=[
                Action(action="notify", to="managers"),
                Action(action="raise_priority"),
                Action(action="add_tag", tag="escalated"),
            ],
        ),
        EscalationSpec(
            when="after",
            minutes=60,
            target="resolution",
            actions=[Action(action="reassign", team="Tier 2")],
        ),
    ]
    await policy(helpline, targets={"resolution": 60}, escalations=steps)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(priority="normal")
    clock.freeze(berlin(2025, 1, 6, 11, 30))
    await run_jobs()
    level1 = await tickets.get_ticket(helpline, manager, ticket.number)
    assert (level1.priority, level1.tags) == ("high", ["escalated"])
    overdue = "overdue since 2025-01-06 10:00 UTC"
    assert recorder.to(manager.email) == [
        f"[SLA] #{ticket.number} Resolution escalated to level 1: {overdue}"
    ]
    assert [e[0] for e in recorder.events] == ["breached", "escalated"]
    assert (await clocks(ticket))["resolution"].level == 1
    clock.freeze(berlin(2025, 1, 6, 12, 0))
    await run_jobs()
    level2 = await tickets.get_ticket(helpline, manager, ticket.number)
    assert level2.team_id == tier2
    assert recorder.events[-1] == ("escalated", ticket.number, "resolution", 2)
    vias = {
        e.via for e in await history.events(ticket.id) if e.field in ("priority", "tags", "team")
    }
    assert vias == {
        "SLA: Resolution escalated to level 1: overdue since 2025-01-06 10:00 UTC",
        "SLA: Resolution escalated to level 2: overdue since 2025-01-06 10:00 UTC",
    }
    assert await timers(helpline) == {}, "no level is left"


async def test_the_team_lead_is_the_teams_manager(helpline, factory, clock, run_jobs, recorder):
    lead = await factory.user("manager")
    other_manager = await factory.user("manager")
    team = await factory.team("Billing", members=[lead])
    await office(helpline)
    await policy(helpline, targets={"first_response": 60}, escalations=WARN_AND_BREACH)
    clock.freeze(MONDAY_10)
    await factory.ticket(team=team)
    clock.advance(hours=1)
    await run_jobs()
    assert len(recorder.to(lead.email)) == 1
    assert recorder.to(other_manager.email) == []


async def test_a_business_hours_target_never_pages_anyone_at_night_or_on_weekends(
    helpline, factory, clock, run_jobs, agent, recorder
):
    await office(helpline)
    await policy(
        helpline, targets={"first_response": 60}, warn_before=30, escalations=WARN_AND_BREACH
    )
    clock.freeze(berlin(2025, 1, 10, 16, 45))  # Friday
    ticket = await factory.ticket(assignee=agent.id)
    for moment in (
        berlin(2025, 1, 10, 23, 0),
        berlin(2025, 1, 12, 3, 0),
        berlin(2025, 1, 13, 8, 59),
    ):
        clock.freeze(moment)
        assert await run_jobs() == 0
    assert recorder.notifications == []
    clock.freeze(berlin(2025, 1, 13, 9, 15))
    assert await run_jobs() == 1
    assert recorder.events == [
        ("warning", ticket.number, "first_response", berlin(2025, 1, 13, 9, 45))
    ]


async def test_a_round_the_clock_target_breaches_at_night_but_pages_in_the_morning(
    helpline, factory, clock, run_jobs, agent, recorder
):
    await office(helpline)
    await policy(helpline, targets={"resolution": 240}, business=False, escalations=WARN_AND_BREACH)
    clock.freeze(berlin(2025, 1, 11, 23, 0))  # Saturday night
    ticket = await factory.ticket(assignee=agent.id)
    clock.freeze(berlin(2025, 1, 12, 3, 0))  # Sunday, 3 a.m.
    await run_jobs()
    assert recorder.events == [("breached", ticket.number, "resolution", berlin(2025, 1, 12, 3))]
    assert recorder.notifications == [], "the breach is recorded, nobody is woken"
    waiting = await jobs.list_jobs(helpline, status="queued", kind="sla.notify")
    assert len(waiting) == 1
    clock.freeze(berlin(2025, 1, 13, 9, 0))  # Monday morning
    await run_jobs()
    assert len(recorder.to(agent.email)) == 1


async def test_no_warning_is_sent_once_the_target_is_already_breached(
    helpline, factory, clock, run_jobs, agent, recorder
):
    await office(helpline)
    await policy(
        helpline, targets={"first_response": 60}, warn_before=15, escalations=WARN_AND_BREACH
    )
    clock.freeze(MONDAY_10)
    await factory.ticket(assignee=agent.id)
    clock.advance(hours=3)  # the worker was down
    await run_jobs()
    assert [e[0] for e in recorder.events] == ["breached"]
