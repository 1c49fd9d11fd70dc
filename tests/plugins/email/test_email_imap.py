"""Fetching from a real IMAP server (Dovecot): TLS, STARTTLS, mark or move, dropped connections."""

from __future__ import annotations

import asyncio
import imaplib
import itertools
import ssl
from typing import Any

import pytest
from dovecot import PASSWORD
from email_helpers import free_port, message

from helpline import jobs
from helpline_email.fetching import fetch_mailbox
from helpline_email.mailboxes import clean_values, get_mailbox, save_mailbox
from helpline_email.tables import Inbound

# The protocol is what is under test; storing what arrives is tested on both databases elsewhere.
pytestmark = pytest.mark.sqlite_only

_USERS = itertools.count(1)


@pytest.fixture
def imap_user(dovecot) -> str:
    return f"user{next(_USERS)}@test.example"


def _client(dovecot, user: str) -> imaplib.IMAP4:
    client = imaplib.IMAP4_SSL(
        "127.0.0.1", dovecot.imaps_port, ssl_context=ssl._create_unverified_context()
    )
    client.login(user, PASSWORD)
    return client


def put(dovecot, user: str, *raws: bytes, folder: str = "INBOX") -> None:
    client = _client(dovecot, user)
    try:
        if folder != "INBOX":
            client.create(folder)
        for raw in raws:
            client.append(folder, None, None, raw)
    finally:
        client.logout()


def folder_state(dovecot, user: str, folder: str = "INBOX") -> dict[str, int]:
    client = _client(dovecot, user)
    try:
        status, data = client.select(folder)
        total = int(data[0]) if status == "OK" else 0
        unseen = client.search(None, "UNSEEN")[1][0].split() if total else []
        return {"total": total, "unseen": len(unseen)}
    finally:
        client.logout()


async def _mailbox(helpline, dovecot, user: str, **overrides: Any) -> dict[str, Any]:
    form = {
        "address": f"inbox-{user}",
        "method": "imap",
        "imap_host": "127.0.0.1",
        "imap_port": str(dovecot.imaps_port),
        "imap_security": "tls",
        "imap_user": user,
        "imap_password": PASSWORD,
        "imap_verify": "",
        "active": "1",
    } | overrides
    form["address"] = form["address"].replace("@test.example", "") + "@acme.example"
    return await get_mailbox(await save_mailbox(helpline, clean_values(form)))


async def test_the_worker_fetches_over_tls_stores_each_message_once_and_marks_it_seen(
    helpline, dovecot, imap_user, run_jobs
):
    put(
        dovecot,
        imap_user,
        *(message(subject=f"IMAP {n}", message_id=f"<imap-{n}@example.org>") for n in range(3)),
    )
    box = await _mailbox(helpline, dovecot, imap_user)
    from helpline_email.fetching import schedule_fetch

    await schedule_fetch(helpline, only_if_missing=True)
    assert await run_jobs() == 1  # the fetch timer ran once and queued the next one
    assert [r["action"] for r in await Inbound.select(Inbound.action).order_by(Inbound.id)] == [
        "created"
    ] * 3
    assert folder_state(dovecot, imap_user) == {"total": 3, "unseen": 0}
    (timer,) = await jobs.list_jobs(helpline, status="queued", kind="email.fetch")
    assert timer["run_at"] > helpline.now()
    again = await fetch_mailbox(helpline, box)
    assert again.results == [] and again.error is None


async def test_starttls_and_moving_fetched_mail_to_another_folder(helpline, dovecot, imap_user):
    put(dovecot, imap_user, message(subject="Move me", message_id="<move-1@example.org>"))
    put(dovecot, imap_user, folder="Processed")
    box = await _mailbox(
        helpline, dovecot, imap_user, imap_port=str(dovecot.imap_port), imap_security="starttls",
        imap_after="move", imap_move_to="Processed",
    )  # fmt: skip
    report = await fetch_mailbox(helpline, box)
    assert [r.action for r in report.results] == ["created"] and report.error is None
    assert folder_state(dovecot, imap_user)["total"] == 0
    assert folder_state(dovecot, imap_user, "Processed")["total"] == 1


async def test_an_untrusted_certificate_is_refused_when_verification_is_on(
    helpline, dovecot, imap_user
):
    put(dovecot, imap_user, message(message_id="<cert-1@example.org>"))
    box = await _mailbox(helpline, dovecot, imap_user, imap_verify="1")
    report = await fetch_mailbox(helpline, box)
    assert report.results == [] and "CERTIFICATE_VERIFY_FAILED" in report.error
    assert folder_state(dovecot, imap_user)["unseen"] == 1  # nothing taken, nothing lost
    assert (await get_mailbox(box["id"]))["last_error"] == report.error


async def test_a_dropped_connection_is_survived_without_losing_or_doubling_mail(
    helpline, dovecot, imap_user
):
    put(
        dovecot,
        imap_user,
        *(message(subject=f"Drop {n}", message_id=f"<drop-{n}@example.org>") for n in range(4)),
    )
    connections = []

    async def relay(reader, writer):
        """Pass IMAP through; cut the first connection in the middle of its second FETCH answer."""
        upstream_reader, upstream_writer = await asyncio.open_connection(
            "127.0.0.1", dovecot.imap_port
        )
        first = not connections
        connections.append(writer)
        fetches = 0

        async def pump(src, dst, watch):
            nonlocal fetches
            try:
                while data := await src.read(4096):
                    if watch and first:
                        fetches += data.count(b" FETCH (")
                        if fetches >= 2:
                            writer.transport.abort()
                            upstream_writer.transport.abort()
                            return
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(
            pump(reader, upstream_writer, False), pump(upstream_reader, writer, True)
        )

    port = free_port()
    proxy = await asyncio.start_server(relay, "127.0.0.1", port)
    try:
        box = await _mailbox(
            helpline, dovecot, imap_user, imap_port=str(port), imap_security="none"
        )
        report = await fetch_mailbox(helpline, box)
    finally:
        proxy.close()
    assert report.reconnects == 1 and report.error is None
    assert len(connections) == 2
    assert sorted(r["subject"] for r in await Inbound.select(Inbound.subject)) == [
        f"Drop {n}" for n in range(4)
    ]
    assert folder_state(dovecot, imap_user) == {"total": 4, "unseen": 0}
