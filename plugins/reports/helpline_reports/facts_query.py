"""The raw ticket export: facts joined with readable names, keyset-paginated."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from helpline import db
from helpline.runtime import Helpline
from helpline_reports import filters as f_sql
from helpline_reports.facts import as_time
from helpline_reports.runner import check

_SELECT = (
    "SELECT f.ticket_id AS ticket_id, f.created_day AS created_day, f.number AS number, "
    "f.created_at AS created_at, f.channel AS channel, t.name AS team, a.name AS assignee, "
    "f.type AS type, f.priority AS priority, o.name AS organization, r.email AS requester, "
    "f.status_category AS status_category, f.first_response_at AS first_response_at, "
    "f.first_response_minutes AS first_response_minutes, f.solved_at AS solved_at, "
    "f.resolution_minutes AS resolution_minutes, f.reopens AS reopens, "
    "f.agent_replies AS agent_replies, f.one_touch AS one_touch "
    "FROM reports_ticket f LEFT JOIN team t ON t.id = f.team_id "
    "LEFT JOIN users a ON a.id = f.assignee_id LEFT JOIN organization o "
    "ON o.id = f.organization_id LEFT JOIN users r ON r.id = f.requester_id"
)


def _row(r: dict[str, Any]) -> list[Any]:
    return [
        r["number"],
        as_time(r["created_at"]),
        r["channel"],
        r["team"],
        r["assignee"],
        r["type"],
        r["priority"],
        r["organization"],
        r["requester"],
        r["status_category"],
        as_time(r["first_response_at"]),
        r["first_response_minutes"],
        as_time(r["solved_at"]),
        r["resolution_minutes"],
        int(r["reopens"]),
        int(r["agent_replies"]),
        bool(r["one_touch"]),
    ]


async def ticket_rows(
    helpline: Helpline, actor: Any, filters: Any, *, batch: int = 2000
) -> AsyncIterator[list[Any]]:
    """Tickets created in the range, oldest first, `batch` rows per query."""
    check(actor)
    where, args = f_sql.where(actor, filters, "f.created_day")
    last: tuple[str, int] | None = None
    while True:
        keyset, key_args = "", []
        if last is not None:
            keyset = " AND (f.created_day > {} OR (f.created_day = {} AND f.ticket_id > {}))"
            key_args = [last[0], last[0], last[1]]
        rows = await db.fetch(
            helpline.engine,
            f"{_SELECT} WHERE {where}{keyset} ORDER BY f.created_day, f.ticket_id LIMIT {{}}",
            *args,
            *key_args,
            batch,
        )
        for r in rows:
            yield _row(r)
        if len(rows) < batch:
            return
        last = (rows[-1]["created_day"], rows[-1]["ticket_id"])
