"""Piccolo app of the reports plugin (tables are created by hand-written SQL migrations)."""

import os

from piccolo.conf.apps import AppConfig

from helpline_reports.tables_schedule import ReportSchedule

APP_CONFIG = AppConfig(
    app_name="reports",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[ReportSchedule],
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
