"""Routing decisions: categorise a new ticket, then pick an agent of its team under a lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from helpline import db, jobs
from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline.tables import Priority, TicketType
from helpline_routing import availability, rules, store, strategies
from helpline_routing.strategies import Candidate, Context

REROUTE = "routing.reroute"
DRAIN = "routing.drain"
CLOSED = ("solved", "closed")
#: `ticket_event.via` holds 100 characters, "routing: " included.
MAX_REASON = 90


@dataclass
class Choice:
    agent_id: int | None
    agent: str | None
    reason: str
    reroute_minutes: int = 0


def settings(helpline: Helpline) -> Any:
    from helpline_routing.config import RoutingSettings

    return helpline.plugin_settings.get("routing") or RoutingSettings()


def clip(reason: str) -> str:
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


_MEMBERS = (
    "SELECT u.id, u.name, u.timezone, a.available, a.capacity, a.skills, a.schedule, "
    "a.last_assigned_at, (SELECT count(*) FROM ticket t WHERE t.assignee = u.id "
    "AND t.status_category NOT IN ('solved', 'closed')) AS open "
    'FROM team_member m JOIN users u ON u.id = m."user" JOIN role r ON r.id = u.role '
    'LEFT JOIN routing_agent a ON a."user" = u.id '
    "WHERE m.team = {} AND u.active AND r.staff ORDER BY u.id"
)


async def candidates(
    helpline: Helpline, team_id: int, exclude: set[int] = frozenset()
) -> tuple[list[Candidate], dict[str, int]]:
    """Team members who may receive a ticket now, and how many may not, by reason."""
    now = helpline.now()
    default = settings(helpline).default_capacity
    skipped = {"away": 0, "off_hours": 0, "full": 0}
    out = []
    for m in await db.fetch(helpline.engine, _MEMBERS, team_id):
        if m["id"] in exclude:
            continue
        capacity = default if m["capacity"] is None else m["capacity"]
        schedule = store.decode(m["schedule"])
        if m["available"] is not None and not m["available"]:
            skipped["away"] += 1
        elif schedule and not availability.working(schedule, m["timezone"], now):
            skipped["off_hours"] += 1
        elif m["open"] >= capacity:
            skipped["full"] += 1
        else:
            out.append(
                Candidate(
                    m["id"],
                    m["name"],
                    m["open"],
                    capacity,
                    store.decode(m["skills"]),
                    store.timestamp(m["last_assigned_at"]),
                )
            )
    return out, skipped


async def open_counts(helpline: Helpline, user_ids: list[int]) -> dict[int, int]:
    if not user_ids:
        return {}
    marks = ", ".join("{}" for _ in user_ids)
    rows = await db.fetch(
        helpline.engine,
        f"SELECT assignee, count(*) AS n FROM ticket WHERE assignee IN ({marks}) "
        "AND status_category NOT IN ('solved', 'closed') GROUP BY assignee",
        *user_ids,
    )
    return {r["assignee"]: r["n"] for r in rows}


async def choose(
    helpline: Helpline,
    ticket: Ticket,
    team_id: int,
    skills: dict[str, int] | None = None,
    exclude: set[int] = frozenset(),
) -> Choice:
    """Pick an agent of the team; call inside the transaction that assigns the ticket.

    The team's routing row stays locked until that transaction ends, so a concurrent decision
    for the same team waits and then sees this one's assignment and round-robin cursor.
    """
    cfg = await store.lock_team(helpline, team_id)
    if cfg.strategy == "manual":
        return Choice(None, None, f"team {cfg.team}, assigned by hand", cfg.reroute_minutes)
    known = await strategies.available(helpline)
    found, skipped = await candidates(helpline, team_id, exclude)
    ctx = Context(
        helpline=helpline,
        ticket=ticket,
        team_id=team_id,
        team=cfg.team,
        candidates=found,
        skills=dict(skills or {}),
        last_agent=cfg.last_agent,
    )
    chain = [s for s in (cfg.strategy, cfg.fallback) if s and s != "manual" and s in known]
    for index, name in enumerate(chain):
        pick = await known[name].pick(ctx)
        if pick is None:
            continue
        agent = next((c.name for c in found if c.id == pick.agent_id), None)
        if agent is None:  # a strategy may only pick among the candidates it was given
            continue
        await store.set_cursor(helpline, team_id, pick.agent_id)
        await store.touch_agent(helpline, pick.agent_id)
        reason = pick.reason + (f" (fallback after {chain[0]})" if index else "")
        return Choice(pick.agent_id, agent, f"{reason} in {cfg.team}", cfg.reroute_minutes)
    why = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in skipped.items() if n)
    return Choice(None, None, f"nobody available in {cfg.team}" + (f" ({why})" if why else ""))


async def schedule_reroute(
    helpline: Helpline, ticket: Ticket, choice: Choice, count: int = 0
) -> None:
    if not (choice.agent_id and choice.reroute_minutes):
        return
    if count >= settings(helpline).max_reroutes:
        return
    await jobs.enqueue(
        helpline,
        REROUTE,
        {"ticket": ticket.id, "agent": choice.agent_id, "count": count},
        run_at=helpline.now() + timedelta(minutes=choice.reroute_minutes),
        key=f"routing:reroute:{ticket.id}",
    )


async def _usable(fields: dict[str, Any]) -> dict[str, Any]:
    """Drop a type or priority an admin deleted after writing the rule: never fail a ticket."""
    for key, table in (("type", TicketType), ("priority", Priority)):
        if key in fields and not await table.exists().where(
            (table.name == fields[key]) & (table.active == True)  # noqa: E712
        ):
            del fields[key]
    return fields


async def decide(helpline: Helpline, ticket: Ticket) -> dict[str, Any] | None:
    """The `route_ticket` answer for a new ticket without team and assignee."""
    found = await store.rules(active_only=True)
    outcome = (
        rules.evaluate(found, await rules.facts(helpline.engine, ticket), ticket) if found else None
    )
    team_name = (outcome.team if outcome else None) or settings(helpline).default_team or None
    decision: dict[str, Any] = {}
    reasons = []
    if outcome and outcome.rules:
        reasons.append("rule " + ", ".join(outcome.rules))
        if fields := await _usable(dict(outcome.fields)):
            decision["fields"] = fields
    if team_name:
        try:
            team = await store.team_row(team_name)
        except Exception:  # a rule naming a team deleted since: leave the ticket unrouted
            team = None
        if team is not None:
            decision["team"] = team["id"]
            choice = await choose(helpline, ticket, team["id"], outcome.skills if outcome else {})
            reasons.append(choice.reason)
            if choice.agent_id:
                decision["assignee"] = choice.agent_id
                await schedule_reroute(helpline, ticket, choice)
    if not decision:
        return None
    decision["reason"] = clip("; ".join(reasons))
    return decision


async def assign_in_team(helpline: Helpline, ticket: Ticket) -> None:
    """A new ticket that came with a team but nobody assigned: pick an agent of that team."""
    from helpline.services import tickets

    if ticket.team_id is None or ticket.assignee_id is not None:
        return
    cfg = await store.team_config(ticket.team_id)
    if cfg.strategy == "manual":
        return
    skills = {}
    found = await store.rules(active_only=True)
    if found:
        skills = rules.evaluate(found, await rules.facts(helpline.engine, ticket), ticket).skills
    choice = await choose(helpline, ticket, ticket.team_id, skills)
    if choice.agent_id:
        await tickets.update_as_system(
            helpline,
            ticket.number,
            via=f"routing: {clip(choice.reason)}",
            assignee_id=choice.agent_id,
        )
        await schedule_reroute(helpline, ticket, choice)
