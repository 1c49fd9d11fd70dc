"""Request and response bodies of the REST API (msgspec Structs; UNSET marks an absent field)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType


class NewAttachmentIn(msgspec.Struct, forbid_unknown_fields=True):
    filename: str
    #: The file's bytes, base64-encoded.
    content: bytes
    content_type: str = "application/octet-stream"


class TicketCreate(msgspec.Struct, forbid_unknown_fields=True):
    subject: str
    body: str
    requester: str | None = None
    requester_name: str = ""
    priority: str | None = None
    type: str | None = None
    tags: list[str] = []
    assignee: str | None = None
    team: str | None = None
    channel: str = "api"
    custom_fields: dict[str, Any] = {}
    attachments: list[NewAttachmentIn] = []


class TicketPatch(msgspec.Struct, forbid_unknown_fields=True):
    #: The version you last read; a stale version is refused with 409.
    version: int
    subject: str | UnsetType = UNSET
    status: str | UnsetType = UNSET
    priority: str | UnsetType = UNSET
    type: str | UnsetType = UNSET
    #: Email of an agent, or null to unassign.
    assignee: str | UnsetType | None = UNSET
    #: Team name, or null for no team.
    team: str | UnsetType | None = UNSET
    tags: list[str] | UnsetType = UNSET
    custom_fields: dict[str, Any] | UnsetType = UNSET


class TicketOut(msgspec.Struct):
    number: int
    subject: str
    status: str
    status_category: str
    priority: str
    type: str
    requester: str
    requester_name: str
    assignee: str | None
    team: str | None
    tags: list[str]
    channel: str
    custom_fields: dict[str, Any]
    merged_into: int | None
    version: int
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None


class TicketPage(msgspec.Struct):
    items: list[TicketOut]
    total: int
    page: int
    per_page: int


class MessageCreate(msgspec.Struct, forbid_unknown_fields=True):
    body: str
    internal: bool = False
    attachments: list[NewAttachmentIn] = []


class AttachmentOut(msgspec.Struct):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class MessageOut(msgspec.Struct):
    id: int
    kind: str
    internal: bool
    author: str | None
    author_name: str | None
    body: str
    body_html: str
    channel: str
    created_at: datetime
    attachments: list[AttachmentOut]


class EventOut(msgspec.Struct):
    id: int
    kind: str
    field: str | None
    old: str | None
    new: str | None
    actor: str | None
    via: str | None
    at: datetime


class MergeIn(msgspec.Struct, forbid_unknown_fields=True):
    #: Number of the ticket this one is merged into.
    into: int


class MeOut(msgspec.Struct):
    id: int
    email: str
    name: str
    role: str
    staff: bool
    permissions: list[str]
    teams: list[int]
    organization_id: int | None
    timezone: str


class ValueOut(msgspec.Struct):
    name: str
    label: str
    category: str | None = None
