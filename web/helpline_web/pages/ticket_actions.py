"""Ticket page actions: merge into another ticket (after a confirmation) and reopen."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.services import tickets
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, page

Form = Body(media_type=RequestEncodingType.URL_ENCODED)


@post(
    "/tickets/{number:int}/merge", guards=[requires("tickets.merge", staff=True)], status_code=200
)
async def merge(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    number: FromPath[int],
    data: Annotated[dict[str, str], Form],
) -> Any:
    """First show both tickets and ask; merge only when the agent confirms."""
    source = await tickets.get_ticket(helpline, viewer, number)
    raw = (data.get("target") or "").strip().lstrip("#")
    context: dict[str, Any] = {"ticket": source, "target_value": raw, "target": None, "error": None}
    if not raw.isdigit():
        context["error"] = "Enter the number of the ticket to merge into."
    elif int(raw) == number:
        context["error"] = "A ticket cannot be merged into itself."
    else:
        try:
            context["target"] = await tickets.get_ticket(helpline, viewer, int(raw))
        except NotFound:
            context["error"] = f"There is no ticket #{raw} that you can see."
    if context["error"] is None and data.get("confirm") == "yes":
        try:
            merged = await tickets.merge_tickets(helpline, viewer, number, int(raw))
        except (Invalid, Forbidden) as exc:
            context["error"] = getattr(exc, "message", None) or str(exc)
        else:
            flash(request, f"Ticket #{number} was merged into #{merged.number}.", "success")
            return Redirect(f"/tickets/{merged.number}", status_code=303)
    status = 422 if context["error"] else 200
    return await page(request, "ticket/merge.html", status_code=status, **context)


@post("/tickets/{number:int}/reopen", guards=[requires("tickets.update", staff=True)])
async def reopen(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, number: FromPath[int]
) -> Redirect:
    """Bring a solved or closed ticket back to open."""
    try:
        await tickets.reopen_ticket(helpline, viewer, number)
    except Invalid as exc:
        flash(request, f"The ticket was not reopened: {exc.message}", "error")
    else:
        flash(request, f"Ticket #{number} is open again.", "success")
    return Redirect(f"/tickets/{number}", status_code=303)


ROUTES = [merge, reopen]
