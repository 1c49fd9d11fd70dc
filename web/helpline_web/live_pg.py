"""PostgreSQL LISTEN/NOTIFY channels: Litestar's asyncpg backend, tuned for Helpline.

- It connects with the runtime engine's own settings, so it reaches the same database.
- NOTIFY goes through the engine's pool rather than a new connection per message.
- A listening connection that dies (server restart, network) is re-opened and re-LISTENs;
  what was published meanwhile is lost, which costs an open page one refresh at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Iterable
from typing import Any

import asyncpg
from litestar.channels.backends.asyncpg import AsyncPgChannelsBackend

log = logging.getLogger("helpline.web.live")

RECONNECT_DELAYS = (0.5, 1, 2, 5, 10, 30)


class PostgresChannelsBackend(AsyncPgChannelsBackend):
    def __init__(self, engine: Any) -> None:
        self._engine = engine
        super().__init__(make_connection=self._new_connection)
        self._stopping = False
        self._reconnecting: asyncio.Task | None = None

    async def _new_connection(self) -> asyncpg.Connection:
        return await asyncpg.connect(**self._engine.config)

    async def on_startup(self) -> None:
        self._stopping = False
        await super().on_startup()
        self._listener_conn.add_termination_listener(self._lost)

    async def on_shutdown(self) -> None:
        self._stopping = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        await super().on_shutdown()

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        pool = self._engine.pool
        if pool is None:
            await super().publish(data, channels)
            return
        payload = data.decode("utf-8")
        async with pool.acquire() as conn:  # not in a transaction: NOTIFY is sent at once
            for channel in channels:
                await conn.execute("SELECT pg_notify($1, $2)", channel, payload)

    def _lost(self, _connection: asyncpg.Connection) -> None:
        if self._stopping or self._reconnecting is not None:
            return
        log.warning("live: lost the LISTEN connection; reconnecting")
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        try:
            for attempt in itertools.count():
                await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
                try:
                    conn = await self._connect()
                except (OSError, asyncpg.PostgresError) as exc:
                    log.warning("live: reconnect failed: %s", exc)
                    continue
                async with self._listener_lock:
                    self._listener_conn = conn
                    for channel in self._subscribed_channels:
                        await conn.add_listener(channel, self._listener)
                conn.add_termination_listener(self._lost)
                log.info("live: LISTEN connection restored")
                return
        finally:
            self._reconnecting = None
