"""The scheduled-reports table: which report, with which filters, when, to whom."""

from __future__ import annotations

from piccolo.columns import Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class ReportSchedule(Table, tablename="reports_schedule"):
    """A report sent on a timetable; `filters` is the report page's query string."""

    name = Varchar(200)
    report = Varchar(64)
    filters = Text(default="")
    #: weekly, monthly or cron (then `cron` holds the expression).
    frequency = Varchar(16)
    cron = Varchar(100, default="")
    #: Files attached to each run: csv, xlsx or both.
    formats = Varchar(16, default="both")
    #: Comma-separated user ids; each recipient gets a link that runs the report as them.
    recipients = Text(default="")
    created_by = Integer(null=True, default=None)
    active = Boolean(default=True)
    next_run_at = Timestamptz(null=True, default=None)
    last_run_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
