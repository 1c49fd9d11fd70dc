"""Availability: working hours, coming back from away, and rerouting unanswered tickets."""

from __future__ import annotations

from datetime import UTC, datetime

from routing_helpers import routing_via, rule

from helpline.services import messages, tickets
from helpline.services.users import load_actor
from helpline.tables import User

MONDAY_10_UTC = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def to_team(helpline, team="Support"):
    await rule(helpline, "To " + team, conditions=[("channel", "is", "web")], team=team)


async def test_agents_outside_their_working_hours_receive_nothing(
    helpline, factory, make_team, set_agent, clock
):
    _team, (early, late) = await make_team(2, "round_robin", name="Support")
    await User.update({User.timezone: "Europe/Berlin"}).where(User.id == late.id)
    await set_agent(early, schedule={"mon": ["06:00", "10:30"]})  # UTC
    await set_agent(late, schedule={"mon": ["12:00", "20:00"]})  # Berlin = UTC+1
    await to_team(helpline)
    clock.freeze(MONDAY_10_UTC)  # 11:00 in Berlin
    assert [(await factory.ticket()).assignee_id for _ in range(2)] == [early.id, early.id]
    clock.advance(hours=1)  # 11:00 UTC, 12:00 Berlin
    assert (await factory.ticket()).assignee_id == late.id
    clock.advance(hours=14)  # Tuesday 01:00 UTC: nobody works
    ticket = await factory.ticket()
    assert ticket.assignee_id is None
    assert (await routing_via(ticket))[0].endswith("nobody available in Support (2 off hours)")


async def test_a_night_shift_passes_midnight(helpline, factory, make_team, set_agent, clock):
    _team, (night,) = await make_team(1, "round_robin", name="Support")
    await set_agent(night, schedule={"mon": ["22:00", "06:00"]})
    await to_team(helpline)
    clock.freeze(datetime(2026, 11, 24, 3, 0, tzinfo=UTC))  # Tuesday 03:00
    assert (await factory.ticket()).assignee_id == night.id


async def test_coming_back_from_away_routes_the_tickets_that_waited(
    helpline, factory, make_team, set_agent, run_jobs, admin
):
    from helpline_routing.page_me import set_available

    _team, (a,) = await make_team(1, "round_robin", name="Support")
    await set_agent(a, available=False)
    await to_team(helpline)
    waiting = [await factory.ticket() for _ in range(2)]
    assert all(t.assignee_id is None for t in waiting)
    await set_available(helpline, a.id, True)
    await run_jobs()
    for t in waiting:
        assert (await tickets.get_ticket(helpline, admin, t.number)).assignee_id == a.id
        assert (await routing_via(t))[-1] == "routing: waiting ticket; round-robin in Support"


async def test_an_unanswered_ticket_is_passed_to_another_agent(
    helpline, factory, make_team, clock, run_jobs, admin
):
    clock.freeze(MONDAY_10_UTC)
    _team, (a, b) = await make_team(2, "round_robin", reroute_minutes=30, name="Support")
    await to_team(helpline)
    ticket = await factory.ticket()
    assert ticket.assignee_id == a.id
    clock.advance(minutes=29)
    await run_jobs()
    assert (await tickets.get_ticket(helpline, admin, ticket.number)).assignee_id == a.id
    clock.advance(minutes=2)
    await run_jobs()
    assert (await tickets.get_ticket(helpline, admin, ticket.number)).assignee_id == b.id
    assert (await routing_via(ticket))[-1] == (
        "routing: not answered in 30 min; round-robin in Support"
    )


async def test_an_answered_ticket_stays_with_its_agent(
    helpline, factory, make_team, clock, run_jobs, admin
):
    clock.freeze(MONDAY_10_UTC)
    _team, (a, _b) = await make_team(2, "round_robin", reroute_minutes=30, name="Support")
    await to_team(helpline)
    ticket = await factory.ticket()
    await messages.add_message(
        helpline, await load_actor(helpline, a.id), ticket.number, body="On it"
    )
    clock.advance(minutes=45)
    await run_jobs()
    assert (await tickets.get_ticket(helpline, admin, ticket.number)).assignee_id == a.id


async def test_an_unanswered_ticket_returns_to_the_pool_when_nobody_else_is_free(
    helpline, factory, make_team, set_agent, clock, run_jobs, admin
):
    clock.freeze(MONDAY_10_UTC)
    team, (_a, b) = await make_team(2, "round_robin", reroute_minutes=15, name="Support")
    await set_agent(b, available=False)
    await to_team(helpline)
    ticket = await factory.ticket()
    clock.advance(minutes=16)
    await run_jobs()
    now = await tickets.get_ticket(helpline, admin, ticket.number)
    assert (now.team_id, now.assignee_id) == (team, None)
    assert (await routing_via(ticket))[-1] == (
        "routing: not answered in 15 min; back to the pool, nobody available in Support (1 away)"
    )


async def test_a_ticket_reassigned_by_hand_is_not_rerouted(
    helpline, factory, make_team, clock, run_jobs, admin
):
    clock.freeze(MONDAY_10_UTC)
    _team, (_a, _b, c) = await make_team(3, "round_robin", reroute_minutes=10, name="Support")
    await to_team(helpline)
    ticket = await factory.ticket()
    await tickets.assign_ticket(helpline, admin, ticket.number, assignee=c.id)
    clock.advance(minutes=11)
    await run_jobs()
    assert (await tickets.get_ticket(helpline, admin, ticket.number)).assignee_id == c.id


async def test_a_team_that_stops_rerouting_keeps_the_ticket_with_its_agent(
    helpline, factory, make_team, clock, run_jobs, admin
):
    from helpline_routing import store

    clock.freeze(MONDAY_10_UTC)
    team, (a, _b) = await make_team(2, "round_robin", reroute_minutes=10, name="Support")
    await to_team(helpline)
    ticket = await factory.ticket()
    cfg = await store.team_config(team)
    cfg.reroute_minutes = 0
    await store.save_team_config(helpline, cfg, ["round_robin"])
    clock.advance(minutes=11)
    await run_jobs()
    assert (await tickets.get_ticket(helpline, admin, ticket.number)).assignee_id == a.id
