"""`/api/v1/routing/…`: availability, agents' load, team routing and categorisation rules."""

from __future__ import annotations

from datetime import datetime

import msgspec
from litestar import delete, get, post, put
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, JSONBody

from helpline.errors import Invalid
from helpline.model import Actor
from helpline_routing import availability, engine, load, rules, store, strategies
from helpline_routing.page_me import set_available
from helpline_routing.rules import RuleSpec
from helpline_web.api.auth import ActorDep, HelplineDep

TAGS = ["routing"]
MANAGE = "routing.manage"


class AgentOut(msgspec.Struct):
    user_id: int
    name: str
    state: str  # available | away | off hours
    available: bool
    open: int
    capacity: int
    skills: dict[str, int]
    schedule: dict[str, list[str]]


class AgentIn(msgspec.Struct, forbid_unknown_fields=True):
    available: bool | None = None
    capacity: int | None = None
    skills: dict[str, int] | None = None
    schedule: dict[str, list[str]] | None = None


class AvailabilityIn(msgspec.Struct, forbid_unknown_fields=True):
    available: bool


class TeamOut(msgspec.Struct):
    team_id: int
    team: str
    strategy: str
    fallback: str
    reroute_minutes: int
    waiting: int
    agents: list[AgentOut]


class TeamIn(msgspec.Struct, forbid_unknown_fields=True):
    strategy: str
    fallback: str = ""
    reroute_minutes: int = 0


class StrategyOut(msgspec.Struct):
    name: str
    label: str


def _staff(actor: Actor) -> None:
    if not actor.staff:
        raise PermissionDeniedException("routing is for staff")


def _sees_load(actor: Actor) -> None:
    from helpline_routing import sees_load

    if not sees_load(actor):
        raise PermissionDeniedException("you may not see agents' load")


def _manager(actor: Actor) -> None:
    if not actor.can(MANAGE):
        raise PermissionDeniedException("you may not change routing (routing.manage)")


def _agent(m: dict) -> AgentOut:
    p = m["profile"]
    return AgentOut(
        user_id=m["id"],
        name=m["name"],
        state=m["state"],
        available=p.available,
        open=m["open"],
        capacity=m["capacity"],
        skills=p.skills,
        schedule=p.schedule,
    )


async def _me(helpline, actor: Actor) -> AgentOut:
    p = await store.profile(actor.id)
    capacity = engine.settings(helpline).default_capacity if p.capacity is None else p.capacity
    return AgentOut(
        user_id=actor.id,
        name=actor.name,
        state=load.state_of(p, actor.timezone, helpline),
        available=p.available,
        open=(await engine.open_counts(helpline, [actor.id])).get(actor.id, 0),
        capacity=capacity,
        skills=p.skills,
        schedule=p.schedule,
    )


@get("/availability", tags=TAGS)
async def my_availability(helpline: HelplineDep, actor: ActorDep) -> AgentOut:
    """The caller's routing status: available, away or outside working hours."""
    _staff(actor)
    return await _me(helpline, actor)


@put("/availability", tags=TAGS)
async def set_my_availability(
    helpline: HelplineDep, actor: ActorDep, data: JSONBody[AvailabilityIn]
) -> AgentOut:
    """Set the caller available or away; away agents receive no new tickets."""
    _staff(actor)
    await set_available(helpline, actor.id, data.available)
    return await _me(helpline, actor)


@put("/agents/{user_id:int}", tags=TAGS)
async def update_agent(
    helpline: HelplineDep, actor: ActorDep, user_id: FromPath[int], data: JSONBody[AgentIn]
) -> AgentOut:
    """Change an agent's availability, capacity, skills (levels 1-5) or weekly schedule."""
    _manager(actor)
    from helpline.services.users import load_actor

    agent = await load_actor(helpline, user_id)
    if not agent.staff:
        raise Invalid("user_id", "only agents are routed tickets")
    fields: dict = {}
    if data.capacity is not None:
        fields["capacity"] = data.capacity
    if data.skills is not None:
        text = ", ".join(f"{k}:{v}" for k, v in data.skills.items())
        fields["skills"] = rules.parse_skills(text)
    if data.schedule is not None:
        fields["schedule"] = availability.parse_schedule(
            {d: tuple(v) + ("",) * (2 - len(v)) for d, v in data.schedule.items()}
        )
    if fields:
        await store.save_profile(helpline, await store.profile(user_id), **fields)
    if data.available is not None:
        await set_available(helpline, user_id, data.available)
    return await _me(helpline, agent)


@get("/strategies", tags=TAGS)
async def list_strategies(helpline: HelplineDep, actor: ActorDep) -> list[StrategyOut]:
    """The strategies a team can use, including those other plugins add."""
    _staff(actor)
    return [StrategyOut(k, s.label) for k, s in (await strategies.available(helpline)).items()]


def _team(t: dict) -> TeamOut:
    return TeamOut(
        team_id=t["team_id"],
        team=t["team"],
        strategy=t["strategy"],
        fallback=t["fallback"],
        reroute_minutes=t["reroute_minutes"],
        waiting=t["waiting"],
        agents=[_agent(m) for m in t["agents"]],
    )


@get("/teams", tags=TAGS)
async def list_teams(helpline: HelplineDep, actor: ActorDep) -> list[TeamOut]:
    """Each team's routing and its agents' load (managers)."""
    _sees_load(actor)
    return [_team(t) for t in await load.overview(helpline)]


async def _one(helpline, team_id: int) -> TeamOut:
    await store.team_row(team_id)
    return next(_team(t) for t in await load.overview(helpline) if t["team_id"] == team_id)


@get("/teams/{team_id:int}", tags=TAGS)
async def get_team(helpline: HelplineDep, actor: ActorDep, team_id: FromPath[int]) -> TeamOut:
    """One team's routing and its agents' load."""
    _sees_load(actor)
    return await _one(helpline, team_id)


@put("/teams/{team_id:int}", tags=TAGS)
async def update_team(
    helpline: HelplineDep, actor: ActorDep, team_id: FromPath[int], data: JSONBody[TeamIn]
) -> TeamOut:
    """Set a team's strategy, fallback and reroute minutes; 422 naming the field."""
    _manager(actor)
    row = await store.team_row(team_id)
    cfg = store.TeamConfig(
        team_id=team_id,
        team=row["name"],
        strategy=data.strategy,
        fallback=data.fallback,
        reroute_minutes=data.reroute_minutes,
    )
    await store.save_team_config(helpline, cfg, list(await strategies.available(helpline)))
    return await _one(helpline, team_id)


@get("/rules", tags=TAGS)
async def list_rules(helpline: HelplineDep, actor: ActorDep) -> list[RuleSpec]:
    """Categorisation rules in the order they run."""
    _manager(actor)
    return await store.rules()


@post("/rules", tags=TAGS, status_code=201)
async def create_rule(helpline: HelplineDep, actor: ActorDep, data: JSONBody[RuleSpec]) -> RuleSpec:
    """Add a rule; 422 naming the field (`conditions.0.value`, `team`, …) when it is wrong."""
    _manager(actor)
    return await store.save_rule(helpline, await rules.validate(data))


@put("/rules/{name:str}", tags=TAGS)
async def replace_rule(
    helpline: HelplineDep, actor: ActorDep, name: FromPath[str], data: JSONBody[RuleSpec]
) -> RuleSpec:
    """Replace a rule (it may be renamed)."""
    _manager(actor)
    await store.get_rule(name)
    return await store.save_rule(helpline, await rules.validate(data), replace=name)


@delete("/rules/{name:str}", tags=TAGS, status_code=204)
async def delete_rule(helpline: HelplineDep, actor: ActorDep, name: FromPath[str]) -> None:
    """Delete a rule."""
    _manager(actor)
    await store.delete_rule(helpline, name)


ROUTES = [
    my_availability,
    set_my_availability,
    update_agent,
    list_strategies,
    list_teams,
    get_team,
    update_team,
    list_rules,
    create_rule,
    replace_rule,
    delete_rule,
]
__all__ = ["ROUTES", "datetime"]
