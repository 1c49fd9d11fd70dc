"""Piccolo app of the webhooks plugin."""

import os

from piccolo.conf.apps import AppConfig

from helpline_automation.webhooks.tables import WEBHOOK_TABLES

APP_CONFIG = AppConfig(
    app_name="webhooks",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=WEBHOOK_TABLES,
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
