"""What a chart shows (categories along x, one list of values per series), independent of how it
is drawn (`chart_svg`) or tabulated (`charts.table`)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["line", "bar", "stacked"]


@dataclass
class Chart:
    """What to draw: categories along x, one list of values (aligned with x) per series."""

    kind: Kind
    title: str
    x: list[str]
    series: dict[str, list[float]]
    description: str = ""
    unit: str = ""
    x_title: str = ""
    #: x is days: the data table beside the chart opens on its latest rows.
    timeline: bool = False
    #: The value axis covers at least this span: (0, 100) for percentages.
    y_range: tuple[float, float] | None = None
    chart_id: str = field(default="")

    def __post_init__(self) -> None:
        for name, values in self.series.items():
            if len(values) != len(self.x):
                raise ValueError(f"series {name!r} has {len(values)} values for {len(self.x)} x")
        if not self.chart_id:
            digest = hashlib.sha1(repr((self.kind, self.title, self.x, self.series)).encode())
            self.chart_id = "chart-" + digest.hexdigest()[:10]


def number(value: float | None, unit: str = "") -> str:
    """1234 → "1,234"; 2.345 → "2.3"; with the unit appended ("%", " min")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}"


def from_series(
    title: str, series: dict[str, Sequence[tuple[object, float]]], kind: Kind = "line", **kw: Any
) -> Chart:
    """A chart from per-day series ({name: [(date, value), …]}), days aligned across series."""
    days = sorted({day for points in series.values() for day, _ in points}, key=str)
    values = {
        name: [dict((d, v) for d, v in points).get(day, 0.0) for day in days]
        for name, points in series.items()
    }
    return Chart(
        kind=kind, title=title, x=[str(d) for d in days], series=values, timeline=True, **kw
    )
