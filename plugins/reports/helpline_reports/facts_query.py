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
    'SELECT "ticket".id AS id, "ticket".created_day AS created_day, "ticket".number AS number, '
    '"ticket".created_at AS created_at, "ticket".channel AS channel, t.name AS team, '
    'a.name AS assignee, "ticket".type AS type, "ticket".priority AS priority, '
    'o.name AS organization, r.email AS requester, "ticket".status_category AS status_category, '
    '"ticket".first_response_at AS first_response_at, '
    '"ticket".first_response_minutes AS first_response_minutes, "ticket".solved_at AS solved_at, '
    '"ticket".resolution_minutes AS resolution_minutes, "ticket".reopens AS reopens, '
    '"ticket".agent_replies AS agent_replies, "ticket".one_touch AS one_touch '
    'FROM reports_ticket "ticket" LEFT JOIN team t ON t.id = "ticket".team '
    'LEFT JOIN users a ON a.id = "ticket".assignee LEFT JOIN organization o '
    'ON o.id = "ticket".organization LEFT JOIN users r ON r.id = "ticket".requester'
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
    where, args = f_sql.where(actor, filters)
    last: tuple[str, int] | None = None
    while True:
        keyset, key_args = "", []
        if last is not None:
            keyset = (
                ' AND ("ticket".created_day > {} '
                'OR ("ticket".created_day = {} AND "ticket".id > {}))'
            )
            key_args = [last[0], last[0], last[1]]
        rows = await db.fetch(
            helpline.engine,
            f'{_SELECT} WHERE {where}{keyset} ORDER BY "ticket".created_day, "ticket".id '
            "LIMIT {}",
            *args,
            *key_args,
            batch,
        )
        for r in rows:
            yield _row(r)
        if len(rows) < batch:
            return
        last = (rows[-1]["created_day"], rows[-1]["id"])
