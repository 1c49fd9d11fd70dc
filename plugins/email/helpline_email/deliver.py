"""Turning a parsed message into a ticket, a reply on one, or a system note — and saying why."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import msgspec

from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import messages, tickets
from helpline.services.messages import NewAttachment
from helpline.services.users import customer_for_email, load_actor
from helpline.tables import Message as MessageRow
from helpline.tables import Ticket
from helpline_email import msgid, notes, outbound
from helpline_email.body import build
from helpline_email.classify import Classification, classify
from helpline_email.parse import ParsedMail
from helpline_email.tables import ThreadRef
from helpline_email.threads import decide, sender_user

#: What the channel may do on a sender's behalf: open and answer tickets of the mailbox, reopen
#: them and apply the mailbox's team, priority and tags. The sender stays the author.
CHANNEL_PERMISSIONS = frozenset(
    {"tickets.create", "tickets.reply", "tickets.view_all", "tickets.update", "tickets.assign"}
)


class Quarantine(Exception):
    """The message cannot become a ticket; an admin should look at it."""


@dataclass
class Outcome:
    action: str  # created, appended, ignored
    reason: str
    ticket_id: int | None = None
    number: int | None = None
    message_id: int | None = None


async def channel_actor(helpline: Helpline, address: str, name: str) -> Actor:
    user_id = await customer_for_email(helpline, address, name)
    actor = await load_actor(helpline, user_id)
    return msgspec.structs.replace(actor, permissions=actor.permissions | CHANNEL_PERMISSIONS)


async def apply_mail(
    helpline: Helpline,
    mail: ParsedMail,
    mailbox: dict[str, Any],
    inbound_id: int,
    our_addresses: set[str],
) -> Outcome:
    kind = classify(mail)
    if mail.message_id and msgid.verify_message_id(helpline.settings.secret_key, mail.message_id):
        return Outcome("ignored", f"our own message <{mail.message_id}> came back: a mail loop")
    if kind.bounce is not None:
        from helpline_email.bounces import apply_bounce

        return await apply_bounce(helpline, mail, kind.bounce)
    if not mail.from_address:
        raise Quarantine("the message has no valid sender address (From)")
    if mail.from_address in our_addresses:
        return Outcome("ignored", f"sent from our own mailbox {mail.from_address}: a mail loop")
    user = await sender_user(mail.from_address)
    if user is not None and not user["active"]:
        return Outcome("ignored", f"the sender {mail.from_address} has a deactivated account")
    decision = await decide(
        helpline, mail, user["id"] if user else None, bool(user and user["staff"])
    )
    if kind.auto_reply:
        reason = "automatic reply (" + "; ".join(kind.reasons) + ")"
        if decision.ticket_id is None:
            return Outcome("ignored", f"{reason} to no known ticket")
        note = await notes.system_note(
            helpline,
            decision.ticket_id,
            f"Automatic reply from {mail.from_address}: {mail.subject}\n\n"
            + mail.text[:4000].strip(),
            author_id=user["id"] if user else None,
            meta={"email": _meta(mail, kind, decision, inbound_id)},
        )
        await _remember(helpline, mail, decision.ticket_id, note.id)
        return Outcome(
            "appended",
            f"{reason}, kept as a system note; {decision.reason}",
            decision.ticket_id,
            message_id=note.id,
        )
    actor = await channel_actor(helpline, mail.from_address, mail.from_name)
    files, skipped, inline = _attachments(helpline, mail)
    body = build(
        mail.text, mail.html, base_url=f"/p/email/inbound/{inbound_id}", inline_ids=set(inline)
    )
    html = body.html + "".join(f"<p><em>{escape(s)}</em></p>" for s in skipped)
    text = body.text or ("(no text: see the attachments)" if files else "(empty message)")
    meta = {
        "email": _meta(mail, kind, decision, inbound_id)
        | {"remote_images": body.remote_images, "inline": inline}
    }
    context = outbound.InboundContext(
        mailbox_id=mailbox["id"],
        message_id=mail.message_id,
        references=mail.references,
        answer=not kind.never_answer,
    )
    with outbound.inbound(context):
        if decision.ticket_id is not None:
            outcome = await _append(
                helpline, actor, mail, mailbox, decision, text, html, meta, files
            )
        else:
            outcome = await _create(
                helpline, actor, mail, mailbox, text, html, meta, files, decision.reason
            )
    await _remember(helpline, mail, outcome.ticket_id, outcome.message_id)
    people = [
        (n, a) for n, a in mail.cc + mail.to if a not in our_addresses and a != mail.from_address
    ]
    if people:
        await notes.suggest_followers(helpline, outcome.ticket_id, people)
    if kind.reasons:
        outcome.reason += "; no automatic answer: " + "; ".join(kind.reasons)
    return outcome


async def _create(
    helpline,
    actor,
    mail,
    mailbox,
    text,
    html,
    meta,
    files,
    why: str,
    follow_up_of: int | None = None,
) -> Outcome:
    subject = (mail.subject or "").strip()[:300] or "(no subject)"
    ticket = await tickets.create_ticket(
        helpline,
        actor,
        subject=subject,
        body=text,
        body_html=html,
        priority=mailbox["priority"] or None,
        tags=[t.strip() for t in (mailbox["tags"] or "").split(",") if t.strip()],
        team=mailbox["team"],
        channel="email",
        meta=meta,
        attachments=files,
        via=notes.VIA,
    )
    first = (
        await MessageRow.select(MessageRow.id)
        .where(MessageRow.ticket == ticket.id)
        .order_by(MessageRow.id)
        .first()
    )
    reason = f"new ticket: {why}"
    if follow_up_of is not None:
        old = await Ticket.select(Ticket.number).where(Ticket.id == follow_up_of).first()
        await notes.system_note(
            helpline, ticket.id, f"Follow-up to #{old['number']}, which is closed."
        )
        await notes.system_note(
            helpline, follow_up_of, f"The requester wrote again; follow-up: #{ticket.number}."
        )
    return Outcome("created", reason, ticket.id, ticket.number, first["id"] if first else None)


async def _append(helpline, actor, mail, mailbox, decision, text, html, meta, files) -> Outcome:
    row = (
        await Ticket.select(Ticket.number, Ticket.status_category)
        .where(Ticket.id == decision.ticket_id)
        .first()
    )
    reason = decision.reason
    if row["status_category"] == "closed":
        if mailbox["closed_reply"] == "followup":
            why = f"{reason}; #{row['number']} is closed, so this opens a linked follow-up"
            return await _create(
                helpline, actor, mail, mailbox, text, html, meta, files, why, decision.ticket_id
            )
        await tickets.reopen_ticket(helpline, actor, row["number"])
        reason += f"; #{row['number']} was closed and is reopened"
    ticket, message = await messages.add_message(
        helpline,
        actor,
        row["number"],
        body=text,
        body_html=html,
        channel="email",
        meta=meta,
        attachments=files,
        via=notes.VIA,
    )
    return Outcome("appended", reason, ticket.id, ticket.number, message.id)


async def _remember(
    helpline: Helpline, mail: ParsedMail, ticket_id: int | None, message_id: int | None
) -> None:
    if mail.message_id and ticket_id is not None:
        await ThreadRef.insert(
            ThreadRef(
                message_id=mail.message_id,
                ticket=ticket_id,
                message=message_id,
                direction="in",
                created_at=helpline.now(),
            )
        )


def _attachments(
    helpline: Helpline, mail: ParsedMail
) -> tuple[list[NewAttachment], list[str], dict[str, int]]:
    """Files to store, notes about files too large to store, and Content-ID → file position."""
    limit = helpline.settings.attachment_max_bytes
    files: list[NewAttachment] = []
    skipped: list[str] = []
    inline: dict[str, int] = {}
    for part in mail.parts:
        if len(part.data) > limit:
            skipped.append(
                f"Attachment {part.filename} ({len(part.data)} bytes) is larger than the limit "
                f"of {limit} bytes; "
                "it is kept in the original message."
            )
            continue
        if part.content_id and part.inline:
            inline[part.content_id] = len(files)
        files.append(
            NewAttachment(filename=part.filename, content_type=part.content_type, data=part.data)
        )
    return files, skipped, inline


def _meta(mail: ParsedMail, kind: Classification, decision, inbound_id: int) -> dict[str, Any]:
    return {
        "inbound": inbound_id,
        "message_id": mail.message_id,
        "in_reply_to": mail.in_reply_to[:5],
        "references": mail.references[-20:],
        "from": mail.from_address,
        "from_name": mail.from_name,
        "to": [a for _, a in mail.to][:50],
        "cc": [a for _, a in mail.cc][:50],
        "subject": mail.subject,
        "thread": {"rule": decision.rule, "reason": decision.reason},
        "auto": kind.never_answer,
        "classification": kind.reasons,
    }
