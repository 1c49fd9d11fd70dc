"""`/api/v1/automation/…`: rules, macros, applying a macro, dry runs, the rule log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import delete, get, post, put
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, JSONBody

from helpline.model import Actor
from helpline_automation import dryrun, macros, registry, store, validate
from helpline_automation.tables import AutomationLog
from helpline_web.api.auth import ActorDep, HelplineDep

TAGS = ["automation"]


class Condition(msgspec.Struct):
    field: str
    op: str
    value: str = ""


class Action(msgspec.Struct):
    action: str
    params: dict[str, str] = {}


class RuleIn(msgspec.Struct):
    name: str
    kind: str = "trigger"
    events: list[str] = []
    match: str = "all"
    conditions: list[Condition] = []
    actions: list[Action] = []
    enabled: bool = True
    cron: str = ""
    run_limit: int = 100


class RuleOut(RuleIn):
    id: int = 0
    position: int = 0
    failing: bool = False
    last_error: str = ""


class MacroIn(msgspec.Struct):
    name: str
    description: str = ""
    reply: str = ""
    internal: bool = False
    actions: list[Action] = []


class MacroOut(MacroIn):
    id: int = 0


class ApplyIn(msgspec.Struct):
    tickets: list[int]


class ApplyOut(msgspec.Struct):
    results: dict[str, str]


class DryRunIn(msgspec.Struct):
    ticket: int


class DryRunOut(msgspec.Struct):
    ticket: int
    matched: bool
    error: str
    conditions: list[dict[str, Any]]
    actions: list[str]


class LogEntry(msgspec.Struct):
    at: datetime
    ticket: int | None
    event: str
    outcome: str
    detail: str


class Catalog(msgspec.Struct):
    events: dict[str, str]
    conditions: dict[str, dict[str, Any]]
    actions: dict[str, dict[str, Any]]


def _manager(actor: Actor) -> None:
    if not actor.can(store.MANAGE):
        raise PermissionDeniedException("you may not manage automation (automation.manage)")


def _macro_user(actor: Actor) -> None:
    if not (actor.staff and (actor.can(store.APPLY) or actor.can(store.MANAGE))):
        raise PermissionDeniedException("you may not use macros (automation.apply_macros)")


def _rule(row: dict[str, Any]) -> RuleOut:
    return msgspec.convert(row, RuleOut, from_attributes=False, strict=False)


def _macro(row: dict[str, Any]) -> MacroOut:
    return msgspec.convert(row, MacroOut, strict=False)


@get("/catalog", tags=TAGS)
async def catalog(helpline: HelplineDep, actor: ActorDep) -> Catalog:
    """The events, conditions (with their operators) and actions (with their params) rules use."""
    _macro_user(actor)
    return Catalog(
        events=validate.EVENTS,
        conditions={
            name: {"label": s.label, "kind": s.kind, "operators": list(s.operators)}
            for name, s in (await registry.conditions(helpline)).items()
        },
        actions={
            name: {"label": s.label, "params": s.params}
            for name, s in (await registry.actions(helpline)).items()
        },
    )


@get("/rules", tags=TAGS)
async def list_rules(helpline: HelplineDep, actor: ActorDep) -> list[RuleOut]:
    """Every rule, in the order triggers run."""
    _manager(actor)
    return [_rule(r) for r in await store.list_rules(helpline)]


@get("/rules/{rule_id:int}", tags=TAGS)
async def get_rule(helpline: HelplineDep, actor: ActorDep, rule_id: FromPath[int]) -> RuleOut:
    _manager(actor)
    return _rule(await store.get_rule(helpline, rule_id))


@post("/rules", tags=TAGS, status_code=201)
async def create_rule(helpline: HelplineDep, actor: ActorDep, data: JSONBody[RuleIn]) -> RuleOut:
    """Create a rule; 422 naming the field (`condition_0`, `cron`, …) when something is wrong."""
    return _rule(await store.save_rule(helpline, actor, msgspec.to_builtins(data)))


@put("/rules/{rule_id:int}", tags=TAGS)
async def replace_rule(
    helpline: HelplineDep, actor: ActorDep, rule_id: FromPath[int], data: JSONBody[RuleIn]
) -> RuleOut:
    _manager(actor)
    await store.get_rule(helpline, rule_id)
    return _rule(await store.save_rule(helpline, actor, msgspec.to_builtins(data), rule_id))


@delete("/rules/{rule_id:int}", tags=TAGS, status_code=204)
async def delete_rule(helpline: HelplineDep, actor: ActorDep, rule_id: FromPath[int]) -> None:
    await store.delete_rule(helpline, actor, rule_id)


@post("/rules/{rule_id:int}/dry-run", tags=TAGS, status_code=200)
async def dry_run(
    helpline: HelplineDep, actor: ActorDep, rule_id: FromPath[int], data: JSONBody[DryRunIn]
) -> DryRunOut:
    """What the rule would do to a ticket now; nothing is changed."""
    _manager(actor)
    result = await dryrun.dry_run(
        helpline, actor, await store.get_rule(helpline, rule_id), data.ticket
    )
    return DryRunOut(
        ticket=data.ticket,
        matched=result["matched"],
        error=result["error"],
        conditions=result["conditions"],
        actions=result["actions"],
    )


@get("/rules/{rule_id:int}/log", tags=TAGS)
async def rule_log(
    helpline: HelplineDep, actor: ActorDep, rule_id: FromPath[int]
) -> list[LogEntry]:
    """What the rule did, newest first (the last 200 entries)."""
    _manager(actor)
    await store.get_rule(helpline, rule_id)
    rows = (
        await AutomationLog.select()
        .where(AutomationLog.rule == rule_id)
        .order_by(AutomationLog.id, ascending=False)
        .limit(200)
    )
    return [
        LogEntry(
            at=r["at"],
            ticket=r["ticket_number"],
            event=r["event"],
            outcome=r["outcome"],
            detail=r["detail"],
        )
        for r in rows
    ]


@get("/macros", tags=TAGS)
async def list_macros(helpline: HelplineDep, actor: ActorDep) -> list[MacroOut]:
    _macro_user(actor)
    return [_macro(m) for m in await store.list_macros(helpline)]


@get("/macros/{macro_id:int}", tags=TAGS)
async def get_macro(helpline: HelplineDep, actor: ActorDep, macro_id: FromPath[int]) -> MacroOut:
    _macro_user(actor)
    return _macro(await store.get_macro(helpline, macro_id))


@post("/macros", tags=TAGS, status_code=201)
async def create_macro(helpline: HelplineDep, actor: ActorDep, data: JSONBody[MacroIn]) -> MacroOut:
    return _macro(await store.save_macro(helpline, actor, msgspec.to_builtins(data)))


@put("/macros/{macro_id:int}", tags=TAGS)
async def replace_macro(
    helpline: HelplineDep, actor: ActorDep, macro_id: FromPath[int], data: JSONBody[MacroIn]
) -> MacroOut:
    _manager(actor)
    return _macro(await store.save_macro(helpline, actor, msgspec.to_builtins(data), macro_id))


@delete("/macros/{macro_id:int}", tags=TAGS, status_code=204)
async def delete_macro(helpline: HelplineDep, actor: ActorDep, macro_id: FromPath[int]) -> None:
    await store.delete_macro(helpline, actor, macro_id)


@post("/macros/{macro_id:int}/apply", tags=TAGS, status_code=200)
async def apply_macro(
    helpline: HelplineDep, actor: ActorDep, macro_id: FromPath[int], data: JSONBody[ApplyIn]
) -> ApplyOut:
    """Apply a macro to tickets (each on its own); per ticket, what was done or the error."""
    if not actor.staff:
        raise PermissionDeniedException("you may not apply macros")
    results = await macros.apply(helpline, actor, macro_id, data.tickets[:500])
    return ApplyOut(results={str(k): v for k, v in results.items()})


ROUTES = [
    catalog,
    list_rules,
    get_rule,
    create_rule,
    replace_rule,
    delete_rule,
    dry_run,
    rule_log,
    list_macros,
    get_macro,
    create_macro,
    replace_macro,
    delete_macro,
    apply_macro,
]
