"""`/p/sla/calendars`: business calendars — hours, timezone, holidays by hand, iCal or country."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import available_timezones

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect

from helpline.errors import Invalid
from helpline_sla import forms, store
from helpline_sla.hours import HoursError, ical_holidays
from helpline_sla.specs import CalendarSpec, Holiday
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, form_error

MANAGE = [requires("sla.manage", staff=True)]
_ZONES = sorted(available_timezones())
BLANK = {
    "name": "",
    "timezone": "UTC",
    "hours": "mon-fri 09:00-17:00",
    "holidays": "",
    "country": "",
    "subdivision": "",
}


async def _render(request: Request, template: str, status_code: int = 200, **context: Any) -> Any:
    return await admin_page(
        request, template, "sla-calendars", status_code=status_code, zones=_ZONES, **context
    )


@get("/calendars", guards=MANAGE)
async def calendar_list(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    """Every calendar, and a form for a new one."""
    return await _render(
        request,
        "sla:calendars.html",
        calendars=await store.calendars(helpline),
        values=BLANK,
        errors={},
    )


async def _spec_from(request: Request) -> tuple[CalendarSpec, dict[str, Any]]:
    form = await request.form()
    values = {key: form.get(key) or "" for key in BLANK}
    extra: list[Holiday] = []
    upload = form.get("ical")
    if isinstance(upload, UploadFile) and upload.filename:
        try:
            extra = [
                Holiday(date=d.isoformat(), name=n) for d, n in ical_holidays(await upload.read())
            ]
        except HoursError as exc:
            raise _FormError(values, {"ical": str(exc)}) from None
    return forms.calendar_from_form(values, values["holidays"], extra), values


class _FormError(Exception):
    def __init__(self, values: dict[str, Any], errors: dict[str, str]) -> None:
        self.values, self.errors = values, errors


@post("/calendars", guards=MANAGE, status_code=200)
async def calendar_create(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    try:
        spec, values = await _spec_from(request)
        if spec.name in await store.calendars(helpline):
            raise Invalid("name", f"a calendar named {spec.name!r} already exists")
        saved = await store.save_calendar(helpline, spec)
    except _FormError as exc:
        return await _error(request, helpline, None, exc.values, exc.errors)
    except Invalid as exc:
        return await _error(request, helpline, None, values, form_error(exc))
    flash(request, f"Calendar {saved.name} created.", "success")
    return Redirect(f"/p/sla/calendars/{saved.name}", status_code=303)


async def _error(
    request: Request, helpline: Any, name: str | None, values: dict, errors: dict
) -> Any:
    if name is None:
        return await _render(
            request,
            "sla:calendars.html",
            status_code=422,
            calendars=await store.calendars(helpline),
            values=values,
            errors=errors,
        )
    return await _render(
        request,
        "sla:calendar.html",
        status_code=422,
        name=name,
        values=values,
        errors=errors,
        year_days=[],
        year=date.today().year,
        due=None,
    )


@get("/calendars/{name:str}", guards=MANAGE)
async def calendar_edit(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Any:
    """One calendar's form, this year's holidays and a due-time calculator."""
    spec = await store.get_calendar(helpline, name)
    year = helpline.now().year
    due = None
    start_text = request.query_params.get("start")
    minutes_text = request.query_params.get("minutes")
    if start_text and minutes_text and minutes_text.isdigit():
        cal = store.build_calendar(spec)
        try:
            start = datetime.fromisoformat(start_text).replace(tzinfo=cal.tz)
            due = {
                "start": start_text,
                "minutes": minutes_text,
                "at": cal.add(start, timedelta(minutes=int(minutes_text))).strftime(
                    "%a %d %b %Y %H:%M %Z"
                ),
            }
        except ValueError:
            due = {
                "start": start_text,
                "minutes": minutes_text,
                "error": "Use a date and time like 2025-01-06T16:30.",
            }
    return await _render(
        request,
        "sla:calendar.html",
        name=name,
        values=forms.calendar_to_form(spec),
        errors={},
        year=year,
        year_days=store.holiday_dates(spec, year),
        due=due,
    )


@post("/calendars/{name:str}", guards=MANAGE, status_code=200)
async def calendar_save(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Any:
    values: dict[str, Any] = {}
    try:
        spec, values = await _spec_from(request)
        saved = await store.save_calendar(helpline, spec, replace=name)
    except _FormError as exc:
        return await _error(request, helpline, name, exc.values, exc.errors)
    except Invalid as exc:
        return await _error(request, helpline, name, values, form_error(exc))
    flash(request, f"Calendar {saved.name} saved; open tickets are being recomputed.", "success")
    return Redirect(f"/p/sla/calendars/{saved.name}", status_code=303)


@post("/calendars/{name:str}/delete", guards=MANAGE, status_code=200)
async def calendar_delete(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Any:
    try:
        await store.delete_calendar(helpline, name)
    except Invalid as exc:
        flash(request, exc.message, "error")
        return Redirect(f"/p/sla/calendars/{name}", status_code=303)
    flash(request, f"Calendar {name} deleted.", "success")
    return Redirect("/p/sla/calendars", status_code=303)


ROUTES = [calendar_list, calendar_create, calendar_edit, calendar_save, calendar_delete]
