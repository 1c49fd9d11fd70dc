"""The plugin's tables (app `sla`): calendars, policies, one clock per ticket target, events."""

from __future__ import annotations

from piccolo.columns import BigInt, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from helpline.tables import Ticket


class SlaCalendar(Table, tablename="sla_calendar"):
    """A business calendar; `spec` is a `CalendarSpec` as JSON."""

    name = Varchar(100, unique=True)
    spec = Text(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())


class SlaPolicy(Table, tablename="sla_policy"):
    """An SLA policy; `spec` is a `PolicySpec` as JSON. Lowest `position` is tried first."""

    name = Varchar(100, unique=True)
    position = Integer(default=0)
    active = Boolean(default=True)
    spec = Text(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())


class SlaClock(Table, tablename="sla_clock"):
    """One target of one ticket: how much of its budget is used and when it falls due.

    Durations are whole microseconds, so due times computed twice come out identical.
    """

    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade, index=True)
    target = Varchar(32)
    policy = Varchar(100, null=True, default=None)
    #: running, paused, met, breached, cancelled
    state = Varchar(16, default="running")
    business = Boolean(default=True)
    calendar = Varchar(100, null=True, default=None)
    budget = BigInt(default=0)
    #: Working time used before `resumed_at` (µs).
    consumed = BigInt(default=0)
    warn_before = BigInt(default=0)
    started_at = Timestamptz(default=TimestamptzNow())
    #: Set while the clock ticks.
    resumed_at = Timestamptz(null=True, default=None)
    due_at = Timestamptz(null=True, default=None, index=True)
    #: due_at, met_at and breached_at also have partial indexes for the SLA compliance report:
    #: migration sla_0002_report_indexes (Piccolo columns cannot declare partial indexes).
    met_at = Timestamptz(null=True, default=None)
    breached_at = Timestamptz(null=True, default=None)
    warned_at = Timestamptz(null=True, default=None)
    #: Escalation levels already carried out.
    level = Integer(default=0)
    #: Closed running periods, `[[start, end], …]` in ISO 8601, for recomputing on a new calendar.
    segments = Text(default="[]")


class SlaEvent(Table, tablename="sla_event"):
    """What happened to a ticket's SLA clocks, for the ticket panel."""

    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade, index=True)
    target = Varchar(32)
    kind = Varchar(32)
    detail = Text(default="")
    at = Timestamptz(default=TimestamptzNow())


SLA_TABLES: list[type[Table]] = [SlaCalendar, SlaPolicy, SlaClock, SlaEvent]
