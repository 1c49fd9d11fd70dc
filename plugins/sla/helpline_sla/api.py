"""`/api/v1/sla/…`: calendars, policies, a due-time calculator, a preview and the SLA queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

import msgspec
from litestar import Request, delete, get, post, put
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, JSONBody, QueryParameter

from helpline.errors import Invalid
from helpline.model import Actor
from helpline_sla import store
from helpline_sla.hours import HoursError, ical_holidays
from helpline_sla.preview import PreviewIn, PreviewOut, preview
from helpline_sla.queue import SHOWS, urgent_tickets
from helpline_sla.specs import CalendarSpec, Holiday, PolicySpec
from helpline_sla.view import api_fields
from helpline_web.api.auth import ActorDep, HelplineDep

TAGS = ["sla"]


class DueOut(msgspec.Struct):
    calendar: str
    start: datetime
    minutes: int
    due_at: datetime


class UrgentOut(msgspec.Struct):
    number: int
    subject: str
    priority: str
    status: str
    next_due: datetime | None
    breached_at: datetime | None
    sla: dict[str, Any]


class UrgentPage(msgspec.Struct):
    items: list[UrgentOut]
    total: int
    page: int
    per_page: int


def _staff(actor: Actor) -> None:
    if not actor.staff:
        raise PermissionDeniedException("SLA settings are for staff")


def _manager(actor: Actor) -> None:
    if not actor.can("sla.manage"):
        raise PermissionDeniedException("you may not change SLA settings (sla.manage)")


@get("/calendars", tags=TAGS)
async def list_calendars(helpline: HelplineDep, actor: ActorDep) -> list[CalendarSpec]:
    """Every business calendar."""
    _staff(actor)
    return list((await store.calendars(helpline)).values())


@get("/calendars/{name:str}", tags=TAGS)
async def get_calendar(helpline: HelplineDep, actor: ActorDep, name: FromPath[str]) -> CalendarSpec:
    """One calendar."""
    _staff(actor)
    return await store.get_calendar(helpline, name)


@post("/calendars", tags=TAGS, status_code=201)
async def create_calendar(
    helpline: HelplineDep, actor: ActorDep, data: JSONBody[CalendarSpec]
) -> CalendarSpec:
    """Create a calendar; 422 naming the field when hours, timezone or holidays are wrong."""
    _manager(actor)
    if data.name.strip() in await store.calendars(helpline):
        raise Invalid("name", f"a calendar named {data.name.strip()!r} already exists")
    return await store.save_calendar(helpline, data)


@put("/calendars/{name:str}", tags=TAGS)
async def replace_calendar(
    helpline: HelplineDep, actor: ActorDep, name: FromPath[str], data: JSONBody[CalendarSpec]
) -> CalendarSpec:
    """Create or replace the calendar `name` (renamed when the body names another)."""
    _manager(actor)
    exists = name in await store.calendars(helpline)
    return await store.save_calendar(helpline, data, replace=name if exists else None)


@delete("/calendars/{name:str}", tags=TAGS, status_code=204)
async def delete_calendar(helpline: HelplineDep, actor: ActorDep, name: FromPath[str]) -> None:
    """Delete a calendar that no policy uses."""
    _manager(actor)
    await store.delete_calendar(helpline, name)


@post("/calendars/{name:str}/ical", tags=TAGS)
async def import_ical(
    helpline: HelplineDep, actor: ActorDep, name: FromPath[str], request: Request
) -> CalendarSpec:
    """Add the events of an iCalendar file (the request body, text/calendar) as holidays."""
    _manager(actor)
    spec = await store.get_calendar(helpline, name)
    try:
        found = ical_holidays(await request.body())
    except HoursError as exc:
        raise Invalid("ical", str(exc)) from None
    days = [*spec.holidays, *(Holiday(date=d.isoformat(), name=n) for d, n in found)]
    return await store.save_calendar(
        helpline, msgspec.structs.replace(spec, holidays=days), replace=name
    )


@get("/calendars/{name:str}/due", tags=TAGS)
async def due(
    helpline: HelplineDep,
    actor: ActorDep,
    name: FromPath[str],
    start: Annotated[datetime, QueryParameter(description="ISO 8601 with offset")],
    minutes: Annotated[int, QueryParameter(ge=0, description="Working minutes to add")],
) -> DueOut:
    """The instant `minutes` of working time after `start` on this calendar."""
    _staff(actor)
    spec = await store.get_calendar(helpline, name)
    cal = store.build_calendar(spec)
    if start.tzinfo is None:
        raise Invalid("start", "give an offset, e.g. 2025-01-06T09:00:00+01:00")
    at = cal.add(start, timedelta(minutes=minutes))
    return DueOut(calendar=name, start=start, minutes=minutes, due_at=at.astimezone(cal.tz))


@get("/policies", tags=TAGS)
async def list_policies(helpline: HelplineDep, actor: ActorDep) -> list[PolicySpec]:
    """Every policy, in the order they are tried (first match wins)."""
    _staff(actor)
    return await store.policies(helpline)


@get("/policies/{name:str}", tags=TAGS)
async def get_policy(helpline: HelplineDep, actor: ActorDep, name: FromPath[str]) -> PolicySpec:
    _staff(actor)
    return await store.get_policy(helpline, name)


@post("/policies", tags=TAGS, status_code=201)
async def create_policy(
    helpline: HelplineDep, actor: ActorDep, data: JSONBody[PolicySpec]
) -> PolicySpec:
    """Create a policy; unsolved tickets are recomputed in the background."""
    _manager(actor)
    if any(p.name == data.name.strip() for p in await store.policies(helpline)):
        raise Invalid("name", f"a policy named {data.name.strip()!r} already exists")
    return await store.save_policy(helpline, data)


@put("/policies/{name:str}", tags=TAGS)
async def replace_policy(
    helpline: HelplineDep, actor: ActorDep, name: FromPath[str], data: JSONBody[PolicySpec]
) -> PolicySpec:
    """Create or replace the policy `name`; unsolved tickets are recomputed in the background."""
    _manager(actor)
    exists = any(p.name == name for p in await store.policies(helpline))
    return await store.save_policy(helpline, data, replace=name if exists else None)


@delete("/policies/{name:str}", tags=TAGS, status_code=204)
async def delete_policy(helpline: HelplineDep, actor: ActorDep, name: FromPath[str]) -> None:
    _manager(actor)
    await store.delete_policy(helpline, name)


@post("/preview", tags=TAGS, status_code=200)
async def preview_ticket(
    helpline: HelplineDep, actor: ActorDep, data: JSONBody[PreviewIn]
) -> PreviewOut:
    """Which policy a ticket like this gets and when each target would fall due."""
    _staff(actor)
    try:
        return await preview(helpline, data)
    except ValueError as exc:
        raise Invalid("created_at", str(exc)) from None


@get("/tickets", tags=TAGS)
async def urgent(
    helpline: HelplineDep,
    actor: ActorDep,
    show: Annotated[str, QueryParameter(description="all, breached, soon or paused")] = "all",
    page: Annotated[int, QueryParameter(ge=1)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=200)] = 25,
) -> UrgentPage:
    """Tickets the caller may see with an open SLA target: overdue first, then by next due."""
    _staff(actor)
    if show not in SHOWS:
        raise Invalid("show", f"use one of {', '.join(SHOWS)}")
    rows, total = await urgent_tickets(helpline, actor, show, page, per_page)
    fields = await api_fields([r["ticket"] for r in rows])
    items = [
        UrgentOut(
            number=r["ticket"].number,
            subject=r["ticket"].subject,
            priority=r["ticket"].priority,
            status=r["ticket"].status,
            next_due=r["next_due"],
            breached_at=r["breached_at"],
            sla=fields[r["ticket"].id]["sla"],
        )
        for r in rows
    ]
    return UrgentPage(items, total, page, per_page)


ROUTES = [
    list_calendars,
    get_calendar,
    create_calendar,
    replace_calendar,
    delete_calendar,
    import_ical,
    due,
    list_policies,
    get_policy,
    create_policy,
    replace_policy,
    delete_policy,
    preview_ticket,
    urgent,
]
