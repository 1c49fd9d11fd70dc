"""Agents' load, availability and skills per team: the managers' view, the CLI and the API."""

from __future__ import annotations

from typing import Any

from helpline import db
from helpline.runtime import Helpline
from helpline.tables import Team
from helpline_routing import availability, engine, pool, rules, store


def state_of(p: store.AgentProfile, timezone: str, helpline: Helpline) -> str:
    if not p.available:
        return "away"
    if not availability.working(p.schedule, timezone, helpline.now()):
        return "off hours"
    return "available"


async def members(helpline: Helpline, team_id: int) -> list[dict[str, Any]]:
    """Every active agent of the team with their routing profile and open tickets."""
    rows = await db.fetch(
        helpline.engine,
        "SELECT u.id, u.name, u.email, u.timezone FROM team_member m "
        'JOIN users u ON u.id = m."user" JOIN role r ON r.id = u.role '
        "WHERE m.team = {} AND u.active AND r.staff ORDER BY u.name",
        team_id,
    )
    ids = [r["id"] for r in rows]
    found = await store.profiles(ids)
    loads = await engine.open_counts(helpline, ids)
    default = engine.settings(helpline).default_capacity
    out = []
    for r in rows:
        p = found[r["id"]]
        capacity = default if p.capacity is None else p.capacity
        out.append(
            {
                **r,
                "profile": p,
                "open": loads.get(r["id"], 0),
                "capacity": capacity,
                "capacity_set": p.capacity,
                "percent": min(100, round(100 * loads.get(r["id"], 0) / capacity))
                if capacity
                else 100,
                "state": state_of(p, r["timezone"], helpline),
                "skills": rules.format_skills(p.skills),
                "hours": availability.describe(p.schedule),
            }
        )
    return out


async def overview(helpline: Helpline) -> list[dict[str, Any]]:
    teams = await Team.select(Team.id, Team.name).order_by(Team.name)
    out = []
    for t in teams:
        cfg = await store.team_config(t["id"])
        out.append(
            {
                "team": t["name"],
                "team_id": t["id"],
                "strategy": cfg.strategy,
                "fallback": cfg.fallback,
                "reroute_minutes": cfg.reroute_minutes,
                "waiting": len(await pool.waiting(t["id"])),
                "agents": await members(helpline, t["id"]),
            }
        )
    return out
