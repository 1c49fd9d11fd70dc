"""The reports interface: report catalogue, filters, ``run_report`` and the raw ticket rows.

This is the stable Python API the reports UI (and the REST API, and exports) code against::

    filters = Filters.from_query(request.query_params)   # raises Invalid(field, msg)
    report = await run_report(helpline, viewer, "volume", filters)
    async for row in iter_ticket_rows(helpline, viewer, filters): ...

Every function checks the ``reports.view`` permission and the viewer's visibility
(``helpline.visibility.visible_tickets``): managers with ``tickets.view_all`` see every ticket,
agents only the tickets they may see, customers get :class:`helpline.errors.Forbidden`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import msgspec

from helpline.errors import Invalid

#: Dimensions a report can be broken down by (``Filters.group_by``).
GROUP_BY = ("day", "team", "agent", "channel", "type", "priority", "organization", "tag")

#: Maximum length of a date range, in days.
MAX_DAYS = 3660


class ReportSpec(msgspec.Struct, frozen=True, kw_only=True):
    """What a report is called and how it is shown by default."""

    name: str
    label: str
    description: str
    #: "series": one value per day (charts as lines/bars, ``Report.series``);
    #: "table": one row per group (``Report.rows``); "distribution": percentiles.
    kind: Literal["series", "table", "distribution"]
    #: The ``group_by`` used when the filters name none.
    group_by: str


def _spec(name: str, label: str, description: str, kind: str, group_by: str) -> ReportSpec:
    return ReportSpec(name=name, label=label, description=description, kind=kind, group_by=group_by)


#: Every built-in report, by name (insertion order = menu order).
REPORTS: dict[str, ReportSpec] = {
    s.name: s
    for s in (
        _spec(
            "volume",
            "Ticket volume",
            "Tickets created, solved and reopened per day.",
            "series",
            "day",
        ),
        _spec(
            "backlog",
            "Backlog",
            "Unsolved tickets at the end of each day.",
            "series",
            "day",
        ),
        _spec(
            "first_response",
            "First response time",
            "Minutes from creation to the first public agent reply: median and 90th percentile.",
            "distribution",
            "team",
        ),
        _spec(
            "resolution",
            "Resolution time",
            "Minutes from creation to the (last) solve: median and 90th percentile.",
            "distribution",
            "team",
        ),
        _spec(
            "replies",
            "Agent replies per ticket",
            "Public agent replies on solved tickets: mean, median and 90th percentile.",
            "distribution",
            "team",
        ),
        _spec(
            "one_touch",
            "One-touch resolution",
            "Share of solved tickets solved with a single agent reply and never reopened.",
            "table",
            "team",
        ),
        _spec(
            "breakdown",
            "Breakdown",
            "Created, solved, reopened, medians and one-touch rate per group.",
            "table",
            "team",
        ),
    )
}


class Filters(msgspec.Struct, kw_only=True):
    """Which tickets a report covers. ``start``/``end`` are inclusive days (UTC)."""

    start: date
    end: date
    team_id: int | None = None
    assignee_id: int | None = None
    channel: str | None = None
    type: str | None = None
    priority: str | None = None
    tag: str | None = None
    organization_id: int | None = None
    group_by: str | None = None
    #: Values of the dimensions other plugins contribute (``report_dimensions``), by name.
    extra: dict[str, str] = {}
    #: Their SQL expressions over "ticket", by name (from the plugins, never from the query).
    extra_sql: dict[str, str] = {}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """The range as timestamps: [start 00:00 UTC, the day after the end 00:00 UTC)."""
        start = datetime.combine(self.start, time(0), tzinfo=UTC)
        return start, datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=UTC)

    def previous(self) -> Filters:
        """The same filters over the period of equal length just before this one."""
        n = self.days
        return msgspec.structs.replace(
            self, start=self.start - timedelta(days=n), end=self.start - timedelta(days=1)
        )

    @classmethod
    def from_query(
        cls,
        query: Mapping[str, Any],
        *,
        today: date | None = None,
        dimensions: Mapping[str, str] | None = None,
    ) -> Filters:
        """Parse query parameters (strings); missing dates default to the last 30 days.
        `dimensions`: {name: SQL expression} of contributed dimensions
        (``await helpline_reports.dimensions.expressions(helpline)``), which may then be
        filtered on and grouped by.

        Raises :class:`helpline.errors.Invalid` naming the bad field.
        """
        from .filters import parse_filters

        return parse_filters(cls, query, today=today, dimensions=dimensions or {})


class Report(msgspec.Struct, kw_only=True):
    """The result of one report run."""

    name: str
    label: str
    columns: list[str] = []
    rows: list[list[Any]] = []
    #: Per-day values by metric name, e.g. {"created": [(date, 3.0), ...]} (days with no data: 0).
    series: dict[str, list[tuple[date, float]]] = {}
    #: Totals over the whole range by metric name.
    totals: dict[str, float] = {}
    #: The same totals for the previous period of equal length.
    previous: dict[str, float] = {}


async def run_report(helpline: Any, actor: Any, name: str, filters: Filters) -> Report:
    """Run the report ``name`` for ``actor`` (NotFound for an unknown name, Forbidden without
    ``reports.view``)."""
    from .runner import run

    return await run(helpline, actor, name, filters)


#: Header of the raw ticket export (``iter_ticket_rows`` yields rows in this order).
TICKET_COLUMNS = [
    "number",
    "created_at",
    "channel",
    "team",
    "assignee",
    "type",
    "priority",
    "organization",
    "requester",
    "status_category",
    "first_response_at",
    "first_response_minutes",
    "solved_at",
    "resolution_minutes",
    "reopens",
    "agent_replies",
    "one_touch",
]


async def iter_ticket_rows(
    helpline: Any, actor: Any, filters: Filters, *, batch: int = 2000
) -> AsyncIterator[list[Any]]:
    """Yield one row per ticket created in the range (columns :data:`TICKET_COLUMNS`), streaming
    in keyset-paginated batches so memory stays constant however many tickets match."""
    from .facts_query import ticket_rows

    async for row in ticket_rows(helpline, actor, filters, batch=batch):
        yield row


def check_group_by(value: str | None) -> None:
    if value is not None and value not in GROUP_BY:
        raise Invalid("group_by", f"must be one of: {', '.join(GROUP_BY)}")
