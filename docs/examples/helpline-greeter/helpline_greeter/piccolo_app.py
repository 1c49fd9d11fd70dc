"""Piccolo app of the plugin: Helpline migrates it with the core (`helpline migrate`)."""

import os

from piccolo.conf.apps import AppConfig

from helpline_greeter.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="greeter",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=TABLES,
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
