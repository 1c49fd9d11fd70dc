"""Piccolo app of the automation plugin."""

import os

from piccolo.conf.apps import AppConfig

from helpline_automation.tables import AUTOMATION_TABLES

APP_CONFIG = AppConfig(
    app_name="automation",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=AUTOMATION_TABLES,
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
