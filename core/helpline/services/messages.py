"""Replies, internal notes and system messages, with their attachments."""

from __future__ import annotations

import json
from typing import Any

import msgspec

from helpline.blobs import check_size, safe_filename, store_blob
from helpline.errors import Forbidden, Invalid, NotFound
from helpline.model import Actor, AttachmentInfo, Message, Ticket
from helpline.runtime import Helpline
from helpline.services import history
from helpline.services.tickets import _apply, get_ticket, locked_ticket
from helpline.tables import Attachment
from helpline.tables import Message as MessageRow
from helpline.tables import Ticket as TicketRow
from helpline.text import html_to_text, sanitize_html, text_to_html
from helpline.visibility import visible_message_kinds

#: Status categories a customer's reply brings back to "open".
_REOPENED_BY_CUSTOMER = ("pending", "on_hold", "solved")


class NewAttachment(msgspec.Struct):
    filename: str
    content_type: str
    data: bytes


async def insert_message(
    helpline: Helpline,
    ticket_id: int,
    *,
    author_id: int | None,
    kind: str,
    body: str,
    body_html: str | None = None,
    channel: str = "web",
    meta: dict[str, Any] | None = None,
    attachments: list[NewAttachment] = (),
) -> Message:
    """Store a message and its files; callers own permissions, history and hooks."""
    html = sanitize_html(body_html) if body_html else text_to_html(body)
    if body_html and not body.strip():
        # The plain body is what search indexes and plain-text channels send.
        body = html_to_text(html)
    limit = helpline.settings.attachment_max_bytes
    for item in attachments:
        check_size(len(item.data), limit)
    row = await MessageRow.insert(
        MessageRow(
            ticket=ticket_id,
            author=author_id,
            kind=kind,
            body=body,
            body_html=html,
            channel=channel,
            meta=msgspec.json.encode(meta or {}).decode(),
            created_at=helpline.now(),
        )
    ).returning(MessageRow.id)
    message_id = row[0]["id"]
    for item in attachments:
        digest = store_blob(helpline.settings.blob_dir, item.data)
        await Attachment.insert(
            Attachment(
                ticket=ticket_id,
                message=message_id,
                uploaded_by=author_id,
                sha256=digest,
                filename=safe_filename(item.filename),
                content_type=item.content_type or "application/octet-stream",
                size=len(item.data),
                created_at=helpline.now(),
            )
        )
    return (await _messages(MessageRow.id == message_id))[0]


async def add_message(
    helpline: Helpline,
    actor: Actor,
    number: int,
    *,
    body: str,
    internal: bool = False,
    body_html: str | None = None,
    channel: str = "web",
    meta: dict[str, Any] | None = None,
    attachments: list[NewAttachment] = (),
    via: str | None = None,
) -> tuple[Ticket, Message]:
    """A public reply or an internal note; a reply may move the ticket's status."""
    if internal and not (actor.staff and actor.can("tickets.note")):
        raise Forbidden("you may not add internal notes", "internal")
    if not internal and not actor.can("tickets.reply"):
        raise Forbidden("you may not reply", "body")
    if not (body or "").strip() and not body_html and not attachments:
        raise Invalid("body", "must not be empty")
    async with helpline.transaction():
        (ticket,) = await locked_ticket(helpline, actor, number)
        if ticket.merged_into_id is not None:
            target = (
                await TicketRow.select(TicketRow.number)
                .where(TicketRow.id == ticket.merged_into_id)
                .first()
            )
            where = f"#{target['number']}" if target else "another ticket"
            raise Forbidden(f"ticket #{number} was merged into {where}; write there", "body")
        if ticket.status_category == "closed" and not actor.staff:
            raise Forbidden(f"ticket #{number} is closed; please open a new request", "body")
        kind = "internal" if internal else "public"
        message = await insert_message(
            helpline,
            ticket.id,
            author_id=actor.id,
            kind=kind,
            body=body or "",
            body_html=body_html,
            channel=channel,
            meta=meta,
            attachments=attachments,
        )
        await history.record(
            helpline, ticket.id, actor, "message", field=kind, new=str(message.id), via=via
        )
        changes: dict[str, Any] = {}
        if not internal and actor.staff and actor.id != ticket.requester_id:
            if ticket.first_response_at is None:
                changes["first_response_at"] = message.created_at
            if ticket.status_category == "new":
                changes["status"] = "open"
        elif not internal and ticket.status_category in _REOPENED_BY_CUSTOMER:
            changes["status"] = "open"
        if changes:
            ticket = await _apply(helpline, ticket, actor, changes, via=via)
        else:
            await TicketRow.update({TicketRow.updated_at: helpline.now()}).where(
                TicketRow.id == ticket.id
            )
        await helpline.hook(
            "message_added", helpline=helpline, ticket=ticket, message=message, actor=actor
        )
    return ticket, message


async def list_messages(helpline: Helpline, actor: Actor, number: int) -> list[Message]:
    """The conversation of a ticket as the actor may read it, oldest first."""
    ticket = await get_ticket(helpline, actor, number)
    kinds = list(visible_message_kinds(actor))
    return await _messages((MessageRow.ticket == ticket.id) & MessageRow.kind.is_in(kinds))


async def get_attachment(helpline: Helpline, actor: Actor, attachment_id: int) -> dict[str, Any]:
    """An attachment's row, if the actor may read the message carrying it."""
    row = (
        await Attachment.select(
            Attachment.id,
            Attachment.sha256,
            Attachment.filename,
            Attachment.content_type,
            Attachment.size,
            Attachment.ticket.number.as_alias("number"),
            Attachment.message.kind.as_alias("kind"),
        )
        .where(Attachment.id == attachment_id)
        .first()
    )
    if row is None:
        raise NotFound("attachment not found")
    await get_ticket(helpline, actor, row["number"])
    if row["kind"] is not None and row["kind"] not in visible_message_kinds(actor):
        raise NotFound("attachment not found")
    return row


async def move_messages(source_id: int, target_id: int) -> None:
    await MessageRow.update({MessageRow.ticket: target_id}).where(MessageRow.ticket == source_id)
    await Attachment.update({Attachment.ticket: target_id}).where(Attachment.ticket == source_id)


async def _messages(where: Any) -> list[Message]:
    rows = (
        await MessageRow.select()
        .where(where)
        .order_by(MessageRow.created_at)
        .order_by(MessageRow.id)
    )
    if not rows:
        return []
    files: dict[int, list[AttachmentInfo]] = {r["id"]: [] for r in rows}
    for a in (
        await Attachment.select()
        .where(Attachment.message.is_in(list(files)))
        .order_by(Attachment.id)
    ):
        files[a["message"]].append(
            AttachmentInfo(
                id=a["id"],
                filename=a["filename"],
                content_type=a["content_type"],
                size=a["size"],
                sha256=a["sha256"],
            )
        )
    return [
        Message(
            id=r["id"],
            ticket_id=r["ticket"],
            author_id=r["author"],
            kind=r["kind"],
            body=r["body"],
            body_html=r["body_html"],
            channel=r["channel"],
            meta=json.loads(r["meta"]) if isinstance(r["meta"], str) else r["meta"] or {},
            created_at=r["created_at"],
            attachments=files[r["id"]],
        )
        for r in rows
    ]
