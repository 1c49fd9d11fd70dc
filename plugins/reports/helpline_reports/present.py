"""How a Report reads on a page: charts with data tables, totals against the previous period."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from helpline_reports.charts import Chart, Kind, figure, from_series, number
from helpline_reports.metrics import Report

#: At most this many numeric columns are charted from a table report (the table has them all).
MAX_CHART_COLUMNS = 3


#: Words that mark a column as a statistic (minutes, rates) rather than a count of tickets.
STATS = ("median", "p90", "mean", "average", "rate")
WORDS = {"frt": "first response", "p90": "90th percentile"}


def _label(name: str) -> str:
    return " ".join(WORDS.get(word, word) for word in name.split("_")).capitalize()


def _chart_columns(report: Report) -> list[int]:
    """Columns of one kind, so one axis fits them: counts if there are several, else statistics."""
    numeric = _numeric_columns(report)
    stats = [i for i in numeric if any(w in report.columns[i].lower() for w in STATS)]
    counts = [i for i in numeric if i not in stats]
    chosen = counts if len(counts) >= 2 or not stats else stats
    return chosen[:MAX_CHART_COLUMNS]


def _numeric_columns(report: Report) -> list[int]:
    found = []
    for index in range(1, len(report.columns)):
        values = [row[index] for row in report.rows if index < len(row)]
        if values and all(isinstance(v, int | float) or v is None for v in values):
            if any(isinstance(v, int | float) for v in values):
                found.append(index)
    return found


def figures(report: Report, kind: str = "") -> list[Markup]:
    """The report's chart(s), each with a table of the same numbers."""
    out = []
    if report.series:
        chart_kind: Kind = kind if kind in ("line", "bar", "stacked") else "line"  # type: ignore[assignment]
        chart = from_series(
            report.label,
            {_label(name): points for name, points in report.series.items()},
            chart_kind,
            x_title="Day",
        )
        out.append(figure(chart))
    columns = _chart_columns(report)
    by_day = bool(report.columns) and report.columns[0] == "day"
    if report.rows and columns and not (report.series and by_day):
        chart_kind = kind if kind in ("bar", "stacked") else "bar"  # type: ignore[assignment]
        chart = Chart(
            kind=chart_kind,
            title=f"{report.label} by {report.columns[0].replace('_', ' ')}",
            x=[str(row[0]) if row[0] is not None else "—" for row in report.rows],
            series={
                _label(report.columns[i]): [float(row[i] or 0) for row in report.rows]
                for i in columns
            },
            x_title=_label(report.columns[0]),
        )
        out.append(figure(chart))
    return out


def full_table(report: Report) -> bool:
    """A per-day table repeats the series chart's own data table: show it only once."""
    return bool(report.rows) and not (report.series and report.columns[:1] == ["day"])


def cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    return "—" if value is None else str(value)


def totals(report: Report) -> list[dict[str, Any]]:
    """Each total with the previous period's and the change: ▲/▼ and a percentage."""
    out = []
    for name, value in report.totals.items():
        before = report.previous.get(name)
        item: dict[str, Any] = {
            "name": name,
            "label": _label(name),
            "value": number(value),
            "previous": number(before) if before is not None else None,
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
