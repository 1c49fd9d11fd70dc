"""The immutable history: every change leaves TicketEvent rows saying who changed what."""

from __future__ import annotations

from helpline.services import messages, tickets
from helpline.services.history import events


def _rows(found):
    return [(e.kind, e.actor_id, e.field, e.old, e.new) for e in found]


async def test_creation_is_the_first_event(helpline, agent):
    ticket = await tickets.create_ticket(
        helpline,
        agent,
        subject="Printer jam",
        body="b",
        requester="c@example.com",
        via="plugin:phone",
    )
    (created,) = await events(ticket.id)
    assert (created.kind, created.actor_id, created.new, created.via) == (
        "created",
        agent.id,
        "Printer jam",
        "plugin:phone",
    )


async def test_each_changed_field_is_one_event_in_order(helpline, factory, clock, agent):
    ticket = await factory.ticket(subject="Old")
    clock.freeze()
    await tickets.update_ticket(
        helpline,
        agent,
        ticket.number,
        version=None,
        status="pending",
        priority="high",
        type="incident",
        subject="New",
        via="rule:12",
    )
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, priority="low")
    changed = [e for e in await events(ticket.id) if e.kind == "field_changed"]
    assert _rows(changed) == [
        ("field_changed", agent.id, "status", "new", "pending"),
        ("field_changed", agent.id, "priority", "normal", "high"),
        ("field_changed", agent.id, "type", "question", "incident"),
        ("field_changed", agent.id, "subject", "Old", "New"),
        ("field_changed", agent.id, "priority", "high", "low"),
    ]
    assert [e.via for e in changed] == ["rule:12"] * 4 + [None]


async def test_assignee_and_team_events_show_email_and_team_name(helpline, factory, manager):
    alice = await factory.user("agent", email="alice@desk.test")
    bob = await factory.user("agent", email="bob@desk.test")
    billing, support = await factory.team("Billing"), await factory.team("Support")
    ticket = await factory.ticket()
    await tickets.assign_ticket(helpline, manager, ticket.number, assignee=alice.id, team=billing)
    await tickets.assign_ticket(helpline, manager, ticket.number, assignee=bob.email, team=support)
    await tickets.assign_ticket(helpline, manager, ticket.number, assignee=None)
    changed = [
        (e.field, e.old, e.new) for e in await events(ticket.id) if e.kind == "field_changed"
    ]
    assert changed == [
        ("assignee", None, "alice@desk.test"),
        ("team", None, "Billing"),
        ("assignee", "alice@desk.test", "bob@desk.test"),
        ("team", "Billing", "Support"),
        ("assignee", "bob@desk.test", None),
    ]


async def test_messages_leave_events_naming_their_kind(helpline, factory, agent, customer):
    ticket = await factory.ticket(requester=customer)
    _, note = await messages.add_message(helpline, agent, ticket.number, body="n", internal=True)
    _, reply = await messages.add_message(helpline, agent, ticket.number, body="r")
    _, answer = await messages.add_message(helpline, customer, ticket.number, body="thanks")
    found = [e for e in await events(ticket.id) if e.kind == "message"]
    assert [(e.actor_id, e.field, e.new) for e in found] == [
        (agent.id, "internal", str(note.id)),
        (agent.id, "public", str(reply.id)),
        (customer.id, "public", str(answer.id)),
    ]


async def test_status_moved_by_a_reply_is_recorded_with_the_replier(
    helpline, factory, agent, customer
):
    ticket = await factory.ticket(requester=customer)
    await messages.add_message(helpline, agent, ticket.number, body="On it")
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="solved")
    await messages.add_message(helpline, customer, ticket.number, body="Still broken")
    moves = [(e.actor_id, e.old, e.new) for e in await events(ticket.id) if e.field == "status"]
    assert moves == [
        (agent.id, "new", "open"),
        (agent.id, "open", "solved"),
        (customer.id, "solved", "open"),
    ]


async def test_reopening_is_an_event_of_its_own_kind(helpline, factory, agent):
    ticket = await factory.ticket()
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="solved")
    await tickets.reopen_ticket(helpline, agent, ticket.number)
    last = (await events(ticket.id))[-1]
    assert (last.kind, last.actor_id, last.field, last.old, last.new) == (
        "reopened",
        agent.id,
        "status",
        "solved",
        "open",
    )


async def test_merging_leaves_events_on_both_tickets(helpline, factory, agent):
    source, target = await factory.ticket(), await factory.ticket()
    await tickets.merge_tickets(helpline, agent, source.number, target.number)
    on_source = [(e.field, e.old, e.new) for e in await events(source.id) if e.kind == "merged"]
    on_target = [(e.field, e.new) for e in await events(target.id) if e.kind == "merged"]
    assert ("status", "new", "closed") in on_source
    assert ("merged_into", None, f"#{target.number}") in on_source
    assert on_target == [("ticket", f"#{source.number}")]
    assert {e.actor_id for e in await events(source.id) if e.kind == "merged"} == {agent.id}


async def test_events_are_ordered_oldest_first(helpline, factory, clock, agent):
    clock.freeze()
    ticket = await factory.ticket()
    for status in ("open", "pending", "open", "solved"):
        clock.advance(seconds=1)
        await tickets.update_ticket(helpline, agent, ticket.number, version=None, status=status)
    found = await events(ticket.id)
    assert [e.at for e in found] == sorted(e.at for e in found)
    assert [e.new for e in found if e.field == "status"] == ["open", "pending", "open", "solved"]
