"""Running reports: the built-in ones and those other plugins contribute (``report_metrics``)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from helpline.errors import Forbidden, NotFound
from helpline.runtime import Helpline
from helpline_reports import queries as q
from helpline_reports.metrics import REPORTS, Filters, Report, ReportSpec

VIEW = "reports.view"
log = logging.getLogger(__name__)


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
            if name in REPORTS or name in found:
                log.warning("report %r offered by a plugin is left out: the name is taken", name)
                continue
            if not callable(spec.get("run")):
                log.warning("report %r offered by a plugin is left out: no `run`", name)
                continue
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
    current, previous = await both_periods(helpline, BUILDERS[name], actor, filters)
    current.label = spec.label
    current.previous = previous.totals
    return current


async def both_periods(helpline: Helpline, build: Any, actor: Any, filters: Filters) -> tuple:
    """`build` for the range and for the previous period, side by side on separate connections
    (halving the wait on both backends) unless a transaction is open, whose one connection
    cannot serve two queries at once."""
    now, before = await q.together(
        helpline, build(helpline, actor, filters), build(helpline, actor, filters.previous())
    )
    return now, before


async def _run_contributed(
    helpline: Helpline, actor: Any, name: str, spec: dict[str, Any], filters: Filters
) -> Report:
    async def once(f: Filters) -> dict[str, Any]:
        return await spec["run"](helpline=helpline, actor=actor, filters=f) or {}

    async def run_once(_: Helpline, __: Any, f: Filters) -> dict[str, Any]:
        return await once(f)

    now, before = await both_periods(helpline, run_once, actor, filters)
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
    rows = [[d.isoformat(), *per_day[d.isoformat()][:3]] for d in days]
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
        created, solved, reopened, merged = per_day[d.isoformat()]
        level += created - solved - merged + reopened
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


def _business(column: str, business: str) -> str:
    """Business minutes where a calendar applied, else calendar minutes."""
    return f'COALESCE("ticket".{business}, "ticket".{column})'


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
    worked = _business(calendar, business)
    plain = f'"ticket".{calendar}'
    if await q.has_business_minutes(helpline):
        (by_group, every), (by_group_worked, every_worked) = await q.together(
            helpline,
            q.stats(helpline, actor, filters, plain, day_column, group_by),
            q.stats(helpline, actor, filters, worked, day_column, group_by),
        )
    else:  # business figures are the calendar ones
        by_group, every = await q.stats(helpline, actor, filters, plain, day_column, group_by)
        by_group_worked, every_worked = by_group, every
    names = await q.labels(helpline, group_by, list(by_group))
    empty = q.Stats()
    table = [
        [
            names[k],
            s.count,
            s.median,
            s.p90,
            by_group_worked.get(k, empty).median,
            by_group_worked.get(k, empty).p90,
        ]
        for k, s in sorted(by_group.items(), key=lambda kv: str(names[kv[0]]))
    ]
    totals = {"tickets": float(every.count)}
    for key, value in (
        ("median", every.median),
        ("p90", every.p90),
        ("business_median", every_worked.median),
        ("business_p90", every_worked.p90),
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
    column = '"ticket".agent_replies'
    groups, every = await q.stats(helpline, actor, filters, column, "solved_day", group_by)
    names = await q.labels(helpline, group_by, list(groups))

    def line(s: q.Stats) -> list[Any]:
        return [s.count, s.mean, s.median, s.p90]

    table = [
        [names[k], *line(s)] for k, s in sorted(groups.items(), key=lambda kv: str(names[kv[0]]))
    ]
    totals = dict(zip(("tickets", "mean", "median", "p90"), line(every), strict=True))
    return Report(
        name="replies",
        label="",
        columns=[group_by, "tickets", "mean", "median", "p90"],
        rows=table,
        totals={k: float(v) for k, v in totals.items() if v is not None},
    )


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


async def one_touch(helpline: Helpline, actor: Any, filters: Filters) -> Report:
    group_by = filters.group_by or REPORTS["one_touch"].group_by
    groups = await q.group_counts(helpline, actor, filters, "solved_day", group_by, ("one_touch",))
    names = await q.labels(helpline, group_by, list(groups))
    table = [
        [names[k], s, t, rate(t, s)]
        for k, (s, t) in sorted(groups.items(), key=lambda kv: str(names[kv[0]]))
    ]
    if group_by == "tag":  # a ticket with two tags sits in two rows: count it once in totals
        groups = await q.group_counts(helpline, actor, filters, "solved_day", None, ("one_touch",))
    solved = sum(s for s, _ in groups.values())
    touched = sum(t for _, t in groups.values())
    totals = {"solved": float(solved), "one_touch": float(touched)}
    if solved:
        totals["rate"] = float(rate(touched, solved) or 0)
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
