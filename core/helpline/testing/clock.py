"""A clock tests can freeze and move; the runtime reads time only through it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self) -> None:
        self.frozen: datetime | None = None

    def __call__(self) -> datetime:
        return self.frozen or datetime.now(UTC)

    def freeze(self, at: datetime | None = None) -> datetime:
        self.frozen = (at or datetime.now(UTC)).astimezone(UTC)
        return self.frozen

    def advance(self, **delta: float) -> datetime:
        return self.freeze(self() + timedelta(**delta))

    def unfreeze(self) -> None:
        self.frozen = None
