"""Reports tables: per-ticket facts and daily rollups, with the indexes the reports use."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reports tables"

TABLES = [
    "CREATE TABLE reports_ticket ("
    "ticket_id INTEGER PRIMARY KEY REFERENCES ticket (id) ON DELETE CASCADE, "
    "number {big} NOT NULL, created_at TIMESTAMPTZ NOT NULL, created_day VARCHAR(10) NOT NULL, "
    "channel VARCHAR(32) NOT NULL, team_id INTEGER, assignee_id INTEGER, "
    "type VARCHAR(64) NOT NULL, priority VARCHAR(64) NOT NULL, organization_id INTEGER, "
    "requester_id INTEGER, status_category VARCHAR(16) NOT NULL, "
    "first_response_at TIMESTAMPTZ, first_response_minutes DOUBLE PRECISION, "
    "first_response_business DOUBLE PRECISION, solved_at TIMESTAMPTZ, solved_day VARCHAR(10), "
    "resolution_minutes DOUBLE PRECISION, resolution_business DOUBLE PRECISION, "
    "reopens INTEGER NOT NULL DEFAULT 0, reopened_day VARCHAR(10), "
    "agent_replies INTEGER NOT NULL DEFAULT 0, one_touch INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX reports_ticket_created_idx ON reports_ticket (created_day, ticket_id)",
    "CREATE INDEX reports_ticket_solved_idx ON reports_ticket (solved_day)",
    "CREATE INDEX reports_ticket_reopened_idx ON reports_ticket (reopened_day)",
    "CREATE INDEX reports_ticket_team_idx ON reports_ticket (team_id, created_day)",
    "CREATE INDEX reports_ticket_assignee_idx ON reports_ticket (assignee_id, created_day)",
    "CREATE INDEX reports_ticket_org_idx ON reports_ticket (organization_id, created_day)",
    "CREATE TABLE reports_daily (day VARCHAR(10) NOT NULL, team_id INTEGER NOT NULL, "
    "channel VARCHAR(32) NOT NULL, priority VARCHAR(64) NOT NULL, type VARCHAR(64) NOT NULL, "
    "created INTEGER NOT NULL DEFAULT 0, solved INTEGER NOT NULL DEFAULT 0, "
    "reopened INTEGER NOT NULL DEFAULT 0, "
    "PRIMARY KEY (day, team_id, channel, priority, type))",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reports", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        big = "BIGINT" if engine.engine_type == "postgres" else "INTEGER"
        for statement in TABLES:
            await engine.run_ddl(statement.replace("{big}", big))

    manager.add_raw(run)
    return manager
