"""Engines, transactions, migrations and raw SQL for SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote, urlparse

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString

from helpline.errors import SettingsError
from helpline.sqlite import PooledSQLiteEngine


def make_engine(url: str) -> Engine:
    """An engine for `sqlite:///path` or `postgres://…`."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]  # sqlite:////abs/path or sqlite:///relative/path
        engine = PooledSQLiteEngine(path=path, timeout=30)
        with sqlite3.connect(path) as conn:
            # WAL lets readers proceed while one writer commits; it persists in the file.
            conn.execute("PRAGMA journal_mode=WAL")
        return engine
    if url.startswith(("postgres://", "postgresql://")):
        parsed = urlparse(url)
        config: dict[str, Any] = {
            "host": parsed.hostname or "127.0.0.1",
            "port": parsed.port or 5432,
            "user": unquote(parsed.username or ""),
            "password": unquote(parsed.password or "") or None,
            "database": parsed.path.lstrip("/") or "helpline",
        }
        return PostgresEngine(config=config)
    raise SettingsError(f"database_url: unsupported URL {url!r}")


def is_postgres(engine: Engine) -> bool:
    return engine.engine_type == "postgres"


def use_engine(engine: Engine) -> None:
    """Point Piccolo (migrations and every registered table) at this engine."""
    from piccolo.apps.migrations.tables import Migration
    from piccolo.conf.apps import Finder

    from helpline import piccolo_conf

    piccolo_conf.DB = engine
    Migration._meta.db = engine
    for table in Finder().get_table_classes():
        table._meta.db = engine


async def connect(engine: Engine) -> None:
    if is_postgres(engine) and engine.pool is None:
        await engine.start_connection_pool(min_size=1, max_size=20)


async def disconnect(engine: Engine) -> None:
    if is_postgres(engine) and engine.pool is not None:
        await engine.close_connection_pool()
    elif isinstance(engine, PooledSQLiteEngine):
        await engine.close_pool()


def transaction(engine: Engine) -> Any:
    """One write transaction; nested calls join the outer one."""
    if is_postgres(engine):
        return engine.transaction()
    # Deferred transactions that later write fail with "database is locked" under concurrency.
    return engine.transaction(transaction_type=TransactionType.immediate)


async def fetch(engine: Engine, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run SQL with `{}` placeholders (Piccolo QueryString) and return rows as dicts."""
    rows = await engine.run_querystring(QueryString(sql, *args))
    return [dict(row) for row in rows or []]


async def fetchval(engine: Engine, sql: str, *args: Any) -> Any:
    rows = await fetch(engine, sql, *args)
    return next(iter(rows[0].values())) if rows else None


async def migrate(engine: Engine) -> str:
    """Apply every pending migration of the core and of each installed plugin."""
    use_engine(engine)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        await run_forwards(app_name="all")
    return out.getvalue()


@contextlib.asynccontextmanager
async def connected(url: str) -> AsyncIterator[Engine]:
    engine = make_engine(url)
    use_engine(engine)
    await connect(engine)
    try:
        yield engine
    finally:
        await disconnect(engine)


async def pending_migrations() -> list[tuple[str, str]]:
    """(app, migration id) of migrations that installed apps ship but the database lacks."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager
    from piccolo.apps.migrations.tables import Migration
    from piccolo.conf.apps import Finder

    applied: set[tuple[str, str]] = set()
    if await Migration.table_exists():
        rows = await Migration.select(Migration.app_name, Migration.name)
        applied = {(r["app_name"], r["name"]) for r in rows}
    manager = BaseMigrationManager()
    pending = []
    for app in Finder().get_app_configs():
        modules = manager.get_migration_modules(app.resolved_migrations_folder_path)
        pending += [
            (app.app_name, mid) for mid in sorted(modules) if (app.app_name, mid) not in applied
        ]
    return pending
