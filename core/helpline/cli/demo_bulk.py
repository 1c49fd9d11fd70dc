"""Bulk writers for demo data: the raw driver of each database, in one locked transaction.

Piccolo inserts a few thousand rows a second; `sqlite3.executemany` and asyncpg's binary COPY
write tens of thousands, which is what makes `helpline demo --tickets 100000` take minutes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from piccolo.engine.sqlite import convert_datetime_in

from helpline.piccolo_migrations.core_0002_search_indexes import SQLITE_SEARCH
from helpline.runtime import Helpline

#: Tables the demo writes to; locked for the whole load so ids and numbers cannot collide.
TABLES = (
    "organization",
    "users",
    "team",
    "team_member",
    "counter",
    "tag",
    "ticket",
    "ticket_tag",
    "message",
    "ticket_event",
)
#: Tables whose ids the demo hands out itself (to link rows before they are written).
ID_TABLES = ("organization", "users", "team", "ticket", "message")
#: Full-text triggers that fire on insert; dropped for the load, the index filled in one pass.
_FTS = {"ticket_fts": ("ticket", "subject"), "message_fts": ("message", "body")}


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


class Writer:
    """Reads a little, then writes rows in bulk; `ts` turns an aware datetime into a value."""

    ts: Callable[[datetime], Any]

    async def begin(self) -> None: ...
    async def fetch(self, sql: str) -> list[tuple]: ...
    async def execute(self, sql: str) -> None: ...
    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...

    async def max_ids(self) -> dict[str, int]:
        ids = {}
        for table in ID_TABLES:
            ids[table] = (await self.fetch(f'SELECT coalesce(max(id), 0) FROM "{table}"'))[0][0]
        return ids


class SQLiteWriter(Writer):
    """`sqlite3` on the database file: one IMMEDIATE transaction, triggers swapped for a pass."""

    # Exactly what Piccolo stores for a Timestamptz on SQLite: str() of the UTC datetime.
    ts = staticmethod(convert_datetime_in)

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=60)
        self.closed = False
        self.first_ids: dict[str, int] = {}

    async def begin(self) -> None:
        self.conn.execute("PRAGMA cache_size = -262144")  # 256 MB: index pages stay in memory
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self.conn.execute("BEGIN IMMEDIATE")
        existing = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        self.triggers = [
            (name, sql)
            for sql in SQLITE_SEARCH
            if sql.startswith("CREATE TRIGGER")
            and (name := sql.split()[2]) in existing
            and name.endswith("_ai")
        ]
        # DDL is transactional in SQLite: a failed load rolls the triggers back in place.
        for name, _sql in self.triggers:
            self.conn.execute(f"DROP TRIGGER {name}")
        self.first_ids = {t: i + 1 for t, i in (await self.max_ids()).items()}

    async def fetch(self, sql: str) -> list[tuple]:
        return self.conn.execute(sql).fetchall()

    async def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(columns))
        self.conn.executemany(f'INSERT INTO "{table}" ({_quoted(columns)}) VALUES ({marks})', rows)

    async def commit(self) -> None:
        # What the dropped triggers would have done, for the new rows only, then the triggers.
        for fts, (table, column) in _FTS.items():
            if any(name.startswith(fts) for name, _sql in self.triggers):
                self.conn.execute(
                    f"INSERT INTO {fts}(rowid, {column}) SELECT id, {column} FROM {table} "
                    f"WHERE id >= {int(self.first_ids[table])}"
                )
        for _name, sql in self.triggers:
            self.conn.execute(sql)
        self.conn.execute("COMMIT")
        self.conn.close()
        self.closed = True

    async def rollback(self) -> None:
        if self.closed:  # committed already
            return
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.close()
        self.closed = True


class PostgresWriter(Writer):
    """asyncpg from the engine's pool: binary COPY, tables locked against concurrent writers."""

    @staticmethod
    def ts(value: datetime) -> datetime:
        return value

    def __init__(self, helpline: Helpline) -> None:
        self.pool = helpline.engine.pool
        self.conn: Any = None

    async def begin(self) -> None:
        self.conn = await self.pool.acquire()
        self.tx = self.conn.transaction()
        await self.tx.start()
        # Writers wait for the load; readers (the web UI) go on.
        await self.conn.execute(f"LOCK TABLE {_quoted(TABLES)} IN SHARE ROW EXCLUSIVE MODE")

    async def fetch(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in await self.conn.fetch(sql)]

    async def execute(self, sql: str) -> None:
        await self.conn.execute(sql)

    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if rows:
            await self.conn.copy_records_to_table(table, records=rows, columns=list(columns))

    async def commit(self) -> None:
        # Ids were handed out here, not by the sequences: move each sequence past them.
        for table in ID_TABLES:
            await self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
            )
        await self.tx.commit()
        await self.pool.release(self.conn)
        self.conn = None
        # Fresh statistics, or the planner guesses badly about a table that just grew 100-fold.
        async with self.pool.acquire() as conn:
            await conn.execute(f"ANALYZE {_quoted(TABLES)}")

    async def rollback(self) -> None:
        if self.conn is None:  # committed already, or never began
            return
        try:
            await self.tx.rollback()
        finally:
            await self.pool.release(self.conn)
            self.conn = None


def writer_for(helpline: Helpline) -> Writer:
    """The bulk writer for the runtime's database."""
    if helpline.is_postgres:
        return PostgresWriter(helpline)
    return SQLiteWriter(helpline.settings.database[len("sqlite:///") :])
