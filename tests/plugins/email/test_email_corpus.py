"""A corpus of real-world oddities: what each message becomes, and what the conversation shows."""

from __future__ import annotations

from typing import Any

import pytest
from email_helpers import CORPUS, message

from helpline.services import messages, tickets
from helpline_email import msgid
from helpline_email.notes import bouncing
from helpline_email.tables import Inbound

SEED_ID = "seed@customer.example"


@pytest.fixture
async def seeded(helpline, receive, admin) -> dict[str, Any]:
    """A ticket from customer@example.com; OUR_ID is a Message-ID we sent on it."""
    created = await receive(
        message(sender="Chris Customer <customer@example.com>", message_id=f"<{SEED_ID}>")
    )
    ticket = await tickets.get_ticket(helpline, admin, created.ticket)
    ours = msgid.make_message_id(helpline.settings.secret_key, "helpline.localhost", ticket.id)
    return {"number": created.ticket, "ticket": ticket, "our_id": ours}


async def _deliver(receive, seeded, name: str):
    raw = (CORPUS / name).read_bytes()
    raw = raw.replace(b"{{OUR_ID}}", seeded["our_id"].encode()).replace(
        b"{{NUMBER}}", str(seeded["number"]).encode()
    )
    return await receive(raw)


async def _last(helpline, admin, number):
    return (await messages.list_messages(helpline, admin, number))[-1]


async def test_gmail_reply_threads_and_folds_the_quote(helpline, receive, seeded, admin):
    result = await _deliver(receive, seeded, "gmail_reply.eml")
    assert (result.action, result.ticket) == ("appended", seeded["number"])
    last = await _last(helpline, admin, seeded["number"])
    assert "it works again — the technician fixed it" in last.body
    visible, _, folded = last.body_html.partition("<details>")
    assert "it works again" in visible and "We sent a technician" not in visible
    assert "We sent a technician" in folded


async def test_outlook_reply_in_windows_1252_threads_and_folds_the_history(
    helpline, receive, seeded, admin
):
    result = await _deliver(receive, seeded, "outlook_reply.eml")
    assert (result.action, result.ticket) == ("appended", seeded["number"])
    last = await _last(helpline, admin, seeded["number"])
    assert "Grüße, das Problem besteht weiterhin \u2013 bitte rückrufen." in last.body
    visible, _, folded = last.body_html.partition("<details>")
    assert "rückrufen" in visible and "Gesendet" not in visible and "Gesendet" in folded
    assert "<style" not in last.body_html and "MsoNormal" not in last.body_html
    assert last.meta["email"]["from_name"] == "Jürgen Müller"


async def test_apple_mail_reply_keeps_its_inline_image(helpline, receive, seeded, admin):
    result = await _deliver(receive, seeded, "apple_mail_reply.eml")
    assert (result.action, result.ticket) == ("appended", seeded["number"])
    assert "known message <seed@customer.example>" in result.reason
    last = await _last(helpline, admin, seeded["number"])
    assert [a.filename for a in last.attachments] == ["error.png"]
    assert (
        f'src="/p/email/inbound/{result.inbound}/cid/F1E2D3C4-photo%40mac.example"'
        in last.body_html
    )
    visible, _, folded = last.body_html.partition("<details>")
    assert "We sent a technician" in folded and "We sent a technician" not in visible


async def test_html_only_mail_is_sanitized_and_remote_images_are_blocked(
    helpline, receive, seeded, admin
):
    result = await _deliver(receive, seeded, "html_only_remote_images.eml")
    assert result.action == "created"
    last = await _last(helpline, admin, result.ticket)
    html = last.body_html
    for bad in (
        "<script",
        "onload",
        "javascript:",
        "<iframe",
        "style=",
        "tracker.example",
        "<style",
    ):
        assert bad not in html
    assert "<b>order 4711</b>" in html
    assert f"/p/email/inbound/{result.inbound}/images" in html and "Show 2 images" in html
    assert "[Shop logo]" in html
    assert "Where is my order 4711?" in last.body


CHARSETS = [
    (
        "rfc2047_headers.eml",
        "Problème de connexion — sécurité",
        "Élodíe Nöel",
        "Je n'arrive plus à me connecter",
    ),
    ("unknown_charset.eml", "한국어 subject", "Kim", "비밀번호를 재설정할 수 없습니다"),
    ("korean_ks_c_5601.eml", "로그인 문제", "Lee", "로그인이 안 됩니다"),
    (
        "latin1_without_charset.eml",
        "Factura",
        "Jose",
        "el importe es 120 €, no 210 €. Gracias, José",
    ),
    ("iso2022jp.eml", "プリンターの故障", "佐藤", "プリンターが動きません"),
]


async def test_every_charset_is_read(helpline, receive, seeded, admin):
    for name, subject, sender_name, text in CHARSETS:
        result = await _deliver(receive, seeded, name)
        assert result.action == "created", name
        ticket = await tickets.get_ticket(helpline, admin, result.ticket)
        assert ticket.subject == subject, name
        (first,) = await messages.list_messages(helpline, admin, result.ticket)
        assert text in first.body, name
        assert first.meta["email"]["from_name"] == sender_name, name


async def test_broken_mime_still_becomes_a_ticket_with_what_could_be_read(
    helpline, receive, seeded, admin
):
    result = await _deliver(receive, seeded, "broken_mime.eml")
    assert result.action == "created"
    (first,) = await messages.list_messages(helpline, admin, result.ticket)
    assert "the VPN does not connect" in first.body
    assert "log.pdf" in [a.filename for a in first.attachments]


async def test_attachment_names_cannot_escape_or_disguise(helpline, receive, seeded, admin):
    result = await _deliver(receive, seeded, "unsafe_attachment_names.eml")
    (first,) = await messages.list_messages(helpline, admin, result.ticket)
    names = [a.filename for a in first.attachments]
    assert names[0] == "passwd"
    assert names[1] == "Rechnung März.pdf.exe"  # the right-to-left override is gone
    assert all("/" not in n and "\u202e" not in n for n in names)


async def test_a_message_without_message_id_is_stored_once_by_its_content(
    helpline, receive, seeded
):
    first = await _deliver(receive, seeded, "no_message_id.eml")
    second = await _deliver(receive, seeded, "no_message_id.eml")
    assert (first.action, second.action) == ("created", "duplicate")


async def test_a_message_that_is_only_an_attachment_becomes_a_ticket(
    helpline, receive, seeded, admin
):
    result = await _deliver(receive, seeded, "attachment_only.eml")
    (first,) = await messages.list_messages(helpline, admin, result.ticket)
    assert [a.filename for a in first.attachments] == ["scan.pdf"]


BOUNCES = [
    ("dsn_postfix.eml", "customer@example.com"),
    ("dsn_exim.eml", "customer@example.com"),
    ("dsn_qmail.eml", "customer@example.com"),
    ("dsn_exchange.eml", "juergen.mueller@firma.example"),
    ("dsn_gmail.eml", "customer@example.com"),
]


async def test_bounces_from_every_mta_become_a_system_note_and_flag_the_address(
    helpline, receive, seeded, admin
):
    for name, address in BOUNCES:
        result = await _deliver(receive, seeded, name)
        assert (result.action, result.ticket) == ("appended", seeded["number"]), name
        assert "delivery status notification" in result.reason, name
        last = await _last(helpline, admin, seeded["number"])
        assert last.kind == "system", name
        assert f"Mail to {address} could not be delivered" in last.body, name
        assert address in await bouncing([address]), name


async def test_a_delayed_delivery_is_noted_without_flagging_the_address(
    helpline, receive, seeded, admin
):
    result = await _deliver(receive, seeded, "dsn_delayed.eml")
    assert result.action == "appended"
    last = await _last(helpline, admin, seeded["number"])
    assert "Mail to customer@example.com is delayed (4.4.1)" in last.body
    assert await bouncing(["customer@example.com"]) == {}


async def test_an_out_of_office_reply_is_kept_as_a_note_without_reopening(
    helpline, receive, seeded, admin
):
    await tickets.update_ticket(helpline, admin, seeded["number"], version=None, status="solved")
    result = await _deliver(receive, seeded, "ooo_outlook.eml")
    assert (result.action, result.ticket) == ("appended", seeded["number"])
    assert "automatic reply" in result.reason
    last = await _last(helpline, admin, seeded["number"])
    assert last.kind == "system" and "out of the office" in last.body
    assert (await tickets.get_ticket(helpline, admin, seeded["number"])).status_category == "solved"


async def test_an_out_of_office_reply_to_nothing_we_know_is_ignored_but_kept(
    helpline, receive, seeded
):
    result = await _deliver(receive, seeded, "ooo_vacation_unthreaded.eml")
    assert result.action == "ignored" and result.ticket is None
    row = await Inbound.select(Inbound.status).where(Inbound.id == result.inbound).first()
    assert row["status"] == "ignored"


async def test_bulk_and_noreply_mail_opens_tickets_that_are_never_answered_automatically(
    helpline, receive, seeded
):
    for name in ("mailing_list.eml", "noreply_notification.eml"):
        result = await _deliver(receive, seeded, name)
        assert result.action == "created", name
        assert "no automatic answer" in result.reason, name


async def test_our_own_message_coming_back_is_ignored(helpline, receive, seeded):
    result = await _deliver(receive, seeded, "our_own_message_looped.eml")
    assert result.action == "ignored" and "mail loop" in result.reason
