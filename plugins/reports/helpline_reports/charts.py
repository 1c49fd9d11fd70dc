"""Server-rendered SVG charts: line, bar and stacked bar, with axes, legend and a data table.

No JavaScript and no CDN: a chart is a string of SVG that scales with its container (viewBox),
names itself to screen readers (<title>/<desc>), and stays readable in print and in greyscale
(colour-blind-safe palette, a dash pattern per line, a marker on every point). Every text and
attribute is escaped, so labels taken from user data cannot inject markup.

What a chart is lives in `chart_model`, how it is drawn in `chart_svg`; this module adds the
data table and the figure (chart and table side by side) and re-exports the rest, so
`helpline_reports.charts` is the one module to import.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from helpline_reports.chart_model import Chart, Kind, from_series, number
from helpline_reports.chart_svg import NARROW, PALETTE, WIDTH, _attr, nice_ticks, svg

__all__ = [
    "NARROW",
    "PALETTE",
    "WIDTH",
    "Chart",
    "Kind",
    "figure",
    "from_series",
    "nice_ticks",
    "number",
    "svg",
    "table",
]


def table(chart: Chart, *, caption: bool = True) -> Markup:
    """The same numbers as the chart, as an HTML table (readable without the picture)."""
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name in chart.series)
    total = chart.kind == "stacked" and len(chart.series) > 1
    rows = []
    for j, label in enumerate(chart.x):
        cells = "".join(
            f'<td class="num">{escape(number(values[j], chart.unit))}</td>'
            for values in chart.series.values()
        )
        if total:
            col_sum = sum(values[j] for values in chart.series.values())
            cells += f'<td class="num">{escape(number(col_sum, chart.unit))}</td>'
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    if not rows:
        span = len(chart.series) + 1 + total
        rows.append(f'<tr><td colspan="{span}" class="muted">No data for this period.</td></tr>')
    total_head = '<th scope="col">Total</th>' if total else ""
    cap = f"<caption>{escape(chart.title)}</caption>" if caption else ""
    return Markup(
        f'<table class="chart-data" aria-describedby="{_attr(chart.chart_id)}-title">{cap}'
        f'<thead><tr><th scope="col">{escape(chart.x_title or "")}</th>{head}{total_head}'
        "</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def figure(chart: Chart) -> Markup:
    """Chart and data table side by side (stacked on narrow screens, where the chart drawn
    narrower replaces the wide one: the stylesheet shows one of the two)."""
    return Markup(
        f'<figure class="report-figure" aria-labelledby="{_attr(chart.chart_id)}-caption">'
        f'<figcaption id="{_attr(chart.chart_id)}-caption">{escape(chart.title)}</figcaption>'
        f'<div class="report-chart">{svg(chart)}{svg(chart, NARROW)}</div>'
        f'<div class="table-wrap report-data{" timeline" if chart.timeline else ""}">'
        f"{table(chart, caption=False)}</div>"
        "</figure>"
    )
