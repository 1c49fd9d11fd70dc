"""The agent's ticket page, its live-refreshable fragments and attachment downloads."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get
from litestar.params import FromPath

from helpline.blobs import read_blob
from helpline.services import messages, tickets
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import page
from helpline_web.pages import ticket_view as view

STAFF = [requires(staff=True)]


@get("/tickets/{number:int}", guards=STAFF)
async def ticket_page(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int]
) -> Any:
    """One ticket: conversation, requester, fields, history, plugin panels and actions."""
    ticket = await tickets.get_ticket(helpline, viewer, number)
    return await page(
        request, "ticket/page.html", **await view.ticket_context(helpline, viewer, ticket)
    )


@get("/tickets/{number:int}/conversation", guards=STAFF)
async def conversation_fragment(
    helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int]
) -> Any:
    """Just the conversation (`#conversation`), for live refreshes."""
    ticket = await tickets.get_ticket(helpline, viewer, number)
    context = {
        "ticket": ticket,
        "local": view.local_time(viewer),
        "messages": await view.conversation(helpline, viewer, ticket),
    }
    return view.fragment("ticket/_conversation.html", context)


@get("/tickets/{number:int}/fields", guards=STAFF)
async def fields_fragment(helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int]) -> Any:
    """Just the fields panel (`#ticket-fields`), for live refreshes."""
    ticket = await tickets.get_ticket(helpline, viewer, number)
    return view.fragment("ticket/_fields.html", await view.fields_context(viewer, ticket))


@get("/tickets/attachments/{attachment_id:int}", guards=[requires()])
async def download_attachment(
    helpline: HelplineDep, viewer: ViewerDep, attachment_id: FromPath[int]
) -> Response[bytes]:
    """An attachment's bytes for a signed-in viewer who may read the message carrying it."""
    row = await messages.get_attachment(helpline, viewer, attachment_id)
    data = read_blob(helpline.settings.blob_dir, row["sha256"])
    name = row["filename"]
    fallback = name.encode("ascii", "replace").decode().replace("?", "_")
    return Response(
        data,
        media_type=row["content_type"] or "application/octet-stream",
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
            ),
            "X-Content-Type-Options": "nosniff",
            # Even if a browser ever renders it, an uploaded page runs nothing and reaches nothing.
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


ROUTES = [ticket_page, conversation_fragment, fields_fragment, download_attachment]
