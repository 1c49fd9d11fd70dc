"""Roles and the configurable ticket values (statuses, priorities, types), changed by admins.

Values are never deleted: tickets reference them by name. They are deactivated instead.
"""

from __future__ import annotations

import re
from typing import Any

from piccolo.query.functions.aggregate import Count

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.model import Actor
from helpline.registry import STATUS_CATEGORIES
from helpline.runtime import Helpline
from helpline.services import audit, roles
from helpline.services.admin import may_grant, require
from helpline.tables import Priority, Role, Status, Ticket, TicketType, User

_VALUE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
#: Kind → (table, its ordering column's name). Statuses also carry a category.
VALUE_KINDS: dict[str, tuple[Any, str]] = {
    "status": (Status, "position"),
    "priority": (Priority, "rank"),
    "type": (TicketType, "position"),
}
#: Categories the core needs an active status in: new tickets start in one, merges close in one.
REQUIRED_CATEGORIES = ("new", "closed")


# -- roles -------------------------------------------------------------------------------------


async def list_roles(viewer: Actor) -> list[dict[str, Any]]:
    """Every role with how many users hold it."""
    require(viewer, "roles.manage", "manage roles")
    counts = await User.select(User.role, Count(alias="users")).group_by(User.role)
    users = {r["role"]: r["users"] for r in counts}
    rows = await Role.select().order_by(Role.id)
    for row in rows:
        row["users"] = users.get(row["id"], 0)
    return rows


async def get_role(viewer: Actor, name: str) -> dict[str, Any]:
    require(viewer, "roles.manage", "manage roles")
    row = await Role.select().where(Role.name == name).first()
    if row is None:
        raise NotFound(f"role {name!r} not found")
    row["permissions"] = list(row["permissions"] or [])
    return row


async def create_role(
    helpline: Helpline,
    actor: Actor,
    *,
    name: str,
    label: str,
    permissions: list[str],
    staff: bool = True,
    ip: str | None = None,
) -> dict[str, Any]:
    require(actor, "roles.manage", "manage roles")
    if not may_grant(actor, permissions):
        raise Invalid("permissions", "you may not grant permissions you do not hold")
    async with helpline.transaction():
        role = await roles.create_role(
            helpline, actor, name=name, label=label, permissions=permissions, staff=staff
        )
        details = {"label": role["label"], "staff": staff, "permissions": role["permissions"]}
        await audit.record(helpline, actor, "role.create", role["name"], details, ip)
    return role


async def update_role(
    helpline: Helpline,
    actor: Actor,
    name: str,
    *,
    label: str,
    permissions: list[str],
    ip: str | None = None,
) -> dict[str, Any]:
    """Relabel a role and set its permission codes; members gain or lose them at once."""
    require(actor, "roles.manage", "manage roles")
    async with helpline.transaction():
        old = await Role.select().where(Role.name == name).first()
        if old is None:
            raise NotFound(f"role {name!r} not found")
        before = list(old["permissions"] or [])
        if not may_grant(actor, before):
            raise Forbidden("you may not change a role that holds permissions you do not")
        if not may_grant(actor, permissions):
            raise Invalid("permissions", "you may not grant permissions you do not hold")
        label = (label or "").strip()
        if not label:
            raise Invalid("label", "enter a label")
        role = await roles.set_permissions(helpline, actor, name, permissions)
        after = list(role["permissions"] or [])
        if label != old["label"]:
            await Role.update({Role.label: label}).where(Role.name == name)
            await audit.record(
                helpline, actor, "role.update", name, {"label": [old["label"], label]}, ip
            )
        if set(after) != set(before):
            details = {
                "added": sorted(set(after) - set(before)),
                "removed": sorted(set(before) - set(after)),
            }
            await audit.record(helpline, actor, "role.permissions", name, details, ip)
    return {**role, "label": label}


# -- statuses, priorities, ticket types --------------------------------------------------------


def _kind(kind: str) -> tuple[Any, str]:
    if kind not in VALUE_KINDS:
        raise NotFound(f"no such kind of value: {kind!r}")
    return VALUE_KINDS[kind]


async def list_values(viewer: Actor) -> dict[str, list[dict[str, Any]]]:
    """Every status, priority and type, active or not, in their configured order."""
    require(viewer, "settings.manage", "manage statuses, priorities and types")
    found = {}
    for kind, (table, order) in VALUE_KINDS.items():
        rows = await table.select().order_by(getattr(table, order)).order_by(table.id)
        for row in rows:
            row["order"] = row[order]
        found[kind] = rows
    return found


def _label(label: str) -> str:
    label = (label or "").strip()
    if not label:
        raise Invalid("label", "enter a label")
    if len(label) > 100:
        raise Invalid("label", "use at most 100 characters")
    return label


def _category(kind: str, category: str | None) -> str | None:
    if kind != "status":
        return None
    if category not in STATUS_CATEGORIES:
        raise Invalid("category", f"choose one of {', '.join(STATUS_CATEGORIES)}")
    return category


async def _keep_required_categories(changed: str) -> None:
    """Refuse a change that leaves the core without an active status it needs."""
    for category in REQUIRED_CATEGORIES:
        if not await Status.exists().where((Status.category == category) & (Status.active == True)):  # noqa: E712
            raise Invalid(
                changed, f"at least one active status must stay in the {category!r} category"
            )


async def create_value(
    helpline: Helpline,
    actor: Actor,
    kind: str,
    *,
    name: str,
    label: str,
    order: int | None = None,
    category: str | None = None,
    ip: str | None = None,
) -> None:
    """Add a value; without an `order` it goes last."""
    require(actor, "settings.manage", "manage statuses, priorities and types")
    table, order_column = _kind(kind)
    name = (name or "").strip().lower()
    if not _VALUE_NAME.match(name):
        raise Invalid("name", "use lowercase letters, digits and '_', starting with a letter")
    label, category = _label(label), _category(kind, category)
    async with helpline.transaction():
        if await table.exists().where(table.name == name):
            raise Invalid("name", f"a {kind} named {name!r} already exists")
        if order is None:
            last = (
                await table.select(getattr(table, order_column))
                .order_by(getattr(table, order_column), ascending=False)
                .first()
            )
            order = (last[order_column] if last else 0) + 10
        values = {"name": name, "label": label, order_column: order}
        if category is not None:
            values["category"] = category
        await table.insert(table(**values))
        details = {k: v for k, v in values.items() if k != "name"}
        await audit.record(helpline, actor, f"{kind}.create", name, details, ip)


async def update_value(
    helpline: Helpline,
    actor: Actor,
    kind: str,
    name: str,
    *,
    label: str,
    order: int,
    category: str | None = None,
    ip: str | None = None,
) -> dict[str, list[Any]]:
    """Relabel or reorder a value; a status's new category applies to its tickets too."""
    require(actor, "settings.manage", "manage statuses, priorities and types")
    table, order_column = _kind(kind)
    label, category = _label(label), _category(kind, category)
    async with helpline.transaction():
        old = await table.select().where(table.name == name).first()
        if old is None:
            raise NotFound(f"{kind} {name!r} not found")
        new: dict[str, Any] = {"label": label, order_column: order}
        if category is not None:
            new["category"] = category
        changes = {k: [old[k], v] for k, v in new.items() if old[k] != v}
        if not changes:
            return {}
        await table.update({getattr(table, k): v for k, v in new.items()}).where(table.name == name)
        if "category" in changes:
            await _keep_required_categories("category")
            updated = (
                await Ticket.update({Ticket.status_category: category})
                .where(Ticket.status == name)
                .returning(Ticket.id)
            )
            changes["tickets"] = [None, len(updated)]
        await audit.record(helpline, actor, f"{kind}.update", name, changes, ip)
    return changes


async def set_value_active(
    helpline: Helpline, actor: Actor, kind: str, name: str, active: bool, ip: str | None = None
) -> None:
    """Offer a value again, or stop offering it; tickets that use it keep it."""
    require(actor, "settings.manage", "manage statuses, priorities and types")
    table, _order = _kind(kind)
    async with helpline.transaction():
        old = await table.select(table.active).where(table.name == name).first()
        if old is None:
            raise NotFound(f"{kind} {name!r} not found")
        if old["active"] == active:
            return
        await table.update({table.active: active}).where(table.name == name)
        if not active:
            if kind == "status":
                await _keep_required_categories("active")
            elif not await table.exists().where(table.active == True):  # noqa: E712
                raise Invalid("active", f"at least one {kind} must stay active")
        action = f"{kind}.{'activate' if active else 'deactivate'}"
        await audit.record(helpline, actor, action, name, {}, ip)
