"""The ticket's history as sentences a person reads: "Ada changed status from New to Open"."""

from __future__ import annotations

from typing import Any

from helpline.model import Event, Ticket
from helpline.services import history
from helpline.tables import User


def _history_text(event: Event, who: str, labels: dict[str, dict[str, str]]) -> str:
    def show(value: str | None) -> str:
        return labels.get(event.field or "", {}).get(value or "", value or "")

    field = (event.field or "").replace("_", " ")
    if event.kind == "created":
        return f"{who} created the ticket"
    if event.kind == "message":
        return {
            "public": f"{who} replied",
            "internal": f"{who} added an internal note",
        }.get(event.field or "", f"{who} added a message")
    if event.kind == "merged" and event.field == "merged_into":
        return f"{who} merged this ticket into {event.new}"
    if event.kind == "merged" and event.field == "ticket":
        return f"{who} merged {event.new} into this ticket"
    if event.field == "first_response_at":
        return f"{who} gave the first response"
    prefix = f"{who} reopened the ticket: " if event.kind == "reopened" else f"{who} "
    if event.old in (None, "") and event.new not in (None, ""):
        return f"{prefix}set {field} to {show(event.new)}"
    if event.new in (None, ""):
        return f"{prefix}cleared {field} (was {show(event.old)})"
    return f"{prefix}changed {field} from {show(event.old)} to {show(event.new)}"


async def history_items(ticket: Ticket, labels: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Every change to the ticket as a readable sentence, newest first."""
    events = await history.events(ticket.id)
    actors = await users_by_id({e.actor_id for e in events})
    items = []
    for event in reversed(events):
        who = actors[event.actor_id]["name"] if event.actor_id in actors else "Helpline"
        text = _history_text(event, who, labels)
        items.append({"text": text, "via": event.via, "at": event.at, "kind": event.kind})
    return items


async def users_by_id(ids: set[int | None]) -> dict[int, dict[str, Any]]:
    """Name, email and whether staff, of each user id, in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = await User.select(
        User.id, User.name, User.email, User.role.staff.as_alias("staff")
    ).where(User.id.is_in(sorted(ids)))
    return {r["id"]: r for r in rows}
