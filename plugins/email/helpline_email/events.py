"""The ticket events that send mail: acknowledgements, agent replies, assignments, notifications."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from helpline.blobs import safe_filename, store_blob
from helpline.model import Actor, Message, NotificationAttachment, Ticket
from helpline.runtime import Helpline
from helpline.services.users import people
from helpline_email import notes
from helpline_email.outbound import can_send, current_inbound, mailbox_for, queue


async def ticket_context(
    helpline: Helpline, ticket: Ticket, message: Message | None = None, agent_id: int | None = None
) -> dict[str, Any]:
    base = helpline.settings.base_url.rstrip("/")
    who = await people({ticket.requester_id, agent_id} - {None})
    requester = who.get(ticket.requester_id, {"name": "", "email": ""})
    agent = who.get(agent_id, {"name": "", "email": ""}) if agent_id else {"name": "", "email": ""}
    return {
        "ticket": {
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": ticket.priority,
            "url": f"{base}/portal/requests/{ticket.number}",
            "agent_url": f"{base}/tickets/{ticket.number}",
        },
        "requester": {"name": requester["name"], "email": requester["email"]},
        "agent": {"name": agent["name"], "email": agent["email"]},
        "message": {"body": message.body if message else ""},
    }


async def on_ticket_created(helpline: Helpline, ticket: Ticket, actor: Actor | None) -> None:
    if not await can_send(helpline):
        return
    context = current_inbound()
    if actor is not None and actor.id == ticket.requester_id and ticket.channel in ("email", "web"):
        box = await mailbox_for(helpline, ticket)
        if box["acknowledge"] and (context is None or context.answer):
            values = await ticket_context(helpline, ticket)
            await queue(
                helpline,
                "new_ticket",
                recipient=values["requester"]["email"],
                ticket=ticket,
                context=values,
            )
    if ticket.assignee_id is not None and (actor is None or actor.id != ticket.assignee_id):
        await _assigned(helpline, ticket)


async def on_message_added(
    helpline: Helpline, ticket: Ticket, message: Message, actor: Actor | None
) -> None:
    if message.kind != "public" or actor is None or not await can_send(helpline):
        return
    if actor.staff and actor.id != ticket.requester_id:
        values = await ticket_context(helpline, ticket, message, agent_id=actor.id)
        cc = [f["address"] for f in await notes.followers(ticket.id, "follower")]
        await queue(
            helpline,
            "agent_reply",
            recipient=values["requester"]["email"],
            ticket=ticket,
            message=message,
            automatic=False,
            context=values,
            cc=[c for c in cc if c != values["requester"]["email"]],
        )
    elif ticket.assignee_id is not None and ticket.assignee_id != actor.id:
        values = await ticket_context(helpline, ticket, message, agent_id=ticket.assignee_id)
        await queue(
            helpline,
            "customer_replied",
            recipient=values["agent"]["email"],
            ticket=ticket,
            context=values,
        )


async def on_ticket_updated(
    helpline: Helpline, ticket: Ticket, actor: Actor | None, changes: dict[str, Any]
) -> None:
    old_new = changes.get("assignee_id")
    if not old_new or old_new[1] is None or (actor is not None and actor.id == old_new[1]):
        return
    if await can_send(helpline):
        await _assigned(helpline, ticket)


async def _assigned(helpline: Helpline, ticket: Ticket) -> None:
    values = await ticket_context(helpline, ticket, agent_id=ticket.assignee_id)
    if values["agent"]["email"]:
        await queue(
            helpline, "assigned", recipient=values["agent"]["email"], ticket=ticket, context=values
        )


async def notify(
    helpline: Helpline,
    recipient: Actor,
    subject: str,
    body: str,
    ticket: Ticket | None,
    attachments: Sequence[NotificationAttachment] = (),
) -> bool:
    """`deliver_notification`: a password-reset link, a survey, a scheduled report… by mail."""
    files, left_out = keep_files(helpline, attachments)
    if left_out:
        body = body.rstrip() + "\n\n" + "\n".join(left_out)
    values = {"subject": subject, "body": body}
    if ticket is not None:
        values |= await ticket_context(helpline, ticket)
    async with helpline.transaction():
        queued = await queue(
            helpline,
            "notification",
            recipient=recipient.email,
            ticket=ticket,
            context=values,
            attachments=files,
            # A staff member's own mail about no ticket (a scheduled report, a sign-in link)
            # cannot start a mail loop: six reports due on Monday 07:00 must all arrive.
            rate_capped=not (recipient.staff and ticket is None),
        )
    return queued is not None


def keep_files(
    helpline: Helpline, attachments: Sequence[NotificationAttachment]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Store a notification's files as blobs for the send job; notes on those left out.

    One mail carries at most `attachment_max_bytes` of files in all (mail servers refuse
    larger messages): files are kept in order while they fit.
    """
    limit = helpline.settings.attachment_max_bytes
    files: list[dict[str, Any]] = []
    left_out: list[str] = []
    total = 0
    for item in attachments:
        name = safe_filename(item.filename)
        if total + len(item.data) > limit:
            left_out.append(
                f"{name} ({len(item.data)} bytes) is not attached: the files of one mail may "
                f"total at most {limit} bytes."
            )
            continue
        total += len(item.data)
        files.append(
            {
                "filename": name,
                "content_type": item.content_type or "application/octet-stream",
                "sha256": store_blob(helpline.settings.blob_dir, item.data),
                "size": len(item.data),
            }
        )
    return files, left_out
