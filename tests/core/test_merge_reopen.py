"""Merging duplicates into one ticket, and bringing solved tickets back."""

from __future__ import annotations

import pytest

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.services import messages, tickets
from helpline.services.messages import NewAttachment


async def test_merge_moves_the_conversation_and_closes_the_source(
    helpline, factory, agent, customer
):
    source = await factory.ticket(
        requester=customer,
        subject="Printer again",
        tags=["printer", "floor-2"],
        attachments=[NewAttachment("photo.jpg", "image/jpeg", b"jpeg bytes")],
    )
    await messages.add_message(helpline, agent, source.number, body="Same as before", internal=True)
    target = await factory.ticket(requester=customer, subject="Printer", tags=["printer", "vip"])

    merged = await tickets.merge_tickets(helpline, agent, source.number, target.number)
    assert merged.id == target.id
    assert merged.tags == ["floor-2", "printer", "vip"]

    closed = await tickets.get_ticket(helpline, agent, source.number)
    assert closed.merged_into_id == target.id
    assert closed.status_category == "closed"
    assert closed.closed_at is not None

    on_target = await messages.list_messages(helpline, agent, target.number)
    # Oldest first: the source's conversation started before the target's.
    assert [m.body for m in on_target if m.kind != "system"] == [
        "Something does not work.",
        "Same as before",
        "Something does not work.",
    ]
    photos = [a for m in on_target for a in m.attachments]
    assert [a.filename for a in photos] == ["photo.jpg"]
    fetched = await messages.get_attachment(helpline, customer, photos[0].id)
    assert fetched["number"] == target.number

    system_target = [m.body for m in on_target if m.kind == "system"]
    assert system_target == [f"Ticket #{source.number} merged into this one."]
    on_source = await messages.list_messages(helpline, agent, source.number)
    assert [(m.kind, m.body) for m in on_source] == [("system", f"Merged into #{target.number}.")]


async def test_merge_keeps_the_targets_tags_when_the_source_adds_none(helpline, factory, agent):
    source = await factory.ticket()
    target = await factory.ticket(tags=["vip"])
    merged = await tickets.merge_tickets(helpline, agent, source.number, target.number)
    assert merged.tags == ["vip"]


async def test_a_ticket_cannot_be_merged_into_itself(helpline, factory, agent):
    ticket = await factory.ticket()
    with pytest.raises(Invalid) as invalid:
        await tickets.merge_tickets(helpline, agent, ticket.number, ticket.number)
    assert invalid.value.field == "target"


async def test_nothing_merges_into_or_out_of_a_merged_ticket(helpline, factory, agent):
    first, second, third = await factory.ticket(), await factory.ticket(), await factory.ticket()
    await tickets.merge_tickets(helpline, agent, first.number, second.number)
    with pytest.raises(Invalid) as invalid:
        await tickets.merge_tickets(helpline, agent, third.number, first.number)
    assert invalid.value.field == "target"
    with pytest.raises(Invalid) as invalid:
        await tickets.merge_tickets(helpline, agent, first.number, third.number)
    assert invalid.value.field == "source"
    assert (await tickets.get_ticket(helpline, agent, third.number)).merged_into_id is None


async def test_merge_needs_both_tickets_to_be_visible(helpline, factory):
    billing, support = await factory.team(), await factory.team()
    agent = await factory.user("agent", teams=[billing])
    ours = await factory.ticket(team=billing)
    theirs = await factory.ticket(team=support)
    with pytest.raises(NotFound):
        await tickets.merge_tickets(helpline, agent, ours.number, theirs.number)
    with pytest.raises(NotFound):
        await tickets.merge_tickets(helpline, agent, theirs.number, ours.number)
    assert (await tickets.get_ticket(helpline, agent, ours.number)).merged_into_id is None


async def test_replies_to_a_merged_ticket_are_refused(helpline, factory, agent, customer):
    source = await factory.ticket(requester=customer)
    target = await factory.ticket(requester=customer)
    await tickets.merge_tickets(helpline, agent, source.number, target.number)
    for actor, internal in ((customer, False), (agent, False), (agent, True)):
        with pytest.raises(Forbidden) as refused:
            await messages.add_message(helpline, actor, source.number, body="hi", internal=internal)
        assert f"#{target.number}" in str(refused.value)
    ticket, _ = await messages.add_message(helpline, customer, target.number, body="here")
    assert ticket.id == target.id


async def test_a_merged_ticket_cannot_be_reopened(helpline, factory, agent):
    source, target = await factory.ticket(), await factory.ticket()
    await tickets.merge_tickets(helpline, agent, source.number, target.number)
    with pytest.raises(Invalid) as invalid:
        await tickets.reopen_ticket(helpline, agent, source.number)
    assert invalid.value.field == "status"
    with pytest.raises(Invalid) as invalid:
        await tickets.update_ticket(helpline, agent, source.number, version=None, status="open")
    assert invalid.value.field == "status"
    assert (await tickets.get_ticket(helpline, agent, source.number)).status == "closed"


@pytest.mark.parametrize("status", ["solved", "closed"])
async def test_reopen_brings_a_finished_ticket_back_to_open(helpline, factory, agent, status):
    ticket = await factory.ticket()
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status=status)
    reopened = await tickets.reopen_ticket(helpline, agent, ticket.number)
    assert (reopened.status, reopened.solved_at, reopened.closed_at) == ("open", None, None)


async def test_only_finished_tickets_reopen_and_only_to_an_open_status(helpline, factory, agent):
    ticket = await factory.ticket()
    with pytest.raises(Invalid) as invalid:
        await tickets.reopen_ticket(helpline, agent, ticket.number)
    assert invalid.value.field == "status"
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="solved")
    with pytest.raises(Invalid) as invalid:
        await tickets.reopen_ticket(helpline, agent, ticket.number, status="pending")
    assert invalid.value.field == "status"
    reopened = await tickets.reopen_ticket(helpline, agent, ticket.number, status="new")
    assert reopened.status == "new"
