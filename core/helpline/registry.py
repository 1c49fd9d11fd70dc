"""Plain data that registration hooks return."""

from __future__ import annotations

import msgspec

STATUS_CATEGORIES = ("new", "open", "pending", "on_hold", "solved", "closed")


class Permission(msgspec.Struct, frozen=True):
    code: str
    label: str
    description: str = ""
    #: Set by the host: the plugin that registered the code.
    plugin: str = ""


class RoleSpec(msgspec.Struct, frozen=True):
    name: str
    label: str
    permissions: tuple[str, ...]
    staff: bool = True


class StatusSpec(msgspec.Struct, frozen=True):
    name: str
    label: str
    category: str
    position: int = 0


class ValueSpec(msgspec.Struct, frozen=True):
    """A priority or ticket type."""

    name: str
    label: str
    position: int = 0
