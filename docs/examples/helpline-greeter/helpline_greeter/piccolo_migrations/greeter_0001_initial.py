"""Creates `greeter_note`. A migration never changes once released: add a new one instead."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-11-23T02:19:13:116164"
VERSION = "1.38.0"
DESCRIPTION = "the greeter_note table"


class Ticket(Table, tablename="ticket", schema=None):
    id = Serial(primary_key=True)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="greeter", description=DESCRIPTION)
    manager.add_table(class_name="GreeterNote", tablename="greeter_note")
    manager.add_column(
        table_class_name="GreeterNote",
        tablename="greeter_note",
        column_name="ticket",
        db_column_name="ticket",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Ticket,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "index": True,
        },
        schema=None,
    )
    manager.add_column(
        table_class_name="GreeterNote",
        tablename="greeter_note",
        column_name="text",
        db_column_name="text",
        column_class_name="Text",
        column_class=Text,
        params={"default": "", "null": False},
        schema=None,
    )
    manager.add_column(
        table_class_name="GreeterNote",
        tablename="greeter_note",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={"default": TimestamptzNow(), "null": False},
        schema=None,
    )
    return manager
