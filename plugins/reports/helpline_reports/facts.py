"""Per-ticket facts, recomputed from the ticket row, its public messages and its status history.

The live hooks and `helpline reports rebuild` both go through :func:`compute`, so a rebuild gives
exactly the facts the hooks wrote.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from helpline import db
from helpline.runtime import Helpline
from helpline_reports.tables import FACT_COLUMNS, TRANSITION_DIMENSIONS

SOLVED = ("solved", "closed")


def as_time(value: Any) -> datetime | None:
    """A timestamp from either backend as an aware datetime (SQLite may hand back text)."""
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def utc_day(value: Any) -> date:
    """The UTC day of a timestamp as either backend returns it (datetime, or ISO text)."""
    return as_time(value).astimezone(UTC).date()


def day(value: datetime | None) -> str | None:
    return utc_day(value).isoformat() if value else None


def minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round(max((end - start).total_seconds(), 0) / 60, 2)


def _in(ids: list[int]) -> str:
    return ", ".join("{}" for _ in ids)


async def _categories(helpline: Helpline) -> dict[str, str]:
    rows = await db.fetch(helpline.engine, "SELECT name, category FROM status")
    return {r["name"]: r["category"] for r in rows}


async def _business_minutes(
    helpline: Helpline, spans: list[tuple[int, datetime, datetime]]
) -> list[float | None]:
    """Business minutes of each (ticket id, start, end) span, from the plugin implementing
    `reports_business_minutes` (one call per batch); None where no calendar applies."""
    if not spans or not has_calendar_hook(helpline):
        return [None] * len(spans)
    found = await helpline.hook_first("reports_business_minutes", helpline=helpline, spans=spans)
    if found is None:
        return [None] * len(spans)
    return [None if v is None else round(float(v), 2) for v in found]


def has_calendar_hook(helpline: Helpline) -> bool:
    try:
        return bool(helpline.caller("reports_business_minutes").get_hookimpls())
    except AttributeError:
        return False


Transition = tuple[int, str, str]  # (ticket id, day, kind)


async def compute(
    helpline: Helpline, ids: list[int]
) -> tuple[list[dict[str, Any]], list[Transition]]:
    """The fact rows (dicts keyed by FACT_COLUMNS) and the solve/reopen transitions of the
    tickets `ids` that still exist."""
    if not ids:
        return [], []
    engine = helpline.engine
    tickets = await db.fetch(
        engine,
        "SELECT id, number, created_at, channel, team, assignee, type, priority, organization, "
        "requester, status_category, first_response_at, solved_at, merged_into, updated_at "
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
    history: dict[int, list[tuple[bool, bool, datetime]]] = defaultdict(list)
    for e in events:
        was = categories.get(e["old"] or "") in SOLVED
        now = categories.get(e["new"] or "") in SOLVED
        history[e["ticket"]].append((was, now, as_time(e["at"])))
    facts: list[dict[str, Any]] = []
    transitions: list[Transition] = []
    for t in tickets:
        moves = _transitions(t, history[t["id"]])
        transitions.extend((t["id"], day(at), kind) for kind, at in moves)
        facts.append(_fact(t, replies[t["id"]], moves))
    await _add_business_minutes(helpline, facts)
    return facts, transitions


def _transitions(t: dict[str, Any], history: list[tuple[bool, bool, datetime]]) -> list:
    """[(kind, at)]: each time the ticket entered ('solved', or 'merged' for the close of a
    merge) or left ('reopened') the solved state, from its status history. Where the history
    does not explain the present state (tickets written in bulk, or created solved), the
    difference is made up at the solve time, so the moves always sum to the present state."""
    created = as_time(t["created_at"])
    solved_now = t["status_category"] in SOLVED
    state = history[0][0] if history else False
    moves: list[tuple[str, datetime]] = []
    if state:
        moves.append(("solved", created))
    for was, now, at in history:
        if now and not was:
            moves.append(("solved", at))
        elif was and not now:
            moves.append(("reopened", at))
        state = now
    if solved_now and not state:
        at = as_time(t["solved_at"]) or as_time(t["updated_at"]) or created
        moves.append(("solved", at))
    elif state and not solved_now:
        moves.append(("reopened", as_time(t["updated_at"]) or created))
    if solved_now and t["merged_into"] is not None and moves and moves[-1][0] == "solved":
        moves[-1] = ("merged", moves[-1][1])
    return moves


def _fact(
    t: dict[str, Any], replies: list[datetime], moves: list[tuple[str, datetime]]
) -> dict[str, Any]:
    created = as_time(t["created_at"])
    first = as_time(t["first_response_at"]) or (replies[0] if replies else None)
    solved_at = None
    if t["status_category"] in SOLVED and t["merged_into"] is None:
        solves = [at for kind, at in moves if kind == "solved"]
        solved_at = as_time(t["solved_at"]) or (solves[-1] if solves else None)
    reopens = sum(1 for kind, _ in moves if kind == "reopened")
    one_touch = solved_at is not None and len(replies) <= 1 and not reopens
    return {
        "id": t["id"],
        "number": t["number"],
        "created_at": created,
        "created_day": day(created),
        "channel": t["channel"],
        "team": t["team"],
        "assignee": t["assignee"],
        "type": t["type"],
        "priority": t["priority"],
        "organization": t["organization"],
        "requester": t["requester"],
        "status_category": t["status_category"],
        "first_response_at": first,
        "first_response_minutes": minutes(created, first),
        "first_response_business": None,
        "solved_at": solved_at,
        "solved_day": day(solved_at),
        "resolution_minutes": minutes(created, solved_at),
        "resolution_business": None,
        "reopens": reopens,
        "agent_replies": len(replies),
        "one_touch": 1 if one_touch else 0,
    }


async def _add_business_minutes(helpline: Helpline, facts: list[dict[str, Any]]) -> None:
    spans, targets = [], []
    for f in facts:
        for end, column in (
            ("first_response_at", "first_response_business"),
            ("solved_at", "resolution_business"),
        ):
            if f[end] is not None:
                spans.append((f["id"], f["created_at"], f[end]))
                targets.append((f, column))
    for (f, column), value in zip(targets, await _business_minutes(helpline, spans), strict=True):
        f[column] = value


async def old_rows(
    helpline: Helpline, ids: list[int]
) -> tuple[list[dict[str, Any]], list[Transition]]:
    """What the tables hold now for `ids` (the part the rollups need)."""
    if not ids:
        return [], []
    facts = await db.fetch(
        helpline.engine,
        "SELECT id, created_day, team, channel, priority, type "
        f"FROM reports_ticket WHERE id IN ({_in(ids)})",
        *ids,
    )
    moves = await db.fetch(
        helpline.engine,
        f"SELECT id, day, kind FROM reports_transition WHERE id IN ({_in(ids)})",
        *ids,
    )
    return facts, [(m["id"], m["day"], m["kind"]) for m in moves]


async def write(
    helpline: Helpline,
    ids: list[int],
    facts: list[dict[str, Any]],
    transitions: list[Transition],
    *,
    replace: bool = True,
) -> None:
    """Replace the fact rows and transitions of `ids` by `facts` and `transitions`."""
    if ids and replace:
        for table in ("reports_ticket", "reports_transition"):
            await db.fetch(helpline.engine, f"DELETE FROM {table} WHERE id IN ({_in(ids)})", *ids)
    row = "(" + ", ".join("{}" for _ in FACT_COLUMNS) + ")"
    for start in range(0, len(facts), 400):
        chunk = facts[start : start + 400]
        await db.fetch(
            helpline.engine,
            f"INSERT INTO reports_ticket ({', '.join(FACT_COLUMNS)}) VALUES "
            + ", ".join(row for _ in chunk),
            *[f[c] for f in chunk for c in FACT_COLUMNS],
        )
    dims = {f["id"]: [f[c] for c in TRANSITION_DIMENSIONS] for f in facts}
    rows = [[*move, *dims[move[0]]] for move in transitions if move[0] in dims]
    columns = ["id", "day", "kind", *TRANSITION_DIMENSIONS]
    row = "(" + ", ".join("{}" for _ in columns) + ")"
    for start in range(0, len(rows), 400):
        chunk = rows[start : start + 400]
        await db.fetch(
            helpline.engine,
            f"INSERT INTO reports_transition ({', '.join(columns)}) VALUES "
            + ", ".join(row for _ in chunk),
            *[x for r in chunk for x in r],
        )


async def refresh(helpline: Helpline, ids: list[int]) -> None:
    """Recompute the facts of `ids` and move their daily rollup contributions accordingly."""
    from helpline_reports import rollups

    ids = sorted(set(ids))
    old_facts, old_moves = await old_rows(helpline, ids)
    facts, moves = await compute(helpline, ids)
    await write(helpline, ids, facts, moves)
    delta = rollups.contributions(facts, moves)
    await rollups.apply(helpline, rollups.contributions(old_facts, old_moves, -1, delta))
