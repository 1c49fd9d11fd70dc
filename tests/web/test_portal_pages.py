"""The customer portal: sign-up, the request list, new requests, one request's conversation."""

from __future__ import annotations

import html
import re

import pytest

from helpline.services import messages, tickets
from helpline.services.messages import NewAttachment
from helpline.services.users import find_user_id, load_actor


def _text(response) -> str:
    return html.unescape(response.text)


def _number(location: str) -> int:
    return int(re.search(r"/portal/requests/(\d+)", location).group(1))


# -- sign-up -------------------------------------------------------------------------------------


async def test_signing_up_creates_a_customer_and_signs_them_in(helpline, factory, browser_client):
    org = await factory.organization("Acme", domain="acme.test")
    web = await browser_client()
    assert (await web.get("/portal/signup")).status_code == 200
    response = await web.post(
        "/portal/signup",
        data={
            "name": "Ada Lovelace",
            "email": "Ada@Acme.test",
            "password": "analytical-1",
            "confirm": "analytical-1",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/portal"
    user_id = await find_user_id("ada@acme.test")
    actor = await load_actor(helpline, user_id)
    assert (actor.role, actor.staff, actor.name, actor.organization_id) == (
        "customer",
        False,
        "Ada Lovelace",
        org,
    )
    home = await web.get("/portal")
    assert home.status_code == 200
    assert "Welcome, Ada Lovelace!" in home.text
    assert "You have no requests yet." in home.text


async def test_signing_up_with_a_taken_email_shows_the_error_next_to_the_field(
    browser_client, customer
):
    web = await browser_client()
    response = await web.post(
        "/portal/signup",
        data={
            "name": "Someone",
            "email": customer.email,
            "password": "secret-pass-1",
            "confirm": "secret-pass-1",
        },
    )
    assert response.status_code == 400
    assert re.search(r'name="email" value="[^"]+"[^>]*aria-invalid="true"', response.text)
    assert (
        'id="email-error" role="alert">An account with this email already exists.' in response.text
    )
    assert 'value="Someone"' in response.text
    assert "secret-pass-1" not in response.text, "passwords are never sent back"
    assert "helpline_session" not in web.cookies
    assert (await web.get("/portal")).status_code == 303


async def test_short_or_mismatched_passwords_are_refused_with_a_reason(browser_client):
    web = await browser_client()
    short = await web.post(
        "/portal/signup",
        data={"name": "Bo", "email": "bo@example.com", "password": "short", "confirm": "short"},
    )
    assert short.status_code == 400
    assert 'id="password-error" role="alert">Use at least 8 characters.' in short.text
    assert 'value="bo@example.com"' in short.text
    differ = await web.post(
        "/portal/signup",
        data={
            "name": "Bo",
            "email": "bo@example.com",
            "password": "long-enough-1",
            "confirm": "long-enough-2",
        },
    )
    assert differ.status_code == 400
    assert 'id="confirm-error" role="alert">The two passwords differ.' in differ.text
    assert await find_user_id("bo@example.com") is None


# -- access --------------------------------------------------------------------------------------


async def test_anonymous_visitors_are_sent_to_sign_in(browser_client):
    web = await browser_client()
    for path in ("/portal", "/portal/new", "/portal/requests/1", "/portal/attachments/1"):
        response = await web.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/login?next={path}"


async def test_staff_visiting_the_portal_land_in_their_workspace(signin, factory, agent, admin):
    ticket = await factory.ticket()
    for actor in (agent, admin):
        web = await signin(actor)
        assert (await web.get("/portal")).headers["location"] == "/tickets"
        assert (await web.get("/portal/new")).headers["location"] == "/tickets/new"
        assert (await web.get(f"/portal/requests/{ticket.number}")).headers[
            "location"
        ] == f"/tickets/{ticket.number}"


# -- new requests and the list -------------------------------------------------------------------


async def test_customer_submits_a_request_with_a_file_and_sees_it_in_the_list(signin, customer):
    web = await signin(customer)
    form = await web.get("/portal/new")
    assert 'id="subject"' in form.text and '<div id="suggestions"></div>' in form.text
    assert '<option value="incident">Incident</option>' in form.text
    response = await web.post(
        "/portal/new",
        data={
            "subject": "Printer on fire",
            "description": "It smells of smoke.",
            "type": "incident",
        },
        files={"attachments": ("photo.png", b"\x89PNG fake", "image/png")},
    )
    assert response.status_code == 303
    number = _number(response.headers["location"])
    page = await web.get(response.headers["location"])
    assert f"We received your request #{number}." in page.text
    assert "It smells of smoke." in page.text
    link = re.search(r'href="(/portal/attachments/\d+)"[^>]*>photo.png<', page.text).group(1)
    download = await web.get(link)
    assert download.content == b"\x89PNG fake"
    assert download.headers["content-disposition"].startswith('attachment; filename="photo.png"')
    assert download.headers["x-content-type-options"] == "nosniff"
    listing = await web.get("/portal")
    assert "Printer on fire" in listing.text
    assert f"#{number}" in listing.text
    assert "Awaiting our reply" in listing.text
    assert "status_category" not in listing.text


async def test_a_request_without_subject_keeps_what_was_typed(signin, customer):
    web = await signin(customer)
    response = await web.post(
        "/portal/new", data={"subject": "  ", "description": "Long story here.", "type": "question"}
    )
    assert response.status_code == 400
    assert (
        'id="subject-error" role="alert">Please give your request a short title.' in response.text
    )
    assert "Long story here.</textarea>" in response.text
    assert '<option value="question" selected>' in response.text
    assert "You have no requests yet." in (await web.get("/portal")).text


async def test_statuses_read_as_customer_language(helpline, signin, factory, customer, admin):
    pending = await factory.ticket(customer, subject="Waiting on me")
    await tickets.update_ticket(helpline, admin, pending.number, version=None, status="pending")
    solved = await factory.ticket(customer, subject="All done")
    await tickets.update_ticket(helpline, admin, solved.number, version=None, status="solved")
    web = await signin(customer)
    listing = await web.get("/portal")
    assert "Awaiting your reply" in listing.text and "Solved" in listing.text
    assert "pending" not in listing.text.lower()


# -- privacy -------------------------------------------------------------------------------------


async def test_customer_never_sees_internal_notes(helpline, signin, factory, customer, agent):
    ticket = await factory.ticket(customer)
    await messages.add_message(
        helpline,
        agent,
        ticket.number,
        body="Customer is on the legacy plan, be careful",
        internal=True,
        attachments=[NewAttachment("notes.txt", "text/plain", b"internal file")],
    )
    await messages.add_message(helpline, agent, ticket.number, body="We are looking into it.")
    web = await signin(customer)
    page = await web.get(f"/portal/requests/{ticket.number}")
    assert page.status_code == 200
    assert "We are looking into it." in page.text
    assert "legacy plan" not in page.text
    assert "notes.txt" not in page.text
    note_files = [
        a
        for m in await messages.list_messages(helpline, agent, ticket.number)
        for a in m.attachments
    ]
    assert (await web.get(f"/portal/attachments/{note_files[0].id}")).status_code == 404


async def test_customer_cannot_open_another_customers_request_or_its_files(
    helpline, signin, factory, customer
):
    other = await factory.user("customer")
    theirs = await factory.ticket(
        other,
        subject="Private matter",
        attachments=[NewAttachment("secret.pdf", "application/pdf", b"%PDF")],
    )
    (first,) = await messages.list_messages(helpline, other, theirs.number)
    web = await signin(customer)
    page = await web.get(f"/portal/requests/{theirs.number}")
    assert page.status_code == 404
    assert "Private matter" not in page.text
    assert (await web.get(f"/portal/requests/{theirs.number + 1000}")).status_code == 404
    assert (await web.get(f"/portal/attachments/{first.attachments[0].id}")).status_code == 404
    reply = await web.post(f"/portal/requests/{theirs.number}/reply", data={"body": "let me in"})
    assert reply.status_code == 404
    assert (await web.post(f"/portal/requests/{theirs.number}/solve")).status_code == 404
    assert len(await messages.list_messages(helpline, other, theirs.number)) == 1
    assert "Private matter" not in (await web.get("/portal")).text


async def test_organization_requests_are_listed_only_when_the_organization_shares(
    helpline, signin, factory
):
    shared_org = await factory.organization(shared=True)
    private_org = await factory.organization(shared=False)
    me = await factory.user("customer", organization=shared_org)
    colleague = await factory.user("customer", organization=shared_org, name="Colleague Carla")
    await factory.ticket(colleague, subject="Carla's VPN issue")
    await factory.ticket(me, subject="My own question")
    web = await signin(me)
    mine = _text(await web.get("/portal"))
    assert "My organization's requests" in mine
    assert "My own question" in mine and "Carla's VPN issue" not in mine
    org = _text(await web.get("/portal?show=organization"))
    assert "Carla's VPN issue" in org and "My own question" in org and "Colleague Carla" in org

    loner = await factory.user("customer", organization=private_org)
    peer = await factory.user("customer", organization=private_org)
    await factory.ticket(peer, subject="Peer's secret")
    web = await signin(loner)
    page = _text(await web.get("/portal?show=organization"))
    assert "My organization's requests" not in page
    assert "Peer's secret" not in page


async def test_a_colleague_can_read_a_shared_request_but_not_mark_it_solved(
    helpline, signin, factory
):
    org = await factory.organization(shared=True)
    me = await factory.user("customer", organization=org)
    colleague = await factory.user("customer", organization=org)
    ticket = await factory.ticket(colleague, subject="Team printer")
    web = await signin(me)
    page = await web.get(f"/portal/requests/{ticket.number}")
    assert page.status_code == 200
    assert "Mark as solved" not in page.text
    assert (await web.post(f"/portal/requests/{ticket.number}/solve")).status_code == 403
    assert (
        await tickets.get_ticket(helpline, colleague, ticket.number)
    ).status_category != "solved"


# -- conversation --------------------------------------------------------------------------------


async def test_replying_to_a_solved_request_reopens_it(helpline, signin, factory, customer, admin):
    ticket = await factory.ticket(customer)
    await tickets.update_ticket(helpline, admin, ticket.number, version=None, status="solved")
    web = await signin(customer)
    page = await web.get(f"/portal/requests/{ticket.number}")
    assert "If you still need help, reply below" in page.text
    response = await web.post(
        f"/portal/requests/{ticket.number}/reply",
        data={"body": "Actually it broke again."},
        files={"attachments": ("log.txt", b"error 42", "text/plain")},
    )
    assert response.status_code == 303
    after = await web.get(f"/portal/requests/{ticket.number}")
    assert "reopened your request" in after.text
    assert "Actually it broke again." in after.text and "log.txt" in after.text
    assert (await tickets.get_ticket(helpline, customer, ticket.number)).status_category == "open"


async def test_an_empty_reply_is_refused_next_to_the_field(signin, factory, customer):
    ticket = await factory.ticket(customer)
    web = await signin(customer)
    response = await web.post(f"/portal/requests/{ticket.number}/reply", data={"body": "   "})
    assert response.status_code == 400
    assert 'id="body-error" role="alert">Please write a message or attach a file.' in response.text


async def test_customer_marks_their_request_solved(helpline, signin, factory, customer):
    ticket = await factory.ticket(customer)
    web = await signin(customer)
    assert "Mark as solved" in (await web.get(f"/portal/requests/{ticket.number}")).text
    response = await web.post(f"/portal/requests/{ticket.number}/solve")
    assert response.status_code == 303
    page = await web.get(f"/portal/requests/{ticket.number}")
    assert "We marked this request as solved." in page.text
    assert "Mark as solved" not in page.text
    assert (await tickets.get_ticket(helpline, customer, ticket.number)).status_category == "solved"


async def test_a_closed_request_has_no_reply_form(helpline, signin, factory, customer, admin):
    ticket = await factory.ticket(customer)
    await tickets.update_ticket(helpline, admin, ticket.number, version=None, status="closed")
    web = await signin(customer)
    page = await web.get(f"/portal/requests/{ticket.number}")
    assert "This request is closed" in page.text
    assert 'name="body"' not in page.text
    assert "Mark as solved" not in page.text
    refused = await web.post(f"/portal/requests/{ticket.number}/reply", data={"body": "Hello?"})
    assert refused.status_code == 400
    assert len(await messages.list_messages(helpline, customer, ticket.number)) == 1


class TestSmallFileLimit:
    @pytest.fixture
    def helpline_settings_overrides(self):
        return {"attachment_max_bytes": 10}

    async def test_a_too_large_file_is_refused_next_to_the_field_and_the_text_is_kept(
        self, signin, customer
    ):
        web = await signin(customer)
        response = await web.post(
            "/portal/new",
            data={"subject": "Big file", "description": "See the attached log."},
            files={"attachments": ("big.log", b"x" * 11, "text/plain")},
        )
        assert response.status_code == 400
        assert 'id="attachments-error" role="alert">Each file can be at most 10 bytes.' in (
            response.text
        )
        assert "Please choose your files again." in response.text
        assert 'value="Big file"' in response.text
        assert "See the attached log.</textarea>" in response.text
        assert "You have no requests yet." in (await web.get("/portal")).text
