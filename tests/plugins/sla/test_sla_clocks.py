"""The clocks: what starts, stops, pauses and resumes them (issue 5, rule 3), frozen in time."""

from __future__ import annotations

import msgspec
from sla_helpers import MONDAY_10, berlin, clocks, office, policy, timers

from helpline.services import history, messages, tickets
from helpline_sla.specs import TargetSpec


async def test_tickets_have_no_sla_until_a_policy_exists(helpline, factory, clock):
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    assert await clocks(ticket) == {}
    assert await timers(helpline) == {}


async def test_a_new_ticket_is_due_after_its_targets_in_working_hours(helpline, factory, clock):
    await office(helpline)
    await policy(helpline, targets={"first_response": 60, "resolution": 480})
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    found = await clocks(ticket)
    assert found["first_response"].due_at == berlin(2025, 1, 6, 11, 0)
    assert found["resolution"].due_at == berlin(2025, 1, 7, 10, 0)  # 7 h today, 1 h tomorrow
    assert await timers(helpline) == {
        "first_response": berlin(2025, 1, 6, 11),
        "resolution": berlin(2025, 1, 7, 10),
    }


async def test_first_response_stops_at_the_first_public_agent_reply_not_a_note(
    helpline, factory, clock, agent, customer
):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(requester=customer, by=customer)
    clock.advance(minutes=10)
    await messages.add_message(helpline, agent, ticket.number, body="Looking", internal=True)
    assert (await clocks(ticket))["first_response"].met_at is None
    clock.advance(minutes=10)
    await messages.add_message(helpline, agent, ticket.number, body="Hello!")
    first = (await clocks(ticket))["first_response"]
    assert first.met_at == berlin(2025, 1, 6, 10, 20) and first.state == "met"
    assert "first_response" not in await timers(helpline), "a met target's timer is cancelled"


async def test_an_automatic_message_is_no_first_response(helpline, factory, clock, agent, customer):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(requester=customer, by=customer)
    await messages.add_message(
        helpline, agent, ticket.number, body="We got your mail.", meta={"auto": True}
    )
    assert (await clocks(ticket))["first_response"].met_at is None


async def test_next_response_runs_from_the_oldest_unanswered_customer_message(
    helpline, factory, clock, agent, customer
):
    await office(helpline)
    await policy(helpline, targets={"first_response": 60, "next_response": 30})
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(requester=customer, by=customer)
    await messages.add_message(helpline, customer, ticket.number, body="More details")
    assert "next_response" not in await clocks(ticket), "the first response answers it"
    await messages.add_message(helpline, agent, ticket.number, body="On it")
    clock.advance(minutes=5)
    await messages.add_message(helpline, customer, ticket.number, body="Any news?")
    assert (await clocks(ticket))["next_response"].due_at == berlin(2025, 1, 6, 10, 35)
    clock.advance(minutes=5)
    await messages.add_message(helpline, customer, ticket.number, body="Hello?")
    assert (await clocks(ticket))["next_response"].due_at == berlin(2025, 1, 6, 10, 35)
    clock.advance(minutes=5)
    await messages.add_message(helpline, agent, ticket.number, body="Fixed soon")
    assert (await clocks(ticket))["next_response"].met_at == berlin(2025, 1, 6, 10, 15)
    clock.advance(minutes=60)
    await messages.add_message(helpline, customer, ticket.number, body="Still broken")
    restarted = (await clocks(ticket))["next_response"]
    assert (restarted.met_at, restarted.due_at) == (None, berlin(2025, 1, 6, 11, 45))


async def test_periodic_updates_are_due_between_public_agent_replies(
    helpline, factory, clock, agent, customer
):
    await office(helpline)
    await policy(helpline, targets={"first_response": 60, "periodic_update": 120})
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(requester=customer, by=customer)
    assert "periodic_update" not in await clocks(ticket)
    await messages.add_message(helpline, agent, ticket.number, body="First")
    first = await clocks(ticket)
    assert first["periodic_update"].due_at == berlin(2025, 1, 6, 12, 0)
    assert first["first_response"].met_at is not None, (
        "an update target never replaces the first response"
    )
    clock.advance(minutes=90)
    await messages.add_message(helpline, agent, ticket.number, body="Update")
    assert (await clocks(ticket))["periodic_update"].due_at == berlin(2025, 1, 6, 13, 30)


async def test_clocks_pause_while_pending_and_resume_when_the_customer_replies(
    helpline, factory, clock, agent, customer
):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(requester=customer, by=customer)
    clock.advance(minutes=20)
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="pending")
    paused = await clocks(ticket)
    assert paused["first_response"].state == "paused" and paused["first_response"].due_at is None
    assert await timers(helpline) == {}, "no timer runs while the customer is away"
    clock.advance(hours=3)
    await messages.add_message(helpline, customer, ticket.number, body="Here you go")
    resumed = await clocks(ticket)
    assert resumed["first_response"].due_at == berlin(2025, 1, 6, 14, 0)  # 40 min left at 13:20
    assert resumed["first_response"].state == "running"


async def test_on_hold_pauses_and_any_status_change_back_resumes(helpline, factory, clock, agent):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="on_hold")
    clock.advance(hours=1)
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="open")
    assert (await clocks(ticket))["resolution"].due_at == berlin(2025, 1, 7, 11, 0)


async def test_solving_stops_resolution_and_reopening_resumes_it(helpline, factory, clock, agent):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    clock.advance(hours=2)
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="solved")
    solved = (await clocks(ticket))["resolution"]
    assert (solved.state, solved.met_at) == ("met", berlin(2025, 1, 6, 12, 0))
    assert await timers(helpline) == {}
    clock.advance(hours=1)
    await tickets.reopen_ticket(helpline, agent, ticket.number)
    reopened = (await clocks(ticket))["resolution"]
    assert (reopened.state, reopened.met_at) == ("running", None)
    assert reopened.due_at == berlin(2025, 1, 7, 11, 0), "6 h left, counted from 13:00"


async def test_a_priority_change_recomputes_due_times_and_says_why(helpline, factory, clock, agent):
    await office(helpline)
    await policy(
        helpline,
        targets={"first_response": 60},
        priority_targets=[("resolution", "normal", 480), ("resolution", "high", 120)],
    )
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket(priority="normal")
    clock.advance(minutes=30)
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, priority="high")
    assert (await clocks(ticket))["resolution"].due_at == berlin(2025, 1, 6, 12, 0)
    assert (await timers(helpline))["resolution"] == berlin(2025, 1, 6, 12, 0)
    moved = [e for e in await history.events(ticket.id) if e.kind == "sla"]
    assert [(e.field, e.old, e.new) for e in moved] == [
        ("resolution due", "2025-01-07 09:00 UTC", "2025-01-06 11:00 UTC")
    ]
    assert moved[0].via == "SLA: priority changed from normal to high"


async def test_the_first_matching_policy_wins(helpline, factory, clock):
    from helpline_sla.specs import Conditions

    await office(helpline)
    await policy(
        helpline, "VIP", {"first_response": 15}, conditions=Conditions(tags=["vip"]), position=1
    )
    await policy(helpline, "Everyone", {"first_response": 60}, position=2)
    clock.freeze(MONDAY_10)
    vip = await factory.ticket(tags=["vip"])
    plain = await factory.ticket()
    assert (await clocks(vip))["first_response"].policy == "VIP"
    assert (await clocks(plain))["first_response"].due_at == berlin(2025, 1, 6, 11, 0)


async def test_changing_a_policy_recomputes_open_tickets(helpline, factory, clock, run_jobs):
    from helpline_sla import store

    await office(helpline)
    saved = await policy(helpline, targets={"resolution": 480})
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    shorter = [TargetSpec(target="resolution", minutes=60, warn_before=0)]
    await store.save_policy(helpline, msgspec.structs.replace(saved, targets=shorter))
    assert await run_jobs() == 1
    assert (await clocks(ticket))["resolution"].due_at == berlin(2025, 1, 6, 11, 0)
    reasons = [e.via for e in await history.events(ticket.id) if e.kind == "sla"]
    assert reasons == ["SLA: policy 'Standard' changed"]


async def test_a_ticket_that_no_policy_covers_any_more_loses_its_timers(
    helpline, factory, clock, run_jobs
):
    from helpline_sla import store

    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    ticket = await factory.ticket()
    await store.delete_policy(helpline, "Standard")
    await run_jobs()
    assert {c.state for c in (await clocks(ticket)).values()} == {"cancelled"}
    assert await timers(helpline) == {}


async def test_a_merged_ticket_stops_its_clocks(helpline, factory, clock, agent):
    await office(helpline)
    await policy(helpline)
    clock.freeze(MONDAY_10)
    source, target = await factory.ticket(), await factory.ticket()
    await tickets.merge_tickets(helpline, agent, source.number, target.number)
    assert {c.state for c in (await clocks(source)).values()} == {"cancelled"}
    assert set(await timers(helpline)) == {"first_response", "resolution"}  # the target's
