"""Calendars and policies: validated, saved, loaded, and matched against tickets."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from helpline import db
from helpline.errors import Invalid, NotFound
from helpline.runtime import Helpline
from helpline.tables import Organization, Priority, Team
from helpline_sla.calendar import BusinessCalendar
from helpline_sla.hours import HoursError, parse_date, parse_hours
from helpline_sla.specs import (
    RECIPIENTS,
    CalendarSpec,
    Holiday,
    PolicySpec,
)
from helpline_sla.tables import SlaCalendar, SlaPolicy

_CALENDARS: dict[str, BusinessCalendar] = {}


# -- calendars ------------------------------------------------------------------------------------


def build_calendar(spec: CalendarSpec) -> BusinessCalendar:
    """The arithmetic object for a spec; raises Invalid naming the bad field."""
    key = msgspec.json.encode(spec).decode()
    found = _CALENDARS.get(key)
    if found is not None:
        return found
    try:
        ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("timezone", f"unknown timezone {spec.timezone!r}") from None
    try:
        week = parse_hours(spec.hours)
        days = [parse_date(h.date) for h in spec.holidays]
    except HoursError as exc:
        raise Invalid("holidays" if "date" in str(exc) else "hours", str(exc)) from None
    if spec.country:
        import holidays

        try:
            holidays.country_holidays(spec.country, subdiv=spec.subdivision or None, years=2025)
        except (NotImplementedError, KeyError) as exc:
            raise Invalid("country", f"no holidays known for {spec.country!r}: {exc}") from None
    calendar = BusinessCalendar(spec.timezone, week, days, spec.country, spec.subdivision)
    if len(_CALENDARS) > 256:
        _CALENDARS.clear()
    _CALENDARS[key] = calendar
    return calendar


def clean_calendar(spec: CalendarSpec) -> CalendarSpec:
    name = spec.name.strip()
    if not name or len(name) > 100:
        raise Invalid("name", "must be 1 to 100 characters")
    holidays = sorted({(h.date.strip(), h.name.strip() or "Holiday") for h in spec.holidays})
    spec = msgspec.structs.replace(
        spec,
        name=name,
        hours=[" ".join(h.split()) for h in spec.hours if h.strip()],
        holidays=[Holiday(date=d, name=n) for d, n in holidays],
        country=(spec.country or "").strip().upper() or None,
        subdivision=(spec.subdivision or "").strip().upper() or None,
    )
    build_calendar(spec)
    return spec


async def save_calendar(
    helpline: Helpline, spec: CalendarSpec, replace: str | None = None
) -> CalendarSpec:
    """Create a calendar, or replace the one named `replace` (or of the same name)."""
    spec = clean_calendar(spec)
    encoded = msgspec.json.encode(spec).decode()
    async with helpline.transaction():
        old = replace or spec.name
        row = await SlaCalendar.select(SlaCalendar.id).where(SlaCalendar.name == old).first()
        if replace is not None and row is None:
            raise NotFound(f"no calendar named {replace!r}")
        clash = (
            await SlaCalendar.select(SlaCalendar.id).where(SlaCalendar.name == spec.name).first()
        )
        if clash and (row is None or clash["id"] != row["id"]):
            raise Invalid("name", f"a calendar named {spec.name!r} already exists")
        values = {
            SlaCalendar.name: spec.name,
            SlaCalendar.spec: encoded,
            SlaCalendar.updated_at: helpline.now(),
        }
        if row is None:
            await SlaCalendar.insert(
                SlaCalendar(name=spec.name, spec=encoded, updated_at=helpline.now())
            )
        else:
            if old != spec.name and any(p.calendar == old for p in await policies(helpline)):
                raise Invalid("name", f"calendar {old!r} is used by a policy: it keeps its name")
            await SlaCalendar.update(values).where(SlaCalendar.id == row["id"])
            await schedule_recompute(helpline, f"calendar {spec.name!r} changed")
    return spec


async def calendars(helpline: Helpline) -> dict[str, CalendarSpec]:
    rows = await SlaCalendar.select(SlaCalendar.name, SlaCalendar.spec).order_by(SlaCalendar.name)
    return {r["name"]: msgspec.json.decode(r["spec"], type=CalendarSpec) for r in rows}


async def get_calendar(helpline: Helpline, name: str) -> CalendarSpec:
    row = await SlaCalendar.select(SlaCalendar.spec).where(SlaCalendar.name == name).first()
    if row is None:
        raise NotFound(f"no calendar named {name!r}")
    return msgspec.json.decode(row["spec"], type=CalendarSpec)


async def delete_calendar(helpline: Helpline, name: str) -> None:
    in_use = [p.name for p in (await policies(helpline)) if p.calendar == name]
    if in_use:
        raise Invalid("calendar", f"calendar {name!r} is used by policy {in_use[0]!r}")
    deleted = await SlaCalendar.delete().where(SlaCalendar.name == name).returning(SlaCalendar.id)
    if not deleted:
        raise NotFound(f"no calendar named {name!r}")


def holiday_dates(spec: CalendarSpec, year: int) -> list[tuple[date, str]]:
    """The holidays of a year: entered ones and the country's, for the admin page."""
    found = {parse_date(h.date): h.name for h in spec.holidays if h.date.startswith(str(year))}
    if spec.country:
        import holidays

        for day, name in holidays.country_holidays(
            spec.country, subdiv=spec.subdivision or None, years=year
        ).items():
            found.setdefault(day, name)
    return sorted(found.items())


# -- policies -------------------------------------------------------------------------------------


async def _check_names(table: Any, names: list[str], field: str) -> None:
    if not names:
        return
    rows = await table.select(table.name).where(table.name.is_in(names))
    missing = sorted(set(names) - {r["name"] for r in rows})
    if missing:
        raise Invalid(field, f"unknown {field.split('.')[-1]} {missing[0]!r}")


async def clean_policy(helpline: Helpline, spec: PolicySpec) -> PolicySpec:
    name = spec.name.strip()
    if not name or len(name) > 100:
        raise Invalid("name", "must be 1 to 100 characters")
    if spec.calendar is not None:
        await get_calendar(helpline, spec.calendar)
    elif any(t.business for t in spec.targets):
        # Business time without a calendar would silently mean round the clock.
        raise Invalid("calendar", "choose a calendar for targets in business time")
    priorities = {r["name"] for r in await Priority.select(Priority.name)}
    seen = set()
    for target in spec.targets:
        if target.minutes < 1:
            raise Invalid("targets", f"{target.target}: minutes must be at least 1")
        if target.priority != "*" and target.priority not in priorities:
            raise Invalid("targets", f"unknown priority {target.priority!r}")
        if (target.target, target.priority) in seen:
            raise Invalid("targets", f"{target.target} for {target.priority} is given twice")
        seen.add((target.target, target.priority))
    for step in spec.escalations:
        if step.when == "after" and step.minutes < 1:
            raise Invalid("escalations", "an escalation `after` needs minutes of at least 1")
        for action in step.actions:
            if action.action == "notify" and not (
                action.to in RECIPIENTS or "@" in (action.to or "")
            ):
                raise Invalid(
                    "escalations",
                    f"notify whom? {action.to!r} (assignee, team_lead, managers or an email)",
                )
            if action.action == "reassign":
                await _check_names(Team, [action.team or ""], "escalations.team")
            if action.action == "add_tag" and not (action.tag or "").strip():
                raise Invalid("escalations", "add_tag needs a tag")
    await _check_names(Team, spec.conditions.team, "conditions.team")
    await _check_names(Organization, spec.conditions.organization, "conditions.organization")
    return msgspec.structs.replace(spec, name=name)


async def save_policy(
    helpline: Helpline, spec: PolicySpec, replace: str | None = None
) -> PolicySpec:
    """Create a policy, or replace the one named `replace` (or of the same name)."""
    spec = await clean_policy(helpline, spec)
    encoded = msgspec.json.encode(spec).decode()
    async with helpline.transaction():
        old = replace or spec.name
        row = await SlaPolicy.select(SlaPolicy.id).where(SlaPolicy.name == old).first()
        if replace is not None and row is None:
            raise NotFound(f"no policy named {replace!r}")
        clash = await SlaPolicy.select(SlaPolicy.id).where(SlaPolicy.name == spec.name).first()
        if clash and (row is None or clash["id"] != row["id"]):
            raise Invalid("name", f"a policy named {spec.name!r} already exists")
        now = helpline.now()
        if row is None:
            await SlaPolicy.insert(
                SlaPolicy(
                    name=spec.name,
                    position=spec.position,
                    active=spec.active,
                    spec=encoded,
                    updated_at=now,
                )
            )
        else:
            await SlaPolicy.update(
                {
                    SlaPolicy.name: spec.name,
                    SlaPolicy.position: spec.position,
                    SlaPolicy.active: spec.active,
                    SlaPolicy.spec: encoded,
                    SlaPolicy.updated_at: now,
                }
            ).where(SlaPolicy.id == row["id"])
        await schedule_recompute(helpline, f"policy {spec.name!r} changed")
    return spec


async def delete_policy(helpline: Helpline, name: str) -> None:
    async with helpline.transaction():
        deleted = await SlaPolicy.delete().where(SlaPolicy.name == name).returning(SlaPolicy.id)
        if not deleted:
            raise NotFound(f"no policy named {name!r}")
        await schedule_recompute(helpline, f"policy {name!r} deleted")


async def schedule_recompute(helpline: Helpline, reason: str) -> None:
    from helpline import jobs

    await jobs.enqueue(helpline, "sla.recompute", {"reason": reason}, key="sla:recompute")


async def policies(helpline: Helpline, active_only: bool = False) -> list[PolicySpec]:
    """Every policy in the order they are tried."""
    query = SlaPolicy.select(SlaPolicy.spec)
    if active_only:
        query = query.where(SlaPolicy.active == True)  # noqa: E712
    rows = await query.order_by(SlaPolicy.position).order_by(SlaPolicy.id)
    return [_decode_policy(r["spec"]) for r in rows]


_POLICY_CACHE: dict[str, PolicySpec] = {}


def _decode_policy(text: str) -> PolicySpec:
    found = _POLICY_CACHE.get(text)
    if found is None:
        found = msgspec.json.decode(text, type=PolicySpec)
        if len(_POLICY_CACHE) > 512:
            _POLICY_CACHE.clear()
        _POLICY_CACHE[text] = found
    return found


async def active_rules(helpline: Helpline) -> tuple[list[PolicySpec], dict[str, BusinessCalendar]]:
    """The active policies in the order they are tried and every calendar, in one statement.

    Read on every ticket change and every timer, so decoded specs are cached by their text.
    """
    rows = await db.fetch(
        helpline.engine,
        "SELECT 'policy' AS kind, spec, position, id FROM sla_policy WHERE active = {} "
        "UNION ALL SELECT 'calendar' AS kind, spec, 0 AS position, id FROM sla_calendar",
        True,
    )
    ordered = sorted(
        (r for r in rows if r["kind"] == "policy"), key=lambda r: (r["position"], r["id"])
    )
    found = {}
    for row in rows:
        if row["kind"] == "calendar":
            name, calendar = _calendar_from_text(row["spec"])
            found[name] = calendar
    return [_decode_policy(r["spec"]) for r in ordered], found


_CALENDAR_CACHE: dict[str, tuple[str, BusinessCalendar]] = {}


def _calendar_from_text(text: str) -> tuple[str, BusinessCalendar]:
    found = _CALENDAR_CACHE.get(text)
    if found is None:
        spec = msgspec.json.decode(text, type=CalendarSpec)
        found = (spec.name, build_calendar(spec))
        if len(_CALENDAR_CACHE) > 256:
            _CALENDAR_CACHE.clear()
        _CALENDAR_CACHE[text] = found
    return found


async def get_policy(helpline: Helpline, name: str) -> PolicySpec:
    row = await SlaPolicy.select(SlaPolicy.spec).where(SlaPolicy.name == name).first()
    if row is None:
        raise NotFound(f"no policy named {name!r}")
    return _decode_policy(row["spec"])
