"""The scheduled-reports table (helpline_reports.tables_schedule.ReportSchedule)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-23T03:01:17:482913"
VERSION = "1.38.0"
DESCRIPTION = "scheduled reports"

TABLE = (
    "CREATE TABLE reports_schedule ({id}, name VARCHAR(200) NOT NULL, "
    "report VARCHAR(64) NOT NULL, filters TEXT NOT NULL DEFAULT '', "
    "frequency VARCHAR(16) NOT NULL, cron VARCHAR(100) NOT NULL DEFAULT '', "
    "formats VARCHAR(16) NOT NULL DEFAULT 'both', "
    "recipients TEXT NOT NULL DEFAULT '', created_by INTEGER, "
    "active BOOLEAN NOT NULL DEFAULT TRUE, next_run_at TIMESTAMPTZ, last_run_at TIMESTAMPTZ, "
    "created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP)"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="reports", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        postgres = engine.engine_type == "postgres"
        key = "id SERIAL PRIMARY KEY" if postgres else "id INTEGER PRIMARY KEY AUTOINCREMENT"
        await engine.run_ddl(TABLE.replace("{id}", key))

    manager.add_raw(run)
    return manager
