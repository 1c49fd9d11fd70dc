"""What readers do with articles: helpful votes, view counts, use on tickets, deflected requests."""

from __future__ import annotations

import time
import weakref
from collections import Counter
from typing import Any

from helpline import db
from helpline.model import Actor

#: Views counted in memory per runtime and written in one upsert now and then: a page view
#: must not be a write transaction of its own.
_pending: weakref.WeakKeyDictionary[Any, tuple[Counter, list[float]]] = weakref.WeakKeyDictionary()
FLUSH_EVERY = 100
FLUSH_SECONDS = 10.0


def count_view(helpline: Any, article_id: int) -> bool:
    """Note one view; True when the buffer is due to be written (call `flush_views`)."""
    views, stamp = _pending.setdefault(helpline, (Counter(), [time.monotonic()]))
    views[article_id] += 1
    return sum(views.values()) >= FLUSH_EVERY or time.monotonic() - stamp[0] >= FLUSH_SECONDS


async def flush_views(helpline: Any) -> None:
    views, stamp = _pending.setdefault(helpline, (Counter(), [time.monotonic()]))
    stamp[0] = time.monotonic()
    if not views:
        return
    batch = dict(views)
    views.clear()
    async with helpline.transaction():
        for article_id, n in sorted(batch.items()):
            await db.fetch(
                helpline.engine,
                "INSERT INTO kb_view (article_id, views) VALUES ({}, {}) ON CONFLICT (article_id) "
                "DO UPDATE SET views = kb_view.views + excluded.views",
                article_id,
                n,
            )


async def views(helpline: Any, article_ids: list[int]) -> dict[int, int]:
    await flush_views(helpline)
    if not article_ids:
        return {}
    ids = ", ".join(str(int(i)) for i in article_ids)
    rows = await db.fetch(
        helpline.engine, f"SELECT article_id, views FROM kb_view WHERE article_id IN ({ids})"
    )
    return {r["article_id"]: int(r["views"]) for r in rows}


async def vote(helpline: Any, article_id: int, voter: str, helpful: bool) -> tuple[int, int]:
    """One vote per visitor (a later vote replaces theirs); returns (helpful, not helpful)."""
    async with helpline.transaction():
        await db.fetch(
            helpline.engine,
            "INSERT INTO kb_vote (article_id, voter, helpful, at) VALUES ({}, {}, {}, {}) "
            "ON CONFLICT (article_id, voter) DO UPDATE SET helpful = excluded.helpful, "
            "at = excluded.at",
            article_id,
            voter[:80],
            helpful,
            helpline.now(),
        )
        rows = await db.fetch(
            helpline.engine,
            "SELECT helpful, count(*) AS n FROM kb_vote WHERE article_id = {} GROUP BY helpful",
            article_id,
        )
        counts = {bool(r["helpful"]): int(r["n"]) for r in rows}
        yes, no = counts.get(True, 0), counts.get(False, 0)
        # The counts live on the article for lists; `version` is untouched (not an edit).
        await db.fetch(
            helpline.engine,
            "UPDATE kb_article SET helpful_yes = {}, helpful_no = {} WHERE id = {}",
            yes,
            no,
            article_id,
        )
    return yes, no


async def record_usage(
    helpline: Any, actor: Actor, article_id: int, ticket_id: int, kind: str
) -> None:
    await db.fetch(
        helpline.engine,
        "INSERT INTO kb_usage (article_id, ticket_id, actor_id, kind, at) "
        "VALUES ({}, {}, {}, {}, {})",
        article_id,
        ticket_id,
        actor.id,
        kind,
        helpline.now(),
    )


async def usage_for_ticket(helpline: Any, ticket_id: int) -> list[int]:
    rows = await db.fetch(
        helpline.engine,
        "SELECT DISTINCT article_id FROM kb_usage WHERE ticket_id = {}",
        ticket_id,
    )
    return [r["article_id"] for r in rows]


async def record_deflection(helpline: Any, actor: Actor | None, article_id: int, subject: str):
    await db.fetch(
        helpline.engine,
        "INSERT INTO kb_deflection (article_id, actor_id, subject, at) VALUES ({}, {}, {}, {})",
        article_id,
        actor.id if actor else None,
        (subject or "")[:300],
        helpline.now(),
    )


async def report(helpline: Any, since: Any = None) -> dict[str, Any]:
    """Figures for reports: deflected requests, and the articles most used on tickets."""
    since_sql, args = ("WHERE at >= {}", [since]) if since else ("", [])
    deflected = await db.fetchval(
        helpline.engine, f"SELECT count(*) FROM kb_deflection {since_sql}", *args
    )
    used = await db.fetch(
        helpline.engine,
        "SELECT a.id, a.title, a.language, count(DISTINCT u.ticket_id) AS tickets "
        f"FROM kb_usage u JOIN kb_article a ON a.id = u.article_id "
        f"{since_sql.replace('at', 'u.at')} GROUP BY a.id, a.title, a.language "
        "ORDER BY tickets DESC, a.id LIMIT 10",
        *args,
    )
    top_deflecting = await db.fetch(
        helpline.engine,
        "SELECT a.id, a.title, a.language, count(*) AS deflections "
        f"FROM kb_deflection d JOIN kb_article a ON a.id = d.article_id "
        f"{since_sql.replace('at', 'd.at')} GROUP BY a.id, a.title, a.language "
        "ORDER BY deflections DESC, a.id LIMIT 10",
        *args,
    )
    return {"deflected": int(deflected or 0), "used": used, "deflecting": top_deflecting}
