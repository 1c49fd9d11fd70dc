"""Tickets that go back to the pool: unanswered reroutes and routing waiting tickets again."""

from __future__ import annotations

from typing import Any

from helpline import jobs
from helpline.runtime import Helpline
from helpline.services import tickets
from helpline.tables import Ticket as TicketRow
from helpline_routing import engine, rules, store


async def _skills(helpline: Helpline, ticket: Any) -> dict[str, int]:
    found = await store.rules(active_only=True)
    if not found:
        return {}
    return rules.evaluate(found, await rules.facts(helpline.engine, ticket), ticket).skills


async def _load(number_or_id: dict[str, Any]) -> Any:
    from helpline.services.tickets import SYSTEM, get_ticket

    if "id" in number_or_id:
        row = (
            await TicketRow.select(TicketRow.number)
            .where(TicketRow.id == number_or_id["id"])
            .first()
        )
        if row is None:
            return None
        number = row["number"]
    else:
        number = number_or_id["number"]
    return await get_ticket(None, SYSTEM, number)


async def on_reroute(helpline: Helpline, payload: dict[str, Any]) -> None:
    """The timer of a routed ticket: if its agent has not answered yet, route it again."""
    async with helpline.transaction():
        try:
            ticket = await _load({"id": payload["ticket"]})
        except Exception:
            return
        if ticket is None or ticket.team_id is None:
            return
        # Lock the team first: the same order as every other routing decision.
        cfg = await store.lock_team(helpline, ticket.team_id)
        ticket = await _load({"id": payload["ticket"]})
        if (
            cfg.strategy == "manual"  # the team stopped routing, or stopped rerouting
            or not cfg.reroute_minutes
            or ticket.first_response_at is not None
            or ticket.assignee_id != payload["agent"]
            or ticket.status_category in engine.CLOSED
            or ticket.merged_into_id is not None
        ):
            return
        minutes = cfg.reroute_minutes
        choice = await engine.choose(
            helpline,
            ticket,
            ticket.team_id,
            await _skills(helpline, ticket),
            exclude={payload["agent"]},
        )
        why = f"not answered in {minutes} min; " + (
            choice.reason if choice.agent_id else f"back to the pool, {choice.reason}"
        )
        ticket = await tickets.update_as_system(
            helpline, ticket.number, via=f"routing: {engine.clip(why)}", assignee_id=choice.agent_id
        )
        await engine.schedule_reroute(helpline, ticket, choice, int(payload.get("count", 0)) + 1)


async def route_existing(helpline: Helpline, number: int) -> Any:
    """Route one waiting ticket (with a team, nobody assigned) now; returns the ticket."""
    async with helpline.transaction():
        ticket = await _load({"number": number})
        if ticket.team_id is None:
            return ticket
        await store.lock_team(helpline, ticket.team_id)
        ticket = await _load({"number": number})  # read again, under the lock
        if ticket.assignee_id is not None or ticket.status_category in engine.CLOSED:
            return ticket
        choice = await engine.choose(
            helpline, ticket, ticket.team_id, await _skills(helpline, ticket)
        )
        if not choice.agent_id:
            return ticket
        ticket = await tickets.update_as_system(
            helpline,
            ticket.number,
            via=f"routing: {engine.clip('waiting ticket; ' + choice.reason)}",
            assignee_id=choice.agent_id,
        )
        await engine.schedule_reroute(helpline, ticket, choice)
        return ticket


async def waiting(team_id: int, limit: int = 200) -> list[int]:
    rows = await (
        TicketRow.select(TicketRow.number)
        .where(
            (TicketRow.team == team_id)
            & TicketRow.assignee.is_null()
            & TicketRow.status_category.not_in(list(engine.CLOSED))
            & TicketRow.merged_into.is_null()
        )
        .order_by(TicketRow.created_at)
        .limit(limit)
    )
    return [r["number"] for r in rows]


async def drain(helpline: Helpline, team_id: int) -> int:
    """Route the team's waiting tickets, oldest first, until nobody can take more."""
    routed = 0
    for number in await waiting(team_id):
        ticket = await route_existing(helpline, number)
        if ticket.assignee_id is None:
            break
        routed += 1
    return routed


async def on_drain(helpline: Helpline, payload: dict[str, Any]) -> None:
    await drain(helpline, payload["team"])


async def queue_drain(helpline: Helpline, user_id: int) -> None:
    """An agent became available: route the waiting tickets of their teams (as a job)."""
    from helpline.tables import TeamMember

    for row in await TeamMember.select(TeamMember.team).where(TeamMember.user == user_id):
        cfg = await store.team_config(row["team"])
        if cfg.strategy != "manual":
            await jobs.enqueue(
                helpline, engine.DRAIN, {"team": row["team"]}, key=f"routing:drain:{row['team']}"
            )
