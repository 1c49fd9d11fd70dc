"""Tickets created per day split by a dimension (channel, team…): the stacked chart over time.

Built from the public ticket rows (`iter_ticket_rows`: one row per ticket created in the range,
names rather than ids, already limited to what the viewer may see and to the filters), so it
needs nothing from the data layer beyond the reports' stable interface. The dashboard's split
by channel is read from the volume report per known channel instead (daily rollups, no matter
how many tickets), the rest being "Other".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import msgspec

from helpline.model import Actor
from helpline.runtime import Helpline
from helpline_reports.charts import Chart, Kind
from helpline_reports.metrics import TICKET_COLUMNS, Filters, iter_ticket_rows, run_report

#: group_by → the ticket row's column holding its readable value (tags are many per ticket).
COLUMNS = {
    "channel": "channel",
    "team": "team",
    "agent": "assignee",
    "type": "type",
    "priority": "priority",
    "organization": "organization",
}
#: At most this many groups get their own colour; the rest are added up as "Other".
TOP = 6
NONE = "(none)"
OTHER = "Other"


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def created_by(
    helpline: Helpline,
    viewer: Actor,
    filters: Filters,
    group_by: str,
    *,
    kind: Kind = "stacked",
    title: str = "",
) -> Chart | None:
    """Tickets created per day, one series per group; None when nothing was created."""
    column = TICKET_COLUMNS.index(COLUMNS[group_by])
    created = TICKET_COLUMNS.index("created_at")
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    async for row in iter_ticket_rows(helpline, viewer, filters):
        group = str(row[column]) if row[column] not in (None, "") else NONE
        counts[_day(row[created])][group] += 1
        totals[group] += 1
    if not totals:
        return None
    top = [name for name, _ in totals.most_common(TOP)]
    if len(totals) > TOP:
        top = top[: TOP - 1]
    names = sorted(top, key=lambda n: (n == NONE, n.lower()))
    days = [filters.start + timedelta(days=i) for i in range(filters.days)]
    series = {name: [float(counts[d][name]) for d in days] for name in names}
    if len(totals) > len(names):
        series[OTHER] = [
            float(sum(n for g, n in counts[d].items() if g not in names)) for d in days
        ]
    label = group_by.replace("_", " ")
    return Chart(
        kind=kind,
        title=title or f"Tickets created per day by {label}",
        x=[d.isoformat() for d in days],
        series=series,
        description=f"Tickets created each day from {days[0]} to {days[-1]}, split by {label}.",
        x_title="Day",
        timeline=True,
    )


async def by_channel(
    helpline: Helpline,
    viewer: Actor,
    filters: Filters,
    created: Sequence[tuple[date, float]],
    channels: Sequence[str],
    *,
    title: str,
) -> Chart | None:
    """Tickets created per day split by channel, from the volume report filtered by each of
    `channels`; `created` (the unfiltered volume's per-day series) gives what is left: "Other"."""
    days = [filters.start + timedelta(days=i) for i in range(filters.days)]
    series: dict[str, list[float]] = {}
    for channel in channels:
        only = msgspec.structs.replace(filters, channel=channel)
        points = dict(
            (await run_report(helpline, viewer, "volume", only)).series.get("created", [])
        )
        if any(points.values()):
            series[channel] = [float(points.get(d, 0.0)) for d in days]
    everything = {_day(d): v for d, v in created}
    other = [
        everything.get(d, 0.0) - sum(s[i] for s in series.values()) for i, d in enumerate(days)
    ]
    if any(v > 0 for v in other):
        series[OTHER] = [max(v, 0.0) for v in other]
    if not series:
        return None
    return Chart(
        kind="stacked",
        title=title,
        x=[d.isoformat() for d in days],
        series=series,
        description=f"Tickets created each day from {days[0]} to {days[-1]}, split by channel.",
        x_title="Day",
        timeline=True,
    )
