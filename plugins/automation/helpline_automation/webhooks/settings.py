"""`[plugin.webhooks]` settings."""

from __future__ import annotations

import msgspec


class WebhookSettings(msgspec.Struct, forbid_unknown_fields=True):
    #: Allow targets on loopback, private, link-local or reserved addresses (tests, intranets).
    allow_private_targets: bool = False
    #: Seconds for the whole request (connect, send, read).
    timeout_seconds: float = 10.0
    #: Attempts per delivery, the first included; then it is given up.
    max_attempts: int = 6
    #: Delay before the second attempt; doubled for each further one.
    retry_base_seconds: int = 30
    #: Longest delay between two attempts.
    retry_max_seconds: int = 3600
    #: Failed attempts in a row after which a subscription is switched off.
    disable_after_failures: int = 15
    #: Bytes of a response body read at most (the rest is dropped unread).
    max_response_bytes: int = 65536
    #: Days finished deliveries stay in the log (pruned daily; `helpline webhooks prune`).
    keep_days: int = 30
