"""A Litestar session store in the Helpline database, so every web worker and node shares it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import Empty, Message

from helpline import db
from helpline.runtime import Helpline
from helpline.tables import WebSession


class DatabaseStore(Store):
    def __init__(self, helpline: Helpline, namespace: str = "session") -> None:
        self.helpline = helpline
        self.namespace = namespace

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    def _expiry(self, expires_in: int | timedelta | None) -> datetime | None:
        if expires_in is None:
            return None
        seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
        return self.helpline.now() + timedelta(seconds=seconds)

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        await db.fetch(
            self.helpline.engine,
            "INSERT INTO web_session (key, value, expires_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "expires_at = excluded.expires_at",
            self._key(key),
            data,
            self._expiry(expires_in),
        )
        if random.random() < 0.01:  # now and then, sweep what has expired
            await WebSession.delete().where(WebSession.expires_at < self.helpline.now())

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = (
            await WebSession.select(WebSession.value, WebSession.expires_at)
            .where(WebSession.key == self._key(key))
            .first()
        )
        if row is None:
            return None
        if row["expires_at"] is not None and row["expires_at"] <= self.helpline.now():
            await self.delete(key)
            return None
        if renew_for is not None and row["expires_at"] is not None:
            await WebSession.update({WebSession.expires_at: self._expiry(renew_for)}).where(
                WebSession.key == self._key(key)
            )
        value = row["value"]
        return bytes(value) if value is not None else None

    async def delete(self, key: str) -> None:
        await WebSession.delete().where(WebSession.key == self._key(key))

    async def delete_all(self) -> None:
        await WebSession.delete().where(WebSession.key.like(f"{self.namespace}:%"))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = (
            await WebSession.select(WebSession.expires_at)
            .where(WebSession.key == self._key(key))
            .first()
        )
        if row is None or row["expires_at"] is None:
            return None
        return max(0, int((row["expires_at"] - self.helpline.now()).total_seconds()))

    async def increment(self, key: str, expires_in: int) -> int:
        """Count something (e.g. failed logins) within a window that starts at the first count."""
        async with self.helpline.transaction():
            current = await self.get(key)
            count = int(current or b"0") + 1
            remaining = await self.expires_in(key) if current else None
            await self.set(key, str(count).encode(), remaining or expires_in)
        return count


class QuietSessionBackend(ServerSideSessionBackend):
    """Writes a session only when it changed: anonymous visits and page views cost no write."""

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope["_helpline_session_loaded"] = msgspec.json.encode(data)  # type: ignore[typeddict-unknown-key]
        return data

    async def store_in_message(
        self, scope_session: Any, message: Message, connection: ASGIConnection
    ) -> None:
        loaded = connection.scope.get("_helpline_session_loaded")
        has_cookie = self.config.key in connection.cookies
        if scope_session is Empty or not scope_session:
            if not has_cookie:
                return
        elif loaded is not None and msgspec.json.encode(scope_session) == loaded and has_cookie:
            return
        await super().store_in_message(scope_session, message, connection)


class SessionConfig(ServerSideSessionConfig):
    _backend_class = QuietSessionBackend
