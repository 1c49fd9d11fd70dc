"""Queueing outbound mail from the ticket events: agent replies, acknowledgements, notifications.

Everything here runs inside the service transaction that caused it: the Outbound row and its
`email.send` job commit or roll back with the change. Nothing is sent here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import msgspec

from helpline import db, jobs
from helpline.model import Message, Ticket
from helpline.runtime import Helpline
from helpline_email import mail_templates, mailboxes, msgid, notes
from helpline_email.settings import email_settings
from helpline_email.tables import Inbound, Mailbox, Outbound, ThreadRef


@dataclass
class InboundContext:
    """The message being ingested while the services call our hooks."""

    mailbox_id: int
    message_id: str = ""
    references: list[str] = field(default_factory=list)
    #: False for auto-replies, bulk mail, bounces and noreply senders: never answer them.
    answer: bool = True


_inbound: ContextVar[InboundContext | None] = ContextVar("helpline_email_inbound", default=None)


@contextlib.contextmanager
def inbound(context: InboundContext) -> Iterator[None]:
    token = _inbound.set(context)
    try:
        yield
    finally:
        _inbound.reset(token)


def current_inbound() -> InboundContext | None:
    return _inbound.get()


async def can_send(helpline: Helpline) -> bool:
    """Whether any outbound server is configured (else nothing is queued at all)."""
    if helpline.settings.smtp_url:
        return True
    return bool(
        await db.fetch(
            helpline.engine, "SELECT 1 AS x FROM email_mailbox WHERE smtp_url <> '' LIMIT 1"
        )
    )


async def mailbox_for(helpline: Helpline, ticket: Ticket | None) -> dict[str, Any]:
    """The mailbox a ticket's mail goes out from: the one its mail came to, else the default."""
    context = current_inbound()
    if context is not None:
        return await mailboxes.get_mailbox(context.mailbox_id)
    if ticket is not None:
        row = (
            await Inbound.select(Inbound.mailbox)
            .where((Inbound.ticket == ticket.id) & Inbound.mailbox.is_not_null())
            .order_by(Inbound.id)
            .first()
        )
        if row is not None:
            box = await Mailbox.select().where(Mailbox.id == row["mailbox"]).first()
            if box is not None:
                return box
    return await mailboxes.default_mailbox(helpline)


async def _thread(ticket: Ticket | None) -> tuple[str, list[str]]:
    """In-Reply-To and References for a ticket's next mail.

    In-Reply-To names the customer's latest message; References the first and the last few.
    """
    context = current_inbound()
    if context is not None and context.message_id:
        return context.message_id, [*context.references[-8:], context.message_id]
    if ticket is None:
        return "", []
    refs = (
        await ThreadRef.select(ThreadRef.message_id, ThreadRef.direction)
        .where(ThreadRef.ticket == ticket.id)
        .order_by(ThreadRef.id)
    )
    if not refs:
        return "", []
    incoming = [r["message_id"] for r in refs if r["direction"] == "in"]
    chain = [refs[0]["message_id"], *[r["message_id"] for r in refs[-9:]]]
    return (incoming[-1] if incoming else refs[-1]["message_id"]), list(dict.fromkeys(chain))


async def _over_cap(helpline: Helpline, recipient: str) -> str | None:
    settings = email_settings(helpline)
    now = helpline.now()
    for limit, window, label in (
        (settings.auto_per_hour, timedelta(hours=1), "hour"),
        (settings.auto_per_day, timedelta(days=1), "day"),
    ):
        count = await Outbound.count().where(
            (Outbound.recipient == recipient)
            & (Outbound.automatic == True)  # noqa: E712
            & (Outbound.status != "suppressed")
            & (Outbound.created_at > now - window)
        )
        if count >= limit:
            return (
                f"rate cap: {count} automatic mails to {recipient} in the last {label} "
                f"(limit {limit})"
            )
    return None


async def queue(
    helpline: Helpline,
    kind: str,
    *,
    recipient: str,
    ticket: Ticket | None = None,
    message: Message | None = None,
    automatic: bool = True,
    context: dict[str, Any] | None = None,
    cc: list[str] = (),
    attachments: list[dict[str, Any]] = (),
    rate_capped: bool = True,
) -> int | None:
    """Queue one mail (rendered now, sent by the `email.send` job); its Outbound id, or None.

    `attachments`: files already stored as blobs (filename, content_type, sha256, size).
    `rate_capped`: whether an automatic mail counts against the per-recipient cap that stops
    mail loops (False for mail to staff about no ticket, e.g. scheduled reports).
    """
    box = await mailbox_for(helpline, ticket)
    if not (box["smtp_url"] or helpline.settings.smtp_url):
        return None
    recipient = recipient.lower()
    status, error = "queued", None
    if automatic:
        flagged = await notes.bouncing([recipient])
        if flagged:
            status, error = (
                "suppressed",
                f"{recipient} is bouncing: {flagged[recipient]['bounce_reason']}",
            )
        elif rate_capped:
            error = await _over_cap(helpline, recipient)
            status = "suppressed" if error else status
    values = {**(context or {}), "template_name": kind}
    values.setdefault("mailbox", {"name": box["name"] or box["address"], "address": box["address"]})
    template = await mail_templates.load(kind)
    subject, text, html = mail_templates.render(
        template, values, message.body_html if message else None
    )
    if ticket is not None:
        subject = msgid.tagged_subject(subject, ticket.number)
    domain = box["address"].rsplit("@", 1)[-1]
    message_id = msgid.make_message_id(
        helpline.settings.secret_key,
        domain,
        ticket.id if ticket else 0,
        message.id if message else None,
    )
    in_reply_to, references = await _thread(ticket)
    row = await Outbound.insert(
        Outbound(
            ticket=ticket.id if ticket else None,
            message=message.id if message else None,
            mailbox=box["id"],
            kind=kind,
            automatic=automatic,
            recipient=recipient,
            cc=", ".join(cc),
            subject=subject,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=" ".join(references),
            payload=msgspec.json.encode(
                {
                    "text": text,
                    "html": html,
                    "to_name": values.get("to_name", ""),
                    **({"attachments": list(attachments)} if attachments else {}),
                }
            ).decode(),
            status=status,
            last_error=error,
            created_at=helpline.now(),
        )
    ).returning(Outbound.id)
    outbound_id = row[0]["id"]
    if ticket is not None:
        await ThreadRef.insert(
            ThreadRef(
                message_id=message_id,
                ticket=ticket.id,
                message=message.id if message else None,
                direction="out",
                created_at=helpline.now(),
            )
        )
    if status == "queued":
        job = await jobs.enqueue(
            helpline,
            "email.send",
            {"outbound": outbound_id},
            max_attempts=email_settings(helpline).send_attempts,
        )
        await Outbound.update({Outbound.job_id: job}).where(Outbound.id == outbound_id)
    return outbound_id
