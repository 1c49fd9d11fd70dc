"""The audit log: who changed users, teams, roles, settings, plugins and tokens, and how."""

from __future__ import annotations

import json
from typing import Any

from helpline.errors import Forbidden
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.tables import AuditLog, User

PER_PAGE = 50


async def record(
    helpline: Helpline,
    actor: Actor | None,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """Append one entry; call it inside the transaction of the change it describes."""
    await AuditLog.insert(
        AuditLog(
            actor=actor.id if actor else None,
            action=action,
            target=str(target)[:200],
            details=json.dumps(details or {}, default=str, sort_keys=True),
            ip=(ip or None) and ip[:64],
            at=helpline.now(),
        )
    )


def _where(action: str | None, actor_id: int | None) -> Any:
    clause = None
    if action:
        clause = AuditLog.action == action
    if actor_id is not None:
        by_actor = AuditLog.actor == actor_id
        clause = by_actor if clause is None else clause & by_actor
    return clause


def _loads(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except ValueError:
            return {"raw": value}
    return value if isinstance(value, dict) else {"value": value}


async def entries(
    helpline: Helpline,
    viewer: Actor,
    *,
    action: str | None = None,
    actor_id: int | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> tuple[list[dict[str, Any]], int]:
    """One page of entries, newest first, and how many match in all."""
    if not viewer.can("audit.view"):
        raise Forbidden("you may not read the audit log")
    clause = _where(action, actor_id)
    query = AuditLog.select(
        AuditLog.id,
        AuditLog.action,
        AuditLog.target,
        AuditLog.details,
        AuditLog.ip,
        AuditLog.at,
        AuditLog.actor.as_alias("actor_id"),
        AuditLog.actor.email.as_alias("actor_email"),
        AuditLog.actor.name.as_alias("actor_name"),
    )
    count = AuditLog.count()
    if clause is not None:
        query, count = query.where(clause), count.where(clause)
    page = max(1, page)
    rows = (
        await query.order_by(AuditLog.at, ascending=False)
        .order_by(AuditLog.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    for row in rows:
        row["details"] = _loads(row["details"])
    return rows, await count


async def filters(helpline: Helpline, viewer: Actor) -> dict[str, list[Any]]:
    """The actions and actors that appear in the log, for the filter menus."""
    if not viewer.can("audit.view"):
        raise Forbidden("you may not read the audit log")
    actions = await AuditLog.select(AuditLog.action).distinct().order_by(AuditLog.action)
    actor_ids = await AuditLog.select(AuditLog.actor).distinct()
    ids = sorted({r["actor"] for r in actor_ids if r["actor"] is not None})
    actors = (
        await User.select(User.id, User.name, User.email)
        .where(User.id.is_in(ids))
        .order_by(User.name)
        if ids
        else []
    )
    return {"actions": [r["action"] for r in actions], "actors": actors}
