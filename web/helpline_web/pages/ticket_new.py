"""`/tickets/new`: an agent opens a ticket on behalf of a customer."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect

from helpline.errors import Forbidden, Invalid
from helpline.model import Actor
from helpline.services import tickets
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, page
from helpline_web.pages import ticket_view as view
from helpline_web.pages.ticket_compose import UPLOAD_BODY_LIMIT, attachment_error, read_form

GUARD = [requires("tickets.create", "tickets.create_on_behalf", staff=True)]
TEXT_FIELDS = ("requester", "requester_name", "subject", "body", "type", "priority", "team")
TEXT_FIELDS += ("assignee", "tags")
#: Service field names that differ from this form's.
FORM_FIELD = {"assignee_id": "assignee", "team_id": "team"}


async def _form_page(
    request: Request, viewer: Actor, values: dict[str, str], errors: dict[str, str], status: int
) -> Any:
    options = await view.choices()
    names = {o["name"] for o in options["priorities"]}
    types = {o["name"] for o in options["types"]}
    values = {
        "priority": "normal" if "normal" in names else "",
        "type": "question" if "question" in types else "",
        **{k: v for k, v in values.items() if v or k not in ("priority", "type")},
    }
    return await page(
        request,
        "ticket/new.html",
        status_code=status,
        options=options,
        values=values,
        errors=errors,
        can_assign=viewer.can("tickets.assign"),
    )


@get("/tickets/new", guards=GUARD)
async def new_ticket_form(request: Request, viewer: ViewerDep) -> Any:
    return await _form_page(request, viewer, {}, {}, 200)


def _id(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid(field, "choose one from the list")
    return int(value)


@post("/tickets/new", guards=GUARD, status_code=200, request_max_body_size=UPLOAD_BODY_LIMIT)
async def create_ticket(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    """Create the ticket (and the customer, if new), then open it."""
    fields, files = await read_form(request)
    values = {name: fields.get(name, "") for name in TEXT_FIELDS}
    # Report every empty required field at once; the service would stop at the first.
    errors = {
        name: message
        for name, message in (
            ("requester", "Enter the customer's email address."),
            ("subject", "Please fill this in."),
            ("body", "Please fill this in."),
        )
        if not values[name].strip()
    }
    if errors:
        return await _form_page(request, viewer, values, errors, 422)
    try:
        ticket = await tickets.create_ticket(
            helpline,
            viewer,
            requester=values["requester"].strip(),
            requester_name=values["requester_name"].strip(),
            subject=values["subject"],
            body=values["body"],
            type=values["type"] or None,
            priority=values["priority"] or None,
            team=_id(values["team"], "team"),
            assignee=_id(values["assignee"], "assignee"),
            tags=[t for t in values["tags"].split(",") if t.strip()],
            attachments=files,
            channel="web",
        )
    except (Invalid, Forbidden) as exc:
        field = FORM_FIELD.get(exc.field or "", exc.field or "form")
        if isinstance(exc, Forbidden):
            message = str(exc)
        elif field == "attachments":
            message = attachment_error(helpline, exc, files)
        elif exc.message == "must not be empty":
            message = "Please fill this in."
        else:
            message = exc.message
        if field not in TEXT_FIELDS and field != "attachments":
            field = "form"
        status = 403 if isinstance(exc, Forbidden) else 422
        return await _form_page(request, viewer, values, {field: message}, status)
    flash(request, f"Ticket #{ticket.number} was created.", "success")
    return Redirect(f"/tickets/{ticket.number}", status_code=303)


ROUTES = [new_ticket_form, create_ticket]
