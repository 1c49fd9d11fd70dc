"""Piccolo app of the core."""

import os

from piccolo.conf.apps import AppConfig

from helpline.tables import CORE_TABLES

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=CORE_TABLES,
    migration_dependencies=[],
    commands=[],
)
