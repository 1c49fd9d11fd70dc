"""Piccolo app of the knowledge base plugin (tables are created by hand-written SQL migrations)."""

import os

from piccolo.conf.apps import AppConfig

APP_CONFIG = AppConfig(
    app_name="kb",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[],
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
