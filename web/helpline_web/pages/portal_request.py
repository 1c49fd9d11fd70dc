"""One request in the portal: its public conversation, replies, files and "Mark as solved"."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from helpline.blobs import read_blob
from helpline.errors import Forbidden, Invalid
from helpline.model import Actor
from helpline.services import messages, tickets
from helpline.services.users import people
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, helpline_of, page
from helpline_web.pages.portal_common import (
    UPLOAD_BODY_LIMIT,
    context_helpers,
    form_error,
    read_form,
    solved_status,
    staff_redirect,
)

log = logging.getLogger("helpline.web")
TEMPLATE = "portal/request.html"
FIELDS = {"body": "body", "attachments": "attachments"}


async def _render(
    request: Request,
    viewer: Actor,
    number: int,
    *,
    body: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    files_lost: bool = False,
) -> Any:
    helpline = helpline_of(request)
    ticket = await tickets.get_ticket(helpline, viewer, number)
    # The service shows a customer public replies only: no internal notes, no system messages.
    conversation = await messages.list_messages(helpline, viewer, number)
    names = await people({m.author_id for m in conversation} | {ticket.requester_id})
    closed = ticket.status_category == "closed" or ticket.merged_into_id is not None
    mine = ticket.requester_id == viewer.id
    return await page(
        request,
        TEMPLATE,
        status_code=status_code,
        ticket=ticket,
        conversation=conversation,
        names={uid: row["name"] for uid, row in names.items()},
        closed=closed,
        mine=mine,
        can_reply=not closed and viewer.can("tickets.reply"),
        can_solve=(
            not closed
            and mine
            and ticket.status_category != "solved"
            and viewer.can("tickets.solve_own")
        ),
        body=body,
        errors=errors or {},
        files_lost=files_lost,
        plugin_panels=await _plugin_panels(helpline, ticket, viewer),
        **context_helpers(viewer),
    )


async def _plugin_panels(helpline: Any, ticket: Any, viewer: Actor) -> list[dict[str, Any]]:
    """Panels plugins add (`portal_ticket_panels`); a failing plugin costs its panels only."""
    from markupsafe import Markup

    try:
        results = await helpline.hook(
            "portal_ticket_panels", helpline=helpline, ticket=ticket, actor=viewer
        )
    except Exception:
        log.exception("a portal_ticket_panels hook failed on ticket #%s", ticket.number)
        return []
    return [
        {"title": item["title"], "html": Markup(item["html"])}
        for items in results
        for item in items or []
    ]


@get("/portal/requests/{number:int}", name="portal-request")
async def request_page(request: Request, viewer: ViewerDep, number: FromPath[int]) -> Any:
    if redirect := staff_redirect(viewer, f"/tickets/{number}"):
        return redirect
    return await _render(request, viewer, number)


@post(
    "/portal/requests/{number:int}/reply",
    status_code=200,
    guards=[requires("tickets.reply")],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def reply(request: Request, viewer: ViewerDep, number: FromPath[int]) -> Any:
    if redirect := staff_redirect(viewer, f"/tickets/{number}"):
        return redirect
    helpline = helpline_of(request)
    fields, files = await read_form(request)
    body = fields.get("body") or ""
    before = await tickets.get_ticket(helpline, viewer, number)
    errors: dict[str, str] = {}
    if before.status_category == "closed" or before.merged_into_id is not None:
        errors["form"] = (
            "This request is closed, so it cannot take new replies. Please send a new request."
        )
    elif not body.strip() and not files:
        errors["body"] = "Please write a message or attach a file."
    else:
        try:
            ticket, _message = await messages.add_message(
                helpline, viewer, number, body=body, channel="web", attachments=files
            )
        except (Invalid, Forbidden) as exc:
            errors = form_error(request, exc, FIELDS)
    if errors:
        return await _render(
            request,
            viewer,
            number,
            body=body,
            errors=errors,
            status_code=400,
            files_lost=bool(files),
        )
    if before.status_category == "solved" and ticket.status_category != "solved":
        flash(request, "Thanks, we got your reply and reopened your request.", "success")
    else:
        flash(request, "Thanks, we got your reply.", "success")
    return Redirect(f"/portal/requests/{number}#latest", status_code=303)


@post(
    "/portal/requests/{number:int}/solve", status_code=200, guards=[requires("tickets.solve_own")]
)
async def mark_solved(request: Request, viewer: ViewerDep, number: FromPath[int]) -> Any:
    if redirect := staff_redirect(viewer, f"/tickets/{number}"):
        return redirect
    helpline = helpline_of(request)
    ticket = await tickets.get_ticket(helpline, viewer, number)
    if ticket.status_category not in ("solved", "closed"):
        await tickets.update_ticket(
            helpline, viewer, number, version=None, status=await solved_status()
        )
    flash(
        request,
        "Glad it's sorted! We marked this request as solved. Reply any time if you need more help.",
        "success",
    )
    return Redirect(f"/portal/requests/{number}", status_code=303)


def _disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact UTF-8 one (RFC 6266)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@get("/portal/attachments/{attachment_id:int}", name="portal-attachment")
async def download(
    request: Request, viewer: ViewerDep, attachment_id: FromPath[int]
) -> Response[bytes]:
    helpline = helpline_of(request)
    # Checks the viewer may see the ticket and the message carrying the file; 404 otherwise.
    row = await messages.get_attachment(helpline, viewer, attachment_id)
    return Response(
        read_blob(helpline.settings.blob_dir, row["sha256"]),
        media_type=row["content_type"] or "application/octet-stream",
        headers={
            "Content-Disposition": _disposition(row["filename"]),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


ROUTES = [request_page, reply, mark_solved, download]
