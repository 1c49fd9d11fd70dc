"""The breakdown report: the main figures side by side, one row per group."""

from __future__ import annotations

from typing import Any

from helpline.runtime import Helpline
from helpline_reports import queries as q
from helpline_reports.metrics import REPORTS, Report


async def _figures(
    helpline: Helpline, actor: Any, filters: Any, group_by: str | None
) -> dict[Any, dict[str, Any]]:
    """{group: figures}; group_by None gives one group (keyed None) counting each ticket once."""
    created = await q.group_counts(helpline, actor, filters, "created_day", group_by)
    solved = await q.group_counts(helpline, actor, filters, "solved_day", group_by, ("one_touch",))
    moves = await q.transition_counts(helpline, actor, filters, group_by)
    if group_by is None:
        moves = {None: {k: sum(m[k] for m in moves.values()) for k in ("solved", "reopened")}}
    frt, frt_all = await q.stats(
        helpline, actor, filters, '"ticket".first_response_minutes', "created_day", group_by
    )
    res, res_all = await q.stats(
        helpline, actor, filters, '"ticket".resolution_minutes', "solved_day", group_by
    )
    if group_by is None:
        frt, res = {None: frt_all}, {None: res_all}
    out: dict[Any, dict[str, Any]] = {}
    for key in {*created, *solved, *moves}:
        n_solved, touched = solved.get(key, [0, 0])
        out[key] = {
            "created": created.get(key, [0])[0],
            "solved": moves.get(key, {}).get("solved", 0),
            "reopened": moves.get(key, {}).get("reopened", 0),
            "frt_median": frt[key].median if key in frt else None,
            "resolution_median": res[key].median if key in res else None,
            "one_touch_rate": round(100 * touched / n_solved, 2) if n_solved else None,
        }
    return out


async def breakdown_report(
    helpline: Helpline, actor: Any, filters: Any, columns: tuple[str, ...]
) -> Report:
    group_by = filters.group_by or REPORTS["breakdown"].group_by
    stats = await _figures(helpline, actor, filters, group_by)
    stats = {k: v for k, v in stats.items() if any(v[c] for c in ("created", "solved", "reopened"))}
    names = await q.labels(helpline, group_by, list(stats))
    rows = [
        [names[k], *(s[c] for c in columns)]
        for k, s in sorted(stats.items(), key=lambda kv: str(names[kv[0]]))
    ]
    every = (await _figures(helpline, actor, filters, None)).get(None, {})
    totals = {k: float(v) for k, v in every.items() if k in columns and v is not None}
    return Report(
        name="breakdown", label="", columns=[group_by, *columns], rows=rows, totals=totals
    )
