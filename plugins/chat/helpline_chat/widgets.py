"""Widgets: where each may be embedded (origins) and how it looks."""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline_chat.tables import ChatWidget

POSITIONS = ("right", "left")
_COLOR = re.compile(r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")
FIELDS = ("name", "origins", "color", "text_color", "greeting", "position", "team", "active")


def normalize_origin(value: str) -> str:
    """`https://Shop.Example:443/path` → `https://shop.example`; '' when not an origin."""
    value = (value or "").strip()
    if value == "*":
        return "*"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return ""
    host = parts.hostname.lower()
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def origin_list(widget: dict[str, Any]) -> list[str]:
    return [o for o in (widget.get("origins") or "").split() if o]


def origin_allowed(widget: dict[str, Any], origin: str | None) -> bool:
    """Whether a host page at `origin` may use this widget (`*` in the list allows any)."""
    allowed = origin_list(widget)
    if "*" in allowed:
        return True
    return bool(origin) and normalize_origin(origin or "") in allowed


async def all_widgets() -> list[dict[str, Any]]:
    return await ChatWidget.select().order_by(ChatWidget.name)


async def by_key(key: str) -> dict[str, Any] | None:
    return await ChatWidget.select().where(ChatWidget.key == (key or "")[:40]).first()


async def by_id(widget_id: int) -> dict[str, Any] | None:
    return await ChatWidget.select().where(ChatWidget.id == widget_id).first()


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """Form values → column values; Invalid(field) on the first bad one."""
    name = str(values.get("name") or "").strip()
    if not name:
        raise Invalid("name", "give the widget a name")
    if len(name) > 100:
        raise Invalid("name", "must be at most 100 characters")
    origins = []
    for line in str(values.get("origins") or "").split():
        origin = normalize_origin(line)
        if not origin:
            raise Invalid("origins", f"{line!r} is not an origin like https://www.example.com")
        if origin not in origins:
            origins.append(origin)
    colors = {}
    for field in ("color", "text_color"):
        color = str(values.get(field) or "").strip()
        if not _COLOR.match(color):
            raise Invalid(field, "use a colour like #1d4ed8")
        colors[field] = color
    position = str(values.get("position") or "right")
    if position not in POSITIONS:
        raise Invalid("position", "choose right or left")
    greeting = str(values.get("greeting") or "").strip()
    if len(greeting) > 500:
        raise Invalid("greeting", "must be at most 500 characters")
    team = values.get("team")
    return {
        "name": name,
        "origins": "\n".join(origins),
        **colors,
        "greeting": greeting,
        "position": position,
        "team": int(team) if str(team or "").isdigit() else None,
        "active": bool(values.get("active")),
    }


async def save(helpline: Helpline, widget_id: int | None, values: dict[str, Any]) -> int:
    row = clean(values)
    async with helpline.transaction():
        if widget_id is None:
            key = secrets.token_urlsafe(12)
            result = await ChatWidget.insert(
                ChatWidget(**row, key=key, created_at=helpline.now())
            ).returning(ChatWidget.id)
            return result[0]["id"]
        await ChatWidget.update({getattr(ChatWidget, k): v for k, v in row.items()}).where(
            ChatWidget.id == widget_id
        )
        return widget_id


async def delete(helpline: Helpline, widget_id: int) -> None:
    async with helpline.transaction():
        await ChatWidget.delete().where(ChatWidget.id == widget_id)
