"""What the portal's pages share: customer wording for statuses, uploads, field errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.response import Redirect

from helpline.errors import Forbidden, Invalid
from helpline.model import Actor
from helpline.services.messages import NewAttachment
from helpline.tables import Status, TicketType
from helpline_web.context import helpline_of

#: Request bodies may carry several files; the core enforces the limit per file.
UPLOAD_BODY_LIMIT = 200 * 1024 * 1024
PORTAL_CSS = "/static/css/portal.css"

#: Status categories in words a customer understands.
CUSTOMER_STATUS = {
    "new": ("Awaiting our reply", "waiting-us"),
    "open": ("Awaiting our reply", "waiting-us"),
    "on_hold": ("Awaiting our reply", "waiting-us"),
    "pending": ("Awaiting your reply", "waiting-you"),
    "solved": ("Solved", "solved"),
    "closed": ("Closed", "closed"),
}


def customer_status(category: str) -> dict[str, str]:
    label, css = CUSTOMER_STATUS.get(category, ("In progress", "waiting-us"))
    return {"label": label, "css": css}


def staff_redirect(viewer: Actor, target: str) -> Redirect | None:
    """Agents have their own workspace; the portal sends them there."""
    return Redirect(target, status_code=303) if viewer.staff else None


def local_time(viewer: Actor | None):
    """A formatter for datetimes in the viewer's own time zone."""
    try:
        zone = ZoneInfo(viewer.timezone if viewer else "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")

    def fmt(value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(zone)
        return f"{local.day} {local:%b %Y, %H:%M}"

    return fmt


def human_size(size: int) -> str:
    for unit, step in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= step:
            return f"{size / step:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"


async def ticket_types() -> list[dict[str, str]]:
    """The active ticket types a customer may choose from, in the configured order."""
    rows = (
        await TicketType.select(TicketType.name, TicketType.label)
        .where(
            TicketType.active == True  # noqa: E712
        )
        .order_by(TicketType.position)
    )
    return [{"name": r["name"], "label": r["label"]} for r in rows]


async def solved_status() -> str:
    """The first active status of the solved category (installations may rename it)."""
    row = (
        await Status.select(Status.name)
        .where(
            (Status.category == "solved") & (Status.active == True)  # noqa: E712
        )
        .order_by(Status.position)
        .first()
    )
    return row["name"] if row else "solved"


async def read_form(request: Request) -> tuple[dict[str, str], list[NewAttachment]]:
    """Text fields and attached files of a URL-encoded or multipart form."""
    form = await request.form()
    fields: dict[str, str] = {}
    files: list[NewAttachment] = []
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if name == "attachments" and value.filename:
                data = await value.read()
                files.append(NewAttachment(value.filename, value.content_type or "", data))
            await value.close()
        elif name not in fields:
            fields[name] = value if isinstance(value, str) else ""
    return fields, files


def form_error(
    request: Request, exc: Invalid | Forbidden, fields: dict[str, str]
) -> dict[str, str]:
    """A service's complaint, in plain words, keyed by the form field it concerns."""
    field = getattr(exc, "field", None) or "form"
    field = fields.get(field, "form")
    message = exc.message if isinstance(exc, Invalid) else str(exc)
    if field == "attachments" and "exceeds" in message:
        limit = helpline_of(request).settings.attachment_max_bytes
        message = f"Each file can be at most {human_size(limit)}."
    elif message == "must not be empty":
        message = "Please fill this in."
    else:
        message = message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
    return {field: message}


def context_helpers(viewer: Actor | None) -> dict[str, Any]:
    return {
        "portal_css": PORTAL_CSS,
        "customer_status": customer_status,
        "local_time": local_time(viewer),
        "human_size": human_size,
    }
