"""Form fields ↔ `SubscriptionIn`."""

from __future__ import annotations

from typing import Any

from helpline_automation.webhooks.specs import Subscription, SubscriptionIn

NEW: dict[str, Any] = {
    "name": "",
    "url": "",
    "events": ["ticket.created", "message.added"],
    "active": True,
    "include_internal": False,
    "tags": "",
    "has_secret": False,
}


def values(form: Any, has_secret: bool = False) -> dict[str, Any]:
    """What the admin typed, to show again when something is wrong (never the secret)."""
    return {
        "name": form.get("name") or "",
        "url": form.get("url") or "",
        "events": form.getall("events") if "events" in form else [],
        "active": bool(form.get("active")),
        "include_internal": bool(form.get("include_internal")),
        "tags": form.get("tags") or "",
        "has_secret": has_secret,
    }


def to_input(form: Any) -> SubscriptionIn:
    secret = form.get("secret") or ""
    if form.get("remove_secret"):
        kept: str | None = ""
    else:
        kept = secret if secret.strip() else None  # empty keeps the stored secret
    return SubscriptionIn(
        name=form.get("name") or "",
        url=form.get("url") or "",
        events=form.getall("events") if "events" in form else [],
        secret=kept,
        active=bool(form.get("active")),
        include_internal=bool(form.get("include_internal")),
        tags=[t for t in (form.get("tags") or "").replace(",", " ").split() if t],
    )


def from_spec(spec: Subscription) -> dict[str, Any]:
    return {
        "name": spec.name,
        "url": spec.url,
        "events": spec.events,
        "active": spec.active,
        "include_internal": spec.include_internal,
        "tags": ", ".join(spec.tags),
        "has_secret": spec.has_secret,
    }
