"""SQL over the facts, transitions and rollups: counts per day, statistics per group, labels.

Every query reads the facts as `reports_ticket AS "ticket"` (and the transitions as
`reports_transition AS "ticket"`), so the conditions of
:func:`helpline_reports.filters.ticket_conditions` (the viewer's visibility included) apply to
them as they would to the ticket table. Medians and 90th percentiles come from histograms the
database aggregates (one row per group and whole minute), so a million tickets never travel to
Python, and both backends run the same SQL and give the same numbers.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable
from typing import Any

import msgspec

from helpline import db
from helpline.runtime import Helpline
from helpline_reports import filters as f_sql
from helpline_reports.tables import KINDS

FACTS = 'reports_ticket "ticket"'
MOVES = 'reports_transition "ticket"'


async def together(helpline: Helpline, *queries: Awaitable[Any]) -> list[Any]:
    """Await `queries` side by side, each on its own connection (the database works on several
    cores), unless a transaction is open: its one connection takes one query at a time."""
    if helpline.engine.current_transaction.get() is not None:
        return [await query for query in queries]
    return list(await asyncio.gather(*queries))


class Stats(msgspec.Struct, frozen=True):
    """Count, mean, median and 90th percentile of a set of values (None when empty)."""

    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None


def _whole(helpline: Helpline, expression: str) -> str:
    """`expression` rounded to a whole number, halves up, alike on both backends."""
    if helpline.is_postgres:
        return f"CAST(FLOOR({expression} + 0.5) AS INTEGER)"
    return f"CAST({expression} + 0.5 AS INTEGER)"  # SQLite's CAST truncates (values are >= 0)


Histogram = dict[int, int]  # whole value -> how many


def _at_rank(ranked: list[tuple[int, int]], rank: int) -> int:
    seen = 0
    for value, count in ranked:
        seen += count
        if rank < seen:
            return value
    return ranked[-1][0]


def summarize(histogram: Histogram, total: float) -> Stats:
    """Count, mean (of the exact values, whose sum is `total`), median and p90 (of the whole
    values, interpolated between closest ranks) from a histogram."""
    n = sum(histogram.values())
    if not n:
        return Stats()
    ranked = sorted(histogram.items())

    def percentile_of(tenths: int) -> float:
        low, rest = divmod((n - 1) * tenths, 10)
        value = _at_rank(ranked, low)
        if rest:
            value += (_at_rank(ranked, low + 1) - value) * rest / 10
        return round(value, 2)

    return Stats(count=n, mean=round(total / n, 2), median=percentile_of(5), p90=percentile_of(9))


async def histograms(
    helpline: Helpline,
    actor: Any,
    filters: Any,
    expression: str,
    day_column: str,
    group_by: str | None = None,
) -> dict[Any, tuple[Histogram, float]]:
    """{group: (histogram of `expression` rounded to whole numbers, sum of the exact values)}
    for the tickets whose `day_column` is in the range; group_by None: one group keyed None.

    One aggregate query: the database returns at most one row per group and distinct whole value
    (a few thousand for durations in minutes), never one row per ticket."""
    if group_by is None:
        group, join = "NULL", ""
    else:
        group, join = f_sql.group_expression(group_by, f'"ticket".{day_column}', filters)
    where, args = f_sql.where(actor, filters, f'"ticket".{day_column}')
    whole = _whole(helpline, expression)
    grouping = f"{group}, {whole}" if group_by is not None else whole
    rows = await db.fetch(
        helpline.engine,
        f"SELECT {group} AS grp, {whole} AS v, COUNT(*) AS c, SUM({expression}) AS s "
        f"FROM {FACTS}{join} WHERE {where} AND {expression} IS NOT NULL GROUP BY {grouping}",
        *args,
    )
    out: dict[Any, tuple[Histogram, float]] = {}
    for r in rows:
        histogram, total = out.get(r["grp"], ({}, 0.0))
        histogram[int(r["v"])] = histogram.get(int(r["v"]), 0) + int(r["c"])
        out[r["grp"]] = (histogram, total + float(r["s"]))
    return out


async def stats(
    helpline: Helpline,
    actor: Any,
    filters: Any,
    expression: str,
    day_column: str,
    group_by: str | None = None,
) -> tuple[dict[Any, Stats], Stats]:
    """({group: Stats}, Stats of every ticket) of `expression` over the tickets whose
    `day_column` is in the range. Medians and p90 are of the values rounded to whole numbers
    (durations: whole minutes); means are exact."""
    found = await histograms(helpline, actor, filters, expression, day_column, group_by)
    groups = {key: summarize(h, total) for key, (h, total) in found.items()}
    if group_by == "tag":  # a ticket sits under each of its tags: count it once overall
        every = await histograms(helpline, actor, filters, expression, day_column)
        return groups, summarize(*every.get(None, ({}, 0.0)))
    merged: Histogram = {}
    for histogram, _ in found.values():
        for value, count in histogram.items():
            merged[value] = merged.get(value, 0) + count
    return groups, summarize(merged, sum(total for _, total in found.values()))


async def has_business_minutes(helpline: Helpline) -> bool:
    """Whether any ticket has business minutes (a partial index answers at once)."""
    found = await db.fetch(
        helpline.engine,
        "SELECT id FROM reports_ticket WHERE first_response_business IS NOT NULL "
        "OR resolution_business IS NOT NULL LIMIT 1",
    )
    return bool(found)


async def group_counts(
    helpline: Helpline,
    actor: Any,
    filters: Any,
    day_column: str,
    group_by: str | None,
    sums: tuple[str, ...] = (),
) -> dict[Any, list[int]]:
    """{group: [tickets, SUM(each of `sums`)...]} for the tickets whose `day_column` is in range
    (group_by None: one group, keyed None)."""
    if group_by is None:
        group, join, grouping = "NULL", "", ""
    else:
        group, join = f_sql.group_expression(group_by, f'"ticket".{day_column}', filters)
        grouping = f" GROUP BY {group}"
    where, args = f_sql.where(actor, filters, f'"ticket".{day_column}')
    extra = "".join(f', SUM("ticket".{c}) AS s{i}' for i, c in enumerate(sums))
    rows = await db.fetch(
        helpline.engine,
        f"SELECT {group} AS grp, COUNT(*) AS n{extra} FROM {FACTS}{join} WHERE {where}{grouping}",
        *args,
    )
    return {
        r["grp"]: [int(r["n"]), *(int(r[f"s{i}"] or 0) for i in range(len(sums)))] for r in rows
    }


async def transition_counts(
    helpline: Helpline, actor: Any, filters: Any, group_by: str | None
) -> dict[Any, dict[str, int]]:
    """{group: {kind: transitions in the range}} (group "day": the day of the transition;
    group_by None: one group keyed None, each transition counted once)."""
    if group_by is None:
        group, join = "NULL", ""
    else:
        group, join = f_sql.group_expression(group_by, '"ticket".day', filters)
    parts, args = f_sql.ticket_conditions(actor, filters)
    extra = "".join(f" AND {p}" for p in parts)
    grouping = '"ticket".kind' if group_by is None else f'{group}, "ticket".kind'
    rows = await db.fetch(
        helpline.engine,
        f'SELECT {group} AS grp, "ticket".kind AS kind, COUNT(*) AS n FROM {MOVES}{join} '
        f'WHERE "ticket".day BETWEEN {{}} AND {{}}{extra} GROUP BY {grouping}',
        filters.start.isoformat(),
        filters.end.isoformat(),
        *args,
    )
    out: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for r in rows:
        out[r["grp"]][r["kind"]] = int(r["n"])
    return out


async def volume_per_day(helpline: Helpline, actor: Any, filters: Any) -> dict[str, list[int]]:
    """{day: [created, solved, reopened, merged]}, from the daily rollups when they can answer."""
    out: dict[str, list[int]] = defaultdict(lambda: [0] * (1 + len(KINDS)))
    if f_sql.rollup_ok(actor, filters):
        where, args = f_sql.rollup_where(filters)
        sums = ", ".join(f"SUM(d.{c}) AS {c}" for c in ("created", *KINDS))
        rows = await db.fetch(
            helpline.engine,
            f"SELECT d.day AS day, {sums} FROM reports_daily d WHERE {where} GROUP BY d.day",
            *args,
        )
        for r in rows:
            out[r["day"]] = [int(r[c] or 0) for c in ("created", *KINDS)]
        return out
    for d, (n,) in (await group_counts(helpline, actor, filters, "created_day", "day")).items():
        out[d][0] = n
    for d, kinds in (await transition_counts(helpline, actor, filters, "day")).items():
        out[d][1:] = [kinds[k] for k in KINDS]
    return out


async def open_before(helpline: Helpline, actor: Any, filters: Any) -> int:
    """Tickets unsolved when the range starts: created before it, minus solves and merges, plus
    reopens before it."""
    start = filters.start.isoformat()
    if f_sql.rollup_ok(actor, filters):
        where, args = f_sql.rollup_where(filters)
        where = where.replace("d.day BETWEEN {} AND {}", "d.day < {}")
        value = await db.fetchval(
            helpline.engine,
            "SELECT COALESCE(SUM(d.created - d.solved - d.merged + d.reopened), 0) AS n "
            f"FROM reports_daily d WHERE {where}",
            start,
            *args[2:],
        )
        return int(value or 0)
    parts, args = f_sql.ticket_conditions(actor, filters)
    extra = "".join(f" AND {p}" for p in parts)
    created = await db.fetchval(
        helpline.engine,
        f'SELECT COUNT(*) AS n FROM {FACTS} WHERE "ticket".created_day < {{}}{extra}',
        start,
        *args,
    )
    moved = await db.fetchval(
        helpline.engine,
        "SELECT COALESCE(SUM(CASE WHEN \"ticket\".kind = 'reopened' THEN 1 ELSE -1 END), 0) "
        f'AS n FROM {MOVES} WHERE "ticket".day < {{}}{extra}',
        start,
        *args,
    )
    return int(created or 0) + int(moved or 0)


async def labels(helpline: Helpline, group_by: str | None, keys: list[Any]) -> dict[Any, str]:
    """Readable names of group keys (team, agent and organization ids; contributed
    dimensions name theirs)."""
    from helpline_reports.metrics import GROUP_BY

    if group_by is not None and group_by not in GROUP_BY:
        from helpline_reports.dimensions import labels as dimension_labels

        return await dimension_labels(helpline, group_by, keys)
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
