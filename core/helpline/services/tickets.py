"""Ticket services: create, update, assign, tag, reopen and merge. Messages live in `messages`.

Reading (`get_ticket`, `list_tickets`, `describe`, …) lives in `ticket_queries` and is
re-exported here, so `tickets.get_ticket` and friends keep working.
"""

from __future__ import annotations

from typing import Any

import msgspec

from helpline.errors import Conflict, Forbidden, Invalid
from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import history
from helpline.services.ticket_queries import (
    _COLUMNS,
    _RENAMED,
    SORTS,
    _load,
    clean_tags,
    describe,
    get_ticket,
    list_tickets,
    locked_ticket,
)
from helpline.services.ticket_queries import clean_tags as _clean_tags
from helpline.services.users import customer_for_email
from helpline.tables import Counter, Priority, Status, TicketTag, TicketType, User
from helpline.tables import Ticket as TicketRow

__all__ = [
    "ASSIGNABLE",
    "SORTS",
    "SYSTEM",
    "UPDATABLE",
    "_COLUMNS",
    "_RENAMED",
    "_load",
    "add_tags",
    "assign_ticket",
    "clean_tags",
    "create_ticket",
    "describe",
    "get_ticket",
    "list_tickets",
    "locked_ticket",
    "merge_tickets",
    "remove_tags",
    "reopen_ticket",
    "staff_user_id",
    "status_category",
    "update_as_system",
    "update_ticket",
]

UPDATABLE = ("subject", "status", "priority", "type", "tags", "custom_fields")
ASSIGNABLE = ("assignee_id", "team_id")


# -- validation --------------------------------------------------------------------------------


async def status_category(name: str) -> str:
    row = (
        await Status.select(Status.category)
        .where(
            (Status.name == name) & (Status.active == True)  # noqa: E712
        )
        .first()
    )
    if row is None:
        raise Invalid("status", f"unknown status {name!r}")
    return row["category"]


async def _check_value(table: Any, field: str, name: str) -> str:
    if not await table.exists().where((table.name == name) & (table.active == True)):  # noqa: E712
        raise Invalid(field, f"unknown {field} {name!r}")
    return name


async def _initial_status() -> str:
    row = (
        await Status.select(Status.name)
        .where(
            (Status.category == "new") & (Status.active == True)  # noqa: E712
        )
        .order_by(Status.position)
        .first()
    )
    if row is None:
        raise Invalid("status", "no active status in the 'new' category")
    return row["name"]


async def _default_value(table: Any, field: str, preferred: str) -> str:
    if await table.exists().where((table.name == preferred) & (table.active == True)):  # noqa: E712
        return preferred
    order = table.rank if table is Priority else table.position
    row = await table.select(table.name).where(table.active == True).order_by(order).first()  # noqa: E712
    if row is None:
        raise Invalid(field, f"no active {field} is configured")
    return row["name"]


async def staff_user_id(ref: int | str, field: str = "assignee") -> int:
    """An active agent by id or email; customers cannot be assigned tickets."""
    query = User.select(User.id, User.active, User.role.staff.as_alias("staff"))
    if isinstance(ref, str):
        query = query.where(User.email == ref.strip().lower())
    else:
        query = query.where(User.id == ref)
    row = await query.first()
    if row is None or not row["staff"] or not row["active"]:
        raise Invalid(field, f"{ref!r} is not an active agent")
    return row["id"]


async def _set_tags(ticket_id: int, old: list[str], new: list[str]) -> None:
    from helpline.tables import Tag

    removed = [t for t in old if t not in new]
    added = [t for t in new if t not in old]
    if removed:
        await TicketTag.delete().where(
            (TicketTag.ticket == ticket_id) & TicketTag.tag.is_in(removed)
        )
    for tag in added:
        await TicketTag.insert(TicketTag(ticket=ticket_id, tag=tag))
        if not await Tag.exists().where(Tag.name == tag):
            await Tag.insert(Tag(name=tag))


# -- creating ----------------------------------------------------------------------------------


async def create_ticket(
    helpline: Helpline,
    actor: Actor,
    *,
    subject: str,
    body: str,
    body_html: str | None = None,
    requester: int | str | None = None,
    requester_name: str = "",
    priority: str | None = None,
    type: str | None = None,
    tags: list[str] = (),
    assignee: int | str | None = None,
    team: int | str | None = None,
    channel: str = "web",
    custom_fields: dict[str, Any] | None = None,
    meta: dict[str, Any] | None = None,
    attachments: list[Any] = (),
    via: str | None = None,
) -> Ticket:
    """Open a ticket with its first message, by a customer or by an agent on their behalf."""
    from helpline.services import messages

    if not actor.can("tickets.create"):
        raise Forbidden("you may not create tickets")
    subject = (subject or "").strip()
    if not subject:
        raise Invalid("subject", "must not be empty")
    if len(subject) > 300:
        raise Invalid("subject", "must be at most 300 characters")
    if not (body or "").strip() and not body_html:
        raise Invalid("body", "must not be empty")
    if (assignee is not None or team is not None) and not actor.can("tickets.assign"):
        raise Forbidden(
            "you may not assign tickets", "assignee" if assignee is not None else "team"
        )
    if not actor.can("tickets.update") and (priority is not None or tags):
        field = "priority" if priority is not None else "tags"
        raise Forbidden(f"you may not set {field}", field)
    now = helpline.now()
    async with helpline.transaction():
        if requester is None or requester == actor.id or _same_email(requester, actor.email):
            requester_id = actor.id
        elif not actor.can("tickets.create_on_behalf"):
            raise Forbidden("you may only open tickets for yourself", "requester")
        elif isinstance(requester, str):
            requester_id = await customer_for_email(helpline, requester, requester_name)
        else:
            requester_id = requester
        status = await _initial_status()
        priority = await (
            _check_value(Priority, "priority", priority)
            if priority
            else _default_value(Priority, "priority", "normal")
        )
        type = await (
            _check_value(TicketType, "type", type)
            if type
            else _default_value(TicketType, "type", "question")
        )
        assignee_id = await staff_user_id(assignee) if assignee is not None else None
        from helpline.services.users import team_id as resolve_team

        team_id = await resolve_team(team) if team is not None else None
        tag_list = _clean_tags(list(tags))
        org = await User.select(User.organization).where(User.id == requester_id).first()
        if org is None:
            raise Invalid("requester", f"unknown user {requester!r}")
        number = (
            await Counter.update({Counter.value: Counter.value + 1})
            .where(Counter.name == "ticket_number")
            .returning(Counter.value)
        )[0]["value"]
        row = await TicketRow.insert(
            TicketRow(
                number=number,
                subject=subject,
                status=status,
                status_category=await status_category(status),
                priority=priority,
                type=type,
                requester=requester_id,
                organization=org["organization"],
                assignee=assignee_id,
                team=team_id,
                channel=channel,
                custom_fields=msgspec.json.encode(custom_fields or {}).decode(),
                created_at=now,
                updated_at=now,
                version=1,
            )
        ).returning(TicketRow.id)
        ticket_id = row[0]["id"]
        await _set_tags(ticket_id, [], tag_list)
        await history.record(helpline, ticket_id, actor, "created", via=via, new=subject)
        await messages.insert_message(
            helpline,
            ticket_id,
            author_id=requester_id if not actor.staff else actor.id,
            kind="public",
            body=body or "",
            body_html=body_html,
            channel=channel,
            meta=meta,
            attachments=attachments,
        )
        ticket = (await _load(TicketRow.id == ticket_id))[0]
        if assignee_id is None and team_id is None:
            ticket = await _route(helpline, ticket)
        await helpline.hook("ticket_created", helpline=helpline, ticket=ticket, actor=actor)
    return ticket


def _same_email(ref: int | str, email: str) -> bool:
    return isinstance(ref, str) and ref.strip().lower() == email


async def _route(helpline: Helpline, ticket: Ticket) -> Ticket:
    """Ask the routing plugins for an assignee or team for a new ticket."""
    decision = await helpline.hook_first("route_ticket", helpline=helpline, ticket=ticket)
    if not decision:
        return ticket
    changes: dict[str, Any] = {}
    if decision.get("fields"):  # optional type, priority, tags, custom_fields (routing rules)
        changes.update(await _validate(helpline, SYSTEM, ticket, dict(decision["fields"])))
    if decision.get("assignee") is not None:
        changes["assignee_id"] = await staff_user_id(decision["assignee"])
    if decision.get("team") is not None:
        from helpline.services.users import team_id as resolve_team

        changes["team_id"] = await resolve_team(decision["team"])
    via = f"routing: {decision.get('reason', 'rule')}"
    return await _apply(helpline, ticket, None, changes, via=via, notify=False)


# -- changing ----------------------------------------------------------------------------------


async def update_ticket(
    helpline: Helpline,
    actor: Actor,
    number: int,
    *,
    version: int | None,
    via: str | None = None,
    **fields: Any,
) -> Ticket:
    """Change fields of a ticket. `version` must match the stored one unless it is None."""
    unknown = set(fields) - set(UPDATABLE) - set(ASSIGNABLE)
    if unknown:
        raise Invalid(sorted(unknown)[0], "cannot be changed")
    async with helpline.transaction():
        (ticket,) = await locked_ticket(helpline, actor, number)
        if version is not None and version != ticket.version:
            raise Conflict(
                f"ticket #{number} was changed by someone else (version {ticket.version})",
                current_version=ticket.version,
            )
        changes = await _validate(helpline, actor, ticket, fields)
        return await _apply(helpline, ticket, actor, changes, via=via)


#: Acts for no user (SLA escalations, rules): every permission; history names `via`, not a person.
SYSTEM = Actor(
    id=0,
    email="system@helpline.invalid",
    name="Helpline",
    role="system",
    staff=True,
    permissions=frozenset({"*"}),
)


async def update_as_system(helpline: Helpline, number: int, *, via: str, **fields: Any) -> Ticket:
    """Change fields for no user (an escalation, a rule); the history records `via`."""
    unknown = set(fields) - set(UPDATABLE) - set(ASSIGNABLE)
    if unknown:
        raise Invalid(sorted(unknown)[0], "cannot be changed")
    async with helpline.transaction():
        (ticket,) = await locked_ticket(helpline, SYSTEM, number)
        changes = await _validate(helpline, SYSTEM, ticket, fields)
        return await _apply(helpline, ticket, None, changes, via=via)


async def _validate(
    helpline: Helpline, actor: Actor, ticket: Ticket, fields: dict[str, Any]
) -> dict:
    changes: dict[str, Any] = {}
    for field, value in fields.items():
        if field in ASSIGNABLE and not actor.can("tickets.assign"):
            raise Forbidden(
                f"you may not change {field.removesuffix('_id')}", field.removesuffix("_id")
            )
        if field in UPDATABLE and not actor.can("tickets.update"):
            customer_solves = (
                field == "status"
                and actor.can("tickets.solve_own")
                and ticket.requester_id == actor.id
                and ticket.status_category != "closed"
                and await status_category(value) == "solved"
            )
            if not customer_solves:
                raise Forbidden(f"you may not change {field}", field)
        if field == "subject":
            value = (value or "").strip()
            if not value:
                raise Invalid("subject", "must not be empty")
        elif field == "status":
            await status_category(value)
            if ticket.merged_into_id is not None and value != ticket.status:
                raise Invalid("status", f"ticket #{ticket.number} was merged into another ticket")
        elif field == "priority":
            await _check_value(Priority, "priority", value)
        elif field == "type":
            await _check_value(TicketType, "type", value)
        elif field == "tags":
            value = _clean_tags(list(value))
        elif field == "assignee_id" and value is not None:
            value = await staff_user_id(value)
        elif field == "team_id" and value is not None:
            from helpline.services.users import team_id as resolve_team

            value = await resolve_team(value)
        if getattr(ticket, field) != value:
            changes[field] = value
    return changes


async def _apply(
    helpline: Helpline,
    ticket: Ticket,
    actor: Actor | None,
    changes: dict[str, Any],
    *,
    via: str | None = None,
    kind: str = "field_changed",
    notify: bool = True,
) -> Ticket:
    """Write changes with their events, bump the version, and call `ticket_updated`."""
    if not changes:
        return ticket
    now = helpline.now()
    values: dict[Any, Any] = {TicketRow.updated_at: now, TicketRow.version: ticket.version + 1}
    columns = {
        "subject": TicketRow.subject,
        "status": TicketRow.status,
        "priority": TicketRow.priority,
        "type": TicketRow.type,
        "assignee_id": TicketRow.assignee,
        "team_id": TicketRow.team,
        "merged_into_id": TicketRow.merged_into,
        "first_response_at": TicketRow.first_response_at,
    }
    for field, value in changes.items():
        if field in columns:
            values[columns[field]] = value
        elif field == "custom_fields":
            values[TicketRow.custom_fields] = msgspec.json.encode(value).decode()
    if "status" in changes:
        category = await status_category(changes["status"])
        values[TicketRow.status_category] = category
        solved_at = {"solved": now, "closed": ticket.solved_at or now}.get(category)
        values[TicketRow.solved_at] = solved_at
        values[TicketRow.closed_at] = now if category == "closed" else None
    updated = (
        await TicketRow.update(values)
        .where((TicketRow.id == ticket.id) & (TicketRow.version == ticket.version))
        .returning(TicketRow.id)
    )
    if not updated:
        current = await TicketRow.select(TicketRow.version).where(TicketRow.id == ticket.id).first()
        raise Conflict(
            f"ticket #{ticket.number} was changed by someone else",
            current_version=current["version"] if current else None,
        )
    if "tags" in changes:
        await _set_tags(ticket.id, ticket.tags, changes["tags"])
    await history.record_changes(helpline, ticket, actor, changes, via=via, kind=kind)
    new = (await _load(TicketRow.id == ticket.id))[0]
    if notify:
        pairs = {f: (getattr(ticket, f), getattr(new, f)) for f in changes if hasattr(new, f)}
        await helpline.hook(
            "ticket_updated", helpline=helpline, ticket=new, actor=actor, changes=pairs
        )
    return new


async def assign_ticket(
    helpline: Helpline,
    actor: Actor,
    number: int,
    *,
    assignee: int | str | None,
    team: int | str | None = None,
    version: int | None = None,
) -> Ticket:
    fields: dict[str, Any] = {"assignee_id": assignee}
    if team is not None:
        fields["team_id"] = team
    return await update_ticket(helpline, actor, number, version=version, **fields)


async def add_tags(helpline: Helpline, actor: Actor, number: int, tags: list[str]) -> Ticket:
    async with helpline.transaction():
        (ticket,) = await locked_ticket(helpline, actor, number)
        return await update_ticket(
            helpline, actor, number, version=None, tags=[*ticket.tags, *tags]
        )


async def remove_tags(helpline: Helpline, actor: Actor, number: int, tags: list[str]) -> Ticket:
    drop = set(_clean_tags(tags))
    async with helpline.transaction():
        (ticket,) = await locked_ticket(helpline, actor, number)
        return await update_ticket(
            helpline, actor, number, version=None, tags=[t for t in ticket.tags if t not in drop]
        )


async def reopen_ticket(
    helpline: Helpline, actor: Actor, number: int, status: str = "open"
) -> Ticket:
    """Bring a solved or closed ticket back to an open status."""
    if not actor.can("tickets.update"):
        raise Forbidden("you may not reopen tickets", "status")
    async with helpline.transaction():
        (ticket,) = await locked_ticket(helpline, actor, number)
        if ticket.status_category not in ("solved", "closed"):
            raise Invalid("status", f"ticket #{number} is not solved or closed")
        if ticket.merged_into_id is not None:
            raise Invalid("status", f"ticket #{number} was merged into another ticket")
        if await status_category(status) not in ("new", "open"):
            raise Invalid("status", f"{status!r} is not an open status")
        return await _apply(helpline, ticket, actor, {"status": status}, kind="reopened")


async def merge_tickets(helpline: Helpline, actor: Actor, source: int, target: int) -> Ticket:
    """Move the conversation of `source` into `target` and close `source`."""
    from helpline.services import messages

    if not actor.can("tickets.merge"):
        raise Forbidden("you may not merge tickets")
    if source == target:
        raise Invalid("target", "a ticket cannot be merged into itself")
    async with helpline.transaction():
        src, dst = await locked_ticket(helpline, actor, source, target)
        if src.merged_into_id is not None:
            raise Invalid("source", f"ticket #{source} was already merged")
        if dst.merged_into_id is not None:
            raise Invalid("target", f"ticket #{target} was merged into another ticket")
        await messages.move_messages(src.id, dst.id)
        closed = await _default_closed_status()
        src = await _apply(
            helpline,
            src,
            actor,
            {"status": closed, "merged_into_id": dst.id},
            kind="merged",
            notify=False,
        )
        await history.record(
            helpline, src.id, actor, "merged", field="merged_into", new=f"#{target}"
        )
        await messages.insert_message(
            helpline, src.id, author_id=actor.id, kind="system", body=f"Merged into #{target}."
        )
        await messages.insert_message(
            helpline,
            dst.id,
            author_id=actor.id,
            kind="system",
            body=f"Ticket #{source} merged into this one.",
        )
        union = sorted(set(dst.tags) | set(src.tags))
        dst = await _apply(helpline, dst, actor, {"tags": union} if union != dst.tags else {})
        await history.record(helpline, dst.id, actor, "merged", field="ticket", new=f"#{source}")
        await helpline.hook("ticket_merged", helpline=helpline, source=src, target=dst, actor=actor)
    return dst


async def _default_closed_status() -> str:
    row = (
        await Status.select(Status.name)
        .where(
            (Status.category == "closed") & (Status.active == True)  # noqa: E712
        )
        .order_by(Status.position)
        .first()
    )
    if row is None:
        raise Invalid("status", "no active status in the 'closed' category")
    return row["name"]
