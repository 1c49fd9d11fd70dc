"""Snapshots that services return and hooks receive: plain msgspec Structs, never live rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    """A user as far as permissions and visibility are concerned."""

    id: int
    email: str
    name: str
    role: str
    staff: bool
    permissions: frozenset[str]
    team_ids: frozenset[int] = frozenset()
    organization_id: int | None = None
    #: Whether the actor's organization lets members see each other's tickets.
    organization_shared: bool = False
    timezone: str = "UTC"
    active: bool = True

    def can(self, code: str) -> bool:
        # A deactivated account keeps its role but may do nothing until reactivated.
        return self.active and (code in self.permissions or "*" in self.permissions)


class Ticket(msgspec.Struct, kw_only=True):
    id: int
    number: int
    subject: str
    status: str
    status_category: str
    priority: str
    type: str
    requester_id: int
    organization_id: int | None
    assignee_id: int | None
    team_id: int | None
    channel: str
    tags: list[str]
    custom_fields: dict[str, Any]
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    version: int


class Message(msgspec.Struct, kw_only=True):
    id: int
    ticket_id: int
    author_id: int | None
    kind: str
    body: str
    body_html: str
    channel: str
    meta: dict[str, Any]
    created_at: datetime
    attachments: list[AttachmentInfo] = []


class AttachmentInfo(msgspec.Struct, kw_only=True):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class NotificationAttachment(msgspec.Struct, frozen=True, kw_only=True):
    """A file sent with a notification (`deliver_notification`), e.g. a scheduled report."""

    filename: str
    content_type: str
    data: bytes


class Event(msgspec.Struct, kw_only=True):
    id: int
    ticket_id: int
    actor_id: int | None
    via: str | None
    kind: str
    field: str | None
    old: str | None
    new: str | None
    at: datetime


MESSAGE_KINDS = ("public", "internal", "system")
