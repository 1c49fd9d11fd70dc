"""Mail becomes tickets and replies: storage first, deduplication, threading and why."""

from __future__ import annotations

import pytest
from email_helpers import message, reply_to

from helpline.blobs import read_blob
from helpline.services import messages, tickets
from helpline.services.users import find_user_id, load_actor
from helpline_email import msgid
from helpline_email.mailboxes import UnknownMailbox, save_mailbox
from helpline_email.notes import followers
from helpline_email.tables import Inbound


async def test_mail_from_an_unknown_sender_opens_a_ticket_for_a_new_customer(
    helpline, receive, admin
):
    result = await receive(message(sender="Jane Doe <Jane.Doe@Example.ORG>"))
    assert result.action == "created"
    assert "new ticket" in result.reason
    ticket = await tickets.get_ticket(helpline, admin, result.ticket)
    assert ticket.channel == "email"
    assert ticket.subject == "Printer broken"
    customer = await load_actor(helpline, ticket.requester_id)
    assert (customer.email, customer.name, customer.staff) == (
        "jane.doe@example.org",
        "Jane Doe",
        False,
    )
    (first,) = await messages.list_messages(helpline, admin, result.ticket)
    assert "printer on floor 2 is broken" in first.body
    assert first.meta["email"]["thread"]["rule"] == "new"


async def test_a_known_customer_is_matched_whatever_the_case_of_the_address(
    helpline, receive, factory, admin
):
    customer = await factory.user("customer", email="robin@example.com")
    result = await receive(message(sender="ROBIN@Example.com"))
    ticket = await tickets.get_ticket(helpline, admin, result.ticket)
    assert ticket.requester_id == customer.id


async def test_the_same_message_delivered_twice_is_stored_once(helpline, receive):
    raw = message(message_id="<twice@example.org>")
    first = await receive(raw)
    second = await receive(raw)
    assert second.action == "duplicate"
    assert second.ticket == first.ticket
    assert "already received" in second.reason
    assert await Inbound.count() == 1


async def test_the_raw_message_is_kept_exactly_as_received(helpline, receive):
    raw = message(body="Odd  spacing\t and trailing space \n") + b"\r\n"
    result = await receive(raw)
    row = await Inbound.select(Inbound.sha256).where(Inbound.id == result.inbound).first()
    assert read_blob(helpline.settings.blob_dir, row["sha256"]) == raw


async def test_a_reply_naming_our_signed_message_id_lands_on_its_ticket(helpline, receive, admin):
    created = await receive(message())
    ticket = await tickets.get_ticket(helpline, admin, created.ticket)
    ours = msgid.make_message_id(helpline.settings.secret_key, "helpline.localhost", ticket.id)
    result = await receive(reply_to(ours, subject="Re: something else entirely"))
    assert (result.action, result.ticket) == ("appended", created.ticket)
    assert "signed Message-ID" in result.reason
    (_, reply) = await messages.list_messages(helpline, admin, created.ticket)
    assert reply.meta["email"]["thread"]["rule"] == "signed"


async def test_a_forged_signature_does_not_thread(helpline, receive, admin):
    created = await receive(message())
    ticket = await tickets.get_ticket(helpline, admin, created.ticket)
    forged = msgid.make_message_id("someone else's secret", "helpline.localhost", ticket.id)
    result = await receive(reply_to(forged, subject="Hello"))
    assert result.action == "created"
    assert result.ticket != created.ticket


async def test_a_reply_referencing_a_stored_message_id_threads(helpline, receive):
    created = await receive(message(message_id="<first@example.org>"))
    result = await receive(reply_to("first@example.org", sender="jane@example.org"))
    assert (result.action, result.ticket) == ("appended", created.ticket)
    assert "known message <first@example.org>" in result.reason


async def test_any_references_entry_is_enough(helpline, receive):
    created = await receive(message(message_id="<root@example.org>"))
    headers = {"References": "<unknown@elsewhere> <root@example.org> <other@elsewhere>"}
    result = await receive(message(subject="Re: x", headers=headers))
    assert result.ticket == created.ticket


async def test_a_subject_tag_from_the_requester_threads(helpline, receive):
    created = await receive(message())
    result = await receive(message(subject=f"Still broken [#{created.ticket}]"))
    assert (result.action, result.ticket) == ("appended", created.ticket)
    assert "subject tag" in result.reason and "requester" in result.reason


async def test_a_subject_tag_from_a_stranger_opens_a_new_ticket_and_says_why(helpline, receive):
    created = await receive(message())
    result = await receive(
        message(sender="mallory@evil.example", subject=f"Re: [#{created.ticket}] hi")
    )
    assert result.action == "created"
    assert result.ticket != created.ticket
    assert "not its requester, a follower or an agent" in result.reason


async def test_a_subject_tag_from_an_agent_or_a_follower_threads(helpline, receive, factory):
    agent = await factory.user("agent", email="ada@desk.example")
    created = await receive(message())
    by_agent = await receive(message(sender=agent.email, subject=f"Update [#{created.ticket}]"))
    assert (by_agent.ticket, by_agent.action) == (created.ticket, "appended")
    assert "an agent" in by_agent.reason
    ticket = await tickets.get_ticket(helpline, agent, created.ticket)
    from helpline_email.notes import set_follower

    await set_follower(helpline, ticket.id, "boss@example.org", "follower")
    by_follower = await receive(
        message(sender="boss@example.org", subject=f"Any news? [#{created.ticket}]")
    )
    assert (by_follower.ticket, by_follower.action) == (created.ticket, "appended")
    assert "a follower" in by_follower.reason


async def test_an_agent_replying_by_mail_answers_the_customer_publicly(
    helpline, receive, factory, admin
):
    agent = await factory.user("agent", email="ada@desk.example")
    created = await receive(message(message_id="<ask@example.org>"))
    await receive(reply_to("ask@example.org", sender=agent.email, body="We sent a technician."))
    ticket = await tickets.get_ticket(helpline, admin, created.ticket)
    convo = await messages.list_messages(helpline, admin, created.ticket)
    assert convo[-1].author_id == agent.id and convo[-1].kind == "public"
    assert ticket.first_response_at is not None


async def test_a_reply_to_a_merged_ticket_lands_on_the_ticket_it_was_merged_into(
    helpline, receive, admin
):
    old = await receive(message(message_id="<old@example.org>"))
    new = await receive(message(message_id="<new@example.org>", subject="Printer again"))
    await tickets.merge_tickets(helpline, admin, old.ticket, new.ticket)
    result = await receive(reply_to("old@example.org"))
    assert (result.action, result.ticket) == ("appended", new.ticket)
    assert f"#{old.ticket} was merged into #{new.ticket}" in result.reason


async def _close(helpline, admin, number):
    await tickets.update_ticket(helpline, admin, number, version=None, status="closed")


async def test_a_reply_to_a_closed_ticket_reopens_it(helpline, receive, admin):
    created = await receive(message(message_id="<c1@example.org>"))
    await _close(helpline, admin, created.ticket)
    result = await receive(reply_to("c1@example.org"))
    assert (result.action, result.ticket) == ("appended", created.ticket)
    assert "reopened" in result.reason
    assert (await tickets.get_ticket(helpline, admin, created.ticket)).status_category == "open"


async def test_a_reply_to_a_closed_ticket_opens_a_linked_follow_up_when_the_mailbox_says_so(
    helpline, receive, admin
):
    from helpline_email.mailboxes import default_mailbox
    from helpline_email.tables import Mailbox

    box = await default_mailbox(helpline)
    await Mailbox.update({Mailbox.closed_reply: "followup"}).where(Mailbox.id == box["id"])
    created = await receive(message(message_id="<c2@example.org>"))
    await _close(helpline, admin, created.ticket)
    result = await receive(reply_to("c2@example.org"))
    assert result.action == "created" and result.ticket != created.ticket
    assert "follow-up" in result.reason
    old_notes = [
        m.body
        for m in await messages.list_messages(helpline, admin, created.ticket)
        if m.kind == "system"
    ]
    new_notes = [
        m.body
        for m in await messages.list_messages(helpline, admin, result.ticket)
        if m.kind == "system"
    ]
    assert any(f"#{result.ticket}" in n for n in old_notes)
    assert any(f"#{created.ticket}" in n for n in new_notes)
    assert (await tickets.get_ticket(helpline, admin, created.ticket)).status_category == "closed"


async def test_people_copied_are_offered_as_followers(helpline, receive, admin):
    result = await receive(
        message(headers={"Cc": "Bob <Bob@Example.org>, support@helpline.localhost"})
    )
    ticket = await tickets.get_ticket(helpline, admin, result.ticket)
    offered = await followers(ticket.id)
    assert [(f["address"], f["state"]) for f in offered] == [("bob@example.org", "suggested")]
    (first,) = await messages.list_messages(helpline, admin, result.ticket)
    assert first.meta["email"]["cc"] == ["bob@example.org", "support@helpline.localhost"]


async def test_a_mailbox_gives_new_tickets_its_team_priority_and_tags(
    helpline, receive, factory, admin
):
    from helpline_email.mailboxes import clean_values

    team = await factory.team("Billing")
    values = clean_values(
        {
            "address": "billing@acme.example",
            "team": str(team),
            "priority": "high",
            "tags": "billing, invoices",
            "active": "1",
        }
    )
    await save_mailbox(helpline, values)
    result = await receive(message(to="Billing <billing@acme.example>"))
    ticket = await tickets.get_ticket(helpline, admin, result.ticket)
    assert (ticket.team_id, ticket.priority, ticket.tags) == (team, "high", ["billing", "invoices"])
    row = (
        await Inbound.select(Inbound.mailbox.address.as_alias("a"))
        .where(Inbound.id == result.inbound)
        .first()
    )
    assert row["a"] == "billing@acme.example"


async def test_an_unknown_mailbox_is_refused(helpline, receive):
    with pytest.raises(UnknownMailbox):
        await receive(message(), mailbox="nobody@acme.example")


async def test_mail_without_a_sender_is_quarantined_and_can_be_reprocessed(helpline, receive):
    from helpline_email.ingest import reprocess

    raw = (
        b"To: support@helpline.localhost\r\nSubject: who am I\r\n"
        b"Message-ID: <anon@x.example>\r\n\r\nNo From header.\r\n"
    )
    result = await receive(raw)
    assert (result.action, result.ticket) == ("quarantined", None)
    assert "sender" in result.reason
    again = await reprocess(helpline, result.inbound)
    assert again.action == "quarantined"
    row = await Inbound.select(Inbound.status).where(Inbound.id == result.inbound).first()
    assert row["status"] == "quarantined"


async def test_a_message_over_the_size_limit_is_quarantined_then_reprocessed_once_allowed(
    helpline, receive
):
    from helpline_email.ingest import reprocess
    from helpline_email.settings import EmailSettings

    helpline.plugin_settings["email"] = EmailSettings(max_message_bytes=200)
    result = await receive(message(body="x" * 500))
    assert result.action == "quarantined" and "max_message_bytes" in result.reason
    helpline.plugin_settings["email"] = EmailSettings()
    again = await reprocess(helpline, result.inbound)
    assert again.action == "created" and again.ticket is not None


async def test_a_deactivated_sender_is_ignored(helpline, receive, factory, admin):
    from helpline.tables import User

    customer = await factory.user("customer", email="gone@example.com")
    await User.update({User.active: False}).where(User.id == customer.id)
    result = await receive(message(sender=customer.email))
    assert result.action == "ignored" and "deactivated" in result.reason


async def test_a_customer_replying_to_a_solved_ticket_opens_it_again(helpline, receive, admin):
    created = await receive(message(message_id="<s1@example.org>"))
    await tickets.update_ticket(helpline, admin, created.ticket, version=None, status="solved")
    await receive(reply_to("s1@example.org"))
    assert (await tickets.get_ticket(helpline, admin, created.ticket)).status_category == "open"


async def test_the_sender_of_a_new_mail_becomes_its_author(helpline, receive, admin):
    result = await receive(message(sender="new.person@example.net"))
    (first,) = await messages.list_messages(helpline, admin, result.ticket)
    assert first.author_id == await find_user_id("new.person@example.net")
