"""SQL over the facts and rollups: counts per day, values per group, labels for group keys."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from helpline import db
from helpline.runtime import Helpline
from helpline_reports import filters as f_sql

#: group_by → SQL expression over reports_ticket AS f ("day" is the day column of the query).
GROUP_COLUMNS = {
    "team": "f.team_id",
    "agent": "f.assignee_id",
    "channel": "f.channel",
    "type": "f.type",
    "priority": "f.priority",
    "organization": "f.organization_id",
    "tag": "tg.tag",
}
_TAG_JOIN = " JOIN ticket_tag tg ON tg.ticket = f.ticket_id"


def percentile(values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (median of 10 and 20 is 15); None if empty."""
    if not values:
        return None
    values = sorted(values)
    pos = (len(values) - 1) * p
    low = int(pos)
    high = min(low + 1, len(values) - 1)
    return round(values[low] + (values[high] - values[low]) * (pos - low), 2)


def _group(group_by: str | None, day_column: str) -> tuple[str, str]:
    if group_by in (None, "day"):
        return day_column, ""
    return GROUP_COLUMNS[group_by], _TAG_JOIN if group_by == "tag" else ""


async def counts_per_day(
    helpline: Helpline, actor: Any, filters: Any, day_column: str
) -> dict[str, int]:
    """{day: tickets whose `day_column` (created_day, solved_day, reopened_day) is that day}."""
    where, args = f_sql.where(actor, filters, f"f.{day_column}")
    rows = await db.fetch(
        helpline.engine,
        f"SELECT f.{day_column} AS day, COUNT(*) AS n FROM reports_ticket f WHERE {where} "
        f"GROUP BY f.{day_column}",
        *args,
    )
    return {r["day"]: int(r["n"]) for r in rows}


async def volume_per_day(helpline: Helpline, actor: Any, filters: Any) -> dict[str, list[int]]:
    """{day: [created, solved, reopened]} from the daily rollups when they can answer."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    if f_sql.rollup_ok(actor, filters):
        where, args = f_sql.rollup_where(filters)
        rows = await db.fetch(
            helpline.engine,
            "SELECT d.day AS day, SUM(d.created) AS c, SUM(d.solved) AS s, SUM(d.reopened) AS r "
            f"FROM reports_daily d WHERE {where} GROUP BY d.day",
            *args,
        )
        for r in rows:
            out[r["day"]] = [int(r["c"] or 0), int(r["s"] or 0), int(r["r"] or 0)]
        return out
    for index, column in enumerate(("created_day", "solved_day", "reopened_day")):
        for d, n in (await counts_per_day(helpline, actor, filters, column)).items():
            out[d][index] = n
    return out


async def open_before(helpline: Helpline, actor: Any, filters: Any) -> int:
    """Tickets created before the range and not solved before it (the backlog it starts with)."""
    start = filters.start.isoformat()
    if f_sql.rollup_ok(actor, filters):
        where, args = f_sql.rollup_where(filters)
        where = where.replace("d.day BETWEEN {} AND {}", "d.day < {}")
        value = await db.fetchval(
            helpline.engine,
            "SELECT COALESCE(SUM(d.created), 0) - COALESCE(SUM(d.solved), 0) AS n "
            f"FROM reports_daily d WHERE {where}",
            start,
            *args[2:],
        )
        return int(value or 0)
    parts, args = f_sql.dimension_where(actor, filters)
    extra = "".join(f" AND {p}" for p in parts)
    value = await db.fetchval(
        helpline.engine,
        "SELECT COUNT(*) AS n FROM reports_ticket f WHERE f.created_day < {} "
        f"AND (f.solved_day IS NULL OR f.solved_day >= {{}}){extra}",
        start,
        start,
        *args,
    )
    return int(value or 0)


async def values(
    helpline: Helpline,
    actor: Any,
    filters: Any,
    columns: list[str],
    day_column: str,
    group_by: str | None = None,
    not_null: str | None = None,
) -> list[dict[str, Any]]:
    """Rows of `columns` (plus `grp`) for tickets whose `day_column` is in the range."""
    group, join = _group(group_by, f"f.{day_column}")
    where, args = f_sql.where(actor, filters, f"f.{day_column}")
    if not_null:
        where += f" AND f.{not_null} IS NOT NULL"
    cols = ", ".join(f"f.{c} AS {c}" for c in columns)
    return await db.fetch(
        helpline.engine,
        f"SELECT {group} AS grp, {cols} FROM reports_ticket f{join} WHERE {where}",
        *args,
    )


async def labels(helpline: Helpline, group_by: str | None, keys: list[Any]) -> dict[Any, str]:
    """Readable names of group keys (team, agent and organization ids)."""
    tables = {"team": "team", "agent": "users", "organization": "organization"}
    ids = [k for k in keys if isinstance(k, int)]
    found: dict[Any, str] = {None: "(none)"}
    if group_by in tables and ids:
        rows = await db.fetch(
            helpline.engine,
            f"SELECT id, name FROM {tables[group_by]} WHERE id IN ("
            + ", ".join("{}" for _ in ids)
            + ")",
            *ids,
        )
        found.update({r["id"]: r["name"] for r in rows})
    return {k: found.get(k, str(k)) for k in keys}
