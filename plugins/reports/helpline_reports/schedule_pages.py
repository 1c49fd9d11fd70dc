"""`/p/reports/schedules`: define and remove scheduled reports; `/p/reports/link/<token>`: the
signed download a scheduled report's message links to (next to the attached files)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Stream, Template

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.services import users
from helpline_reports import schedule, schedule_mail
from helpline_reports.dimensions import expressions
from helpline_reports.downloads import TICKETS, stream
from helpline_reports.form import read
from helpline_reports.runner import available
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash, page

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
GUARDS = [requires(schedule.MANAGE, "tickets.view_all", staff=True)]


async def _render(
    request: Request,
    helpline: Any,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return await page(
        request,
        "reports:schedules.html",
        status_code=status_code,
        schedules=await schedule.list_schedules(),
        reports=await available(helpline),
        frequencies=schedule.FREQUENCIES,
        formats=schedule_mail.FORMATS,
        tickets=TICKETS,
        values=values or {"frequency": "weekly", "filters": "preset=7d", "formats": "both"},
        errors=errors or {},
    )


@get("/schedules", guards=GUARDS, name="reports-schedules")
async def schedules(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Template:
    """Scheduled reports and the form to add one."""
    return await _render(request, helpline)


@post("/schedules", guards=GUARDS, status_code=200)
async def create_schedule(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    data: Annotated[dict[str, str], Form],
) -> Any:
    values = {k: str(v) for k, v in data.items() if k != "_csrf_token"}
    try:
        row = await schedule.validate(helpline, values, await available(helpline))
        await schedule.create(helpline, viewer, row)
    except Invalid as exc:
        return await _render(
            request, helpline, values=values, errors={exc.field: exc.message}, status_code=400
        )
    flash(request, f"Scheduled “{row['name']}”.", "success")
    return Redirect("/p/reports/schedules", status_code=303)


@post("/schedules/{schedule_id:int}/delete", guards=GUARDS, status_code=303)
async def delete_schedule(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, schedule_id: FromPath[int]
) -> Redirect:
    await schedule.delete(helpline, viewer, schedule_id)
    flash(request, "Scheduled report removed.", "success")
    return Redirect("/p/reports/schedules", status_code=303)


@get("/link/{token:str}", name="reports-link")
async def signed_download(helpline: HelplineDep, token: FromPath[str]) -> Stream:
    """A scheduled report's CSV, run as the recipient the link was made for (no sign-in needed;
    the link expires, and stops working when the recipient loses access to reports)."""
    payload = schedule.read_link(helpline, token)
    try:
        recipient = await users.load_actor(helpline, int(payload["u"]))
    except NotFound:
        raise Forbidden("this link no longer works") from None
    if not (recipient.active and recipient.staff and recipient.can(schedule.MANAGE)):
        raise Forbidden("this link no longer works")
    form = read(
        dict(parse_qsl(str(payload.get("q", "")))),
        helpline.now().date(),
        dimensions=await expressions(helpline),
    )
    if form.filters is None:
        raise Invalid("token", "this link is not valid")
    return await stream(helpline, recipient, str(payload["r"]), form.filters, "csv")


ROUTES = [schedules, create_schedule, delete_schedule, signed_download]
