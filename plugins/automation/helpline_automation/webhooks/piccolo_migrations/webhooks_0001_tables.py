"""Subscriptions, deliveries and attempts of the webhooks plugin."""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-23T01:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "webhooks tables"


class WebhookSubscription(Table, tablename="webhooks_subscription", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, db_column_name="id")


class WebhookDelivery(Table, tablename="webhooks_delivery", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, db_column_name="id")


def _params(**given: Any) -> dict[str, Any]:
    params = {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    params.update(given)
    return params


def _fk(references: type[Table]) -> dict[str, Any]:
    return _params(
        references=references,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        null=True,
        index=True,
    )


COLUMNS: dict[tuple[str, str], list[tuple[str, type, dict[str, Any]]]] = {
    ("WebhookSubscription", "webhooks_subscription"): [
        ("name", Varchar, _params(length=100, default="", unique=True)),
        ("url", Varchar, _params(length=2000, default="")),
        ("events", JSON, _params(default="[]")),
        ("secret", Varchar, _params(length=200, default="")),
        ("active", Boolean, _params(default=True)),
        ("include_internal", Boolean, _params(default=False)),
        ("tags", JSON, _params(default="[]")),
        ("consecutive_failures", Integer, _params(default=0)),
        ("disabled_reason", Text, _params(default="")),
        ("disabled_at", Timestamptz, _params(default=None, null=True)),
        ("created_at", Timestamptz, _params(default=TimestamptzNow())),
        ("updated_at", Timestamptz, _params(default=TimestamptzNow())),
    ],
    ("WebhookDelivery", "webhooks_delivery"): [
        ("subscription", ForeignKey, _fk(WebhookSubscription)),
        ("uid", Varchar, _params(length=64, default="", unique=True)),
        ("event", Varchar, _params(length=64, default="")),
        ("ticket_number", Integer, _params(default=None, null=True)),
        ("body", Text, _params(default="")),
        ("status", Varchar, _params(length=16, default="pending", index=True)),
        ("attempts", Integer, _params(default=0)),
        ("next_attempt_at", Timestamptz, _params(default=None, null=True)),
        ("last_status_code", Integer, _params(default=None, null=True)),
        ("last_error", Text, _params(default="")),
        ("created_at", Timestamptz, _params(default=TimestamptzNow(), index=True)),
        ("finished_at", Timestamptz, _params(default=None, null=True)),
    ],
    ("WebhookAttempt", "webhooks_attempt"): [
        ("delivery", ForeignKey, _fk(WebhookDelivery)),
        ("number", Integer, _params(default=0)),
        ("at", Timestamptz, _params(default=TimestamptzNow())),
        ("status_code", Integer, _params(default=None, null=True)),
        ("duration_ms", Integer, _params(default=0)),
        ("response_excerpt", Text, _params(default="")),
        ("error", Text, _params(default="")),
    ],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="webhooks", description=DESCRIPTION)
    for class_name, tablename in COLUMNS:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
    for (class_name, tablename), columns in COLUMNS.items():
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
                schema=None,
            )
    return manager
