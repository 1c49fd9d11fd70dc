"""Running reports: the built-in ones and those other plugins contribute (``report_metrics``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from helpline.errors import Forbidden, NotFound
from helpline.runtime import Helpline
from helpline_reports import queries as q
from helpline_reports.metrics import REPORTS, Filters, Report, ReportSpec

VIEW = "reports.view"


def check(actor: Any) -> None:
    if not (actor.staff and actor.active and actor.can(VIEW)):
        raise Forbidden("you may not see reports")


async def contributed(helpline: Helpline) -> dict[str, dict[str, Any]]:
    """Reports other plugins offer through ``report_metrics`` (name → dict with label,
    description, kind, group_by and ``run``)."""
    found: dict[str, dict[str, Any]] = {}
    try:
        results = await helpline.hook("report_metrics", helpline=helpline)
    except AttributeError:
        return found
    for result in results:
        for name, spec in (result or {}).items():
            if name not in REPORTS and callable(spec.get("run")):
                found[name] = spec
    return found


async def available(helpline: Helpline) -> dict[str, ReportSpec]:
    """Every report: the built-in ones, then the contributed ones."""
    out = dict(REPORTS)
    for name, spec in (await contributed(helpline)).items():
        out[name] = ReportSpec(
            name=name,
            label=spec.get("label", name),
            description=spec.get("description", ""),
            kind=spec.get("kind", "table"),
            group_by=spec.get("group_by", "day"),
        )
    return out


def _days(filters: Filters) -> list[date]:
    return [filters.start + timedelta(days=i) for i in range(filters.days)]


async def run(helpline: Helpline, actor: Any, name: str, filters: Filters) -> Report:
    check(actor)
    spec = REPORTS.get(name)
    if spec is None:
        extra = (await contributed(helpline)).get(name)
        if extra is None:
            raise NotFound(f"no report named {name!r}")
        return await _run_contributed(helpline, actor, name, extra, filters)
    current = await BUILDERS[name](helpline, actor, filters)
    previous = await BUILDERS[name](helpline, actor, filters.previous())
    current.label = spec.label
    current.previous = previous.totals
    return current


async def _run_contributed(
    helpline: Helpline, actor: Any, name: str, spec: dict[str, Any], filters: Filters
) -> Report:
    async def once(f: Filters) -> dict[str, Any]:
        return await spec["run"](helpline=helpline, actor=actor, filters=f) or {}

    now, before = await once(filters), await once(filters.previous())
    return Report(
        name=name,
        label=spec.get("label", name),
        columns=list(now.get("columns", [])),
        rows=[list(r) for r in now.get("rows", [])],
        series=dict(now.get("series", {})),
        totals=dict(now.get("totals", {})),
        previous=dict(before.get("totals", {})),
    )


async def volume(helpline: Helpline, actor: Any, filters: Filters) -> Report:
    if filters.group_by not in (None, "day"):
        return await breakdown(helpline, actor, filters, columns=("created", "solved", "reopened"))
    per_day = await q.volume_per_day(helpline, actor, filters)
    days = _days(filters)
    series = {
        metric: [(d, float(per_day[d.isoformat()][i])) for d in days]
        for i, metric in enumerate(("created", "solved", "reopened"))
    }
    rows = [[d.isoformat(), *per_day[d.isoformat()]] for d in days]
    totals = {m: float(sum(v for _, v in points)) for m, points in series.items()}
    return Report(
        name="volume",
        label="",
        columns=["day", "created", "solved", "reopened"],
        rows=rows,
        series=series,
        totals=totals,
    )


async def backlog(helpline: Helpline, actor: Any, filters: Filters) -> Report:
    level = await q.open_before(helpline, actor, filters)
    per_day = await q.volume_per_day(helpline, actor, filters)
    points, rows = [], []
    for d in _days(filters):
        created, solved, _ = per_day[d.isoformat()]
        level += created - solved
        points.append((d, float(level)))
        rows.append([d.isoformat(), level])
    return Report(
        name="backlog",
        label="",
        columns=["day", "backlog"],
        rows=rows,
        series={"backlog": points},
        totals={"backlog": float(level)},
    )


def _stats(values: list[float]) -> list[Any]:
    return [len(values), q.percentile(values, 0.5), q.percentile(values, 0.9)]


async def _distribution(
    helpline: Helpline,
    actor: Any,
    filters: Filters,
    name: str,
    calendar: str,
    business: str,
    day_column: str,
) -> Report:
    group_by = filters.group_by or REPORTS[name].group_by
    rows = await q.values(
        helpline, actor, filters, [calendar, business], day_column, group_by, not_null=calendar
    )
    groups: dict[Any, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    everything: tuple[list[float], list[float]] = ([], [])
    for r in rows:
        minutes = float(r[calendar])
        worked = float(r[business]) if r[business] is not None else minutes
        for bucket in (groups[r["grp"]], everything):
            bucket[0].append(minutes)
            bucket[1].append(worked)
    names = await q.labels(helpline, group_by, list(groups))
    table = [
        [names[k], *_stats(cal), *_stats(work)[1:]]
        for k, (cal, work) in sorted(groups.items(), key=lambda kv: str(names[kv[0]]))
    ]
    count, median, p90 = _stats(everything[0])
    _, b_median, b_p90 = _stats(everything[1])
    totals = {"tickets": float(count)}
    for key, value in (
        ("median", median),
        ("p90", p90),
        ("business_median", b_median),
        ("business_p90", b_p90),
    ):
        if value is not None:
            totals[key] = float(value)
    return Report(
        name=name,
        label="",
        columns=[group_by, "tickets", "median", "p90", "business_median", "business_p90"],
        rows=table,
        totals=totals,
    )


async def first_response(helpline: Helpline, actor: Any, filters: Filters) -> Report:
    return await _distribution(
        helpline,
        actor,
        filters,
        "first_response",
        "first_response_minutes",
        "first_response_business",
        "created_day",
    )


async def resolution(helpline: Helpline, actor: Any, filters: Filters) -> Report:
    return await _distribution(
        helpline,
        actor,
        filters,
        "resolution",
        "resolution_minutes",
        "resolution_business",
        "solved_day",
    )


async def replies(helpline: Helpline, actor: Any, filters: Filters) -> Report:
    group_by = filters.group_by or REPORTS["replies"].group_by
    rows = await q.values(helpline, actor, filters, ["agent_replies"], "solved_day", group_by)
    groups: dict[Any, list[float]] = defaultdict(list)
    for r in rows:
        groups[r["grp"]].append(float(r["agent_replies"]))
    every = [v for vs in groups.values() for v in vs]
    names = await q.labels(helpline, group_by, list(groups))

    def line(vs: list[float]) -> list[Any]:
        return [len(vs), round(sum(vs) / len(vs), 2) if vs else None, *_stats(vs)[1:]]

    table = [
        [names[k], *line(v)] for k, v in sorted(groups.items(), key=lambda kv: str(names[kv[0]]))
    ]
    totals = dict(zip(("tickets", "mean", "median", "p90"), line(every), strict=True))
    return Report(
        name="replies",
        label="",
        columns=[group_by, "tickets", "mean", "median", "p90"],
        rows=table,
        totals={k: float(v) for k, v in totals.items() if v is not None},
    )


async def one_touch(helpline: Helpline, actor: Any, filters: Filters) -> Report:
    group_by = filters.group_by or REPORTS["one_touch"].group_by
    rows = await q.values(helpline, actor, filters, ["one_touch"], "solved_day", group_by)
    groups: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        groups[r["grp"]][0] += 1
        groups[r["grp"]][1] += int(r["one_touch"])
    names = await q.labels(helpline, group_by, list(groups))

    def rate(solved: int, touched: int) -> float | None:
        return round(100 * touched / solved, 2) if solved else None

    table = [
        [names[k], s, t, rate(s, t)]
        for k, (s, t) in sorted(groups.items(), key=lambda kv: str(names[kv[0]]))
    ]
    solved = sum(s for s, _ in groups.values())
    touched = sum(t for _, t in groups.values())
    totals = {"solved": float(solved), "one_touch": float(touched)}
    if solved:
        totals["rate"] = float(rate(solved, touched) or 0)
    return Report(
        name="one_touch",
        label="",
        columns=[group_by, "solved", "one_touch", "rate"],
        rows=table,
        totals=totals,
    )


async def breakdown(
    helpline: Helpline,
    actor: Any,
    filters: Filters,
    columns: tuple[str, ...] = (
        "created",
        "solved",
        "reopened",
        "frt_median",
        "resolution_median",
        "one_touch_rate",
    ),
) -> Report:
    from helpline_reports.breakdown import breakdown_report

    return await breakdown_report(helpline, actor, filters, columns)


BUILDERS = {
    "volume": volume,
    "backlog": backlog,
    "first_response": first_response,
    "resolution": resolution,
    "replies": replies,
    "one_touch": one_touch,
    "breakdown": breakdown,
}
