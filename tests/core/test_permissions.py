"""What each role may do through the services: admin, manager, agent, customer and custom roles."""

from __future__ import annotations

import pytest

from helpline.errors import Forbidden, Invalid
from helpline.services import messages, tickets, users
from helpline.tables import User

STAFF = ["admin", "manager", "agent"]


async def test_customer_opens_tickets_for_themselves_only(helpline, customer):
    ticket = await tickets.create_ticket(helpline, customer, subject="Refund", body="Order 12")
    assert ticket.requester_id == customer.id
    same = await tickets.create_ticket(
        helpline, customer, subject="Again", body="b", requester=customer.email.upper()
    )
    assert same.requester_id == customer.id
    with pytest.raises(Forbidden) as refused:
        await tickets.create_ticket(
            helpline, customer, subject="x", body="y", requester="someone.else@example.com"
        )
    assert refused.value.field == "requester"
    assert await User.count().where(User.email == "someone.else@example.com") == 0


@pytest.mark.parametrize("role", STAFF)
async def test_staff_open_tickets_on_behalf_creating_the_customer_once(helpline, factory, role):
    staff = await factory.user(role)
    first = await tickets.create_ticket(
        helpline,
        staff,
        subject="Phone call",
        body="Printer broke",
        requester="New.Person@Example.COM",
    )
    second = await tickets.create_ticket(
        helpline, staff, subject="Later", body="Still broken", requester="new.person@example.com "
    )
    assert first.requester_id == second.requester_id
    created = await users.load_actor(helpline, first.requester_id)
    assert created.email == "new.person@example.com"
    assert created.role == "customer"
    assert not created.staff


@pytest.mark.parametrize(
    ("field", "value"), [("priority", "high"), ("tags", ["vip"]), ("assignee", "agent@x.com")]
)
async def test_customer_cannot_set_staff_fields_when_opening_a_ticket(
    helpline, customer, field, value
):
    with pytest.raises(Forbidden) as refused:
        await tickets.create_ticket(helpline, customer, subject="s", body="b", **{field: value})
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("subject", "Changed", "subject"),
        ("priority", "urgent", "priority"),
        ("type", "incident", "type"),
        ("tags", ["vip"], "tags"),
        ("custom_fields", {"plan": "gold"}, "custom_fields"),
        ("status", "pending", "status"),
        ("status", "closed", "status"),
    ],
)
async def test_customer_may_not_change_ticket_fields(
    helpline, factory, customer, field, value, named
):
    ticket = await factory.ticket(requester=customer)
    with pytest.raises(Forbidden) as refused:
        await tickets.update_ticket(
            helpline, customer, ticket.number, version=None, **{field: value}
        )
    assert refused.value.field == named
    assert (await tickets.get_ticket(helpline, customer, ticket.number)).version == ticket.version


async def test_customer_may_not_assign_their_ticket(helpline, factory, customer, agent):
    ticket = await factory.ticket(requester=customer)
    with pytest.raises(Forbidden) as refused:
        await tickets.assign_ticket(helpline, customer, ticket.number, assignee=agent.id)
    assert refused.value.field == "assignee"
    team = await factory.team()
    with pytest.raises(Forbidden) as refused:
        await tickets.update_ticket(helpline, customer, ticket.number, version=None, team_id=team)
    assert refused.value.field == "team"


async def test_customer_may_mark_own_ticket_solved(helpline, factory, customer):
    ticket = await factory.ticket(requester=customer)
    solved = await tickets.update_ticket(
        helpline, customer, ticket.number, version=ticket.version, status="solved"
    )
    assert solved.status == "solved"
    assert solved.solved_at is not None


async def test_customer_may_not_solve_a_colleagues_shared_ticket(helpline, factory):
    org = await factory.organization(shared=True)
    alice = await factory.user("customer", organization=org)
    bob = await factory.user("customer", organization=org)
    ticket = await factory.ticket(requester=alice)
    assert (await tickets.get_ticket(helpline, bob, ticket.number)).id == ticket.id
    with pytest.raises(Forbidden) as refused:
        await tickets.update_ticket(helpline, bob, ticket.number, version=None, status="solved")
    assert refused.value.field == "status"


@pytest.mark.parametrize("role", STAFF)
async def test_staff_change_every_field_and_assign(helpline, factory, role):
    staff = await factory.user(role)
    other = await factory.user("agent")
    team = await factory.team(members=[other])
    ticket = await factory.ticket()
    updated = await tickets.update_ticket(
        helpline,
        staff,
        ticket.number,
        version=ticket.version,
        subject="New subject",
        status="pending",
        priority="urgent",
        type="incident",
        tags=["VIP"],
        custom_fields={"plan": "gold"},
    )
    assert (updated.subject, updated.status, updated.priority, updated.type) == (
        "New subject",
        "pending",
        "urgent",
        "incident",
    )
    assert updated.tags == ["vip"]
    assert updated.custom_fields == {"plan": "gold"}
    assigned = await tickets.assign_ticket(
        helpline, staff, ticket.number, assignee=other.email, team=team, version=updated.version
    )
    assert (assigned.assignee_id, assigned.team_id) == (other.id, team)


@pytest.mark.parametrize("role", [*STAFF, "customer"])
async def test_every_role_replies_but_only_staff_write_internal_notes(helpline, factory, role):
    actor = await factory.user(role)
    ticket = await factory.ticket(requester=actor if role == "customer" else None)
    _, reply = await messages.add_message(helpline, actor, ticket.number, body="Hello")
    assert reply.kind == "public"
    if role == "customer":
        with pytest.raises(Forbidden) as refused:
            await messages.add_message(helpline, actor, ticket.number, body="psst", internal=True)
        assert refused.value.field == "internal"
    else:
        _, note = await messages.add_message(
            helpline, actor, ticket.number, body="psst", internal=True
        )
        assert note.kind == "internal"


@pytest.mark.parametrize("role", [*STAFF, "customer"])
async def test_only_staff_merge_and_reopen(helpline, factory, role):
    actor = await factory.user(role)
    requester = actor if role == "customer" else await factory.user("customer")
    source = await factory.ticket(requester=requester)
    target = await factory.ticket(requester=requester)
    solved = await factory.ticket(requester=requester)
    admin = await factory.user("admin")
    await tickets.update_ticket(helpline, admin, solved.number, version=None, status="solved")
    if role == "customer":
        with pytest.raises(Forbidden):
            await tickets.merge_tickets(helpline, actor, source.number, target.number)
        with pytest.raises(Forbidden):
            await tickets.reopen_ticket(helpline, actor, solved.number)
        return
    merged = await tickets.merge_tickets(helpline, actor, source.number, target.number)
    assert merged.id == target.id
    reopened = await tickets.reopen_ticket(helpline, actor, solved.number)
    assert reopened.status == "open"


async def test_custom_role_gets_exactly_what_its_codes_give(helpline, factory, make_role):
    await make_role(
        "triage", ["tickets.view_all", "tickets.view_internal", "tickets.update", "tickets.note"]
    )
    triage = await factory.user("triage")
    agent = await factory.user("agent")
    first, second = await factory.ticket(), await factory.ticket()

    listed, total = await tickets.list_tickets(helpline, triage)
    assert total == 2 and {t.id for t in listed} == {first.id, second.id}
    updated = await tickets.update_ticket(
        helpline, triage, first.number, version=None, priority="high"
    )
    assert updated.priority == "high"
    _, note = await messages.add_message(helpline, triage, first.number, body="seen", internal=True)
    assert note.kind == "internal"

    with pytest.raises(Forbidden) as refused:
        await tickets.assign_ticket(helpline, triage, first.number, assignee=agent.id)
    assert refused.value.field == "assignee"
    with pytest.raises(Forbidden):
        await messages.add_message(helpline, triage, first.number, body="Hi customer")
    with pytest.raises(Forbidden):
        await tickets.merge_tickets(helpline, triage, first.number, second.number)
    with pytest.raises(Forbidden):
        await tickets.create_ticket(helpline, triage, subject="s", body="b")


async def test_custom_role_without_update_cannot_set_priority_or_tags_on_create(
    helpline, factory, make_role
):
    await make_role("intake", ["tickets.view_all", "tickets.create", "tickets.create_on_behalf"])
    intake = await factory.user("intake")
    ticket = await tickets.create_ticket(
        helpline, intake, subject="Call", body="b", requester="caller@example.com"
    )
    assert ticket.priority == "normal"
    for field, value in (("priority", "urgent"), ("tags", ["vip"])):
        with pytest.raises(Forbidden) as refused:
            await tickets.create_ticket(helpline, intake, subject="s", body="b", **{field: value})
        assert refused.value.field == field


async def test_custom_role_without_create_on_behalf_opens_only_own_tickets(
    helpline, factory, make_role
):
    await make_role("self-service", ["tickets.create"], staff=False)
    member = await factory.user("self-service")
    own = await tickets.create_ticket(helpline, member, subject="Mine", body="b")
    assert own.requester_id == member.id
    with pytest.raises(Forbidden) as refused:
        await tickets.create_ticket(
            helpline, member, subject="s", body="b", requester="x@example.com"
        )
    assert refused.value.field == "requester"


async def test_assigning_to_a_customer_is_invalid(helpline, factory, agent, customer):
    ticket = await factory.ticket()
    with pytest.raises(Invalid) as invalid:
        await tickets.assign_ticket(helpline, agent, ticket.number, assignee=customer.id)
    assert invalid.value.field == "assignee"


async def test_customer_may_not_mark_a_closed_ticket_solved(helpline, factory, admin, customer):
    ticket = await factory.ticket(requester=customer)
    await tickets.update_ticket(helpline, admin, ticket.number, version=None, status="closed")
    with pytest.raises(Forbidden) as refused:
        await tickets.update_ticket(
            helpline, customer, ticket.number, version=None, status="solved"
        )
    assert refused.value.field == "status"
