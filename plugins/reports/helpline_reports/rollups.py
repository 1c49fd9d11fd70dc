"""Daily rollups (reports_daily) and the full rebuild of facts and rollups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpline import db
from helpline.runtime import Helpline
from helpline_reports import facts as facts_module
from helpline_reports.tables import DAILY_VALUES, KINDS

Key = tuple[str, int, str, str, str]
Delta = dict[Key, list[int]]

#: Index of each transition kind in a reports_daily value list (0 is "created").
_INDEX = {kind: i + 1 for i, kind in enumerate(KINDS)}


def contributions(
    facts: list[dict[str, Any]],
    transitions: list[tuple[int, str, str]],
    sign: int = 1,
    into: Delta | None = None,
) -> Delta:
    """Add (sign=1) or remove (sign=-1) what fact rows and their transitions count in the daily
    rollup. Transitions are counted under their ticket's dimensions (from `facts`)."""
    delta: Delta = {} if into is None else into
    dims = {}
    for r in facts:
        dims[r["id"]] = (r["team"] or 0, r["channel"], r["priority"], r["type"])
        delta.setdefault((r["created_day"], *dims[r["id"]]), [0] * len(DAILY_VALUES))[0] += sign
    for ticket, day, kind in transitions:
        if ticket in dims:
            values = delta.setdefault((day, *dims[ticket]), [0] * len(DAILY_VALUES))
            values[_INDEX[kind]] += sign
    return delta


async def apply(helpline: Helpline, delta: Delta) -> None:
    changes = [(k, v) for k, v in delta.items() if any(v)]
    columns = ", ".join(DAILY_VALUES)
    updates = ", ".join(f"{c} = reports_daily.{c} + excluded.{c}" for c in DAILY_VALUES)
    row = "(" + ", ".join("{}" for _ in range(5 + len(DAILY_VALUES))) + ")"
    for start in range(0, len(changes), 200):
        chunk = changes[start : start + 200]
        await db.fetch(
            helpline.engine,
            f"INSERT INTO reports_daily (day, team_id, channel, priority, type, {columns}) VALUES "
            + ", ".join(row for _ in chunk)
            + f" ON CONFLICT (day, team_id, channel, priority, type) DO UPDATE SET {updates}",
            *[x for key, values in chunk for x in (*key, *values)],
        )


async def rebuild_daily(helpline: Helpline) -> None:
    """Recount reports_daily from reports_ticket and reports_transition."""
    dims = "COALESCE(team, 0) AS team_id, channel, priority, type"
    zero = {v: "0" for v in DAILY_VALUES}

    def counts(kind: str) -> str:
        return ", ".join(f"1 AS {v}" if v == kind else f"0 AS {v}" for v in zero)

    moves = " ".join(
        f"UNION ALL SELECT day, {dims}, {counts(kind)} FROM reports_transition "
        f"WHERE kind = '{kind}'"
        for kind in KINDS
    )
    sums = ", ".join(f"SUM({v})" for v in DAILY_VALUES)
    await db.fetch(helpline.engine, "DELETE FROM reports_daily")
    await db.fetch(
        helpline.engine,
        f"INSERT INTO reports_daily (day, team_id, channel, priority, type, "
        f"{', '.join(DAILY_VALUES)}) SELECT day, team_id, channel, priority, type, {sums} FROM ("
        f"SELECT created_day AS day, {dims}, {counts('created')} "
        f"FROM reports_ticket {moves}"
        ") AS x GROUP BY day, team_id, channel, priority, type",
    )


async def rebuild(
    helpline: Helpline,
    *,
    first: int | None = None,
    last: int | None = None,
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute the facts of every ticket (or of ticket numbers first..last) in batches, each
    in its own transaction, then recount the daily rollups. Returns the number of tickets."""
    done, after = 0, 0
    where, args = "", []
    if first is not None and last is not None:
        where, args = " AND number BETWEEN {} AND {}", [first, last]
    elif first is None and last is None:
        await db.fetch(helpline.engine, "DELETE FROM reports_transition")
        await db.fetch(helpline.engine, "DELETE FROM reports_ticket")
    while True:
        rows = await db.fetch(
            helpline.engine,
            "SELECT id FROM ticket WHERE id > {}" + where + " ORDER BY id LIMIT {}",
            after,
            *args,
            batch,
        )
        if not rows:
            break
        ids = [r["id"] for r in rows]
        async with helpline.transaction():
            computed, moves = await facts_module.compute(helpline, ids)
            await facts_module.write(helpline, ids, computed, moves, replace=bool(where))
        done += len(ids)
        after = ids[-1]
        if progress:
            progress(done)
    async with helpline.transaction():
        await rebuild_daily(helpline)
    if helpline.is_postgres:  # fresh statistics, so the planner knows the tables' new sizes
        for table in ("reports_ticket", "reports_transition", "reports_daily"):
            await db.fetch(helpline.engine, f"ANALYZE {table}")
    return done
