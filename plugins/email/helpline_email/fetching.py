"""Fetching IMAP mailboxes: store each message, then mark, move or delete it; reconnect on drops."""

from __future__ import annotations

import asyncio
import imaplib
import logging
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from helpline import db, jobs
from helpline.runtime import Helpline
from helpline_email.imap import ImapError, ImapSession
from helpline_email.ingest import Result, receive
from helpline_email.settings import email_settings
from helpline_email.tables import Mailbox

log = logging.getLogger("helpline.email")
#: Connections a fetch may open when the server drops them, before giving up until next time.
RECONNECTS = 3
BATCH = 200
FETCH_KEY = "email.fetch"
#: A connection that broke: reconnect and carry on.
DROPPED = (imaplib.IMAP4.abort, ConnectionError, EOFError, TimeoutError, ssl.SSLEOFError)
#: What a new connection would meet again.
FATAL = (ssl.SSLCertVerificationError, imaplib.IMAP4.error, ImapError)


@dataclass
class FetchReport:
    mailbox: str
    results: list[Result] = field(default_factory=list)
    reconnects: int = 0
    error: str | None = None


async def fetch_mailbox(helpline: Helpline, box: dict[str, Any]) -> FetchReport:
    """Fetch what is waiting in one IMAP mailbox. Never loses a message: each is stored before
    the server is told it was taken, and a message stored twice (after a drop) is kept once."""
    report = FetchReport(box["address"])
    timeout = email_settings(helpline).imap_timeout_seconds
    session: ImapSession | None = None
    handled: set[bytes] = set()
    attempts = 0
    try:
        while True:
            try:
                if session is None:
                    session = await asyncio.to_thread(ImapSession, box, timeout)
                uids = [u for u in await asyncio.to_thread(session.pending) if u not in handled][
                    :BATCH
                ]
                for uid in uids:
                    raw = await asyncio.to_thread(session.fetch, uid)
                    if raw is not None:
                        result = await receive(helpline, raw, mailbox=box["address"], source="imap")
                        report.results.append(result)
                    await asyncio.to_thread(session.done, uid)
                    handled.add(uid)
                break
            except (*FATAL, *DROPPED, OSError) as exc:
                if isinstance(exc, FATAL) and not isinstance(exc, DROPPED):
                    # A refused login or certificate: a new connection would meet it again.
                    report.error = f"{type(exc).__name__}: {exc}"
                    break
                attempts += 1
                if session is not None:
                    await asyncio.to_thread(session.close)
                    session = None
                if attempts > RECONNECTS:
                    report.error = f"{type(exc).__name__}: {exc}"
                    break
                report.reconnects += 1
                log.warning(
                    "email: IMAP connection to %s dropped (%s); reconnecting", box["imap_host"], exc
                )
                await asyncio.sleep(min(0.2 * attempts, 2))
    finally:
        if session is not None:
            await asyncio.to_thread(session.close)
    await Mailbox.update(
        {Mailbox.last_fetch_at: helpline.now(), Mailbox.last_error: report.error}
    ).where(Mailbox.id == box["id"])
    return report


async def imap_mailboxes(address: str | None = None) -> list[dict[str, Any]]:
    query = Mailbox.select().where((Mailbox.method == "imap") & (Mailbox.active == True))  # noqa: E712
    if address:
        query = query.where(Mailbox.address == address.strip().lower())
    return await query.order_by(Mailbox.id)


async def fetch_all(helpline: Helpline, address: str | None = None) -> list[FetchReport]:
    return [await fetch_mailbox(helpline, box) for box in await imap_mailboxes(address)]


async def fetch_job(helpline: Helpline, payload: dict[str, Any]) -> None:
    """The `email.fetch` job: poll every IMAP mailbox, then come back after the interval."""
    try:
        for report in await fetch_all(helpline):
            if report.error:
                log.warning("email: fetching %s failed: %s", report.mailbox, report.error)
    finally:
        await schedule_fetch(helpline)


async def schedule_fetch(helpline: Helpline, only_if_missing: bool = False) -> None:
    """Keep one `email.fetch` timer queued while any IMAP mailbox is active."""
    try:
        if not await imap_mailboxes():
            return
        if only_if_missing and await db.fetch(
            helpline.engine,
            "SELECT 1 AS x FROM job WHERE key = {} AND status IN ('queued', 'running')",
            FETCH_KEY,
        ):
            return
    except Exception:  # tables not migrated yet (`helpline init` runs next)
        return
    delay = 0 if only_if_missing else email_settings(helpline).fetch_interval_seconds
    await jobs.enqueue(
        helpline,
        "email.fetch",
        {},
        run_at=helpline.now() + timedelta(seconds=delay),
        key=FETCH_KEY,
        max_attempts=1,
    )
