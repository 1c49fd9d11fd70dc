"""Piccolo app of the routing plugin."""

import os

from piccolo.conf.apps import AppConfig

from helpline_routing.tables import ROUTING_TABLES

APP_CONFIG = AppConfig(
    app_name="routing",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=ROUTING_TABLES,
    migration_dependencies=["helpline.piccolo_app"],
    commands=[],
)
