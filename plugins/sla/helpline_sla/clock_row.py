"""One clock as stored: a ticket's target, its budget, what is used, when it is due (µs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import msgspec

US = timedelta(microseconds=1)


def us(delta: timedelta) -> int:
    return delta // US


def parse_time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


@dataclass
class Clock:
    ticket_id: int
    target: str
    policy: str | None
    state: str
    business: bool
    calendar: str | None
    budget: int
    consumed: int
    warn_before: int
    started_at: datetime
    resumed_at: datetime | None = None
    due_at: datetime | None = None
    met_at: datetime | None = None
    breached_at: datetime | None = None
    warned_at: datetime | None = None
    level: int = 0
    segments: list[list[str]] = field(default_factory=list)
    id: int | None = None
    dirty: bool = False

    @property
    def outstanding(self) -> bool:
        return self.met_at is None and self.state != "cancelled"

    @property
    def running(self) -> bool:
        return self.resumed_at is not None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Clock:
        data = {k: row[k] for k in COLUMNS}
        for key in ("started_at", "resumed_at", "due_at", "met_at", "breached_at", "warned_at"):
            data[key] = parse_time(data[key])
        data["segments"] = msgspec.json.decode(row["segments"] or "[]")
        data["ticket_id"] = row["ticket"]
        return cls(id=row["id"], **data)

    def values(self) -> dict[str, Any]:
        """Column values, `ticket` first and then in the order of COLUMNS."""
        data: dict[str, Any] = {"ticket": self.ticket_id}
        data.update((k, getattr(self, k)) for k in COLUMNS)
        data["segments"] = msgspec.json.encode(self.segments).decode()
        return data


COLUMNS = (
    "target",
    "policy",
    "state",
    "business",
    "calendar",
    "budget",
    "consumed",
    "warn_before",
    "started_at",
    "resumed_at",
    "due_at",
    "met_at",
    "breached_at",
    "warned_at",
    "level",
    "segments",
)
