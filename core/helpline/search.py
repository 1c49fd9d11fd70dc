"""Full-text search over ticket subjects and messages: SQLite FTS5 or PostgreSQL tsvector.

Both index the same things (see the core migration that creates them). Visibility applies twice:
to the tickets, through `visible_tickets`, and to the messages, so a customer never finds a
ticket by words that appear only in an internal note.
"""

from __future__ import annotations

import re
from typing import Any

from piccolo.columns.combination import WhereRaw

from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.visibility import visible_message_kinds

_WORD = re.compile(r"\w+", re.UNICODE)
#: Must match the generated tsvector columns of the core migration.
PG_TEXT_CONFIG = "english"


def fts5_query(text: str) -> str:
    """User text as an FTS5 query: every word must match, the last one as a prefix."""
    words = _WORD.findall(text)[:32]
    if not words:
        return '""'
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def pg_query(text: str) -> str:
    """User text as a `to_tsquery` string: every word must match, the last one as a prefix.

    `websearch_to_tsquery` has no prefix matching, so the query is built from the words alone;
    quoting each word keeps operators in the user's text from meaning anything.
    """
    words = _WORD.findall(text)[:32]
    if not words:
        return ""
    quoted = [f"'{w}'" for w in words]
    quoted[-1] += ":*"
    return " & ".join(quoted)


def _kinds_sql(actor: Actor) -> str:
    # Kinds are a fixed vocabulary, never user input.
    return ", ".join(f"'{k}'" for k in visible_message_kinds(actor))


def matching_tickets(helpline: Helpline, actor: Actor, text: str) -> Any:
    """A where-clause on the ticket table: tickets whose subject or readable messages match."""
    kinds = _kinds_sql(actor)
    if helpline.is_postgres:
        lang = PG_TEXT_CONFIG
        query = pg_query(text)
        return WhereRaw(
            f'"ticket"."id" IN ('
            f"SELECT t.id FROM ticket t WHERE t.search_vector @@ to_tsquery('{lang}', {{}}) "
            f"UNION SELECT m.ticket FROM message m WHERE m.kind IN ({kinds}) "
            f"AND m.search_vector @@ to_tsquery('{lang}', {{}}))",
            query,
            query,
        )
    query = fts5_query(text)
    return WhereRaw(
        '"ticket"."id" IN ('
        "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH {} "
        "UNION SELECT m.ticket FROM message_fts JOIN message m ON m.id = message_fts.rowid "
        f"WHERE message_fts MATCH {{}} AND m.kind IN ({kinds}))",
        query,
        query,
    )


async def search_tickets(
    helpline: Helpline, actor: Actor, text: str, *, limit: int = 20, offset: int = 0
) -> tuple[list[Ticket], int]:
    """Tickets matching `text` that the actor may see, best match first, and how many in all."""
    from helpline import db
    from helpline.services.tickets import _load
    from helpline.tables import Ticket as TicketRow
    from helpline.visibility import visible_tickets

    kinds = _kinds_sql(actor)
    if helpline.is_postgres:
        lang = PG_TEXT_CONFIG
        tsq = f"to_tsquery('{lang}', {{}})"
        hits = (
            f"SELECT t.id, 2 * ts_rank(t.search_vector, {tsq}) AS score FROM ticket t "
            f"WHERE t.search_vector @@ {tsq} "
            f"UNION ALL SELECT m.ticket, ts_rank(m.search_vector, {tsq}) FROM message m "
            f"WHERE m.kind IN ({kinds}) AND m.search_vector @@ {tsq}"
        )
        args: list[Any] = [pg_query(text)] * 4
        best = "max(hit.score) DESC"
    else:
        query = fts5_query(text)
        # bm25 is lower for better matches; subject hits count double.
        hits = (
            "SELECT rowid AS id, 2 * bm25(ticket_fts) AS score FROM ticket_fts "
            "WHERE ticket_fts MATCH {} "
            "UNION ALL SELECT m.ticket, bm25(message_fts) FROM message_fts "
            "JOIN message m ON m.id = message_fts.rowid "
            f"WHERE message_fts MATCH {{}} AND m.kind IN ({kinds})"
        )
        args = [query, query]
        best = "min(hit.score) ASC"
    visible = visible_tickets(actor).querystring
    rows = await db.fetch(
        helpline.engine,
        f"SELECT hit.id, count(*) OVER () AS total FROM ({hits}) hit "
        "JOIN ticket ON ticket.id = hit.id WHERE {} "
        f"GROUP BY hit.id ORDER BY {best}, hit.id DESC LIMIT {{}} OFFSET {{}}",
        *args,
        visible,
        limit,
        offset,
    )
    if not rows:
        total = (
            0
            if offset == 0
            else await TicketRow.count().where(
                visible_tickets(actor) & matching_tickets(helpline, actor, text)
            )
        )
        return [], total
    ordered = [r["id"] for r in rows]
    by_id = {t.id: t for t in await _load(TicketRow.id.is_in(ordered))}
    return [by_id[i] for i in ordered], rows[0]["total"]
