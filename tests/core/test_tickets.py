"""Changing tickets: optimistic locking, status timestamps, validation and tags."""

from __future__ import annotations

import asyncio

import pytest

from helpline.errors import Conflict, Invalid
from helpline.services import tickets
from helpline.services.history import events
from helpline.tables import Tag


async def test_stale_version_is_a_conflict_naming_the_current_version(helpline, factory, agent):
    ticket = await factory.ticket()
    changed = await tickets.update_ticket(
        helpline, agent, ticket.number, version=ticket.version, status="pending"
    )
    assert changed.version == ticket.version + 1
    with pytest.raises(Conflict) as conflict:
        await tickets.update_ticket(
            helpline, agent, ticket.number, version=ticket.version, priority="urgent"
        )
    assert conflict.value.current_version == changed.version
    current = await tickets.get_ticket(helpline, agent, ticket.number)
    assert (current.priority, current.version) == ("normal", changed.version)


async def test_concurrent_updates_with_one_version_let_exactly_one_win(helpline, factory):
    ticket = await factory.ticket()
    alice, bob = await factory.user("agent"), await factory.user("agent")
    results = await asyncio.gather(
        tickets.update_ticket(
            helpline, alice, ticket.number, version=ticket.version, priority="high"
        ),
        tickets.update_ticket(
            helpline, bob, ticket.number, version=ticket.version, status="pending"
        ),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], Conflict), lost[0]
    assert lost[0].current_version == ticket.version + 1
    current = await tickets.get_ticket(helpline, alice, ticket.number)
    assert current.version == ticket.version + 1
    assert (current.priority, current.status) in {("high", "new"), ("normal", "pending")}
    assert (current.priority, current.status) == (won[0].priority, won[0].status)
    changes = [e.field for e in await events(ticket.id) if e.kind == "field_changed"]
    assert len(changes) == 1


async def test_many_concurrent_writers_without_version_all_apply(helpline, factory, agent):
    ticket = await factory.ticket()
    await asyncio.gather(
        *(tickets.add_tags(helpline, agent, ticket.number, [f"tag{i}"]) for i in range(5))
    )
    current = await tickets.get_ticket(helpline, agent, ticket.number)
    assert current.tags == [f"tag{i}" for i in range(5)]
    assert current.version == ticket.version + 5


async def test_an_update_that_changes_nothing_keeps_the_version(helpline, factory, agent):
    ticket = await factory.ticket(priority="high")
    same = await tickets.update_ticket(
        helpline, agent, ticket.number, version=ticket.version, priority="high", status="new"
    )
    assert same.version == ticket.version
    assert [e.kind for e in await events(ticket.id)] == ["created"]


async def test_solving_closing_and_reopening_stamp_and_clear_times(helpline, factory, clock, agent):
    ticket = await factory.ticket()
    assert (ticket.solved_at, ticket.closed_at) == (None, None)
    solved_at = clock.freeze()
    ticket = await tickets.update_ticket(
        helpline, agent, ticket.number, version=None, status="solved"
    )
    assert (ticket.status_category, ticket.solved_at, ticket.closed_at) == (
        "solved",
        solved_at,
        None,
    )
    closed_at = clock.advance(days=4)
    ticket = await tickets.update_ticket(
        helpline, agent, ticket.number, version=None, status="closed"
    )
    assert (ticket.solved_at, ticket.closed_at) == (solved_at, closed_at)
    clock.advance(hours=1)
    ticket = await tickets.reopen_ticket(helpline, agent, ticket.number)
    assert (ticket.status, ticket.status_category) == ("open", "open")
    assert (ticket.solved_at, ticket.closed_at) == (None, None)


async def test_closing_an_unsolved_ticket_counts_as_solved_then(helpline, factory, clock, agent):
    ticket = await factory.ticket()
    at = clock.freeze()
    ticket = await tickets.update_ticket(
        helpline, agent, ticket.number, version=None, status="closed"
    )
    assert (ticket.solved_at, ticket.closed_at) == (at, at)


async def test_moving_a_solved_ticket_back_to_pending_clears_solved_at(helpline, factory, agent):
    ticket = await factory.ticket()
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="solved")
    ticket = await tickets.update_ticket(
        helpline, agent, ticket.number, version=None, status="pending"
    )
    assert ticket.solved_at is None


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"status": "limbo"}, "status"),
        ({"priority": "whenever"}, "priority"),
        ({"type": "rant"}, "type"),
        ({"subject": "   "}, "subject"),
        ({"tags": [" "]}, "tags"),
        ({"team_id": "No such team"}, "team"),
        ({"assignee_id": "nobody@example.com"}, "assignee"),
        ({"created_at": None}, "created_at"),
        ({"requester_id": 1}, "requester_id"),
    ],
)
async def test_invalid_updates_name_the_field_and_change_nothing(
    helpline, factory, agent, fields, named
):
    ticket = await factory.ticket()
    with pytest.raises(Invalid) as invalid:
        await tickets.update_ticket(
            helpline, agent, ticket.number, version=ticket.version, **fields
        )
    assert invalid.value.field == named
    assert (await tickets.get_ticket(helpline, agent, ticket.number)).version == ticket.version


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 301}, "subject"),
        ({"body": "  "}, "body"),
        ({"priority": "whenever"}, "priority"),
        ({"type": "rant"}, "type"),
        ({"requester": "not an email"}, "requester"),
        ({"requester": 999999}, "requester"),
        ({"assignee": "nobody@example.com"}, "assignee"),
        ({"team": "Nope"}, "team"),
    ],
)
async def test_invalid_new_tickets_name_the_field_and_leave_no_trace(
    helpline, factory, agent, fields, named
):
    await factory.ticket()
    before = (await tickets.list_tickets(helpline, agent))[1]
    fields = {"subject": "s", "body": "b", **fields}
    with pytest.raises(Invalid) as invalid:
        await tickets.create_ticket(helpline, agent, **fields)
    assert invalid.value.field == named
    assert (await tickets.list_tickets(helpline, agent))[1] == before


async def test_tags_are_normalized_deduplicated_and_sorted(helpline, factory, agent):
    ticket = await factory.ticket(tags=["Billing", " VIP customer ", "billing"])
    assert ticket.tags == ["billing", "vip-customer"]
    ticket = await tickets.add_tags(helpline, agent, ticket.number, ["Refund", "VIP Customer"])
    assert ticket.tags == ["billing", "refund", "vip-customer"]
    ticket = await tickets.remove_tags(helpline, agent, ticket.number, ["BILLING", "unknown"])
    assert ticket.tags == ["refund", "vip-customer"]
    names = {r["name"] for r in await Tag.select(Tag.name)}
    assert {"billing", "refund", "vip-customer"} <= names
    tag_events = [(e.old, e.new) for e in await events(ticket.id) if e.field == "tags"]
    assert tag_events == [
        ("billing, vip-customer", "billing, refund, vip-customer"),
        ("billing, refund, vip-customer", "refund, vip-customer"),
    ]


async def test_adding_a_tag_twice_changes_nothing(helpline, factory, agent):
    ticket = await factory.ticket(tags=["vip"])
    again = await tickets.add_tags(helpline, agent, ticket.number, ["VIP"])
    assert (again.tags, again.version) == (["vip"], ticket.version)


async def test_list_filters_by_tag_written_any_way(helpline, factory, agent):
    tagged = await factory.ticket(tags=["vip customer"])
    await factory.ticket(tags=["other"])
    for tag in ("vip-customer", "VIP Customer"):
        found, total = await tickets.list_tickets(helpline, agent, tag=tag)
        assert ([t.id for t in found], total) == ([tagged.id], 1)


async def test_custom_fields_round_trip(helpline, factory, agent):
    ticket = await factory.ticket(custom_fields={"order": 12, "plan": "gold"})
    assert ticket.custom_fields == {"order": 12, "plan": "gold"}
    ticket = await tickets.update_ticket(
        helpline, agent, ticket.number, version=None, custom_fields={"order": 13}
    )
    assert (await tickets.get_ticket(helpline, agent, ticket.number)).custom_fields == {"order": 13}


async def test_two_tickets_from_the_same_new_requester_at_once_share_one_customer(helpline, agent):
    import asyncio

    from helpline.services import tickets
    from helpline.services.users import find_user_id

    made = await asyncio.gather(
        *(
            tickets.create_ticket(
                helpline, agent, subject=f"race {i}", body="b", requester="new.sender@example.com"
            )
            for i in range(4)
        )
    )
    customer = await find_user_id("new.sender@example.com")
    assert {t.requester_id for t in made} == {customer}
