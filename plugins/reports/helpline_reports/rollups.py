"""Daily rollups (reports_daily) and the full rebuild of facts and rollups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpline import db
from helpline.runtime import Helpline
from helpline_reports import facts as facts_module

Key = tuple[str, int, str, str, str]
Delta = dict[Key, list[int]]

_KINDS = (("created_day", 0), ("solved_day", 1), ("reopened_day", 2))


def contributions(rows: list[dict[str, Any]], sign: int = 1, into: Delta | None = None) -> Delta:
    """Add (sign=1) or remove (sign=-1) what the fact rows count in the daily rollup."""
    delta: Delta = {} if into is None else into
    for r in rows:
        for column, index in _KINDS:
            if r[column] is None:
                continue
            key = (r[column], r["team_id"] or 0, r["channel"], r["priority"], r["type"])
            values = delta.setdefault(key, [0, 0, 0])
            values[index] += sign
    return delta


async def apply(helpline: Helpline, delta: Delta) -> None:
    changes = [(k, v) for k, v in delta.items() if any(v)]
    for start in range(0, len(changes), 200):
        chunk = changes[start : start + 200]
        await db.fetch(
            helpline.engine,
            "INSERT INTO reports_daily (day, team_id, channel, priority, type, created, solved, "
            "reopened) VALUES "
            + ", ".join("({}, {}, {}, {}, {}, {}, {}, {})" for _ in chunk)
            + " ON CONFLICT (day, team_id, channel, priority, type) DO UPDATE SET "
            "created = reports_daily.created + excluded.created, "
            "solved = reports_daily.solved + excluded.solved, "
            "reopened = reports_daily.reopened + excluded.reopened",
            *[x for key, values in chunk for x in (*key, *values)],
        )


async def rebuild_daily(helpline: Helpline) -> None:
    """Recount reports_daily from reports_ticket."""
    dims = "COALESCE(team_id, 0) AS team_id, channel, priority, type"
    await db.fetch(helpline.engine, "DELETE FROM reports_daily")
    await db.fetch(
        helpline.engine,
        "INSERT INTO reports_daily (day, team_id, channel, priority, type, created, solved, "
        "reopened) SELECT day, team_id, channel, priority, type, SUM(c), SUM(s), SUM(r) FROM ("
        f"SELECT created_day AS day, {dims}, 1 AS c, 0 AS s, 0 AS r FROM reports_ticket "
        f"UNION ALL SELECT solved_day, {dims}, 0, 1, 0 FROM reports_ticket "
        "WHERE solved_day IS NOT NULL "
        f"UNION ALL SELECT reopened_day, {dims}, 0, 0, 1 FROM reports_ticket "
        "WHERE reopened_day IS NOT NULL"
        ") AS x "
        "GROUP BY day, team_id, channel, priority, type",
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
            computed = await facts_module.compute(helpline, ids)
            await facts_module.write(helpline, ids, computed)
        done += len(ids)
        after = ids[-1]
        if progress:
            progress(done)
    async with helpline.transaction():
        await rebuild_daily(helpline)
    return done
