"""The breakdown report: the main figures side by side, one row per group."""

from __future__ import annotations

from typing import Any

from helpline.runtime import Helpline
from helpline_reports import queries as q
from helpline_reports.metrics import REPORTS, Report


def _row(created: int, solved: list[int], moves: dict[str, int], frt: Any, res: Any) -> dict:
    n_solved, touched = solved
    return {
        "created": created,
        "solved": moves.get("solved", 0),
        "reopened": moves.get("reopened", 0),
        "frt_median": frt.median,
        "resolution_median": res.median,
        "one_touch_rate": round(100 * touched / n_solved, 2) if n_solved else None,
    }


async def _figures(
    helpline: Helpline, actor: Any, filters: Any, group_by: str
) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """({group: figures}, figures of every ticket). Totals add the groups up, except by tag,
    where a ticket sits in several groups and the totals are counted on their own."""
    created, solved, moves, (frt, frt_all), (res, res_all) = await q.together(
        helpline,
        q.group_counts(helpline, actor, filters, "created_day", group_by),
        q.group_counts(helpline, actor, filters, "solved_day", group_by, ("one_touch",)),
        q.transition_counts(helpline, actor, filters, group_by),
        q.stats(
            helpline, actor, filters, '"ticket".first_response_minutes', "created_day", group_by
        ),
        q.stats(helpline, actor, filters, '"ticket".resolution_minutes', "solved_day", group_by),
    )
    empty = q.Stats()
    groups = {
        key: _row(
            created.get(key, [0])[0],
            solved.get(key, [0, 0]),
            moves.get(key, {}),
            frt.get(key, empty),
            res.get(key, empty),
        )
        for key in {*created, *solved, *moves}
    }
    if group_by == "tag":
        created = await q.group_counts(helpline, actor, filters, "created_day", None)
        solved = await q.group_counts(helpline, actor, filters, "solved_day", None, ("one_touch",))
        moves = await q.transition_counts(helpline, actor, filters, None)
    total_moves = {k: sum(m.get(k, 0) for m in moves.values()) for k in ("solved", "reopened")}
    every = _row(
        sum(c[0] for c in created.values()),
        [sum(s[0] for s in solved.values()), sum(s[1] for s in solved.values())],
        total_moves,
        frt_all,
        res_all,
    )
    return groups, every


async def breakdown_report(
    helpline: Helpline, actor: Any, filters: Any, columns: tuple[str, ...]
) -> Report:
    group_by = filters.group_by or REPORTS["breakdown"].group_by
    stats, every = await _figures(helpline, actor, filters, group_by)
    stats = {k: v for k, v in stats.items() if any(v[c] for c in ("created", "solved", "reopened"))}
    names = await q.labels(helpline, group_by, list(stats))
    rows = [
        [names[k], *(s[c] for c in columns)]
        for k, s in sorted(stats.items(), key=lambda kv: str(names[kv[0]]))
    ]
    totals = {k: float(v) for k, v in every.items() if k in columns and v is not None}
    return Report(
        name="breakdown", label="", columns=[group_by, *columns], rows=rows, totals=totals
    )
