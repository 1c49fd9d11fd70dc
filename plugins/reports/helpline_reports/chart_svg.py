"""Drawing a Chart as SVG: axes, legend, lines and bars, in a box that scales with its container.

Colour-blind-safe palette, a dash pattern per line and a marker on every point, so a chart stays
readable in print and in greyscale. Every text and attribute is escaped.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from helpline_reports.chart_model import Chart, number

#: Okabe-Ito colours (safe for colour blindness), darkened a little for contrast on paper.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56b4e9", "#333333", "#e69f00")
#: Lines differ by dash pattern too, so they stay apart when printed in black and white.
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
WIDTH, HEIGHT = 640, 300
#: Phones get the chart drawn again at this width, so its text keeps a readable size.
NARROW = 360
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 12, 44
FONT = 12
MAX_X_LABELS = 8


def nice_ticks(low: float, high: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) over low..high and zero.

    `whole`: the values are counts, so no tick falls between two whole numbers."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps if m * magnitude >= raw)
    if whole:
        step = max(1.0, step)
    value = math.floor(low / step) * step
    ticks = [round(value, 10)]
    while value < high and len(ticks) < 50:
        value += step
        ticks.append(round(value, 10))
    return ticks


def _attr(value: object) -> str:
    return str(escape(str(value)))


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class _Frame:
    """The plot area and the mapping from data to SVG coordinates."""

    def __init__(self, chart: Chart, legend_rows: int, width: int = WIDTH) -> None:
        self.top = TOP + legend_rows * (FONT + 8)
        self.bottom = HEIGHT - BOTTOM
        self.left, self.right = LEFT, width - RIGHT
        self.labels = max(3, MAX_X_LABELS * width // WIDTH)
        values = [v for vs in self._stacks(chart) for v in vs] or [0.0]
        whole = all(float(v).is_integer() for v in values)
        if chart.y_range:
            values = [*values, *chart.y_range]
        self.ticks = nice_ticks(min(values), max(values), whole=whole)
        self.low, self.high = self.ticks[0], self.ticks[-1]
        self.n = max(1, len(chart.x))
        self.slot = (self.right - self.left) / self.n

    @staticmethod
    def _stacks(chart: Chart) -> list[list[float]]:
        if chart.kind == "stacked":
            return [
                [sum(v for v in col if v > 0), sum(v for v in col if v < 0)]
                for col in zip(*chart.series.values(), strict=True)
            ]
        return list(chart.series.values())

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1
        return self.bottom - (value - self.low) / span * (self.bottom - self.top)

    def x_center(self, index: int) -> float:
        return self.left + self.slot * (index + 0.5)


def _legend(chart: Chart, width: int = WIDTH) -> tuple[list[str], int]:
    """Legend items laid out in rows across the top; returns the SVG and the number of rows."""
    if len(chart.series) < 2:
        return [], 0
    parts, x, row = [], LEFT, 0
    for i, name in enumerate(chart.series):
        item = 18 + 7 * len(name) + 16
        if x + item > width - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        y = TOP + row * (FONT + 8)
        colour = PALETTE[i % len(PALETTE)]
        if chart.kind == "line":
            dash = DASHES[i % len(DASHES)]
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x}" y1="{y + 6}" x2="{x + 14}" y2="{y + 6}" stroke="{colour}" '
                f'stroke-width="2.5"{dashed}/>'
            )
        else:
            parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y + 10}">{escape(name)}</text>')
        x += item
    return ['<g class="legend">', *parts, "</g>"], row + 1


def _axes(chart: Chart, frame: _Frame) -> list[str]:
    parts = ['<g class="axes">']
    for tick in frame.ticks:
        y = _fmt(frame.y(tick))
        parts.append(
            f'<line class="grid" x1="{frame.left}" y1="{y}" x2="{frame.right}" y2="{y}" '
            'stroke="#d0d5dd" stroke-width="1"/>'
        )
        parts.append(
            f'<text class="tick y" x="{frame.left - 6}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(number(tick, chart.unit))}</text>'
        )
    every = max(1, math.ceil(len(chart.x) / frame.labels))
    for index, label in enumerate(chart.x):
        if index % every:
            continue
        x = _fmt(frame.x_center(index))
        parts.append(
            f'<line x1="{x}" y1="{frame.bottom}" x2="{x}" y2="{frame.bottom + 4}" '
            'stroke="#5f6b7a"/>'
        )
        parts.append(
            f'<text class="tick x" x="{x}" y="{frame.bottom + 16}" text-anchor="middle">'
            f"{escape(_short(label))}</text>"
        )
    parts.append(
        f'<line class="axis" x1="{frame.left}" y1="{_fmt(frame.y(0))}" x2="{frame.right}" '
        f'y2="{_fmt(frame.y(0))}" stroke="#5f6b7a" stroke-width="1.5"/>'
    )
    if chart.x_title:
        parts.append(
            f'<text class="axis-title" x="{(frame.left + frame.right) / 2}" y="{HEIGHT - 6}" '
            f'text-anchor="middle">{escape(chart.x_title)}</text>'
        )
    parts.append("</g>")
    return parts


MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _short(label: str, limit: int = 12) -> str:
    """Axis labels stay short: ISO days read "26 Aug"; long names are cut with an ellipsis."""
    if len(label) == 10 and label[4] == "-" and label[7] == "-" and label[5:7].isdigit():
        month = int(label[5:7])
        if 1 <= month <= 12:
            return f"{int(label[8:10])} {MONTHS[month - 1]}"
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _tip(name: str, label: str, value: float, unit: str) -> str:
    return f"<title>{escape(name)}, {escape(label)}: {escape(number(value, unit))}</title>"


def _lines(chart: Chart, frame: _Frame) -> list[str]:
    parts = []
    for i, (name, values) in enumerate(chart.series.items()):
        colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
        points = [(frame.x_center(j), frame.y(v)) for j, v in enumerate(values)]
        parts.append(f'<g class="series" data-series="{_attr(name)}">')
        if len(points) > 1:
            path = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                f'{dashed} stroke-linejoin="round"/>'
            )
        radius = 3.5 if len(points) <= 60 else 2
        for j, (x, y) in enumerate(points):
            parts.append(
                f'<circle class="point" cx="{_fmt(x)}" cy="{_fmt(y)}" r="{radius}" '
                f'fill="{colour}">{_tip(name, chart.x[j], values[j], chart.unit)}</circle>'
            )
        parts.append("</g>")
    return parts


def _bars(chart: Chart, frame: _Frame) -> list[str]:
    parts, count = [], max(1, len(chart.series))
    inner = frame.slot * 0.8
    width = inner / count if chart.kind == "bar" else inner
    tops = [0.0] * len(chart.x)
    bottoms = [0.0] * len(chart.x)
    for i, (name, values) in enumerate(chart.series.items()):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<g class="series" data-series="{_attr(name)}" fill="{colour}">')
        for j, value in enumerate(values):
            left = frame.left + frame.slot * j + frame.slot * 0.1
            if chart.kind == "bar":
                x, start, end = left + width * i, 0.0, value
            else:
                base = tops if value >= 0 else bottoms
                x, start, end = left, base[j], base[j] + value
                base[j] = end
            y1, y2 = sorted((frame.y(start), frame.y(end)))
            parts.append(
                f'<rect class="bar" x="{_fmt(x)}" y="{_fmt(y1)}" width="{_fmt(max(width - 1, 1))}" '
                f'height="{_fmt(y2 - y1)}" stroke="#fff" stroke-width="0.5">'
                f"{_tip(name, chart.x[j], value, chart.unit)}</rect>"
            )
        parts.append("</g>")
    return parts


def svg(chart: Chart, width: int = WIDTH) -> Markup:
    """The chart as an accessible, responsive SVG element (`width`: of its viewBox)."""
    legend, rows = _legend(chart, width)
    frame = _Frame(chart, rows, width)
    chart_id = chart.chart_id if width == WIDTH else f"{chart.chart_id}-{width}"
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    description = chart.description or _describe(chart)
    size = "wide" if width == WIDTH else "narrow"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{chart.kind} chart-{size}" '
        f'id="{_attr(chart_id)}" viewBox="0 0 {width} {HEIGHT}" '
        'preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{_attr(title_id)} {_attr(desc_id)}" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}" fill="#1d2330">',
        f'<title id="{_attr(title_id)}">{escape(chart.title)}</title>',
        f'<desc id="{_attr(desc_id)}">{escape(description)}</desc>',
        *legend,
        *_axes(chart, frame),
    ]
    if not chart.x or not chart.series:
        parts.append(
            f'<text x="{width / 2}" y="{(frame.top + frame.bottom) / 2}" text-anchor="middle" '
            'fill="#5f6b7a">No data for this period</text>'
        )
    elif chart.kind == "line":
        parts.extend(_lines(chart, frame))
    else:
        parts.extend(_bars(chart, frame))
    parts.append("</svg>")
    return Markup("".join(parts))


def _describe(chart: Chart) -> str:
    kind = {"line": "Line chart", "bar": "Bar chart", "stacked": "Stacked bar chart"}[chart.kind]
    if not chart.x:
        return f"{kind} with no data."
    names = ", ".join(chart.series) or "no series"
    return f"{kind} of {names} for {len(chart.x)} points, from {chart.x[0]} to {chart.x[-1]}."
