"""The plugin's pages: who may open them, forms that keep what was typed, the ticket panel."""

from __future__ import annotations

from email_helpers import message

from helpline.services import tickets
from helpline_email.tables import Follower, Mailbox, MailTemplate

ADMIN_PAGES = [
    "/p/email/mailboxes",
    "/p/email/mailboxes/new",
    "/p/email/quarantine",
    "/p/email/outbound",
    "/p/email/templates",
    "/p/email/templates/agent_reply",
]


async def test_admins_open_and_find_the_email_pages_and_agents_and_customers_cannot(
    signin, admin, agent, customer, browser_client
):
    as_admin, as_agent, as_customer = (
        await signin(admin),
        await signin(agent),
        await signin(customer),
    )
    anonymous = await browser_client()
    for url in ADMIN_PAGES:
        assert (await as_admin.get(url)).status_code == 200, url
        assert (await as_agent.get(url)).status_code == 403, url
        assert (await as_customer.get(url)).status_code == 403, url
        assert (await anonymous.get(url)).status_code in (302, 303, 401), url
    admin_area = (await as_admin.get("/admin")).text
    assert "/p/email/mailboxes" in admin_area and "/p/email/quarantine" in admin_area
    assert "/p/email/mailboxes" not in (await as_agent.get("/tickets")).text


async def test_an_admin_adds_a_mailbox_and_a_bad_form_keeps_what_was_typed(signin, admin, factory):
    web = await signin(admin)
    team = await factory.team("Billing")
    bad = await web.post(
        "/p/email/mailboxes/new",
        data={
            "address": "billing@acme.example",
            "name": "Acme Billing",
            "method": "imap",
            "imap_host": "",
        },
    )
    assert bad.status_code == 400
    assert "an IMAP mailbox needs a server" in bad.text.replace("An IMAP", "an IMAP")
    assert 'value="Acme Billing"' in bad.text
    good = await web.post(
        "/p/email/mailboxes/new",
        data={
            "address": "Billing@Acme.example",
            "name": "Acme Billing",
            "team": str(team),
            "priority": "high",
            "tags": "billing",
            "method": "pipe",
            "active": "1",
            "acknowledge": "1",
        },
    )
    assert good.status_code == 303
    row = await Mailbox.select().where(Mailbox.address == "billing@acme.example").first()
    assert (row["team"], row["priority"], row["tags"], row["active"]) == (
        team,
        "high",
        "billing",
        True,
    )
    listing = await web.get("/p/email/mailboxes")
    assert "billing@acme.example" in listing.text and "support@helpline.localhost" in listing.text


async def test_testing_a_connection_reports_what_failed(signin, admin, helpline):
    from helpline_email.mailboxes import default_mailbox

    box = await default_mailbox(helpline)
    web = await signin(admin)
    answer = await web.post(f"/p/email/mailboxes/{box['id']}/test", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "SMTP: failed" in answer.text and "no outbound server" in answer.text


async def test_quarantined_mail_is_listed_and_reprocessed(signin, admin, helpline, receive):
    from helpline_email.settings import EmailSettings

    helpline.plugin_settings["email"] = EmailSettings(max_message_bytes=100)
    result = await receive(message(subject="Too big for now"))
    web = await signin(admin)
    listing = await web.get("/p/email/quarantine")
    assert "Too big for now" in listing.text and "max_message_bytes" in listing.text
    raw = await web.get(f"/p/email/inbound/{result.inbound}/raw")
    assert (
        raw.headers["content-type"].startswith("message/rfc822")
        and b"Too big for now" in raw.content
    )
    helpline.plugin_settings["email"] = EmailSettings()
    done = await web.post(f"/p/email/inbound/{result.inbound}/reprocess")
    assert done.status_code == 303
    assert "Too big for now" not in (await web.get("/p/email/quarantine")).text


async def test_an_admin_edits_a_template_and_sees_errors_next_to_the_field(signin, admin):
    web = await signin(admin)
    bad = await web.post(
        "/p/email/templates/new_ticket", data={"subject": "Hi {{ ticket.number", "body": "Body"}
    )
    assert (
        bad.status_code == 400
        and "Template error" in bad.text
        and "Hi {{ ticket.number" in bad.text
    )
    good = await web.post(
        "/p/email/templates/new_ticket",
        data={"subject": "Got #{{ ticket.number }}", "body": "Thanks"},
    )
    assert good.status_code == 303
    assert (await MailTemplate.select(MailTemplate.subject).first())[
        "subject"
    ] == "Got #{{ ticket.number }}"
    page = await web.get("/p/email/templates/new_ticket")
    assert "Got #1234" in page.text  # the preview
    await web.post("/p/email/templates/new_ticket/reset")
    assert await MailTemplate.count() == 0


async def test_the_ticket_panel_shows_threading_and_offers_copied_people_as_followers(
    signin, agent, helpline, receive
):
    result = await receive(message(headers={"Cc": "bob@example.org"}))
    web = await signin(agent)
    page = await web.get(f"/tickets/{result.ticket}")
    assert (
        "Email" in page.text and "bob@example.org" in page.text and "Add as follower" in page.text
    )
    assert "no reference to a known message" in page.text
    added = await web.post(
        f"/p/email/tickets/{result.ticket}/followers",
        data={"address": "bob@example.org", "do": "add"},
        headers={"HX-Request": "true"},
    )
    assert added.status_code == 200 and "Remove" in added.text
    assert (await Follower.select(Follower.state).first())["state"] == "follower"


async def test_customers_cannot_change_followers_or_see_others_mail(
    signin, customer, factory, helpline, receive
):
    result = await receive(message(html='<p>Hi <img src="https://tracker.example/p.gif"></p>'))
    web = await signin(customer)
    refused = await web.post(
        f"/p/email/tickets/{result.ticket}/followers", data={"address": "x@example.org"}
    )
    assert refused.status_code == 403
    assert (await web.get(f"/p/email/inbound/{result.inbound}/images")).status_code == 404


async def test_the_requester_and_agents_may_show_blocked_remote_images(
    signin, agent, helpline, receive
):
    from helpline.services.users import find_user_id, load_actor

    result = await receive(
        message(
            sender="vis@example.org",
            html='<p>Look <img src="https://cdn.example/pic.png" alt="pic"></p>',
        )
    )
    owner = await load_actor(helpline, await find_user_id("vis@example.org"))
    for viewer in (agent, owner):
        page = await (await signin(viewer)).get(f"/p/email/inbound/{result.inbound}/images")
        assert page.status_code == 200 and 'src="https://cdn.example/pic.png"' in page.text
    ticket = await tickets.get_ticket(helpline, agent, result.ticket)
    assert ticket.subject == "Printer broken"
