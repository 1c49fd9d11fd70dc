"""Replies and internal notes: who reads them, how they move the ticket, and what HTML survives."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpline import search
from helpline.errors import Forbidden, Invalid
from helpline.services import messages, tickets


async def _status(helpline, admin, ticket, status):
    return await tickets.update_ticket(helpline, admin, ticket.number, version=None, status=status)


async def test_customers_read_neither_internal_notes_nor_system_messages(
    helpline, factory, agent, customer
):
    ticket = await factory.ticket(requester=customer, body="My printer is on fire")
    await messages.add_message(helpline, agent, ticket.number, body="Legacy plan", internal=True)
    await messages.add_message(helpline, agent, ticket.number, body="We are on it")
    other = await factory.ticket(requester=customer)
    await tickets.merge_tickets(helpline, agent, other.number, ticket.number)

    seen = await messages.list_messages(helpline, customer, ticket.number)
    assert [m.body for m in seen] == [
        "My printer is on fire",
        "We are on it",
        "Something does not work.",
    ]
    assert {m.kind for m in seen} == {"public"}
    staff_view = await messages.list_messages(helpline, agent, ticket.number)
    assert {m.kind for m in staff_view} == {"public", "internal", "system"}


async def test_words_only_in_an_internal_note_do_not_find_the_ticket_for_its_customer(
    helpline, factory, agent, customer
):
    ticket = await factory.ticket(requester=customer, subject="Cannot log in")
    await messages.add_message(
        helpline, agent, ticket.number, body="Suspected fraudulent chargeback", internal=True
    )
    for query in ("fraudulent", "chargeback", "fraud"):
        assert await search.search_tickets(helpline, customer, query) == ([], 0)
        assert (await tickets.list_tickets(helpline, customer, q=query))[1] == 0
        found, total = await search.search_tickets(helpline, agent, query)
        assert [t.id for t in found] == [ticket.id] and total == 1
        assert (await tickets.list_tickets(helpline, agent, q=query))[1] == 1


async def test_first_response_is_the_first_public_agent_reply(
    helpline, factory, clock, agent, customer
):
    ticket = await factory.ticket(requester=customer)
    await messages.add_message(helpline, customer, ticket.number, body="Any news?")
    await messages.add_message(helpline, agent, ticket.number, body="Looking", internal=True)
    ticket = await tickets.get_ticket(helpline, agent, ticket.number)
    assert ticket.first_response_at is None
    assert ticket.status == "new"

    answered_at = clock.freeze()
    ticket, _ = await messages.add_message(helpline, agent, ticket.number, body="Fixed it")
    assert ticket.first_response_at == answered_at
    assert ticket.status == "open"
    clock.advance(minutes=5)
    ticket, _ = await messages.add_message(helpline, agent, ticket.number, body="Anything else?")
    assert ticket.first_response_at == answered_at


async def test_an_agent_writing_on_their_own_ticket_is_not_a_first_response(helpline, agent):
    ticket = await tickets.create_ticket(helpline, agent, subject="My laptop", body="Broken")
    ticket, _ = await messages.add_message(helpline, agent, ticket.number, body="Still broken")
    assert ticket.first_response_at is None


async def test_ticket_opened_by_an_agent_on_behalf_has_no_first_response_yet(helpline, agent):
    ticket = await tickets.create_ticket(
        helpline, agent, subject="Phone call", body="Caller says…", requester="caller@example.com"
    )
    assert ticket.first_response_at is None
    assert ticket.status == "new"


@pytest.mark.parametrize("status", ["pending", "on_hold", "solved"])
async def test_customer_reply_brings_a_waiting_or_solved_ticket_back_to_open(
    helpline, factory, admin, customer, status
):
    ticket = await _status(helpline, admin, await factory.ticket(requester=customer), status)
    assert (ticket.solved_at is not None) is (status == "solved")
    ticket, _ = await messages.add_message(helpline, customer, ticket.number, body="Not fixed")
    assert ticket.status == "open"
    assert ticket.solved_at is None


async def test_agent_reply_does_not_change_a_pending_ticket(helpline, factory, admin, agent):
    ticket = await _status(helpline, admin, await factory.ticket(), "pending")
    ticket, _ = await messages.add_message(helpline, agent, ticket.number, body="Reminder")
    assert ticket.status == "pending"


async def test_customer_cannot_reply_to_a_closed_ticket_but_an_agent_can(
    helpline, factory, admin, agent, customer
):
    ticket = await _status(helpline, admin, await factory.ticket(requester=customer), "closed")
    with pytest.raises(Forbidden) as refused:
        await messages.add_message(helpline, customer, ticket.number, body="Hello?")
    assert refused.value.field == "body"
    ticket, _ = await messages.add_message(helpline, agent, ticket.number, body="FYI")
    assert ticket.status == "closed"
    bodies = [m.body for m in await messages.list_messages(helpline, customer, ticket.number)]
    assert "Hello?" not in bodies and "FYI" in bodies


async def test_reply_bumps_updated_at_even_without_status_change(helpline, factory, clock, agent):
    clock.freeze()
    ticket = await factory.ticket()
    await messages.add_message(helpline, agent, ticket.number, body="First")
    later = clock.advance(hours=1)
    ticket, _ = await messages.add_message(
        helpline, agent, ticket.number, body="Note", internal=True
    )
    ticket = await tickets.get_ticket(helpline, agent, ticket.number)
    assert ticket.updated_at == later
    assert ticket.updated_at - ticket.created_at == timedelta(hours=1)


async def test_empty_reply_is_invalid(helpline, factory, agent):
    ticket = await factory.ticket()
    with pytest.raises(Invalid) as invalid:
        await messages.add_message(helpline, agent, ticket.number, body="   \n ")
    assert invalid.value.field == "body"


async def test_html_bodies_are_sanitized(helpline, factory, agent):
    ticket = await factory.ticket()
    _, message = await messages.add_message(
        helpline,
        agent,
        ticket.number,
        body="See link",
        body_html=(
            '<p onclick="steal()">Hi <b>there</b></p><script>alert(1)</script>'
            '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">click</a>'
            '<a href="https://example.com/help">help</a><style>p{}</style>'
            '<iframe src="https://evil.test"></iframe>'
        ),
    )
    html = message.body_html.lower()
    for bad in ("<script", "alert(", "onerror", "onclick", "javascript:", "<style", "<iframe"):
        assert bad not in html
    assert "<b>there</b>" in html
    assert 'href="https://example.com/help"' in html
    assert "noopener" in html


async def test_plain_text_bodies_are_escaped_keeping_paragraphs(helpline, factory, agent):
    ticket = await factory.ticket()
    _, message = await messages.add_message(
        helpline, agent, ticket.number, body='<script>alert("x")</script> & co\nline two\n\nnext'
    )
    assert message.body_html == (
        "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co<br>line two</p><p>next</p>"
    )
    assert message.body.startswith("<script>")


async def test_first_message_of_a_new_ticket_is_sanitized_too(helpline, customer):
    ticket = await tickets.create_ticket(
        helpline,
        customer,
        subject="HTML mail",
        body="fallback",
        body_html='<div>ok<script>alert(1)</script><img src="cid:logo" onerror="x()"></div>',
    )
    (first,) = await messages.list_messages(helpline, customer, ticket.number)
    assert "script" not in first.body_html and "onerror" not in first.body_html
    assert 'src="cid:logo"' in first.body_html


async def test_an_html_only_message_gets_a_plain_body_and_is_searchable(helpline, customer, agent):
    ticket = await tickets.create_ticket(
        helpline,
        customer,
        subject="Forwarded mail",
        body="",
        body_html="<p>The <b>thermostat</b> is broken</p><p>Room&nbsp;12<br>floor 3</p>",
    )
    (first,) = await messages.list_messages(helpline, customer, ticket.number)
    assert first.body == "The thermostat is broken\nRoom 12\nfloor 3"
    found, _ = await search.search_tickets(helpline, agent, "thermostat")
    assert [t.id for t in found] == [ticket.id]
