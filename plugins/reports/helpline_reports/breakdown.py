"""The breakdown report: the main figures side by side, one row per group."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from helpline.runtime import Helpline
from helpline_reports import queries as q
from helpline_reports.metrics import REPORTS, Report


async def breakdown_report(
    helpline: Helpline, actor: Any, filters: Any, columns: tuple[str, ...]
) -> Report:
    group_by = filters.group_by or REPORTS["breakdown"].group_by
    created = await q.values(
        helpline, actor, filters, ["first_response_minutes"], "created_day", group_by
    )
    solved = await q.values(
        helpline, actor, filters, ["resolution_minutes", "one_touch"], "solved_day", group_by
    )
    reopened = await q.values(helpline, actor, filters, ["reopens"], "reopened_day", group_by)
    stats: dict[Any, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in created:
        stats[r["grp"]]["created"].append(1)
        if r["first_response_minutes"] is not None:
            stats[r["grp"]]["frt"].append(float(r["first_response_minutes"]))
    for r in solved:
        stats[r["grp"]]["solved"].append(1)
        stats[r["grp"]]["touch"].append(int(r["one_touch"]))
        if r["resolution_minutes"] is not None:
            stats[r["grp"]]["res"].append(float(r["resolution_minutes"]))
    for r in reopened:
        stats[r["grp"]]["reopened"].append(1)

    def figures(s: dict[str, list[float]]) -> dict[str, Any]:
        touch = s["touch"]
        return {
            "created": len(s["created"]),
            "solved": len(s["solved"]),
            "reopened": len(s["reopened"]),
            "frt_median": q.percentile(s["frt"], 0.5),
            "resolution_median": q.percentile(s["res"], 0.5),
            "one_touch_rate": round(100 * sum(touch) / len(touch), 2) if touch else None,
        }

    names = await q.labels(helpline, group_by, list(stats))
    rows = [
        [names[k], *(figures(s)[c] for c in columns)]
        for k, s in sorted(stats.items(), key=lambda kv: str(names[kv[0]]))
    ]
    everything: dict[str, list[float]] = defaultdict(list)
    for s in stats.values():
        for key, values in s.items():
            everything[key].extend(values)
    totals = {k: float(v) for k, v in figures(everything).items() if k in columns and v is not None}
    return Report(
        name="breakdown", label="", columns=[group_by, *columns], rows=rows, totals=totals
    )
