"""The reply / internal note composer of the agent's ticket page."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect

from helpline.errors import Forbidden, Invalid
from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import messages, tickets
from helpline.services.messages import NewAttachment
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, is_htmx, page
from helpline_web.pages import ticket_view as view

STAFF = [requires(staff=True)]
#: Bodies may carry several files; the core enforces the limit per file.
UPLOAD_BODY_LIMIT = 200 * 1024 * 1024


async def read_form(request: Request) -> tuple[dict[str, str], list[NewAttachment]]:
    """Text fields (first value of each) and the files under `attachments`."""
    form = await request.form()
    fields: dict[str, str] = {}
    files: list[NewAttachment] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if name == "attachments" and value.filename:
                files.append(
                    NewAttachment(value.filename, value.content_type or "", await value.read())
                )
            await value.close()
        elif name not in fields:
            fields[name] = value if isinstance(value, str) else ""
    return fields, files


def attachment_error(helpline: Helpline, exc: Invalid, files: list[NewAttachment]) -> str:
    """Name the files that are too large; the browser cannot keep them, so say to pick again."""
    limit = helpline.settings.attachment_max_bytes
    big = [f.filename for f in files if len(f.data) > limit]
    if not big:
        return exc.message
    names = ", ".join(big)
    return (
        f"{names} {'is' if len(big) == 1 else 'are'} larger than the "
        f"{view.file_size(limit)} limit. Please choose your files again."
    )


async def _composer_page(
    request: Request, helpline: Helpline, viewer: Actor, ticket: Ticket, composer: dict, status: int
) -> Any:
    if is_htmx(request):
        options = await view.choices()
        context = {"ticket": ticket, "options": options, "composer": composer}
        return view.fragment("ticket/_composer.html", context, status, target="#composer")
    context = await view.ticket_context(helpline, viewer, ticket)
    context["composer"] = composer
    return await page(request, "ticket/page.html", status_code=status, **context)


@post(
    "/tickets/{number:int}/messages",
    guards=STAFF,
    status_code=200,
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def add_message(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int]
) -> Any:
    """Post a public reply or an internal note, then optionally move the status."""
    fields, files = await read_form(request)
    body = fields.get("body", "")
    internal = fields.get("kind") == "internal"
    set_status = fields.get("set_status", "").strip()
    ticket = await tickets.get_ticket(helpline, viewer, number)
    options = await view.choices()
    kept = {"body": body, "internal": internal, "set_status": set_status}
    errors: dict[str, str] = {}
    status_code = 422
    if set_status and set_status not in {s["name"] for s in options["statuses"]}:
        errors["set_status"] = "Choose a status from the list."
    else:
        try:
            ticket, _ = await messages.add_message(
                helpline, viewer, number, body=body, internal=internal, attachments=files
            )
        except Invalid as exc:
            if exc.field == "attachments":
                errors["attachments"] = attachment_error(helpline, exc, files)
            elif exc.message == "must not be empty":
                errors["body"] = "Write something first."
            else:
                errors["body"] = exc.message
        except Forbidden as exc:
            status_code = 403
            errors["kind" if exc.field == "internal" else "body"] = str(exc)
    if errors:
        composer = view.composer_context(viewer, errors=errors, **kept)
        return await _composer_page(request, helpline, viewer, ticket, composer, status_code)

    notice = "Internal note added." if internal else "Reply sent."
    if set_status and set_status != ticket.status:
        try:
            ticket = await tickets.update_ticket(
                helpline, viewer, number, version=None, status=set_status
            )
        except (Invalid, Forbidden) as exc:
            notice += f" The status was not changed: {getattr(exc, 'message', None) or exc}"
    if not is_htmx(request):
        flash(request, notice, "success")
        return Redirect(f"/tickets/{number}", status_code=303)
    context = {
        "ticket": ticket,
        "options": options,
        "composer": view.composer_context(viewer, notice=notice),
        "local": view.local_time(viewer),
        "messages": await view.conversation(helpline, viewer, ticket),
        "history": await view.history_items(ticket, view.labeller(options)),
        **await view.fields_context(viewer, ticket, options),
    }
    return view.fragment("ticket/_composer_response.html", context, target="#composer")


ROUTES = [add_message]
