"""Message-IDs: our own are signed so a reply names its ticket; parsing References lists."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

_OURS = re.compile(r"^hl\.(\d+)\.(\d+)\.([0-9a-f]{8})\.([a-z2-7]{16})@[^\s<>@]+$")
_BRACKETED = re.compile(r"<([^<>\s]+)>")
#: `[#1234]`, also `[Acme #1234]` or `[Ticket#1234]`.
SUBJECT_TAG = re.compile(r"\[[^\[\]#]{0,40}#(\d{1,12})\]")


def _mac(secret: str, body: str) -> str:
    key = hashlib.sha256(f"helpline:email-message-id:{secret}".encode()).digest()
    digest = hmac.new(key, body.encode(), hashlib.sha256).digest()[:10]
    return base64.b32encode(digest).decode().lower()


def make_message_id(secret: str, domain: str, ticket_id: int, message_id: int | None = None) -> str:
    """A Message-ID (without angle brackets) that only we can make, naming ticket and message."""
    body = f"{ticket_id}.{message_id or 0}.{secrets.token_hex(4)}"
    return f"hl.{body}.{_mac(secret, body)}@{domain}"


def verify_message_id(secret: str, value: str) -> tuple[int, int | None] | None:
    """(ticket id, message id or None) when `value` is a Message-ID we signed; else None."""
    match = _OURS.match(normalize(value))
    if not match:
        return None
    ticket, message, rand, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(secret, f"{ticket}.{message}.{rand}")):
        return None
    return int(ticket), int(message) or None


def looks_like_ours(value: str) -> bool:
    """Shaped like one of our Message-IDs (signed or not): for finding them in bounce texts."""
    return bool(_OURS.match(normalize(value)))


def normalize(value: str | None) -> str:
    """A Message-ID without angle brackets or surrounding space."""
    value = (value or "").strip()
    found = _BRACKETED.search(value)
    if found:
        return found.group(1)[:498]
    return value.strip("<>").split()[0][:498] if value.strip("<>").split() else ""


def id_list(value: str | None) -> list[str]:
    """Message-IDs of a References or In-Reply-To header, in order, without duplicates."""
    value = value or ""
    found = _BRACKETED.findall(value) or [v for v in value.split() if "@" in v]
    seen: list[str] = []
    for item in found:
        item = item.strip("<>")[:498]
        if item and item not in seen:
            seen.append(item)
    return seen


def subject_tag(number: int) -> str:
    return f"[#{number}]"


def tagged_subject(subject: str, number: int) -> str:
    """The subject with the ticket's tag, added once."""
    tag = subject_tag(number)
    return subject if tag in subject else f"{subject} {tag}".strip()


def subject_numbers(subject: str) -> list[int]:
    return [int(n) for n in SUBJECT_TAG.findall(subject or "")]


_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|vs|antw|wg|fw|fwd|tr|rv)\s*(\[\d+\])?\s*:\s*)+", re.I)


def strip_reply_prefixes(subject: str) -> str:
    return _REPLY_PREFIX.sub("", subject or "").strip()
