"""`/api/v1/tickets`: list, create, read, change, converse, history, merge, reopen."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter
from msgspec import UNSET

from helpline import search
from helpline.model import Actor, Message, Ticket
from helpline.runtime import Helpline
from helpline.services import history, messages, tickets
from helpline.services.messages import NewAttachment
from helpline.services.users import find_user_id, people, team_id, team_names
from helpline.tables import Ticket as TicketRow
from helpline_web.api.auth import ActorDep, HelplineDep
from helpline_web.api.schemas import (
    AttachmentOut,
    EventOut,
    MergeIn,
    MessageCreate,
    MessageOut,
    NewAttachmentIn,
    TicketCreate,
    TicketOut,
    TicketPage,
    TicketPatch,
)

NumberPath = Annotated[int, PathParameter(description="The ticket's number", gt=0)]


async def render_tickets(
    items: list[Ticket], helpline: Helpline | None = None, actor: Actor | None = None
) -> list[TicketOut]:
    """Ticket snapshots as API objects, resolving people, teams and merge targets in bulk.

    With `helpline` and `actor`, fields that plugins add (`ticket_api_fields`) join each ticket;
    such a ticket is returned as a dict, which the API encodes like the struct.
    """
    users = await people({t.requester_id for t in items} | {t.assignee_id for t in items})
    teams = await team_names({t.team_id for t in items})
    merged_ids = [t.merged_into_id for t in items if t.merged_into_id]
    merged = {}
    if merged_ids:
        rows = await TicketRow.select(TicketRow.id, TicketRow.number).where(
            TicketRow.id.is_in(merged_ids)
        )
        merged = {r["id"]: r["number"] for r in rows}
    rendered = [
        TicketOut(
            number=t.number,
            subject=t.subject,
            status=t.status,
            status_category=t.status_category,
            priority=t.priority,
            type=t.type,
            requester=users[t.requester_id]["email"],
            requester_name=users[t.requester_id]["name"],
            assignee=users[t.assignee_id]["email"] if t.assignee_id in users else None,
            team=teams.get(t.team_id),
            tags=t.tags,
            channel=t.channel,
            custom_fields=t.custom_fields,
            merged_into=merged.get(t.merged_into_id),
            version=t.version,
            created_at=t.created_at,
            updated_at=t.updated_at,
            first_response_at=t.first_response_at,
            solved_at=t.solved_at,
            closed_at=t.closed_at,
        )
        for t in items
    ]
    if helpline is None or actor is None or not items:
        return rendered
    extra: dict[int, dict[str, Any]] = {}
    found = await helpline.hook("ticket_api_fields", helpline=helpline, tickets=items, actor=actor)
    for result in found:
        for ticket_id, fields in (result or {}).items():
            extra.setdefault(ticket_id, {}).update(fields)
    if not extra:
        return rendered
    return [
        {**msgspec.to_builtins(out), **extra[t.id]} if t.id in extra else out  # type: ignore[misc]
        for t, out in zip(items, rendered, strict=True)
    ]


async def render_messages(items: list[Message]) -> list[MessageOut]:
    authors = await people({m.author_id for m in items})
    return [
        MessageOut(
            id=m.id,
            kind=m.kind,
            internal=m.kind == "internal",
            author=authors[m.author_id]["email"] if m.author_id in authors else None,
            author_name=authors[m.author_id]["name"] if m.author_id in authors else None,
            body=m.body,
            body_html=m.body_html,
            channel=m.channel,
            created_at=m.created_at,
            attachments=[
                AttachmentOut(
                    id=a.id,
                    filename=a.filename,
                    content_type=a.content_type,
                    size=a.size,
                    url=f"/api/v1/attachments/{a.id}",
                )
                for a in m.attachments
            ],
        )
        for m in items
    ]


def _files(items: list[NewAttachmentIn]) -> list[NewAttachment]:
    return [NewAttachment(a.filename, a.content_type, a.content) for a in items]


async def _user_filter(actor: ActorDep, email: str | None) -> int | None:
    if email is None:
        return None
    if email == "me":
        return actor.id
    # An unknown person matches nothing rather than everything.
    return await find_user_id(email) or -1


class TicketController(Controller):
    path = "/tickets"
    tags = ["tickets"]

    @get("/")
    async def list_tickets(
        self,
        helpline: HelplineDep,
        actor: ActorDep,
        status: FromQuery[str | None] = None,
        status_category: FromQuery[str | None] = None,
        priority: FromQuery[str | None] = None,
        type: FromQuery[str | None] = None,
        assignee: Annotated[
            str | None, QueryParameter(description="Agent email, `me`, or `none` for unassigned")
        ] = None,
        requester: Annotated[
            str | None, QueryParameter(description="Requester email or `me`")
        ] = None,
        team: Annotated[str | None, QueryParameter(description="Team name")] = None,
        tag: FromQuery[str | None] = None,
        q: Annotated[str | None, QueryParameter(description="Full-text search")] = None,
        plugin_filters: Annotated[
            list[str] | None,
            QueryParameter(
                name="filter",
                description=(
                    "Filters that enabled plugins offer, by name; repeat for several (all must "
                    "hold). With the SLA plugin: `sla_breached` (a target is overdue), "
                    "`sla_due_soon` (a running target falls due within an hour). Staff only "
                    "unless the plugin says otherwise; an unknown name is a 422."
                ),
            ),
        ] = None,
        sort: Annotated[
            str,
            QueryParameter(
                description=(
                    "updated_at, created_at, number, subject, status, priority, requester, "
                    "assignee or team, or a sort an enabled plugin offers (SLA plugin: `sla_due`, "
                    "next due first, tickets without a running target last); prefix - for "
                    "descending"
                )
            ),
        ] = "-updated_at",
        page: Annotated[int, QueryParameter(ge=1)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=200)] = 25,
    ) -> TicketPage:
        """Tickets the caller may see, newest change first, filtered and paginated."""
        filters: dict[str, Any] = {}
        if assignee == "none":
            filters["unassigned"] = True
        else:
            filters["assignee_id"] = await _user_filter(actor, assignee)
        filters["requester_id"] = await _user_filter(actor, requester)
        if team is not None:
            filters["team_id"] = await team_id(team)
        items, total = await tickets.list_tickets(
            helpline,
            actor,
            status=status,
            status_category=status_category,
            priority=priority,
            type=type,
            tag=tag,
            q=q,
            filters=plugin_filters or (),
            sort=sort,
            page=page,
            per_page=per_page,
            **filters,
        )
        return TicketPage(await render_tickets(items, helpline, actor), total, page, per_page)

    @post("/")
    async def create_ticket(
        self, helpline: HelplineDep, actor: ActorDep, data: JSONBody[TicketCreate]
    ) -> TicketOut:
        """Open a ticket. A customer is always the requester of what they open."""
        ticket = await tickets.create_ticket(
            helpline,
            actor,
            subject=data.subject,
            body=data.body,
            requester=data.requester,
            requester_name=data.requester_name,
            priority=data.priority,
            type=data.type,
            tags=data.tags,
            assignee=data.assignee,
            team=data.team,
            channel=data.channel,
            custom_fields=data.custom_fields,
            attachments=_files(data.attachments),
        )
        return (await render_tickets([ticket], helpline, actor))[0]

    @get("/{number:int}")
    async def get_ticket(
        self, helpline: HelplineDep, actor: ActorDep, number: NumberPath
    ) -> TicketOut:
        """One ticket; 404 when it does not exist or the caller may not see it."""
        ticket = await tickets.get_ticket(helpline, actor, number)
        return (await render_tickets([ticket], helpline, actor))[0]

    @patch("/{number:int}")
    async def update_ticket(
        self,
        helpline: HelplineDep,
        actor: ActorDep,
        number: NumberPath,
        data: JSONBody[TicketPatch],
    ) -> TicketOut:
        """Change fields; send the version you read. Stale: 409, forbidden: 403, bad value: 422."""
        fields: dict[str, Any] = {}
        for name in ("subject", "status", "priority", "type", "tags", "custom_fields"):
            if (value := getattr(data, name)) is not UNSET:
                fields[name] = value
        if data.assignee is not UNSET:
            fields["assignee_id"] = data.assignee
        if data.team is not UNSET:
            fields["team_id"] = data.team
        ticket = await tickets.update_ticket(
            helpline, actor, number, version=data.version, **fields
        )
        return (await render_tickets([ticket], helpline, actor))[0]

    @get("/{number:int}/messages")
    async def list_messages(
        self, helpline: HelplineDep, actor: ActorDep, number: NumberPath
    ) -> list[MessageOut]:
        """The conversation, oldest first; customers never see internal notes."""
        return await render_messages(await messages.list_messages(helpline, actor, number))

    @post("/{number:int}/messages")
    async def add_message(
        self,
        helpline: HelplineDep,
        actor: ActorDep,
        number: NumberPath,
        data: JSONBody[MessageCreate],
    ) -> MessageOut:
        """Reply publicly, or add an internal note with `internal: true` (agents only)."""
        _, message = await messages.add_message(
            helpline,
            actor,
            number,
            body=data.body,
            internal=data.internal,
            channel="api",
            attachments=_files(data.attachments),
        )
        return (await render_messages([message]))[0]

    @get("/{number:int}/events")
    async def list_events(
        self, helpline: HelplineDep, actor: ActorDep, number: NumberPath
    ) -> list[EventOut]:
        """Every change to the ticket, oldest first."""
        ticket = await tickets.get_ticket(helpline, actor, number)
        events = await history.events(ticket.id)
        actors = await people({e.actor_id for e in events})
        return [
            EventOut(
                id=e.id,
                kind=e.kind,
                field=e.field,
                old=e.old,
                new=e.new,
                actor=actors[e.actor_id]["email"] if e.actor_id in actors else None,
                via=e.via,
                at=e.at,
            )
            for e in events
        ]

    @post("/{number:int}/merge")
    async def merge(
        self, helpline: HelplineDep, actor: ActorDep, number: NumberPath, data: JSONBody[MergeIn]
    ) -> TicketOut:
        """Merge this ticket into another; returns the ticket merged into."""
        target = await tickets.merge_tickets(helpline, actor, number, data.into)
        return (await render_tickets([target], helpline, actor))[0]

    @post("/{number:int}/reopen")
    async def reopen(self, helpline: HelplineDep, actor: ActorDep, number: NumberPath) -> TicketOut:
        """Bring a solved or closed ticket back to open."""
        ticket = await tickets.reopen_ticket(helpline, actor, number)
        return (await render_tickets([ticket], helpline, actor))[0]


@get("/search", tags=["tickets"])
async def search_tickets(
    helpline: HelplineDep,
    actor: ActorDep,
    q: FromQuery[str],
    page: Annotated[int, QueryParameter(ge=1)] = 1,
    per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> TicketPage:
    """Full-text search over subjects and conversations, best match first."""
    items, total = await search.search_tickets(
        helpline, actor, q, limit=per_page, offset=(page - 1) * per_page
    )
    return TicketPage(await render_tickets(items, helpline, actor), total, page, per_page)
