"""Piccolo app of the SLA plugin."""

import os

from piccolo.conf.apps import AppConfig

from helpline_sla.tables import SLA_TABLES

APP_CONFIG = AppConfig(
    app_name="sla",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=SLA_TABLES,
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
