"""The telephony webhook: each event, call-back tickets, idempotency, the shared secret."""

from __future__ import annotations

import json

import pytest
from phone_helpers import SECRET, popups, post_event, started

from helpline import db
from helpline.runtime import Helpline
from helpline.services import messages, tickets
from helpline.services.tickets import SYSTEM
from helpline_phone import numbers
from helpline_phone.tables import PhoneCall
from helpline_web.app import create_app


async def call_row(call_id: str) -> dict:
    return await PhoneCall.select().where(PhoneCall.call_id == call_id).first()


async def test_a_ringing_call_pops_up_for_agents_with_the_callers_record_and_open_tickets(
    running, client, signin, factory, helpline
):
    agent, customer = (
        await factory.user("agent"),
        await factory.user("customer", name="Ada Lovelace"),
    )
    await numbers.remember(helpline, customer.id, "+12025550143")
    ticket = await factory.ticket(requester=customer, subject="Printer jams on page two")
    web = await signin(agent)
    async with popups(running, web) as stream:
        response = await post_event(client, event="ringing", call_id="c-1", caller="(202) 555-0143")
        assert response.status_code == 200, response.text
        popup = await stream.popup()
    assert popup["call"] == response.json()["call"]
    assert "Incoming call" in popup["html"]
    assert "+1 202-555-0143" in popup["html"]
    assert "Ada Lovelace" in popup["html"]
    assert f"/tickets/{ticket.number}" in popup["html"]
    assert "Printer jams on page two" in popup["html"]


async def test_an_unknown_caller_pops_up_as_unknown(running, client, signin, agent):
    web = await signin(agent)
    async with popups(running, web) as stream:
        await post_event(client, event="ringing", call_id="c-2", caller="+442079460018")
        popup = await stream.popup()
    assert "Unknown caller" in popup["html"]
    assert "+44 20 7946 0018" in popup["html"]


async def test_a_call_for_one_agent_pops_up_only_for_that_agent(running, client, signin, factory):
    mine, other = await factory.user("agent"), await factory.user("agent")
    web_mine, web_other = await signin(mine), await signin(other)
    async with popups(running, web_mine) as stream_mine, popups(running, web_other) as stream_other:
        await post_event(
            client, event="ringing", call_id="c-3", caller="+12025550143", agent=mine.email
        )
        assert "Incoming call" in (await stream_mine.popup())["html"]
        assert (await stream_other.popup())["html"] == ""  # nothing shown to the other agent


async def test_answering_records_the_agent_and_takes_the_popup_away_from_the_others(
    running, client, signin, factory
):
    taker, other = await factory.user("agent"), await factory.user("agent")
    web_other = await signin(other)
    await post_event(client, event="ringing", call_id="c-4", caller="+12025550143")
    async with popups(running, web_other) as stream:
        response = await post_event(
            client, event="answered", call_id="c-4", caller="+12025550143", agent=taker.email
        )
        assert response.status_code == 200
        assert (await stream.popup())["html"] == ""
    row = await call_row("c-4")
    assert row["state"] == "answered"
    assert row["agent"] == taker.id
    assert row["answered_at"] is not None


async def test_an_answered_call_that_hangs_up_is_stored_with_its_length_and_no_ticket(
    running, client, factory, helpline
):
    taker = await factory.user("agent")
    for event in ("ringing", "answered"):
        await post_event(client, event=event, call_id="c-5", caller="+12025550143")
    response = await post_event(
        client,
        event="hangup",
        call_id="c-5",
        caller="+12025550143",
        duration=245,
        agent_extension="101",
        agent=taker.email,
    )
    assert response.status_code == 200
    assert response.json()["ticket"] is None
    row = await call_row("c-5")
    assert (row["state"], row["outcome"], row["duration"]) == ("ended", "answered", 245)
    assert row["agent"] == taker.id


async def test_a_missed_call_opens_a_call_back_ticket_for_the_known_customer(
    running, client, factory, helpline
):
    customer = await factory.user("customer", name="Ada Lovelace")
    await numbers.remember(helpline, customer.id, "+12025550143")
    await post_event(client, event="ringing", call_id="c-6", caller="+12025550143")
    response = await post_event(client, event="hangup", call_id="c-6", caller="+12025550143")
    number = response.json()["ticket"]
    ticket = await tickets.get_ticket(helpline, SYSTEM, number)
    assert ticket.subject == "Call back +1 202-555-0143"
    assert ticket.channel == "phone"
    assert ticket.requester_id == customer.id
    assert (await call_row("c-6"))["outcome"] == "missed"


async def test_a_missed_call_from_an_unknown_number_opens_a_ticket_for_a_new_customer(
    running, client, helpline
):
    response = await post_event(client, event="hangup", call_id="c-7", caller="+12025550199")
    ticket = await tickets.get_ticket(helpline, SYSTEM, response.json()["ticket"])
    owner = await numbers.user_for_number("+12025550199")
    assert owner is not None and not owner["staff"]
    assert ticket.requester_id == owner["id"]


async def test_a_voicemail_opens_a_ticket_whose_history_links_the_recording(
    running, client, helpline, manager
):
    url = "https://pbx.example.com/recordings/c-8.wav"
    await post_event(client, event="ringing", call_id="c-8", caller="+12025550143")
    response = await post_event(
        client, event="hangup", call_id="c-8", caller="+12025550143", recording_url=url
    )
    number = response.json()["ticket"]
    conversation = await messages.list_messages(helpline, manager, number)
    assert conversation[0].body.startswith("Voicemail from +1 202-555-0143")
    assert any(m.kind == "system" and url in m.body for m in conversation)
    assert (await call_row("c-8"))["outcome"] == "voicemail"


async def test_the_customer_does_not_see_the_recording_link(running, client, helpline):
    url = "https://pbx.example.com/recordings/c-9.wav"
    response = await post_event(
        client, event="hangup", call_id="c-9", caller="+12025550143", recording_url=url
    )
    owner = await numbers.user_for_number("+12025550143")
    from helpline.services.users import load_actor

    customer = await load_actor(helpline, owner["id"])
    conversation = await messages.list_messages(helpline, customer, response.json()["ticket"])
    assert all(url not in m.body for m in conversation)


async def test_a_repeated_delivery_changes_nothing(running, client, helpline):
    first = await post_event(client, event="hangup", call_id="c-10", caller="+12025550143")
    again = await post_event(client, event="hangup", call_id="c-10", caller="+12025550143")
    assert first.json()["status"] == "processed"
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "call": first.json()["call"], "ticket": None}
    assert await PhoneCall.count().where(PhoneCall.call_id == "c-10") == 1
    _, total = await tickets.list_tickets(helpline, SYSTEM, q="Call back")
    assert total == 1


async def test_an_outbound_call_nobody_answered_opens_no_ticket(running, client):
    response = await post_event(
        client,
        event="hangup",
        call_id="c-11",
        direction="outbound",
        caller="+12025550100",
        callee="+12025550143",
    )
    assert response.json()["ticket"] is None
    row = await call_row("c-11")
    assert (row["number"], row["outcome"]) == ("+12025550143", "missed")


async def test_events_without_the_right_secret_are_refused(running, client):
    unsigned = await post_event(client, secret=None, event="ringing", call_id="c-12", caller="+1")
    wrong = await post_event(client, secret="guess", event="ringing", call_id="c-12", caller="+1")
    assert (unsigned.status_code, wrong.status_code) == (401, 401)
    assert await PhoneCall.count() == 0


async def test_the_secret_may_be_sent_as_a_bearer_token(running, client):
    body = json.dumps({"event": "ringing", "call_id": "c-13", "caller": "+12025550143"})
    ok = await client.post(
        "/api/v1/phone/events",
        content=body,
        headers={"authorization": f"Bearer {SECRET}", "content-type": "application/json"},
    )
    bad = await client.post(
        "/api/v1/phone/events",
        content=body,
        headers={"authorization": "Bearer nope", "content-type": "application/json"},
    )
    assert (ok.status_code, bad.status_code) == (200, 401)


async def test_an_unknown_event_is_refused_naming_the_field(running, client):
    response = await post_event(client, event="exploded", call_id="c-14", caller="+12025550143")
    assert response.status_code == 422
    assert "event" in response.text


@pytest.mark.postgres_only
async def test_a_call_posted_to_one_web_process_pops_up_on_a_page_open_on_another(
    running, client, signin, agent, helpline
):
    """Two apps, two runtimes, one database: only PostgreSQL NOTIFY links their channels."""
    other = Helpline(helpline.settings, engine=db.make_engine(helpline.settings.database))
    other_app = create_app(other, worker=False)
    web = await signin(agent)  # the session lives in the shared database: valid on both
    try:
        async with started(other_app), popups(other_app, web) as stream:
            response = await post_event(
                client, event="ringing", call_id="x-1", caller="+12025550143"
            )
            assert response.status_code == 200
            assert "Incoming call" in (await stream.popup())["html"]
    finally:
        db.use_engine(helpline.engine)  # starting the second runtime re-bound the tables
