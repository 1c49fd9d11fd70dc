"""`/api/v1/me`, attachments and the configured statuses, priorities and types."""

from __future__ import annotations

from litestar import Response, get
from litestar.params import FromPath

from helpline.blobs import read_blob
from helpline.services import messages
from helpline.tables import Priority, Status, TicketType
from helpline_web.api.auth import ActorDep, HelplineDep
from helpline_web.api.schemas import MeOut, ValueOut


@get("/me", tags=["me"])
async def me(actor: ActorDep) -> MeOut:
    """The caller."""
    return MeOut(
        id=actor.id,
        email=actor.email,
        name=actor.name,
        role=actor.role,
        staff=actor.staff,
        permissions=sorted(actor.permissions),
        teams=sorted(actor.team_ids),
        organization_id=actor.organization_id,
        timezone=actor.timezone,
    )


@get("/attachments/{attachment_id:int}", tags=["tickets"])
async def download_attachment(
    helpline: HelplineDep, actor: ActorDep, attachment_id: FromPath[int]
) -> Response[bytes]:
    """An attachment's bytes, if the caller may read the message carrying it."""
    row = await messages.get_attachment(helpline, actor, attachment_id)
    data = read_blob(helpline.settings.blob_dir, row["sha256"])
    return Response(
        data,
        media_type=row["content_type"],
        headers={
            "Content-Disposition": f'attachment; filename="{row["filename"]}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@get("/statuses", tags=["settings"])
async def statuses() -> list[ValueOut]:
    rows = await Status.select().where(Status.active == True).order_by(Status.position)  # noqa: E712
    return [ValueOut(r["name"], r["label"], r["category"]) for r in rows]


@get("/priorities", tags=["settings"])
async def priorities() -> list[ValueOut]:
    rows = await Priority.select().where(Priority.active == True).order_by(Priority.rank)  # noqa: E712
    return [ValueOut(r["name"], r["label"]) for r in rows]


@get("/types", tags=["settings"])
async def ticket_types() -> list[ValueOut]:
    rows = await TicketType.select().where(TicketType.active == True).order_by(TicketType.position)  # noqa: E712
    return [ValueOut(r["name"], r["label"]) for r in rows]
