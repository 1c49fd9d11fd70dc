"""`/p/phone/log` and the ticket panel's form: an agent logs a call; `/p/phone/live` popups."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import MediaType, Request, Response, get, post
from litestar.channels import ChannelsPlugin
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, ServerSentEvent

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.services import tickets
from helpline_phone import calls, live, numbers, view
from helpline_phone.settings import settings_of
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, page

#: Logging a call writes an internal note: staff holding tickets.note.
LOG = [requires("tickets.note", staff=True)]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
ChannelsDep = NamedDependency[ChannelsPlugin]
FIELDS = ("number", "direction", "outcome", "duration", "notes", "ticket", "subject", "requester")
#: Hidden: the reported call being filed.
HIDDEN = ("call",)


def form_error(exc: Exception) -> dict[str, str]:
    """A service's error as {field: message}, the field one of the form's (else "form")."""
    if isinstance(exc, NotFound):
        return {"ticket": "no such ticket, or you may not see it"}
    field = getattr(exc, "field", None) or "form"
    message = exc.message if isinstance(exc, Invalid) else str(exc)
    return {field if field in FIELDS else "form": message}


def _ticket_number(text: str) -> int | None:
    text = (text or "").strip().lstrip("#")
    if not text:
        return None
    if not text.isdigit():
        raise Invalid("ticket", "a ticket number, like 42")
    return int(text)


async def _lookup_context(helpline: Any, viewer: Any, raw: str) -> dict[str, Any]:
    """Who a number belongs to and their open tickets (what the viewer may see)."""
    e164 = numbers.try_normalize(raw, settings_of(helpline).default_region) if raw else None
    found = await numbers.user_for_number(e164) if e164 else None
    open_tickets: list[Any] = []
    if found:
        open_tickets, _ = await tickets.list_tickets(
            helpline,
            viewer,
            requester_id=found["id"],
            status_categories=live.OPEN_CATEGORIES,
            per_page=10,
        )
    return {"e164": e164, "match": found, "open_tickets": open_tickets}


@get("/log", guards=LOG)
async def log_form(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    number: FromQuery[str] = "",
    direction: FromQuery[str] = "inbound",
    outcome: FromQuery[str] = "answered",
    duration: FromQuery[str] = "",
    ticket: FromQuery[str] = "",
    call: FromQuery[str] = "",
) -> Any:
    """The "log a call" page: on an existing ticket or a new phone ticket; `call` is a call the
    telephone system reported (from the popup), which is filed instead of stored twice."""
    values = {f: "" for f in FIELDS} | {
        "number": numbers.display(number) if number.startswith("+") else number,
        "direction": direction,
        "outcome": outcome,
        "duration": calls.format_duration(int(duration)) if duration.isdigit() else duration,
        "ticket": ticket,
        "call": call if call.isdigit() else "",
    }
    return await _render(request, helpline, viewer, values, {})


async def _render(
    request: Request, helpline: Any, viewer: Any, values: dict, errors: dict, status: int = 200
) -> Any:
    return await page(
        request,
        "phone:log.html",
        status_code=status,
        values=values,
        errors=errors,
        directions=calls.DIRECTIONS,
        outcomes=calls.OUTCOMES,
        lookup=await _lookup_context(helpline, viewer, values.get("number", "")),
    )


@post("/log", guards=LOG, status_code=200)
async def log_submit(request: Request, helpline: HelplineDep, viewer: ViewerDep, data: Form) -> Any:
    values = {f: (data.get(f) or "").strip() for f in (*FIELDS, *HIDDEN)}
    values["remember"] = data.get("remember", "")
    try:
        _, ticket = await calls.log_call(
            helpline,
            viewer,
            number=values["number"],
            direction=values["direction"],
            outcome=values["outcome"],
            duration=values["duration"],
            notes=values["notes"],
            ticket=_ticket_number(values["ticket"]),
            subject=values["subject"],
            requester=values["requester"],
            remember=bool(values["remember"]),
            call=int(values["call"]) if values["call"].isdigit() else None,
        )
    except (Invalid, Forbidden, NotFound) as exc:
        return await _render(request, helpline, viewer, values, form_error(exc), 422)
    flash(request, f"Call logged on #{ticket.number}.", "success")
    return Redirect(f"/tickets/{ticket.number}", status_code=303)


@get("/lookup", guards=LOG)
async def lookup(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, number: FromQuery[str] = ""
) -> Response:
    """htmx: the customer a number belongs to, shown beside the log form as the agent types."""
    html = view.partial("_lookup.html", **await _lookup_context(helpline, viewer, number))
    return Response(html, media_type=MediaType.HTML)


@post("/tickets/{number:int}/calls", guards=LOG, status_code=200)
async def panel_submit(
    helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int], data: Form
) -> Response:
    """The ticket panel's form (htmx): log a call on this ticket, answer with the panel."""
    ticket = await tickets.get_ticket(helpline, viewer, number)
    values = {f: (data.get(f) or "").strip() for f in FIELDS} | {
        "remember": data.get("remember", ""),
        "known": bool(await numbers.numbers_of(ticket.requester_id)),
    }
    try:
        _, ticket = await calls.log_call(
            helpline,
            viewer,
            number=values["number"],
            direction=values["direction"],
            outcome=values["outcome"],
            duration=values["duration"],
            notes=values["notes"],
            ticket=number,
            remember=bool(values["remember"]),
        )
    except (Invalid, Forbidden) as exc:
        errors = form_error(exc)
        html = await view.ticket_panel(helpline, ticket, viewer, values=values, errors=errors)
        return Response(html, media_type=MediaType.HTML, status_code=422)
    # The note reaches the conversation through the ticket page's own live updates.
    html = await view.ticket_panel(helpline, ticket, viewer, saved=True)
    return Response(html, media_type=MediaType.HTML)


@get("/live", guards=[requires(staff=True)], include_in_schema=False)
async def call_popups(
    helpline: HelplineDep, viewer: ViewerDep, channels: ChannelsDep
) -> ServerSentEvent:
    """Incoming-call popups for this viewer, as server-sent events (see `live`)."""

    async def render(announce: dict[str, Any]) -> str:
        context = await live.popup_context(helpline, viewer, announce["call"])
        return str(view.partial("_popup.html", **context)) if context else ""

    if not calls.may_log(viewer):
        raise Forbidden("calls are for agents who may write internal notes")
    return ServerSentEvent(live.call_events(channels, viewer, render))


ROUTES = [log_form, log_submit, lookup, panel_submit, call_popups]
