"""Piccolo app of the email plugin."""

import os

from piccolo.conf.apps import AppConfig

from helpline_email.tables import EMAIL_TABLES

APP_CONFIG = AppConfig(
    app_name="email",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=EMAIL_TABLES,
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
