"""Who may read and change knowledge base articles: the plugin's one visibility decision."""

from __future__ import annotations

from typing import Any

import msgspec

from helpline.errors import Forbidden
from helpline.model import Actor

WRITE = "kb.write"
PUBLISH = "kb.publish"
MANAGE_CATEGORIES = "kb.manage_categories"
STATES = ("draft", "internal", "published")
STATE_LABELS = {"draft": "Draft", "internal": "Internal", "published": "Published"}


class KbSettings(msgspec.Struct, forbid_unknown_fields=True):
    #: Languages articles may be written in; the first is the default.
    languages: list[str] = msgspec.field(default_factory=lambda: ["en"])
    #: Largest attachment or image an editor may upload, in bytes.
    attachment_max_bytes: int = 10 * 1024 * 1024
    #: The help centre's name in page titles.
    site_name: str = "Help centre"


def settings(helpline: Any) -> KbSettings:
    return helpline.plugin_settings.get("kb") or KbSettings()


def readable_states(actor: Actor | None) -> tuple[str, ...]:
    """Anonymous visitors and customers read published articles; staff also internal ones;
    writers also drafts."""
    if actor is None or not actor.staff or not actor.active:
        return ("published",)
    if actor.can(WRITE):
        return STATES
    return ("internal", "published")


def can_write(actor: Actor | None) -> bool:
    return actor is not None and actor.staff and actor.can(WRITE)


def can_publish(actor: Actor | None) -> bool:
    return actor is not None and actor.staff and actor.can(PUBLISH)


def can_manage_categories(actor: Actor | None) -> bool:
    return actor is not None and actor.staff and actor.can(MANAGE_CATEGORIES)


def require_write(actor: Actor) -> None:
    if not can_write(actor):
        raise Forbidden("You may not write knowledge base articles (kb.write).")


def require_manage_categories(actor: Actor) -> None:
    if not can_manage_categories(actor):
        raise Forbidden("You may not manage knowledge base categories (kb.manage_categories).")


def states_sql(actor: Actor | None) -> str:
    """The readable states as an SQL list; a fixed vocabulary, never user input."""
    return ", ".join(f"'{s}'" for s in readable_states(actor))
