"""Reports tables: per-ticket facts, solve/reopen transitions and daily rollups, with the indexes
the reports use (see helpline_reports.tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reports tables"

#: The facts are read by ranges of days: on SQLite the table is stored in (created_day, id)
#: order (WITHOUT ROWID), so a range is read sequentially rather than row by row through an
#: index; PostgreSQL reads ranges through its bitmap scans.
FACTS = (
    "CREATE TABLE reports_ticket ("
    "id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE, "
    "number {big} NOT NULL, created_at TIMESTAMPTZ NOT NULL, created_day VARCHAR(10) NOT NULL, "
    "channel VARCHAR(32) NOT NULL, team INTEGER, assignee INTEGER, "
    "type VARCHAR(64) NOT NULL, priority VARCHAR(64) NOT NULL, organization INTEGER, "
    "requester INTEGER, status_category VARCHAR(16) NOT NULL, "
    "first_response_at TIMESTAMPTZ, first_response_minutes DOUBLE PRECISION, "
    "first_response_business DOUBLE PRECISION, solved_at TIMESTAMPTZ, solved_day VARCHAR(10), "
    "resolution_minutes DOUBLE PRECISION, resolution_business DOUBLE PRECISION, "
    "reopens INTEGER NOT NULL DEFAULT 0, "
    "agent_replies INTEGER NOT NULL DEFAULT 0, one_touch INTEGER NOT NULL DEFAULT 0, "
    "PRIMARY KEY {key})"
)
#: Every solve, reopen and merge-close, with the ticket's dimensions (kept in step with the
#: facts), so counting them needs no join; `id` is the ticket's id.
TRANSITIONS = (
    "CREATE TABLE reports_transition ("
    "id INTEGER NOT NULL REFERENCES ticket (id) ON DELETE CASCADE, "
    "day VARCHAR(10) NOT NULL, kind VARCHAR(8) NOT NULL, "
    "channel VARCHAR(32) NOT NULL, team INTEGER, assignee INTEGER, "
    "type VARCHAR(64) NOT NULL, priority VARCHAR(64) NOT NULL, organization INTEGER)"
)
#: PostgreSQL's planner uses these for narrow filters; on SQLite, whose facts are stored in
#: created_day order, a range read in order beats hopping through them (the planner would pick
#: them anyway, for an agent's visibility "assignee = ? OR team IN (…)", and be ten times slower).
SERVER_ONLY = (
    "CREATE INDEX reports_ticket_created_idx ON reports_ticket (created_day)",
    "CREATE INDEX reports_ticket_team_idx ON reports_ticket (team, created_day)",
    "CREATE INDEX reports_ticket_assignee_idx ON reports_ticket (assignee, created_day)",
    "CREATE INDEX reports_ticket_org_idx ON reports_ticket (organization, created_day)",
)
HAS_BUSINESS = "first_response_business IS NOT NULL OR resolution_business IS NOT NULL"
TABLES = [
    FACTS,
    "CREATE UNIQUE INDEX reports_ticket_id_idx ON reports_ticket (id)",
    *SERVER_ONLY,
    # Covering: reports over tickets solved in a range read this index alone, in order.
    "CREATE INDEX reports_ticket_solved_idx ON reports_ticket (solved_day, team, assignee, "
    "organization, channel, type, priority, resolution_minutes, resolution_business, "
    "agent_replies, one_touch, id)",
    # Whether any ticket has business minutes at all (else those figures equal calendar minutes).
    f"CREATE INDEX reports_ticket_business_idx ON reports_ticket (id) WHERE {HAS_BUSINESS}",
    TRANSITIONS,
    # Covering, for the same reason: counting transitions in a range never visits the table.
    "CREATE INDEX reports_transition_day_idx ON reports_transition (day, kind, team, assignee, "
    "organization, channel, type, priority, id)",
    "CREATE INDEX reports_transition_ticket_idx ON reports_transition (id)",
    "CREATE TABLE reports_daily (day VARCHAR(10) NOT NULL, team_id INTEGER NOT NULL, "
    "channel VARCHAR(32) NOT NULL, priority VARCHAR(64) NOT NULL, type VARCHAR(64) NOT NULL, "
    "created INTEGER NOT NULL DEFAULT 0, solved INTEGER NOT NULL DEFAULT 0, "
    "reopened INTEGER NOT NULL DEFAULT 0, merged INTEGER NOT NULL DEFAULT 0, "
    "PRIMARY KEY (day, team_id, channel, priority, type))",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reports", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        postgres = engine.engine_type == "postgres"
        big, key = ("BIGINT", "(id)") if postgres else ("INTEGER", "(created_day, id)")
        for statement in TABLES:
            if statement == FACTS and not postgres:
                statement += " WITHOUT ROWID"
            elif statement in SERVER_ONLY and not postgres:
                continue  # ranges of the day-ordered table are read faster without them
            await engine.run_ddl(statement.replace("{big}", big).replace("{key}", key))

    manager.add_raw(run)
    return manager
