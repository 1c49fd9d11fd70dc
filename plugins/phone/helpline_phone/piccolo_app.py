"""Piccolo app of the phone plugin."""

import os

from piccolo.conf.apps import AppConfig

from helpline_phone.tables import PHONE_TABLES

APP_CONFIG = AppConfig(
    app_name="phone",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=PHONE_TABLES,
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
