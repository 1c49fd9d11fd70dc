"""Per-visitor rate limits (in memory, per process) and the visitor's signed token."""

from __future__ import annotations

import time
import weakref
from collections import deque
from datetime import timedelta
from typing import Any

from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline.signing import sign, unsign

PURPOSE = "chat.visitor"


class RateLimit:
    """At most `count` events per `window` seconds for each key (a sliding window)."""

    def __init__(self, count: int, window: float, max_keys: int = 10_000) -> None:
        self.count, self.window, self.max_keys = count, window, max_keys
        self.events: dict[Any, deque[float]] = {}

    def allow(self, key: Any) -> bool:
        now = time.monotonic()
        seen = self.events.get(key)
        if seen is None:
            if len(self.events) >= self.max_keys:  # forget the idlest half rather than grow
                for old in sorted(self.events, key=lambda k: self.events[k][-1])[
                    : self.max_keys // 2
                ]:
                    del self.events[old]
            seen = self.events[key] = deque()
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.count:
            return False
        seen.append(now)
        return True


_LIMITS: weakref.WeakKeyDictionary[Helpline, RateLimit] = weakref.WeakKeyDictionary()


def limiter(helpline: Helpline) -> RateLimit:
    """One limiter per runtime, sized from `[plugin.chat]`."""
    found = _LIMITS.get(helpline)
    if found is None:
        s = helpline.plugin_settings["chat"]
        found = _LIMITS[helpline] = RateLimit(s.rate_messages, s.rate_window)
    return found


def visitor_token(helpline: Helpline, session: dict[str, Any]) -> str:
    days = helpline.plugin_settings["chat"].token_days
    payload = {"s": session["id"], "w": session["widget"], "v": session["visitor"]}
    return sign(
        helpline.settings.secret_key, PURPOSE, payload, helpline.now(), timedelta(days=days)
    )


def read_token(helpline: Helpline, token: str, widget: dict[str, Any]) -> dict[str, Any]:
    """The token's payload; Invalid('token') if forged, expired or for another widget."""
    payload = unsign(helpline.settings.secret_key, PURPOSE, token, helpline.now())
    if payload.get("w") != widget["id"]:
        raise Invalid("token", "this chat belongs to another widget")
    return payload
