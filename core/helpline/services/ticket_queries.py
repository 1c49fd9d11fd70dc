"""Reading tickets: one by number, a filtered and sorted page, and the names a list shows.

`helpline.services.tickets` re-exports everything here; changes live there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.querystring import QueryString

from helpline import search
from helpline.errors import Invalid, NotFound
from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import ticket_lists
from helpline.services.users import people, team_names
from helpline.tables import Ticket as TicketRow
from helpline.tables import TicketTag
from helpline.visibility import visible_tickets

_NAME_OF = 'COALESCE((SELECT lower({0}.name) FROM {1} {0} WHERE {0}.id = "ticket"."{2}"), \'\')'
SORTS = {
    "updated_at": TicketRow.updated_at,
    "created_at": TicketRow.created_at,
    "number": TicketRow.number,
    # Queue columns: lookups correlated on primary keys, run only for the matching rows.
    "subject": QueryString('lower("ticket"."subject")'),
    "status": QueryString('(SELECT s.position FROM status s WHERE s.name = "ticket"."status")'),
    "priority": QueryString('(SELECT p.rank FROM priority p WHERE p.name = "ticket"."priority")'),
    "requester": QueryString(_NAME_OF.format("u", "users", "requester")),
    "assignee": QueryString(_NAME_OF.format("u", "users", "assignee")),
    "team": QueryString(_NAME_OF.format("t", "team", "team")),
}
_COLUMNS = (
    TicketRow.id,
    TicketRow.number,
    TicketRow.subject,
    TicketRow.status,
    TicketRow.status_category,
    TicketRow.priority,
    TicketRow.type,
    TicketRow.requester,
    TicketRow.organization,
    TicketRow.assignee,
    TicketRow.team,
    TicketRow.channel,
    TicketRow.custom_fields,
    TicketRow.merged_into,
    TicketRow.created_at,
    TicketRow.updated_at,
    TicketRow.first_response_at,
    TicketRow.solved_at,
    TicketRow.closed_at,
    TicketRow.version,
)
_RENAMED = {
    "requester": "requester_id",
    "organization": "organization_id",
    "assignee": "assignee_id",
    "team": "team_id",
    "merged_into": "merged_into_id",
}


def clean_tags(tags: list[str]) -> list[str]:
    """Tags as stored: lower case, spaces as dashes, unique, sorted; Invalid when empty or long."""
    cleaned = []
    for tag in tags:
        tag = tag.strip().lower().replace(" ", "-")
        if not tag or len(tag) > 64:
            raise Invalid("tags", f"tags must be 1 to 64 characters: {tag!r}")
        if tag not in cleaned:
            cleaned.append(tag)
    return sorted(cleaned)


async def _load(
    where: Any,
    order: Any = None,
    ascending: bool = False,
    limit: int = 0,
    offset: int = 0,
    *,
    terms: Sequence[tuple[Any, bool]] = (),
) -> list[Ticket]:
    """Ticket snapshots with their tags, ordered by `order` or by several `(term, ascending)`."""
    query = TicketRow.select(*_COLUMNS).where(where)
    if order is not None:
        terms = [(order, ascending)]
    for term, term_ascending in terms:
        query = query.order_by(term, ascending=term_ascending)
    if terms:
        query = query.order_by(TicketRow.id, ascending=terms[-1][1])
    if limit:
        query = query.limit(limit).offset(offset)
    rows = await query
    if not rows:
        return []
    tags: dict[int, list[str]] = {r["id"]: [] for r in rows}
    for tag in (
        await TicketTag.select(TicketTag.ticket, TicketTag.tag)
        .where(TicketTag.ticket.is_in(list(tags)))
        .order_by(TicketTag.tag)
    ):
        tags[tag["ticket"]].append(tag["tag"])
    tickets = []
    for row in rows:
        data = {_RENAMED.get(k, k): v for k, v in row.items()}
        fields = data["custom_fields"]
        data["custom_fields"] = json.loads(fields) if isinstance(fields, str) else fields or {}
        tickets.append(Ticket(tags=tags[row["id"]], **data))
    return tickets


async def get_ticket(helpline: Helpline, actor: Actor, number: int) -> Ticket:
    """The ticket with this number, if the actor may see it; NotFound otherwise."""
    found = await _load((TicketRow.number == number) & visible_tickets(actor))
    if not found:
        raise NotFound(f"ticket #{number} not found")
    return found[0]


async def locked_ticket(helpline: Helpline, actor: Actor, *numbers: int) -> list[Ticket]:
    """Tickets read for a change: their rows stay locked until the transaction ends.

    Without the lock, two PostgreSQL transactions read the same version and the slower one
    fails with a conflict even when it passed no version. SQLite needs nothing: its write
    transactions are immediate, so writers already run one at a time.
    """
    if helpline.is_postgres:
        await (
            TicketRow.select(TicketRow.id)
            .where(TicketRow.number.is_in(sorted(set(numbers))))
            .order_by(TicketRow.number)
            .lock_rows()
        )
    return [await get_ticket(helpline, actor, number) for number in numbers]


async def list_tickets(
    helpline: Helpline,
    actor: Actor,
    *,
    status: str | None = None,
    status_category: str | None = None,
    status_categories: list[str] | None = None,
    priority: str | None = None,
    type: str | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    requester_id: int | None = None,
    team_id: int | None = None,
    team_ids: list[int] | None = None,
    tag: str | None = None,
    q: str | None = None,
    solved_since: datetime | None = None,
    updated_since: datetime | None = None,
    filters: Sequence[str] = (),
    sort: str = "-updated_at",
    page: int = 1,
    per_page: int = 25,
) -> tuple[list[Ticket], int]:
    """A page of the tickets the actor may see, filtered, with the total count.

    `status_categories` and `team_ids` match any of their values (an empty list matches
    nothing); `solved_since` and `updated_since` keep tickets solved or changed at or after
    that moment. `filters` names plugin filters, all of which must hold, and `sort` may name a
    plugin sort (`ticket_lists`); an unknown name is Invalid.
    """
    where = visible_tickets(actor)
    for column, value in (
        (TicketRow.status, status),
        (TicketRow.status_category, status_category),
        (TicketRow.priority, priority),
        (TicketRow.type, type),
        (TicketRow.assignee, assignee_id),
        (TicketRow.requester, requester_id),
        (TicketRow.team, team_id),
    ):
        if value is not None:
            where &= column == value
    if unassigned:
        where &= TicketRow.assignee.is_null()
    for column, values in (
        (TicketRow.status_category, status_categories),
        (TicketRow.team, team_ids),
    ):
        if values is not None:
            where &= column.is_in(sorted(set(values))) if values else WhereRaw("1 = 0")
    if solved_since is not None:
        where &= TicketRow.solved_at >= solved_since
    if updated_since is not None:
        where &= TicketRow.updated_at >= updated_since
    if tag and tag.strip():
        tag = clean_tags([tag])[0]
        where &= TicketRow.id.is_in(TicketTag.select(TicketTag.ticket).where(TicketTag.tag == tag))
    if q and q.strip():
        where &= search.matching_tickets(helpline, actor, q)
    field = sort.lstrip("-")
    ascending = not sort.startswith("-")
    options = None
    if filters or field not in SORTS:
        options = await ticket_lists.list_options(helpline, actor)
    for name in dict.fromkeys(filters):
        if options is None or name not in options.filters:
            known = ", ".join(options.filters) if options and options.filters else "none"
            raise Invalid("filter", f"unknown filter {name!r}; available: {known}")
        where &= ticket_lists.filter_clause(helpline, options.filters[name])
    if field in SORTS:
        terms = [(SORTS[field], ascending)]
    elif options is not None and field in options.sorts:
        terms = ticket_lists.sort_terms(helpline, options.sorts[field], ascending)
    else:
        known = ", ".join([*SORTS, *(options.sorts if options else ())])
        raise Invalid("sort", f"unknown sort {sort!r}; use one of {known}")
    per_page = max(1, min(per_page, 200))
    page = max(1, page)
    total = await TicketRow.count().where(where)
    items = await _load(where, terms=terms, limit=per_page, offset=(page - 1) * per_page)
    return items, total


async def describe(tickets: list[Ticket]) -> tuple[dict[int, dict], dict[int, str]]:
    """People and team names referenced by tickets, for rendering."""
    ids = {t.requester_id for t in tickets} | {t.assignee_id for t in tickets}
    return await people(ids), await team_names({t.team_id for t in tickets})
