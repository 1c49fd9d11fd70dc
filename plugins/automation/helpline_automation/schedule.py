"""Time rules: each runs as a keyed job at its next cron time and re-enqueues itself.

A run walks the tickets that may match (a SQL pre-filter from the rule's "all" conditions), in
pages, tests each fully, and acts on at most `run_limit` of them. The ledger remembers each
(rule, ticket, cycle) it acted on, the cycle being the ticket's current status and when it
entered it: a rule never acts twice on a ticket while it stays in that status, and acts again
only when the ticket has left the status and come back to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter

from helpline import db, jobs
from helpline.errors import NotFound
from helpline.runtime import Helpline
from helpline_automation import engine, registry
from helpline_automation.specs import RunContext
from helpline_automation.tables import AutomationLedger

RUN = "automation.schedule"
PAGE = 500

_COLUMNS = {
    "status_category": "t.status_category",
    "status": "t.status",
    "priority": "t.priority",
    "type": "t.type",
    "channel": "t.channel",
}
_IDS = {"assignee": "t.assignee", "team": "t.team"}
_SINCE = "(SELECT MAX(e.at) FROM ticket_event e WHERE e.ticket = t.id AND e.field = 'status')"
_AGES = {
    "hours_since_created": "t.created_at",
    "hours_since_updated": "t.updated_at",
    "hours_in_status": f"COALESCE({_SINCE}, t.created_at)",
}


def key(rule_id: int) -> str:
    return f"automation.rule:{rule_id}"


def next_run(cron: str, after: datetime) -> datetime:
    return croniter(cron, after.astimezone(UTC)).get_next(datetime)


async def plan(helpline: Helpline, rule: dict[str, Any]) -> None:
    """Queue (or reschedule) the rule's next run; cancel it when disabled or not a time rule."""
    if rule["kind"] == "schedule" and rule["enabled"]:
        run_at = next_run(rule["cron"], helpline.now())
        await jobs.enqueue(helpline, RUN, {"rule": rule["id"]}, run_at=run_at, key=key(rule["id"]))
    else:
        await jobs.cancel(helpline, key(rule["id"]))


async def cancel(helpline: Helpline, rule_id: int) -> None:
    await jobs.cancel(helpline, key(rule_id))


def prefilter(rule: dict[str, Any], now: datetime) -> tuple[str, list[Any]]:
    """SQL narrowing the tickets to those that may match (the "all" conditions it understands)."""
    if rule["match"] != "all":
        return "", []
    sql, args = [], []
    for cond in rule["conditions"]:
        field, op, value = cond["field"], cond["op"], cond.get("value", "")
        if field in _COLUMNS and op in ("is", "is_not"):
            sql.append(f"{_COLUMNS[field]} {'=' if op == 'is' else '<>'} {{}}")
            args.append(value)
        elif field in _IDS and op == "is":
            sql.append(
                f"{_IDS[field]} = {{}}" if value and value != "none" else f"{_IDS[field]} IS NULL"
            )
            args += [int(value)] if value and value != "none" else []
        elif field in _AGES and op in ("gt", "lt"):
            sql.append(f"{_AGES[field]} {'<' if op == 'gt' else '>'} {{}}")
            args.append(now - timedelta(hours=float(value)))
    return "".join(f" AND {s}" for s in sql), args


def _moment(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC)


async def run_rule(
    helpline: Helpline, rule: dict[str, Any], limit: int | None = None
) -> dict[str, int]:
    """One run of a time rule; returns how many tickets it checked and acted on."""
    limit = limit or rule["run_limit"]
    conditions, actions = await registry.conditions(helpline), await registry.actions(helpline)
    where, args = prefilter(rule, helpline.now())
    checked = acted = 0
    # The candidates in one query (the planner can use the pre-filter's indexes; paging by id
    # made it walk the whole table once per page), then handled a page at a time.
    candidates = await db.fetch(
        helpline.engine,
        f"SELECT t.id, t.number, t.status, t.created_at, {_SINCE} AS since FROM ticket t "
        f"WHERE t.merged_into IS NULL{where} ORDER BY t.id",
        *args,
    )
    for start in range(0, len(candidates), PAGE):
        if acted >= limit:
            break
        rows = candidates[start : start + PAGE]
        cycles = {}
        for row in rows:
            since = _moment(row["since"] or row["created_at"])
            cycles[row["id"]] = (
                f"{rule['id']}:{row['id']}:{row['status']}@{since.isoformat(timespec='seconds')}",
                since,
            )
        done = await AutomationLedger.select(AutomationLedger.key).where(
            AutomationLedger.key.is_in([k for k, _ in cycles.values()])
        )
        seen = {r["key"] for r in done}
        for row in rows:
            cycle, since = cycles[row["id"]]
            if cycle in seen:
                continue
            checked += 1
            context = RunContext(
                rule=rule["name"],
                via=f"automation: {rule['name']}",
                event="schedule",
                data={"status_since": since, "actor": "system"},
                rule_id=rule["id"],
            )

            async def remember(ticket, cycle=cycle) -> bool:
                await AutomationLedger.insert(
                    AutomationLedger(
                        rule=rule["id"], ticket=ticket.id, key=cycle, at=helpline.now()
                    )
                )
                return True

            if await engine.apply_rule(
                helpline, rule, row["number"], context, conditions, actions, remember
            ):
                acted += 1
                if acted >= limit:
                    break
    return {"checked": checked, "acted": acted}


async def on_run(helpline: Helpline, payload: dict[str, Any]) -> None:
    from helpline_automation import store

    try:
        rule = await store.get_rule(helpline, payload["rule"])
    except NotFound:
        return
    if rule["kind"] != "schedule" or not rule["enabled"]:
        return
    try:
        result = await run_rule(helpline, rule)
        if result["acted"] >= rule["run_limit"]:
            await engine.log(
                helpline,
                rule["id"],
                None,
                "schedule",
                "skipped",
                f"per-run limit of {rule['run_limit']} reached; the rest waits for the next run",
            )
    finally:
        async with helpline.transaction():
            await plan(helpline, rule)
