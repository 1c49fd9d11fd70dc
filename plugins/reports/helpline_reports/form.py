"""The report filter form: presets, what was typed, the parsed Filters and the choices offered."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import msgspec

from helpline.errors import Invalid
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.tables import Organization, Priority, Role, Team, TicketType, User
from helpline_reports.metrics import GROUP_BY, Filters

#: Fields of Filters, in the order the form shows them.
FILTER_KEYS: tuple[str, ...] = tuple(
    f for f in Filters.__struct_fields__ if f not in ("extra", "extra_sql")
)
PRESETS = {
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
    "month": "This month",
    "custom": "Custom range",
}
CHARTS = {"line": "Lines", "bar": "Bars", "stacked": "Stacked bars (volume by a group)"}
#: Channels tickets commonly come from; the field accepts any other name too.
CHANNELS = ("web", "email", "chat", "phone", "api", "automation")


def today_for(helpline: Helpline, viewer: Actor) -> date:
    """Today in the viewer's timezone (presets are calendar days where the viewer is)."""
    try:
        zone = ZoneInfo(viewer.timezone or "UTC")
    except Exception:
        zone = ZoneInfo("UTC")
    now: datetime = helpline.now()
    return now.astimezone(zone).date()


def preset_range(preset: str, today: date) -> tuple[date, date] | None:
    days = {"7d": 7, "30d": 30, "90d": 90}.get(preset)
    if days:
        return today - timedelta(days=days - 1), today
    if preset == "month":
        return today.replace(day=1), today
    return None


class FilterForm(msgspec.Struct, kw_only=True):
    """What the form shows: the raw values (kept as typed), the parsed filters or the errors."""

    values: dict[str, str]
    filters: Filters | None
    errors: dict[str, str]

    @property
    def query(self) -> str:
        """The form as a query string (for links, downloads and saved schedules)."""
        preset = self.values.get("preset") != "custom"
        return urlencode(
            {k: v for k, v in self.values.items() if v and not (preset and k in ("start", "end"))}
        )


def read(
    query: Mapping[str, Any],
    today: date,
    *,
    default_group_by: str | None = None,
    dimensions: Mapping[str, str] | None = None,
) -> FilterForm:
    """Parse the page's query; a preset fills the dates, unless the range is custom.
    `dimensions`: the contributed ones ({name: SQL}, ``dimensions.expressions``)."""
    dimensions = dict(dimensions or {})
    keys = (*FILTER_KEYS, *dimensions)
    values = {key: str(query.get(key) or "").strip()[:200] for key in (*keys, "preset", "chart")}
    if not values["preset"]:
        values["preset"] = "custom" if values["start"] or values["end"] else "30d"
    if values["preset"] not in PRESETS:
        values["preset"] = "30d"
    span = preset_range(values["preset"], today)
    if span:
        values["start"], values["end"] = span[0].isoformat(), span[1].isoformat()
    if values["chart"] not in CHARTS:
        values["chart"] = ""
    if not values["group_by"] and default_group_by:
        values["group_by"] = default_group_by
    try:
        filters = Filters.from_query(
            {k: values[k] for k in keys}, today=today, dimensions=dimensions
        )
    except Invalid as exc:
        return FilterForm(
            values=values, filters=None, errors={exc.field or "form": str(exc.message)}
        )
    return FilterForm(values=values, filters=filters, errors={})


async def choices(helpline: Helpline, viewer: Actor | None = None) -> dict[str, Any]:
    """Teams, agents, organizations, priorities and types to pick from (names only).

    A viewer who does not see every ticket is offered only their own teams: the figures of any
    other team would be empty for them anyway (they are limited to what the viewer may see)."""
    from helpline_reports.dimensions import contributed

    extra = await contributed(helpline)
    staff_roles = Role.select(Role.id).where(Role.staff == True)  # noqa: E712
    agents = await (
        User.select(User.id, User.name)
        .where((User.active == True) & User.role.is_in(staff_roles))  # noqa: E712
        .order_by(User.name)
    )
    teams = await Team.select(Team.id, Team.name).order_by(Team.name)
    if viewer is not None and not viewer.can("tickets.view_all"):
        teams = [t for t in teams if t["id"] in viewer.team_ids]
    orgs = await Organization.select(Organization.id, Organization.name).order_by(Organization.name)
    priorities = await Priority.select(Priority.name, Priority.label).order_by(Priority.rank)
    types = await TicketType.select(TicketType.name, TicketType.label).order_by(TicketType.position)
    return {
        "teams": [(r["id"], r["name"]) for r in teams],
        "agents": [(r["id"], r["name"]) for r in agents],
        "organizations": [(r["id"], r["name"]) for r in orgs],
        "priorities": [(r["name"], r["label"]) for r in priorities],
        "types": [(r["name"], r["label"]) for r in types],
        "channels": CHANNELS,
        "group_by": [(g, g.capitalize()) for g in GROUP_BY]
        + [(d.name, d.label) for d in extra.values()],
        "dimensions": [
            (d.name, d.label, [(str(k), v) for k, v in await d.options(helpline)])
            for d in extra.values()
        ],
        "presets": PRESETS,
        "charts": list(CHARTS.items()),
    }
