"""`/portal/new`: a customer writes to support, with files if they like."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from markupsafe import Markup

from helpline.errors import Forbidden, Invalid
from helpline.model import Actor
from helpline.services import tickets
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, helpline_of, page
from helpline_web.pages.portal_common import (
    UPLOAD_BODY_LIMIT,
    context_helpers,
    form_error,
    read_form,
    staff_redirect,
    ticket_types,
)

log = logging.getLogger("helpline.web")
TEMPLATE = "portal/new.html"
#: Service field names → the form's field names.
FIELDS = {"body": "description", "subject": "subject", "type": "type", "attachments": "attachments"}


async def _render(
    request: Request,
    viewer: Actor,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
    files_lost: bool = False,
) -> Any:
    return await page(
        request,
        TEMPLATE,
        status_code=status_code,
        values=values,
        errors=errors,
        types=await ticket_types(),
        files_lost=files_lost,
        **context_helpers(viewer),
    )


@get("/portal/new", name="portal-new", guards=[requires("tickets.create")])
async def new_request_form(request: Request, viewer: ViewerDep) -> Any:
    if redirect := staff_redirect(viewer, "/tickets/new"):
        return redirect
    return await _render(request, viewer, {"subject": "", "description": "", "type": ""}, {})


@post(
    "/portal/new",
    status_code=200,
    guards=[requires("tickets.create")],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def create_request(request: Request, viewer: ViewerDep) -> Any:
    if redirect := staff_redirect(viewer, "/tickets/new"):
        return redirect
    fields, files = await read_form(request)
    values = {
        "subject": (fields.get("subject") or "").strip(),
        "description": fields.get("description") or "",
        "type": fields.get("type") or "",
    }
    errors: dict[str, str] = {}
    if not values["subject"]:
        errors["subject"] = "Please give your request a short title."
    if not values["description"].strip():
        errors["description"] = "Please describe what you need."
    types = {t["name"] for t in await ticket_types()}
    if values["type"] and values["type"] not in types:
        errors["type"] = "Please choose one of the listed kinds."
    if not errors:
        try:
            ticket = await tickets.create_ticket(
                helpline_of(request),
                viewer,
                subject=values["subject"],
                body=values["description"],
                type=values["type"] or None,
                channel="web",
                attachments=files,
            )
        except (Invalid, Forbidden) as exc:
            errors = form_error(request, exc, FIELDS)
    if errors:
        return await _render(
            request, viewer, values, errors, status_code=400, files_lost=bool(files)
        )
    flash(request, f"We received your request #{ticket.number}.", "success")
    return Redirect(f"/portal/requests/{ticket.number}", status_code=303)


@get("/portal/new/suggestions", guards=[requires("tickets.create")])
async def request_suggestions(
    request: Request,
    viewer: ViewerDep,
    subject: FromQuery[str] = "",
    description: FromQuery[str] = "",
) -> Template:
    """What plugins suggest (`portal_request_suggestions`) for what the customer typed so far."""
    helpline = helpline_of(request)
    suggestions: list[dict[str, Any]] = []
    try:
        results = (
            await helpline.hook(
                "portal_request_suggestions",
                helpline=helpline,
                actor=viewer,
                subject=subject[:300],
                body=description[:2000],
            )
            if subject.strip() or description.strip()
            else []
        )
        for items in results:
            # Plugins are trusted code: their HTML is rendered as given (as with ticket panels).
            suggestions.extend(
                {"title": item["title"], "html": Markup(item["html"])} for item in items or []
            )
    except Exception:  # a failing plugin costs the suggestions, never the form
        log.exception("a portal_request_suggestions hook failed")
        suggestions = []
    return Template(
        "portal/_suggestions.html",
        context={"suggestions": suggestions},
        media_type=MediaType.HTML,
    )


ROUTES = [new_request_form, create_request, request_suggestions]
