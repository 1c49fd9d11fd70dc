"""Who else has a ticket open, as one viewer's live stream knows it (in memory, per stream)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: A page heartbeats every 10 s; someone silent for longer than this has left.
PRESENCE_TTL = 30.0
STATES = ("viewing", "replying")


@dataclass
class Seen:
    name: str
    state: str
    at: float


class Presence:
    """Other users on one ticket: updated from presence messages, expired after a silence."""

    def __init__(self, me: int, ttl: float = PRESENCE_TTL) -> None:
        self.me = me
        self.ttl = ttl
        self.others: dict[int, Seen] = {}
        #: The viewer's own last state, as their page reported it (None: not heard yet).
        self.mine: Seen | None = None

    def heard(self, message: dict[str, Any], now: float) -> tuple[bool, bool]:
        """Apply one presence message: (whether what we show changed, whether it is a newcomer)."""
        user, state = message.get("user"), message.get("state")
        if not isinstance(user, int):
            return False, False
        if user == self.me:
            name = str(message.get("name") or "")
            self.mine = Seen(name, state, now) if state in STATES else None
            return False, False
        before = self.others.get(user)
        if state not in STATES:  # "left"
            return self.others.pop(user, None) is not None, False
        seen = self.others[user] = Seen(str(message.get("name") or "Someone"), state, now)
        changed = before is None or (before.state, before.name) != (seen.state, seen.name)
        return changed, before is None

    def expire(self, now: float) -> bool:
        """Forget whoever has been silent too long; True when someone was forgotten."""
        gone = [user for user, seen in self.others.items() if now - seen.at > self.ttl]
        for user in gone:
            del self.others[user]
        if self.mine is not None and now - self.mine.at > self.ttl:
            self.mine = None
        return bool(gone)

    def next_expiry(self, now: float) -> float | None:
        """Seconds until the next entry would expire (None when nobody is shown)."""
        if not self.others:
            return None
        oldest = min(seen.at for seen in self.others.values())
        return max(0.0, oldest + self.ttl - now)

    def listing(self) -> list[dict[str, str]]:
        """Who to show: those replying first, then by name."""
        people = sorted(self.others.values(), key=lambda s: (s.state != "replying", s.name.lower()))
        return [{"name": s.name, "state": s.state} for s in people]
