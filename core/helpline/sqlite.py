"""A SQLite engine that keeps its connections open.

Piccolo's SQLiteEngine opens a new connection (and aiosqlite a new thread) for every query
outside a transaction and for every transaction; that cost dominated each request here. This
engine keeps idle connections for reuse, sets the per-connection PRAGMAs once, and otherwise
behaves exactly like Piccolo's.
"""

from __future__ import annotations

from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    # Safe with WAL: a crash can lose the last transactions, never corrupt the file.
    "PRAGMA synchronous = NORMAL",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -32000",
)


class PooledTransaction(SQLiteTransaction):
    """Returns its connection to the engine instead of closing it."""

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        healthy = True
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException:
            healthy = False
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
            await self.engine.release(
                self.connection, healthy and not self.connection.in_transaction
            )
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, max_idle: int = 8, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self.max_idle = max_idle
        self._idle: list[aiosqlite.Connection] = []

    async def get_connection(self) -> aiosqlite.Connection:
        while self._idle:
            connection = self._idle.pop()
            if connection._running:
                return connection
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory
        for pragma in _PRAGMAS:
            await connection.execute(pragma)
        return connection

    async def release(self, connection: aiosqlite.Connection, reusable: bool = True) -> None:
        if reusable and len(self._idle) < self.max_idle:
            self._idle.append(connection)
        else:
            await connection.close()

    async def close_pool(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return PooledTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table=None
    ):
        connection = await self.get_connection()
        reusable = False
        try:
            async with connection.execute(query, args or []) as cursor:
                rows = await cursor.fetchall()
            reusable = not connection.in_transaction
            return rows
        finally:
            await self.release(connection, reusable)

    async def _run_in_existing_connection(
        self,
        connection,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table=None,
    ):
        # Piccolo re-sends PRAGMA foreign_keys on every query; ours are set once per connection.
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()
