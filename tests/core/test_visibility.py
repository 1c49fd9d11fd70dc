"""Who sees which tickets: everything goes through `visible_tickets`, so every read agrees."""

from __future__ import annotations

import pytest

from helpline import search
from helpline.errors import Forbidden, NotFound
from helpline.services import messages, tickets, users
from helpline.services.messages import NewAttachment
from helpline.tables import User


async def _sees(helpline, actor, ticket) -> bool:
    """Whether every read path agrees that `actor` can see `ticket`; fails if they disagree."""
    listed = {t.id for t in (await tickets.list_tickets(helpline, actor, per_page=200))[0]}
    found = {t.id for t in (await search.search_tickets(helpline, actor, ticket.subject))[0]}
    try:
        await tickets.get_ticket(helpline, actor, ticket.number)
        got = True
    except NotFound:
        got = False
    try:
        await messages.list_messages(helpline, actor, ticket.number)
        read = True
    except NotFound:
        read = False
    answers = {got, read, ticket.id in listed, ticket.id in found}
    assert len(answers) == 1, f"read paths disagree for #{ticket.number}"
    return got


async def test_customer_never_reads_another_customers_ticket(helpline, factory, customer):
    other = await factory.user("customer")
    theirs = await factory.ticket(
        requester=other,
        subject="Invoice 4711 wrong",
        attachments=[NewAttachment("invoice.pdf", "application/pdf", b"%PDF-1.4")],
    )
    mine = await factory.ticket(requester=customer, subject="Invoice 4711 question")
    assert await _sees(helpline, customer, mine)
    assert not await _sees(helpline, customer, theirs)
    found, total = await search.search_tickets(helpline, customer, "invoice 4711")
    assert [t.id for t in found] == [mine.id] and total == 1
    attachment = (await messages.list_messages(helpline, other, theirs.number))[0].attachments[0]
    with pytest.raises(NotFound):
        await messages.get_attachment(helpline, customer, attachment.id)
    assert (await messages.get_attachment(helpline, other, attachment.id))[
        "filename"
    ] == "invoice.pdf"
    with pytest.raises(NotFound):
        await messages.add_message(helpline, customer, theirs.number, body="me too")
    with pytest.raises(NotFound):
        await tickets.update_ticket(
            helpline, customer, theirs.number, version=None, status="solved"
        )


@pytest.mark.parametrize("shared", [True, False])
async def test_organization_members_see_each_other_only_when_shared(helpline, factory, shared):
    org = await factory.organization(shared=shared)
    alice = await factory.user("customer", organization=org)
    bob = await factory.user("customer", organization=org)
    outsider = await factory.user("customer")
    ticket = await factory.ticket(requester=alice, subject="Shared printer down")
    assert await _sees(helpline, bob, ticket) is shared
    assert not await _sees(helpline, outsider, ticket)


async def test_customers_join_the_organization_of_their_email_domain(helpline, factory):
    org = await factory.organization(domain="acme.test", shared=True)
    alice = await factory.user("customer", email="alice@acme.test")
    ticket = await factory.ticket(requester=alice, subject="Acme outage")
    bob = await factory.user("customer", email="Bob@ACME.test")
    assert bob.organization_id == org
    assert await _sees(helpline, bob, ticket)


async def test_team_agents_see_their_teams_unassigned_teams_and_their_own(helpline, factory):
    billing = await factory.team("Billing")
    support = await factory.team("Support")
    agent = await factory.user("agent", teams=[billing])
    other = await factory.user("agent", teams=[support])
    ours = await factory.ticket(subject="Billing question", team=billing)
    no_team = await factory.ticket(subject="Where do I start")
    theirs = await factory.ticket(subject="Support matter", team=support)
    mine = await factory.ticket(subject="Support but mine", team=support, assignee=agent.id)
    assert await _sees(helpline, agent, ours)
    assert await _sees(helpline, agent, no_team)
    assert await _sees(helpline, agent, mine)
    assert not await _sees(helpline, agent, theirs)
    assert await _sees(helpline, other, theirs)
    assert not await _sees(helpline, other, ours)
    with pytest.raises(NotFound):
        await tickets.assign_ticket(helpline, agent, theirs.number, assignee=agent.id)


@pytest.mark.parametrize("role", ["manager", "admin"])
async def test_managers_and_admins_see_every_ticket(helpline, factory, role):
    team = await factory.team()
    actor = await factory.user(role)
    hidden = await factory.ticket(subject="Team only", team=team)
    other = await factory.ticket(subject="Someone else's")
    assert await _sees(helpline, actor, hidden)
    assert await _sees(helpline, actor, other)


@pytest.mark.parametrize("role", ["admin", "manager", "agent", "customer"])
async def test_deactivated_user_sees_and_does_nothing(helpline, factory, role):
    actor = await factory.user(role)
    ticket = await factory.ticket(
        requester=actor if role == "customer" else None, subject="Before deactivation"
    )
    assert await _sees(helpline, actor, ticket)
    await User.update({User.active: False}).where(User.id == actor.id)
    actor = await users.load_actor(helpline, actor.id)
    assert not actor.active
    assert not await _sees(helpline, actor, ticket)
    assert (await tickets.list_tickets(helpline, actor))[1] == 0
    with pytest.raises(Forbidden):
        await tickets.create_ticket(helpline, actor, subject="still here?", body="b")
    with pytest.raises((Forbidden, NotFound)):
        await messages.add_message(helpline, actor, ticket.number, body="hello?")


async def test_agent_without_view_internal_reads_only_public_messages(helpline, factory, make_role):
    await make_role("junior", ["tickets.view_all", "tickets.reply"])
    junior = await factory.user("junior")
    agent = await factory.user("agent")
    ticket = await factory.ticket()
    await messages.add_message(helpline, agent, ticket.number, body="secret", internal=True)
    kinds = {m.kind for m in await messages.list_messages(helpline, junior, ticket.number)}
    assert kinds == {"public"}
