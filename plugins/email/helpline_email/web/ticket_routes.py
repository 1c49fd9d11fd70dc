"""Ticket-side routes: followers from the Email panel; blocked remote images and inline images."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from markupsafe import Markup

from helpline.blobs import read_blob
from helpline.errors import Invalid, NotFound
from helpline.services import messages, tickets
from helpline.services.users import normalize_email
from helpline.tables import Attachment
from helpline.tables import Message as MessageRow
from helpline.visibility import visible_message_kinds
from helpline_email import notes
from helpline_email.body import build
from helpline_email.panel import panel_html
from helpline_email.parse import parse
from helpline_email.tables import Inbound
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import is_htmx, page

STAFF_UPDATE = [requires("tickets.update", staff=True)]
SIGNED_IN = [requires()]


@post("/tickets/{number:int}/followers", guards=STAFF_UPDATE, status_code=200)
async def followers(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, number: FromPath[int]
) -> Any:
    ticket = await tickets.get_ticket(helpline, viewer, number)  # NotFound when not visible
    form = await request.form()
    address = normalize_email(form.get("address", ""), "address")
    action = form.get("do", "add")
    if action not in ("add", "remove"):
        raise Invalid("do", "add or remove")
    async with helpline.transaction():
        await notes.set_follower(
            helpline, ticket.id, address, "follower" if action == "add" else None
        )
    if is_htmx(request):
        return Response(str(await panel_html(helpline, ticket, viewer)), media_type="text/html")
    return Redirect(f"/tickets/{number}", status_code=303)


async def _visible_inbound(helpline: Any, viewer: Any, inbound_id: int) -> dict[str, Any]:
    """The inbound message, if the viewer may read the message it became."""
    row = await Inbound.select(
        Inbound.id, Inbound.sha256, Inbound.message, Inbound.subject, Inbound.from_address,
        Inbound.ticket.number.as_alias("number"),
    ).where(Inbound.id == inbound_id).first()  # fmt: skip
    if row is None or row["number"] is None or row["message"] is None:
        raise NotFound("message not found")
    await tickets.get_ticket(helpline, viewer, row["number"])
    message = (
        await MessageRow.select(MessageRow.kind, MessageRow.meta)
        .where(MessageRow.id == row["message"])
        .first()
    )
    if message is None or message["kind"] not in visible_message_kinds(viewer):
        raise NotFound("message not found")
    meta = message["meta"]
    row["meta"] = json.loads(meta) if isinstance(meta, str) else meta or {}
    return row


@get("/inbound/{inbound_id:int}/images", guards=SIGNED_IN)
async def with_images(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, inbound_id: FromPath[int]
) -> Template:
    """The message as sent, remote images included (loaded only because someone asked)."""
    row = await _visible_inbound(helpline, viewer, inbound_id)
    mail = parse(read_blob(helpline.settings.blob_dir, row["sha256"]))
    inline = set((row["meta"].get("email") or {}).get("inline") or {})
    body = build(
        mail.text,
        mail.html,
        base_url=f"/p/email/inbound/{inbound_id}",
        inline_ids=inline,
        show_images=True,
    )
    back = f"/tickets/{row['number']}" if viewer.staff else f"/portal/requests/{row['number']}"
    from helpline.text import sanitize_html

    return await page(
        request,
        "email:message.html",
        title=mail.subject or "Message",
        subject=mail.subject,
        sender=mail.from_address,
        html=Markup(sanitize_html(body.html)),
        back=back,
        number=row["number"],
    )


@get("/inbound/{inbound_id:int}/cid/{cid:str}", guards=SIGNED_IN)
async def inline_image(
    viewer: ViewerDep, helpline: HelplineDep, inbound_id: FromPath[int], cid: FromPath[str]
) -> Response[bytes]:
    row = await _visible_inbound(helpline, viewer, inbound_id)
    position = ((row["meta"].get("email") or {}).get("inline") or {}).get(cid)
    files = (
        await Attachment.select(Attachment.id)
        .where(Attachment.message == row["message"])
        .order_by(Attachment.id)
    )
    if position is None or position >= len(files):
        raise NotFoundException()
    file = await messages.get_attachment(helpline, viewer, files[position]["id"])
    image = file["content_type"].startswith("image/") and file["content_type"] != "image/svg+xml"
    return Response(
        read_blob(helpline.settings.blob_dir, file["sha256"]),
        media_type=file["content_type"] if image else "application/octet-stream",
        headers={
            "Content-Security-Policy": "default-src 'none'",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        },
    )


ROUTES = [followers, with_images, inline_image]
