"""Receiving mail: store the raw bytes first, once per mailbox and Message-ID, then process.

A message that cannot be processed is quarantined, never lost: its raw bytes stay in the blob
store and admins reprocess it from the quarantine page (or `helpline mail reprocess`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from helpline import db
from helpline.blobs import read_blob, store_blob
from helpline.runtime import Helpline
from helpline.tables import Ticket
from helpline_email import mailboxes, msgid
from helpline_email.deliver import Quarantine, apply_mail
from helpline_email.parse import addresses, header, parse, quick_headers
from helpline_email.settings import email_settings
from helpline_email.tables import Inbound

log = logging.getLogger("helpline.email")


@dataclass
class Result:
    ticket: int | None
    action: str  # created, appended, duplicate, ignored, quarantined
    reason: str
    inbound: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def receive(
    helpline: Helpline,
    raw: bytes,
    *,
    mailbox: str | None = None,
    source: str = "pipe",
    recipients: list[str] = (),
) -> Result:
    """Store a raw RFC 5322 message for a mailbox, then turn it into a ticket or reply.

    Raises `mailboxes.UnknownMailbox` for an unknown `mailbox` address; database errors
    propagate (the caller asks the sender to retry). Once this returns, the message is stored.
    """
    head = _headers(raw)
    if mailbox:
        box = await mailboxes.by_address(helpline, mailbox)
    else:
        wanted = [*recipients]
        for name in ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc"):
            wanted += [a for _, a in addresses(head, name)] if head is not None else []
        box = await mailboxes.for_recipients(helpline, wanted)
    sha = store_blob(helpline.settings.blob_dir, raw)
    message_id = msgid.normalize(header(head, "Message-ID")) if head is not None else ""
    key = f"{box['id']}:{message_id}" if message_id else f"{box['id']}:sha256:{sha}"
    sender = addresses(head, "From") if head is not None else []
    async with helpline.transaction():
        rows = await db.fetch(
            helpline.engine,
            "INSERT INTO email_inbound (mailbox, dedupe_key, message_id, sha256, size, "
            "from_address, subject, source, status, action, reason, received_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, 'received', '', '', {}) "
            "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
            box["id"],
            key[:600],
            message_id,
            sha,
            len(raw),
            sender[0][1] if sender else "",
            (header(head, "Subject") if head is not None else "")[:300],
            source,
            helpline.now(),
        )
    if not rows:
        return await _duplicate(key, message_id or sha, box["address"])
    return await process(helpline, rows[0]["id"])


def _headers(raw: bytes) -> Any:
    try:
        return quick_headers(raw)
    except Exception:  # the full parse later quarantines what this cannot read
        return None


async def _duplicate(key: str, what: str, address: str) -> Result:
    row = (
        await Inbound.select(Inbound.id, Inbound.action, Inbound.ticket.number.as_alias("number"))
        .where(Inbound.dedupe_key == key[:600])
        .first()
    )
    earlier = f" (inbound #{row['id']}: {row['action'] or 'not processed yet'})" if row else ""
    return Result(
        row["number"] if row else None,
        "duplicate",
        f"<{what}> was already received by {address}{earlier}; stored once",
        row["id"] if row else None,
    )


async def process(helpline: Helpline, inbound_id: int) -> Result:
    """Parse and apply a stored message; quarantine it when that fails."""
    row = await Inbound.select().where(Inbound.id == inbound_id).first()
    box = (
        await mailboxes.get_mailbox(row["mailbox"])
        if row["mailbox"]
        else await mailboxes.default_mailbox(helpline)
    )
    try:
        if row["size"] > email_settings(helpline).max_message_bytes:
            raise Quarantine(f"the message is {row['size']} bytes, more than max_message_bytes")
        raw = read_blob(helpline.settings.blob_dir, row["sha256"])
        mail = parse(raw)
        async with helpline.transaction():
            outcome = await apply_mail(
                helpline, mail, box, inbound_id, await mailboxes.all_addresses()
            )
            await Inbound.update(
                {
                    Inbound.status: "ignored" if outcome.action == "ignored" else "processed",
                    Inbound.action: outcome.action,
                    Inbound.reason: outcome.reason,
                    Inbound.error: None,
                    Inbound.ticket: outcome.ticket_id,
                    Inbound.message: outcome.message_id,
                    Inbound.processed_at: helpline.now(),
                    Inbound.from_address: mail.from_address,
                    Inbound.subject: mail.subject[:300],
                }
            ).where(Inbound.id == inbound_id)
        number = outcome.number
        if number is None and outcome.ticket_id is not None:
            number = (
                await Ticket.select(Ticket.number).where(Ticket.id == outcome.ticket_id).first()
            )["number"]
        return Result(number, outcome.action, outcome.reason, inbound_id)
    except Exception as exc:
        if isinstance(exc, Quarantine):
            reason, error = str(exc), None
        else:
            log.exception("email: inbound #%s could not be processed", inbound_id)
            reason, error = f"could not be processed: {type(exc).__name__}: {exc}", repr(exc)
        await Inbound.update(
            {
                Inbound.status: "quarantined",
                Inbound.action: "quarantined",
                Inbound.reason: reason[:2000],
                Inbound.error: error,
                Inbound.processed_at: helpline.now(),
            }
        ).where(Inbound.id == inbound_id)
        return Result(None, "quarantined", reason, inbound_id)


async def reprocess(helpline: Helpline, inbound_id: int) -> Result:
    """Try a quarantined, ignored or stuck message again (after a fix or a configuration change)."""
    row = (
        await Inbound.select(Inbound.status, Inbound.ticket).where(Inbound.id == inbound_id).first()
    )
    if row is None:
        from helpline.errors import NotFound

        raise NotFound(f"inbound message {inbound_id} not found")
    if row["status"] == "processed":
        from helpline.errors import Invalid

        raise Invalid("inbound", f"message {inbound_id} was already processed")
    return await process(helpline, inbound_id)


async def stuck(helpline: Helpline, older_than_seconds: int = 300) -> list[int]:
    """Messages stored but never processed (the process died in between)."""
    from datetime import timedelta

    cutoff = helpline.now() - timedelta(seconds=older_than_seconds)
    rows = await Inbound.select(Inbound.id).where(
        (Inbound.status == "received") & (Inbound.received_at < cutoff)
    )
    return [r["id"] for r in rows]
