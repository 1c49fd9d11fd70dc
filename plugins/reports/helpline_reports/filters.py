"""Parsing report filters from query parameters, and turning them into SQL over the facts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from helpline.errors import Invalid
from helpline.visibility import visible_tickets

_INTS = ("team_id", "assignee_id", "organization_id")
_TEXTS = ("channel", "type", "priority", "tag")


def _date(query: Mapping[str, Any], field: str) -> date | None:
    raw = (query.get(field) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(field, "must be a date like 2026-01-31") from None


def parse_filters(
    cls: Any,
    query: Mapping[str, Any],
    *,
    today: date | None = None,
    dimensions: Mapping[str, str] | None = None,
) -> Any:
    from helpline_reports.metrics import GROUP_BY, MAX_DAYS

    today = today or datetime.now(UTC).date()
    end = _date(query, "end") or today
    start = _date(query, "start") or end - timedelta(days=29)
    if start > end:
        raise Invalid("start", "must not be after the end date")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid("start", f"the range may cover at most {MAX_DAYS} days")
    values: dict[str, Any] = {}
    for field in _INTS:
        raw = (query.get(field) or "").strip()
        if raw:
            try:
                values[field] = int(raw)
            except ValueError:
                raise Invalid(field, "must be a number") from None
    for field in _TEXTS:
        raw = (query.get(field) or "").strip()
        if raw:
            if len(raw) > 100:
                raise Invalid(field, "is too long")
            values[field] = raw
    dimensions = dict(dimensions or {})
    extra = {}
    for name in dimensions:
        raw = str(query.get(name) or "").strip()
        if len(raw) > 100:
            raise Invalid(name, "is too long")
        if raw:
            extra[name] = raw
    group_by = (query.get("group_by") or "").strip() or None
    if group_by is not None and group_by not in GROUP_BY and group_by not in dimensions:
        raise Invalid("group_by", f"must be one of: {', '.join([*GROUP_BY, *dimensions])}")
    return cls(start=start, end=end, group_by=group_by, extra=extra, extra_sql=dimensions, **values)


def ticket_conditions(actor: Any, filters: Any) -> tuple[list[str], list[Any]]:
    """SQL conditions (with `{}` placeholders) and their arguments over a table read as
    "ticket" — the ticket table itself, or reports_ticket AS ticket, whose columns carry the same
    names: what `actor` may see (the one visibility function) and every dimension filter.

    Plugins contributing reports (``report_metrics``) join their own rows to "ticket" and AND
    these conditions together."""
    parts: list[str] = []
    args: list[Any] = []
    if not actor.can("tickets.view_all"):
        parts.append("({})")
        args.append(visible_tickets(actor).querystring)
    for field, column in (
        ("team_id", "team"),
        ("assignee_id", "assignee"),
        ("organization_id", "organization"),
        ("channel", "channel"),
        ("type", "type"),
        ("priority", "priority"),
    ):
        value = getattr(filters, field)
        if value is not None:
            parts.append(f'"ticket".{column} = {{}}')
            args.append(value)
    if filters.tag is not None:
        parts.append(
            'EXISTS (SELECT 1 FROM ticket_tag tt WHERE tt.ticket = "ticket".id AND tt.tag = {})'
        )
        args.append(filters.tag)
    for name, value in filters.extra.items():  # contributed dimensions: compared as text
        parts.append(f"CAST(({filters.extra_sql[name]}) AS VARCHAR(100)) = {{}}")
        args.append(value)
    return parts, args


#: group_by → SQL expression over "ticket" ("day" and None: the query's own day column).
GROUP_COLUMNS = {
    "team": '"ticket".team',
    "agent": '"ticket".assignee',
    "channel": '"ticket".channel',
    "type": '"ticket".type',
    "priority": '"ticket".priority',
    "organization": '"ticket".organization',
    "tag": "tg.tag",
}


def group_expression(
    group_by: str | None, day_column: str = "", filters: Any = None
) -> tuple[str, str]:
    """(SQL expression, extra JOIN) grouping rows read with "ticket" by `group_by`: for "tag" a
    ticket counts once under each of its tags. For "day" or None: `day_column`. A dimension
    another plugin contributes is found in `filters` (its ``extra_sql``)."""
    if group_by in (None, "day"):
        return day_column, ""
    if group_by not in GROUP_COLUMNS:
        contributed = getattr(filters, "extra_sql", {}) if filters is not None else {}
        if group_by not in contributed:
            raise Invalid("group_by", f"cannot group by {group_by}")
        return f"({contributed[group_by]})", ""
    join = ' JOIN ticket_tag tg ON tg.ticket = "ticket".id' if group_by == "tag" else ""
    return GROUP_COLUMNS[group_by], join


def where(
    actor: Any, filters: Any, day_column: str = '"ticket".created_day'
) -> tuple[str, list[Any]]:
    """A WHERE clause (with `{}` placeholders and its arguments) over reports_ticket AS ticket:
    the date range on `day_column`, the viewer's visibility and the filters."""
    more, more_args = ticket_conditions(actor, filters)
    parts = [f"{day_column} BETWEEN {{}} AND {{}}", *more]
    return " AND ".join(parts), [filters.start.isoformat(), filters.end.isoformat(), *more_args]


def rollup_ok(actor: Any, filters: Any) -> bool:
    """Whether reports_daily can answer: a viewer who sees all, and only rollup dimensions."""
    return (
        actor.can("tickets.view_all")
        and filters.assignee_id is None
        and filters.organization_id is None
        and filters.tag is None
        and not filters.extra
    )


def rollup_where(filters: Any) -> tuple[str, list[Any]]:
    parts, args = ["d.day BETWEEN {} AND {}"], [filters.start.isoformat(), filters.end.isoformat()]
    for field in ("team_id", "channel", "type", "priority"):
        value = getattr(filters, field)
        if value is not None:
            parts.append(f"d.{field} = {{}}")
            args.append(value)
    return " AND ".join(parts), args
