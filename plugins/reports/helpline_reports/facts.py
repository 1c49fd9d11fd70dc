"""Per-ticket facts, recomputed from the ticket row, its public messages and its status history.

The live hooks and `helpline reports rebuild` both go through :func:`compute`, so a rebuild gives
exactly the facts the hooks wrote.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from helpline import db
from helpline.runtime import Helpline
from helpline_reports.tables import FACT_COLUMNS

SOLVED = ("solved", "closed")


def as_time(value: Any) -> datetime | None:
    """A timestamp from either backend as an aware datetime (SQLite may hand back text)."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def day(value: datetime | None) -> str | None:
    return value.astimezone(UTC).date().isoformat() if value else None


def minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round(max((end - start).total_seconds(), 0) / 60, 2)


def _in(ids: list[int]) -> str:
    return ", ".join("{}" for _ in ids)


async def _categories(helpline: Helpline) -> dict[str, str]:
    rows = await db.fetch(helpline.engine, "SELECT name, category FROM status")
    return {r["name"]: r["category"] for r in rows}


async def _business(
    helpline: Helpline, ticket_id: int, start: datetime | None, end: datetime | None
) -> float | None:
    if start is None or end is None or not _has_calendar_hook(helpline):
        return None
    found = await helpline.hook_first(
        "reports_business_minutes", helpline=helpline, ticket_id=ticket_id, start=start, end=end
    )
    return None if found is None else round(float(found), 2)


def _has_calendar_hook(helpline: Helpline) -> bool:
    try:
        return bool(helpline.caller("reports_business_minutes").get_hookimpls())
    except AttributeError:
        return False


async def compute(helpline: Helpline, ids: list[int]) -> list[dict[str, Any]]:
    """The fact rows (dicts keyed by FACT_COLUMNS) of the tickets `ids` that still exist."""
    if not ids:
        return []
    engine = helpline.engine
    tickets = await db.fetch(
        engine,
        "SELECT id, number, created_at, channel, team, assignee, type, priority, organization, "
        "requester, status_category, first_response_at, solved_at, merged_into "
        f"FROM ticket WHERE id IN ({_in(ids)}) ORDER BY id",
        *ids,
    )
    messages = await db.fetch(
        engine,
        "SELECT m.ticket AS ticket, m.id AS id, m.created_at AS created_at, r.staff AS staff "
        "FROM message m LEFT JOIN users u ON u.id = m.author LEFT JOIN role r ON r.id = u.role "
        f"WHERE m.kind = 'public' AND m.ticket IN ({_in(ids)}) ORDER BY m.ticket, m.id",
        *ids,
    )
    events = await db.fetch(
        engine,
        "SELECT ticket, old, new, at FROM ticket_event "
        f"WHERE field = 'status' AND ticket IN ({_in(ids)}) ORDER BY ticket, id",
        *ids,
    )
    categories = await _categories(helpline)
    replies: dict[int, list[datetime]] = defaultdict(list)
    seen: set[int] = set()
    for m in messages:
        if m["ticket"] not in seen:  # the opening message is the request, not a reply
            seen.add(m["ticket"])
            continue
        if m["staff"] in (True, 1):
            replies[m["ticket"]].append(as_time(m["created_at"]))
    reopens: dict[int, list[datetime]] = defaultdict(list)
    solves: dict[int, datetime] = {}
    for e in events:
        old, new = categories.get(e["old"] or ""), categories.get(e["new"] or "")
        if old in SOLVED and new not in SOLVED:
            reopens[e["ticket"]].append(as_time(e["at"]))
        if new in SOLVED and old not in SOLVED:
            solves[e["ticket"]] = as_time(e["at"])
    facts = []
    for t in tickets:
        facts.append(await _fact(helpline, t, replies[t["id"]], reopens[t["id"]], solves))
    return facts


async def _fact(
    helpline: Helpline,
    t: dict[str, Any],
    replies: list[datetime],
    reopens: list[datetime],
    solves: dict[int, datetime],
) -> dict[str, Any]:
    created = as_time(t["created_at"])
    first = as_time(t["first_response_at"]) or (replies[0] if replies else None)
    solved_at = None
    if t["status_category"] in SOLVED and t["merged_into"] is None:
        solved_at = as_time(t["solved_at"]) or solves.get(t["id"])
    one_touch = solved_at is not None and len(replies) <= 1 and not reopens
    return {
        "ticket_id": t["id"],
        "number": t["number"],
        "created_at": created,
        "created_day": day(created),
        "channel": t["channel"],
        "team_id": t["team"],
        "assignee_id": t["assignee"],
        "type": t["type"],
        "priority": t["priority"],
        "organization_id": t["organization"],
        "requester_id": t["requester"],
        "status_category": t["status_category"],
        "first_response_at": first,
        "first_response_minutes": minutes(created, first),
        "first_response_business": await _business(helpline, t["id"], created, first),
        "solved_at": solved_at,
        "solved_day": day(solved_at),
        "resolution_minutes": minutes(created, solved_at),
        "resolution_business": await _business(helpline, t["id"], created, solved_at),
        "reopens": len(reopens),
        "reopened_day": day(reopens[-1]) if reopens else None,
        "agent_replies": len(replies),
        "one_touch": 1 if one_touch else 0,
    }


async def old_facts(helpline: Helpline, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    return await db.fetch(
        helpline.engine,
        "SELECT created_day, solved_day, reopened_day, team_id, channel, priority, type "
        f"FROM reports_ticket WHERE ticket_id IN ({_in(ids)})",
        *ids,
    )


async def write(helpline: Helpline, ids: list[int], facts: list[dict[str, Any]]) -> None:
    """Replace the fact rows of `ids` by `facts`."""
    if ids:
        await db.fetch(
            helpline.engine, f"DELETE FROM reports_ticket WHERE ticket_id IN ({_in(ids)})", *ids
        )
    row = "(" + ", ".join("{}" for _ in FACT_COLUMNS) + ")"
    for start in range(0, len(facts), 400):
        chunk = facts[start : start + 400]
        await db.fetch(
            helpline.engine,
            f"INSERT INTO reports_ticket ({', '.join(FACT_COLUMNS)}) VALUES "
            + ", ".join(row for _ in chunk),
            *[f[c] for f in chunk for c in FACT_COLUMNS],
        )


async def refresh(helpline: Helpline, ids: list[int]) -> None:
    """Recompute the facts of `ids` and move their daily rollup contributions accordingly."""
    from helpline_reports import rollups

    ids = sorted(set(ids))
    before = await old_facts(helpline, ids)
    facts = await compute(helpline, ids)
    await write(helpline, ids, facts)
    await rollups.apply(helpline, rollups.contributions(before, -1, rollups.contributions(facts)))
