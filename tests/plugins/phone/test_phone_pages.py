"""Agents log calls from the log page and the ticket panel; call history; customers' numbers."""

from __future__ import annotations

from helpline.services import messages, tickets
from helpline.services.tickets import SYSTEM
from helpline_phone import numbers
from helpline_phone.tables import PhoneCall

HTMX = {"hx-request": "true"}


def form(**fields):
    return {
        "number": "(202) 555-0143",
        "direction": "inbound",
        "outcome": "answered",
        "duration": "4:05",
        "notes": "Wants the invoice re-sent.",
        **fields,
    }


async def test_a_bad_number_is_shown_next_to_the_field_and_nothing_typed_is_lost(signin, agent):
    web = await signin(agent)
    response = await web.post("/p/phone/log", data=form(number="555-01"))
    assert response.status_code == 422
    assert 'id="number-error"' in response.text
    assert "not a valid phone number" in response.text
    assert 'value="555-01"' in response.text
    assert "Wants the invoice re-sent." in response.text
    assert await PhoneCall.count() == 0


async def test_a_call_logged_on_a_ticket_becomes_an_internal_note(signin, agent, factory, helpline):
    ticket = await factory.ticket(subject="Invoice missing")
    web = await signin(agent)
    response = await web.post("/p/phone/log", data=form(ticket=f"#{ticket.number}"))
    assert response.status_code == 303
    assert response.headers["location"] == f"/tickets/{ticket.number}"
    note = (await messages.list_messages(helpline, agent, ticket.number))[-1]
    assert note.kind == "internal"
    assert note.channel == "phone"
    assert note.body.startswith("Inbound call from +1 202-555-0143 · Answered · 4:05")
    assert "Wants the invoice re-sent." in note.body
    call = await PhoneCall.select().first()
    assert (call["number"], call["duration"], call["agent"]) == ("+12025550143", 245, agent.id)


async def test_logging_a_call_can_open_a_phone_ticket_and_remember_the_number(
    signin, agent, factory, helpline
):
    web = await signin(agent)
    response = await web.post(
        "/p/phone/log",
        data=form(subject="Router keeps rebooting", requester="ada@example.com", remember="1"),
    )
    assert response.status_code == 303
    number = int(response.headers["location"].rsplit("/", 1)[1])
    ticket = await tickets.get_ticket(helpline, SYSTEM, number)
    assert (ticket.subject, ticket.channel) == ("Router keeps rebooting", "phone")
    owner = await numbers.user_for_number("+12025550143")
    assert owner["email"] == "ada@example.com" and owner["id"] == ticket.requester_id


async def test_a_call_from_a_known_number_lands_on_its_customer(signin, agent, customer, helpline):
    await numbers.remember(helpline, customer.id, "+12025550143")
    web = await signin(agent)
    response = await web.post("/p/phone/log", data=form())
    number = int(response.headers["location"].rsplit("/", 1)[1])
    assert (await tickets.get_ticket(helpline, SYSTEM, number)).requester_id == customer.id


async def test_the_log_page_shows_who_a_number_belongs_to_and_their_open_tickets(
    signin, agent, factory, helpline
):
    customer = await factory.user("customer", name="Ada Lovelace")
    await numbers.remember(helpline, customer.id, "+12025550143")
    ticket = await factory.ticket(requester=customer, subject="Printer jams")
    web = await signin(agent)
    response = await web.get("/p/phone/lookup", params={"number": "202 555 0143"})
    assert "Ada Lovelace" in response.text
    assert f'data-phone-ticket="{ticket.number}"' in response.text


async def test_the_ticket_page_has_a_phone_panel_whose_form_logs_a_call(
    signin, agent, factory, helpline
):
    ticket = await factory.ticket()
    web = await signin(agent)
    page = await web.get(f"/tickets/{ticket.number}")
    assert 'hx-post="/p/phone/tickets/' in page.text
    bad = await web.post(
        f"/p/phone/tickets/{ticket.number}/calls", data=form(number="nope"), headers=HTMX
    )
    assert bad.status_code == 422
    assert 'id="panel-number-error"' in bad.text and 'value="nope"' in bad.text
    good = await web.post(
        f"/p/phone/tickets/{ticket.number}/calls",
        data=form(direction="outbound", outcome="no_answer", duration=""),
        headers=HTMX,
    )
    assert good.status_code == 200
    assert "Call logged." in good.text and "No answer" in good.text
    note = (await messages.list_messages(helpline, agent, ticket.number))[-1]
    assert note.body == "Outbound call to +1 202-555-0143 · No answer\n\nWants the invoice re-sent."


async def test_staff_pages_carry_the_call_popup_and_customer_pages_do_not(signin, agent, customer):
    staff_page = await (await signin(agent)).get("/tickets")
    customer_page = await (await signin(customer)).get("/portal")
    assert 'id="phone-popups"' in staff_page.text
    assert 'id="phone-popups"' not in customer_page.text


async def test_numbers_are_added_to_and_removed_from_a_customers_page(
    signin, agent, customer, helpline
):
    web = await signin(agent)
    bad = await web.post(f"/p/phone/customers/{customer.id}/numbers", data={"number": "12"})
    assert bad.status_code == 422 and 'id="number-error"' in bad.text
    added = await web.post(
        f"/p/phone/customers/{customer.id}/numbers", data={"number": "202-555-0143"}
    )
    assert added.status_code == 303
    page = await web.get(f"/p/phone/calls?customer={customer.id}")
    assert "+1 202-555-0143" in page.text
    (contact,) = await numbers.numbers_of(customer.id)
    await web.post(f"/p/phone/customers/{customer.id}/numbers/{contact['id']}/delete")
    assert await numbers.numbers_of(customer.id) == []


async def test_the_admin_page_tells_where_to_post_events(signin, admin, agent):
    page = await (await signin(admin)).get("/p/phone/settings")
    assert "/api/v1/phone/events" in page.text and "The shared secret is set" in page.text
    assert (await (await signin(agent)).get("/p/phone/settings")).status_code == 403


async def test_logging_a_reported_call_files_it_instead_of_storing_it_twice(
    running, client, signin, agent, factory, helpline
):
    from phone_helpers import post_event

    ticket = await factory.ticket()
    for event in ("ringing", "answered", "hangup"):
        reported = await post_event(client, event=event, call_id="pbx-9", caller="+12025550143")
    call = reported.json()["call"]
    web = await signin(agent)
    page = await web.get(f"/p/phone/log?number=%2B12025550143&call={call}")
    assert f'name="call" value="{call}"' in page.text
    response = await web.post(
        "/p/phone/log", data=form(ticket=str(ticket.number), call=str(call), notes="Sorted.")
    )
    assert response.status_code == 303
    assert await PhoneCall.count() == 1
    row = await PhoneCall.select().first()
    assert (row["ticket"], row["notes"], row["agent"]) == (ticket.id, "Sorted.", agent.id)
