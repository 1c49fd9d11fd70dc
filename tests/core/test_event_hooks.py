"""Event hooks run inside the transaction of the change; `route_ticket` assigns new tickets.

The `test_hook_<name>` contract tests live in test_hooks.py; these go deeper into transactions.
"""

from __future__ import annotations

import pytest

from helpline import hookimpl
from helpline.services import messages, tickets, users
from helpline.services.history import events
from helpline.tables import Counter, Message, Tag, Ticket, TicketEvent, User


class HookFailed(Exception):
    pass


class Recorder:
    """Records every event hook call; can be told to fail one hook or to route tickets."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.fail: str | None = None
        self.route: dict | None = None

    def _seen(self, name: str, **kwargs) -> None:
        self.calls.append((name, kwargs))
        if self.fail == name:
            raise HookFailed(name)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def last(self, name: str) -> dict:
        return [kwargs for n, kwargs in self.calls if n == name][-1]

    @hookimpl
    def ticket_created(self, helpline, ticket, actor):
        self._seen("ticket_created", ticket=ticket, actor=actor)

    @hookimpl
    def ticket_updated(self, helpline, ticket, actor, changes):
        self._seen("ticket_updated", ticket=ticket, actor=actor, changes=changes)

    @hookimpl
    async def message_added(self, helpline, ticket, message, actor):
        # Written by the plugin inside the change's transaction: commits or rolls back with it.
        await Tag.insert(Tag(name=f"seen-message-{message.id}"))
        self._seen("message_added", ticket=ticket, message=message, actor=actor)

    @hookimpl
    def ticket_merged(self, helpline, source, target, actor):
        self._seen("ticket_merged", source=source, target=target, actor=actor)

    @hookimpl
    def user_created(self, helpline, user):
        self._seen("user_created", user=user)

    @hookimpl
    def route_ticket(self, helpline, ticket):
        self.calls.append(("route_ticket", {"ticket": ticket}))
        return self.route


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def helpline_plugins(recorder):
    return [("recorder", recorder)]


async def test_ticket_created_gets_the_stored_ticket_after_the_new_requester(
    helpline, recorder, agent
):
    """ticket_created receives the stored ticket and the actor, after the new requester exists."""
    ticket = await tickets.create_ticket(
        helpline, agent, subject="Hooked", body="b", requester="new@example.com"
    )
    seen = recorder.last("ticket_created")
    assert seen["ticket"] == ticket and seen["actor"] == agent
    assert recorder.last("user_created")["user"].email == "new@example.com"
    assert recorder.names().index("user_created") < recorder.names().index("ticket_created")


async def test_ticket_updated_gets_old_and_new_value_of_each_changed_field(
    helpline, factory, recorder, agent
):
    """ticket_updated receives the new ticket and each changed field's old and new value."""
    ticket = await factory.ticket()
    updated = await tickets.update_ticket(
        helpline,
        agent,
        ticket.number,
        version=None,
        priority="high",
        tags=["VIP"],
        assignee_id=agent.id,
    )
    seen = recorder.last("ticket_updated")
    assert seen["ticket"] == updated and seen["actor"] == agent
    assert seen["changes"] == {
        "priority": ("normal", "high"),
        "tags": ([], ["vip"]),
        "assignee_id": (None, agent.id),
    }
    calls = len(recorder.calls)
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, priority="high")
    assert len(recorder.calls) == calls, "nothing changed, so no hook"


async def test_async_message_added_is_awaited_and_its_writes_commit(
    helpline, factory, recorder, agent
):
    """An async message_added is awaited, and what it writes commits with the reply."""
    ticket = await factory.ticket()
    updated, message = await messages.add_message(helpline, agent, ticket.number, body="Hi")
    seen = recorder.last("message_added")
    assert (seen["message"], seen["actor"]) == (message, agent)
    assert seen["ticket"].status == updated.status == "open"
    assert await Tag.exists().where(Tag.name == f"seen-message-{message.id}")


async def test_ticket_merged_gets_the_closed_source_and_the_target(
    helpline, factory, recorder, agent
):
    """ticket_merged receives the closed source and the target."""
    source, target = await factory.ticket(), await factory.ticket()
    merged = await tickets.merge_tickets(helpline, agent, source.number, target.number)
    seen = recorder.last("ticket_merged")
    assert seen["target"] == merged and seen["actor"] == agent
    assert (seen["source"].id, seen["source"].merged_into_id) == (source.id, target.id)


async def test_failing_ticket_created_hook_leaves_no_ticket(helpline, recorder, agent):
    recorder.fail = "ticket_created"
    with pytest.raises(HookFailed):
        await tickets.create_ticket(
            helpline, agent, subject="Doomed", body="b", requester="doomed@example.com"
        )
    assert await Ticket.count() == 0
    assert await TicketEvent.count() == 0
    assert await Message.count() == 0
    assert not await User.exists().where(User.email == "doomed@example.com")
    assert not await Tag.exists().where(Tag.name.like("seen-message-%"))
    counter = await Counter.select(Counter.value).where(Counter.name == "ticket_number").first()
    assert counter["value"] == 0


async def test_failing_ticket_updated_hook_keeps_the_old_ticket(helpline, factory, recorder, agent):
    ticket = await factory.ticket()
    recorder.fail = "ticket_updated"
    with pytest.raises(HookFailed):
        await tickets.update_ticket(helpline, agent, ticket.number, version=None, priority="urgent")
    current = await tickets.get_ticket(helpline, agent, ticket.number)
    assert (current.priority, current.version) == ("normal", ticket.version)
    assert [e.kind for e in await events(ticket.id)] == ["created"]


async def test_failing_message_added_hook_drops_the_reply_and_its_side_effects(
    helpline, factory, recorder, agent
):
    ticket = await factory.ticket()
    recorder.fail = "message_added"
    with pytest.raises(HookFailed):
        await messages.add_message(helpline, agent, ticket.number, body="lost")
    bodies = [m.body for m in await messages.list_messages(helpline, agent, ticket.number)]
    assert "lost" not in bodies
    current = await tickets.get_ticket(helpline, agent, ticket.number)
    assert (current.status, current.first_response_at) == ("new", None)
    assert not await Tag.exists().where(Tag.name.like("seen-message-%"))


async def test_failing_ticket_merged_hook_undoes_the_merge(helpline, factory, recorder, agent):
    source, target = await factory.ticket(), await factory.ticket()
    recorder.fail = "ticket_merged"
    with pytest.raises(HookFailed):
        await tickets.merge_tickets(helpline, agent, source.number, target.number)
    assert (await tickets.get_ticket(helpline, agent, source.number)).merged_into_id is None
    assert len(await messages.list_messages(helpline, agent, source.number)) == 1


async def test_failing_user_created_hook_leaves_no_user(helpline, recorder):
    """user_created runs inside the transaction: when it fails, no user is left behind."""
    user = await users.create_user(helpline, email="real@example.com", role="customer")
    assert recorder.last("user_created")["user"] == user
    recorder.fail = "user_created"
    with pytest.raises(HookFailed):
        await users.create_user(helpline, email="ghost@example.com", role="customer")
    assert not await User.exists().where(User.email == "ghost@example.com")


async def test_route_ticket_assigns_new_unassigned_tickets_with_a_reason(
    helpline, recorder, agent, customer
):
    """route_ticket assigns a new ticket that has no assignee or team; history says why."""
    recorder.route = {"assignee": agent.id, "reason": "test"}
    ticket = await tickets.create_ticket(helpline, customer, subject="Route me", body="b")
    assert ticket.assignee_id == agent.id
    assert recorder.last("ticket_created")["ticket"].assignee_id == agent.id
    routed = [e for e in await events(ticket.id) if e.field == "assignee"]
    assert [(e.actor_id, e.via, e.new) for e in routed] == [(None, "routing: test", agent.email)]


async def test_route_ticket_can_choose_a_team(helpline, factory, recorder, customer):
    team = await factory.team("Billing")
    recorder.route = {"team": "Billing", "reason": "keyword"}
    ticket = await tickets.create_ticket(helpline, customer, subject="Invoice", body="b")
    assert (ticket.team_id, ticket.assignee_id) == (team, None)
    routed = [(e.field, e.new, e.via) for e in await events(ticket.id) if e.kind == "field_changed"]
    assert routed == [("team", "Billing", "routing: keyword")]


async def test_routing_is_skipped_when_an_assignee_is_chosen(helpline, factory, recorder, manager):
    other = await factory.user("agent")
    recorder.route = {"assignee": other.id, "reason": "test"}
    ticket = await tickets.create_ticket(
        helpline, manager, subject="s", body="b", requester="c@example.com", assignee=manager.id
    )
    assert ticket.assignee_id == manager.id
    assert "route_ticket" not in recorder.names()


async def test_no_routing_decision_leaves_the_ticket_alone(helpline, recorder, customer):
    ticket = await tickets.create_ticket(helpline, customer, subject="s", body="b")
    assert (ticket.assignee_id, ticket.team_id, ticket.version) == (None, None, 1)
    assert "route_ticket" in recorder.names()
