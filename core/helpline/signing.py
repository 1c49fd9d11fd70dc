"""Signed, expiring tokens for links that need no login (password reset, surveys, unsubscribe)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

import msgspec

from helpline.errors import Invalid


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, purpose: str, body: str) -> str:
    key = hashlib.sha256(f"helpline:{purpose}:{secret}".encode()).digest()
    return _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def sign(
    secret: str, purpose: str, payload: dict[str, Any], now: datetime, expires_in: timedelta
) -> str:
    """A URL-safe token carrying `payload`, valid for `purpose` until `now + expires_in`."""
    body = _b64(msgspec.json.encode({**payload, "exp": int((now + expires_in).timestamp())}))
    return f"{body}.{_mac(secret, purpose, body)}"


def unsign(secret: str, purpose: str, token: str, now: datetime) -> dict[str, Any]:
    """The payload of a valid token; Invalid('token') if forged, for another purpose or expired."""
    body, _, mac = (token or "").partition(".")
    if not body or not hmac.compare_digest(mac, _mac(secret, purpose, body)):
        raise Invalid("token", "this link is not valid")
    try:
        payload = msgspec.json.decode(_unb64(body))
    except (ValueError, msgspec.DecodeError) as exc:
        raise Invalid("token", "this link is not valid") from exc
    if payload.get("exp", 0) < now.timestamp():
        raise Invalid("token", "this link has expired")
    return payload
