"""The signature scheme: HMAC-SHA256 over `<timestamp>.<raw body>` with the subscription's secret.

Headers sent: `X-Helpline-Timestamp: <unix seconds>` and
`X-Helpline-Signature: sha256=<hex digest>`. A receiver recomputes the digest from the raw body
and the timestamp header, compares in constant time and rejects old timestamps (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time

TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    body: bytes,
    timestamp_header: str,
    signature_header: str,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the same digest, and a timestamp no older than `tolerance`."""
    try:
        timestamp = int(timestamp_header)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), signature_header or "")
