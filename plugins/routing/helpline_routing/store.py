"""Reading and writing the plugin's rows: team settings, agent profiles and rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import msgspec

from helpline import db
from helpline.errors import Invalid, NotFound
from helpline.runtime import Helpline
from helpline.tables import Team
from helpline_routing.rules import RuleSpec
from helpline_routing.tables import RoutingAgent, RoutingRule, RoutingTeam


class TeamConfig(msgspec.Struct, kw_only=True):
    team_id: int
    team: str
    strategy: str = "manual"
    fallback: str = ""
    reroute_minutes: int = 0
    last_agent: int | None = None


class AgentProfile(msgspec.Struct, kw_only=True):
    user_id: int
    available: bool = True
    capacity: int | None = None
    skills: dict[str, int] = {}
    schedule: dict[str, list[str]] = {}
    last_assigned_at: datetime | None = None


def decode(value: Any) -> Any:
    """A JSON column as read by Piccolo or by raw SQL."""
    return json.loads(value) if isinstance(value, str) else value or {}


def timestamp(value: Any) -> datetime | None:
    """A timestamp as raw SQL returns it: a datetime (PostgreSQL) or ISO text (SQLite)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- teams -------------------------------------------------------------------------------------


async def team_row(team: int | str) -> dict[str, Any]:
    column = "id" if isinstance(team, int) else "name"
    rows = await db.fetch(Team._meta.db, f"SELECT id, name FROM team WHERE {column} = {{}}", team)
    if not rows:
        raise NotFound(f"team {team!r} not found")
    return rows[0]


async def team_config(team: int | str) -> TeamConfig:
    row = await team_row(team)
    cfg = await RoutingTeam.select().where(RoutingTeam.team == row["id"]).first()
    if cfg is None:
        return TeamConfig(team_id=row["id"], team=row["name"])
    return TeamConfig(
        team_id=row["id"],
        team=row["name"],
        strategy=cfg["strategy"],
        fallback=cfg["fallback"],
        reroute_minutes=cfg["reroute_minutes"],
        last_agent=cfg["last_agent"],
    )


async def ensure_team_row(helpline: Helpline, team_id: int) -> None:
    await db.fetch(
        helpline.engine,
        "INSERT INTO routing_team (team, strategy, fallback, reroute_minutes, updated_at) "
        "VALUES ({}, 'manual', '', 0, {}) ON CONFLICT (team) DO NOTHING",
        team_id,
        helpline.now(),
    )


_LOCKED = (
    "SELECT r.strategy, r.fallback, r.reroute_minutes, r.last_agent, t.name FROM routing_team r "
    "JOIN team t ON t.id = r.team WHERE r.team = {}"
)


async def lock_team(helpline: Helpline, team_id: int) -> TeamConfig:
    """The team's routing row, locked until the transaction ends.

    PostgreSQL: `SELECT … FOR UPDATE` makes a concurrent decision for the same team wait until
    this transaction commits, then read the new cursor and load. SQLite needs nothing: its
    write transactions are immediate, so there is one writer at a time.
    """
    sql = _LOCKED + (" FOR UPDATE OF r" if helpline.is_postgres else "")
    rows = await db.fetch(helpline.engine, sql, team_id)
    if not rows:
        await ensure_team_row(helpline, team_id)
        rows = await db.fetch(helpline.engine, sql, team_id)
    row = rows[0]
    return TeamConfig(
        team_id=team_id,
        team=row["name"],
        strategy=row["strategy"],
        fallback=row["fallback"],
        reroute_minutes=row["reroute_minutes"],
        last_agent=row["last_agent"],
    )


async def save_team_config(helpline: Helpline, cfg: TeamConfig, strategies: list[str]) -> None:
    if cfg.strategy not in strategies:
        raise Invalid("strategy", f"unknown strategy {cfg.strategy!r}")
    if cfg.fallback and cfg.fallback not in strategies:
        raise Invalid("fallback", f"unknown strategy {cfg.fallback!r}")
    if cfg.fallback and cfg.fallback == cfg.strategy:
        raise Invalid("fallback", "choose a different strategy than the first one, or none")
    if not 0 <= cfg.reroute_minutes <= 7 * 24 * 60:
        raise Invalid("reroute_minutes", "must be between 0 (never) and 10080 (a week)")
    async with helpline.transaction():
        await ensure_team_row(helpline, cfg.team_id)
        await RoutingTeam.update(
            {
                RoutingTeam.strategy: cfg.strategy,
                RoutingTeam.fallback: cfg.fallback,
                RoutingTeam.reroute_minutes: cfg.reroute_minutes,
                RoutingTeam.updated_at: helpline.now(),
            }
        ).where(RoutingTeam.team == cfg.team_id)


async def set_cursor(helpline: Helpline, team_id: int, agent_id: int) -> None:
    await db.fetch(
        helpline.engine,
        "UPDATE routing_team SET last_agent = {} WHERE team = {}",
        agent_id,
        team_id,
    )


# -- agents ------------------------------------------------------------------------------------


def _profile(row: dict[str, Any]) -> AgentProfile:
    return AgentProfile(
        user_id=row["user"],
        available=row["available"],
        capacity=row["capacity"],
        skills=decode(row["skills"]),
        schedule=decode(row["schedule"]),
        last_assigned_at=row["last_assigned_at"],
    )


async def profiles(user_ids: list[int]) -> dict[int, AgentProfile]:
    found = {u: AgentProfile(user_id=u) for u in user_ids}
    if user_ids:
        for row in await RoutingAgent.select().where(RoutingAgent.user.is_in(user_ids)):
            found[row["user"]] = _profile(row)
    return found


async def profile(user_id: int) -> AgentProfile:
    return (await profiles([user_id]))[user_id]


async def save_profile(helpline: Helpline, p: AgentProfile, **fields: Any) -> AgentProfile:
    """Change some of an agent's routing settings (available, capacity, skills, schedule)."""
    if (
        "capacity" in fields
        and fields["capacity"] is not None
        and not (0 <= fields["capacity"] <= 1000)
    ):
        raise Invalid("capacity", "must be between 0 and 1000")
    new = msgspec.structs.replace(p, **fields)
    values = {
        "available": new.available,
        "capacity": new.capacity,
        "skills": json.dumps(new.skills),
        "schedule": json.dumps(new.schedule),
    }
    async with helpline.transaction():
        await db.fetch(
            helpline.engine,
            'INSERT INTO routing_agent ("user", available, capacity, skills, schedule, updated_at) '
            'VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT ("user") DO UPDATE SET '
            "available = excluded.available, capacity = excluded.capacity, "
            "skills = excluded.skills, schedule = excluded.schedule, "
            "updated_at = excluded.updated_at",
            new.user_id,
            values["available"],
            values["capacity"],
            values["skills"],
            values["schedule"],
            helpline.now(),
        )
    return new


async def touch_agent(helpline: Helpline, user_id: int) -> None:
    """Remember when an agent last received a ticket (least-loaded breaks ties with it)."""
    await db.fetch(
        helpline.engine,
        'INSERT INTO routing_agent ("user", available, skills, schedule, last_assigned_at, '
        'updated_at) VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT ("user") DO UPDATE SET '
        "last_assigned_at = excluded.last_assigned_at",
        user_id,
        True,
        "{}",
        "{}",
        helpline.now(),
        helpline.now(),
    )


# -- rules -------------------------------------------------------------------------------------


async def rules(active_only: bool = False) -> list[RuleSpec]:
    """The rules in the order they run (raw SQL: this runs for every new ticket)."""
    where = " WHERE active" if active_only else ""
    out = []
    sql = f"SELECT name, position, active, spec FROM routing_rule{where} ORDER BY position, id"
    for row in await db.fetch(RoutingRule._meta.db, sql):
        spec = msgspec.json.decode(row["spec"] or "{}", type=RuleSpec) if row["spec"] else None
        spec = msgspec.structs.replace(
            spec or RuleSpec(name=row["name"]),
            name=row["name"],
            position=row["position"],
            active=bool(row["active"]),
        )
        out.append(spec)
    return out


async def get_rule(name: str) -> RuleSpec:
    for rule in await rules():
        if rule.name == name:
            return rule
    raise NotFound(f"rule {name!r} not found")


async def save_rule(helpline: Helpline, rule: RuleSpec, replace: str | None = None) -> RuleSpec:
    names = {r.name for r in await rules()}
    if rule.name in names and rule.name != replace:
        raise Invalid("name", f"a rule named {rule.name!r} already exists")
    spec = msgspec.json.encode(rule).decode()
    async with helpline.transaction():
        if replace is None:
            await RoutingRule.insert(
                RoutingRule(
                    name=rule.name,
                    position=rule.position,
                    active=rule.active,
                    spec=spec,
                    updated_at=helpline.now(),
                )
            )
        else:
            await RoutingRule.update(
                {
                    RoutingRule.name: rule.name,
                    RoutingRule.position: rule.position,
                    RoutingRule.active: rule.active,
                    RoutingRule.spec: spec,
                    RoutingRule.updated_at: helpline.now(),
                }
            ).where(RoutingRule.name == replace)
    return rule


async def delete_rule(helpline: Helpline, name: str) -> None:
    await get_rule(name)
    async with helpline.transaction():
        await RoutingRule.delete().where(RoutingRule.name == name)
