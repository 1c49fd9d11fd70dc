"""How a Report reads on a page: charts with data tables, totals against the previous period."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from helpline_reports.charts import Chart, Kind, figure, from_series, number
from helpline_reports.metrics import Report
from helpline_reports.widgets import duration

#: At most this many numeric columns are charted from a table report (the table has them all).
MAX_CHART_COLUMNS = 3


#: Words that mark a column as a statistic (minutes…) rather than a count of tickets.
STATS = ("median", "p90", "mean", "average")
#: Names (or last words of names) of columns that are percentages: "compliance_pct",
#: "response_rate", "rate". They get a chart of their own on a 0 to 100 % axis, never one axis
#: with counts.
RATE_WORDS = ("pct", "rate", "percent")
PERCENT_AXIS = (0.0, 100.0)
WORDS = {"frt": "first response", "p90": "90th percentile"}


def _label(name: str) -> str:
    return " ".join(WORDS.get(word, word) for word in name.split("_")).capitalize()


#: Reports whose statistics are minutes (their "tickets" column is a count).
MINUTE_REPORTS = ("first_response", "resolution")
#: Columns and totals that are minutes or percentages in any report.
MINUTE_NAMES = ("frt_median", "resolution_median")


def is_rate(name: str) -> bool:
    """A percentage: named "pct", "rate" or "percent", or ending in "_pct", "_rate"…"""
    lowered = name.lower()
    return lowered in RATE_WORDS or lowered.endswith(tuple(f"_{w}" for w in RATE_WORDS))


def unit(report: Report, name: str) -> str:
    """ " min" for minutes, "%" for rates, "" for counts and anything unknown."""
    if is_rate(name):
        return "%"
    statistic = any(word in name for word in ("median", "p90", "mean", "average"))
    if name in MINUTE_NAMES or (report.name in MINUTE_REPORTS and statistic):
        return " min"
    return ""


def _chart_columns(report: Report) -> list[int]:
    """Columns of one kind, so one axis fits them: counts if there are several, else statistics
    (calendar-time ones when business-time ones stand beside them: the table has those).
    Rates are left to a chart of their own (`_rate_columns`)."""
    numeric = [i for i in _numeric_columns(report) if not is_rate(report.columns[i])]
    stats = [i for i in numeric if any(w in report.columns[i].lower() for w in STATS)]
    counts = [i for i in numeric if i not in stats]
    chosen = counts if len(counts) >= 2 or not stats else stats
    calendar = [i for i in chosen if "business" not in report.columns[i].lower()]
    return (calendar or chosen)[:MAX_CHART_COLUMNS]


def _rate_columns(report: Report) -> list[int]:
    return [i for i in _numeric_columns(report) if is_rate(report.columns[i])][:MAX_CHART_COLUMNS]


def _numeric_columns(report: Report) -> list[int]:
    found = []
    for index in range(1, len(report.columns)):
        values = [row[index] for row in report.rows if index < len(row)]
        if values and all(isinstance(v, int | float) or v is None for v in values):
            if any(isinstance(v, int | float) for v in values):
                found.append(index)
    return found


def figures(report: Report, kind: str = "") -> list[Markup]:
    """The report's chart(s), each with a table of the same numbers.

    `kind` "bar" draws per-day series as bars. Stacking only means something where the parts
    add up to a whole (volume split by a group over time, drawn by the page); the figures of
    one report overlap (created, solved, reopened…; median under p90), so they are never
    stacked, and figures per group are always bars side by side. Percentages are never drawn
    on the axis of counts: they get their own chart, on a 0 to 100 % axis."""
    out = []
    if report.series:
        chart_kind: Kind = "bar" if kind == "bar" else "line"
        counts = {n: p for n, p in report.series.items() if not is_rate(n)}
        rates = {n: p for n, p in report.series.items() if is_rate(n)}
        for part, percent in ((counts, False), (rates, True)):
            if not part:
                continue
            title = f"{report.label} (%)" if percent and counts else report.label
            chart = from_series(
                title,
                {_label(name): points for name, points in part.items()},
                chart_kind,
                x_title="Day",
                **({"unit": "%", "y_range": PERCENT_AXIS} if percent else {}),
            )
            out.append(figure(chart))
    by_day = bool(report.columns) and report.columns[0] == "day"
    if report.rows and not (report.series and by_day):
        columns, rates = _chart_columns(report), _rate_columns(report)
        title = f"{report.label} by {report.columns[0].replace('_', ' ')}"
        if columns:
            out.append(_bar_figure(report, columns, title, _shared_unit(report, columns)))
        if rates:
            title = f"{title} (%)" if columns else title
            out.append(_bar_figure(report, rates, title, "%", PERCENT_AXIS))
    return out


def _bar_figure(
    report: Report,
    columns: list[int],
    title: str,
    unit: str,
    y_range: tuple[float, float] | None = None,
) -> Markup:
    chart = Chart(
        kind="bar",
        title=title,
        x=[str(row[0]) if row[0] is not None else "—" for row in report.rows],
        series={
            _label(report.columns[i]): [float(row[i] or 0) for row in report.rows] for i in columns
        },
        x_title=_label(report.columns[0]),
        unit=unit,
        y_range=y_range,
    )
    return figure(chart)


def _shared_unit(report: Report, columns: list[int]) -> str:
    units = {unit(report, report.columns[i]) for i in columns}
    return units.pop() if len(units) == 1 else ""


def full_table(report: Report) -> bool:
    """The whole table, unless the charts' own data tables already show exactly the same
    numbers: a per-day table whose every column is a series with the same values repeats the
    series chart's; a table whose every figure is charted (with no gaps, which a chart would
    draw as 0) repeats the bar charts'. A per-day table with columns of its own (a survey's
    sent and answered beside its CSAT % series) is shown."""
    if not report.rows:
        return False
    if report.series and report.columns[:1] == ["day"]:
        return not _repeats_series(report)
    charted = _chart_columns(report) + _rate_columns(report)
    gaps = any(row[i] is None for row in report.rows for i in charted if i < len(row))
    return gaps or len(charted) < len(report.columns) - 1


def _repeats_series(report: Report) -> bool:
    """Every cell of the per-day table is a point of the series charts, with the same value."""
    points = {name: {str(day): v for day, v in found} for name, found in report.series.items()}
    for row in report.rows:
        if len(row) != len(report.columns):
            return False
        for name, value in zip(report.columns[1:], row[1:], strict=True):
            if value is None or name not in points or points[name].get(str(row[0])) != value:
                return False
    return True


def headers(report: Report) -> list[str]:
    """Column headings of the full table, with the unit of the figures: "Median (min)"."""
    out = []
    for name in report.columns:
        suffix = unit(report, name).strip()
        label = name.replace("_", " ").capitalize()
        out.append(f"{label} ({suffix})" if suffix else label)
    return out


def cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    return "—" if value is None else str(value)


def _figure(value: float | None, suffix: str) -> str:
    """A total as a card shows it: minutes read as a duration ("2 h 15 min")."""
    return duration(value) if suffix == " min" else number(value, suffix)


def totals(report: Report) -> list[dict[str, Any]]:
    """Each total with the previous period's and the change: ▲/▼ and a percentage."""
    out = []
    for name, value in report.totals.items():
        before = report.previous.get(name)
        item: dict[str, Any] = {
            "name": name,
            "label": _label(name),
            "value": _figure(value, unit(report, name)),
            "previous": _figure(before, unit(report, name)) if before is not None else None,
            "arrow": "",
            "change": "",
            "direction": "same",
        }
        if before is not None and value is not None:
            if value > before:
                item["arrow"], item["direction"] = "▲", "up"
            elif value < before:
                item["arrow"], item["direction"] = "▼", "down"
            if before:
                item["change"] = f"{abs(value - before) / abs(before) * 100:.0f}%"
            elif value:
                item["change"] = "new"
            else:
                item["change"] = "0%"
        out.append(item)
    return out
