"""Piccolo app of the chat plugin."""

import os

from piccolo.conf.apps import AppConfig

from helpline_chat.tables import CHAT_TABLES

APP_CONFIG = AppConfig(
    app_name="chat",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=CHAT_TABLES,
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
