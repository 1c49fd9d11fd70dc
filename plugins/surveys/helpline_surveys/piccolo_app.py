"""Piccolo app of the surveys plugin."""

import os

from piccolo.conf.apps import AppConfig

from helpline_surveys.tables import SURVEYS_TABLES

APP_CONFIG = AppConfig(
    app_name="surveys",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=SURVEYS_TABLES,
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
