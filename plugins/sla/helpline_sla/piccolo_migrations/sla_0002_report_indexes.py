"""Indexes for the SLA compliance report (`helpline_sla.report_compliance`).

The report reads clocks by the day their outcome became known, in four parts each filtering one
instant (breached_at, due_at twice, met_at) by the date range: one partial index per part, so
each part is an index range scan instead of a scan of every clock.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T05:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "SLA compliance report indexes"

#: Partial: each holds only the rows one part of the report reads (the part repeats the
#: index's conditions), so they stay small, and `breached_at IS NULL` in the other parts cannot
#: pick the breach index (SQLite's statistics would take it as selective). The two large ones
#: (breached, met) are covering: every column their part reads, so a long range reads no clock
#: rows; the other two hold rare rows (breaches found late).
INDEXES = [
    # Breaches the timer recorded.
    "CREATE INDEX IF NOT EXISTS sla_clock_breached_at_idx ON sla_clock "
    "(breached_at, target, state, ticket) WHERE breached_at IS NOT NULL",
    # Met late, the breach not recorded (met clocks keep their due time).
    "CREATE INDEX IF NOT EXISTS sla_clock_met_late_idx ON sla_clock "
    "(due_at, target, state, ticket) "
    "WHERE breached_at IS NULL AND met_at IS NOT NULL AND consumed >= budget",
    # Running (possibly past due), the breach not recorded.
    "CREATE INDEX IF NOT EXISTS sla_clock_overdue_idx ON sla_clock "
    "(due_at, target, state, ticket) "
    "WHERE breached_at IS NULL AND met_at IS NULL AND resumed_at IS NOT NULL",
    # Met, the breach not recorded.
    "CREATE INDEX IF NOT EXISTS sla_clock_met_at_idx ON sla_clock "
    "(met_at, target, state, ticket, consumed, budget, due_at, breached_at) "
    "WHERE met_at IS NOT NULL AND breached_at IS NULL",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="sla", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for sql in INDEXES:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
