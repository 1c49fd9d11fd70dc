"""Roles: named sets of permission codes. Admins add their own beside the built-in ones."""

from __future__ import annotations

import re

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.tables import Role, User

_NAME = re.compile(r"^[a-z][a-z0-9_-]{1,63}$")


def _check_codes(helpline: Helpline, codes: list[str]) -> list[str]:
    unknown = sorted(set(codes) - set(helpline.permissions) - {"*"})
    if unknown:
        raise Invalid("permissions", f"unknown permission codes: {', '.join(unknown)}")
    return sorted(set(codes))


async def list_roles() -> list[dict]:
    return await Role.select().order_by(Role.id)


async def create_role(
    helpline: Helpline,
    actor: Actor,
    *,
    name: str,
    label: str,
    permissions: list[str],
    staff: bool = True,
) -> dict:
    if not actor.can("roles.manage"):
        raise Forbidden("you may not manage roles")
    name = (name or "").strip().lower()
    if not _NAME.match(name):
        raise Invalid(
            "name", "use 2-64 lowercase letters, digits, '-' or '_', starting with a letter"
        )
    codes = _check_codes(helpline, permissions)
    async with helpline.transaction():
        if await Role.exists().where(Role.name == name):
            raise Invalid("name", f"a role named {name!r} already exists")
        await Role.insert(
            Role(
                name=name,
                label=label.strip() or name,
                staff=staff,
                builtin=False,
                permissions=codes,
            )
        )
    return await Role.select().where(Role.name == name).first()


async def set_permissions(
    helpline: Helpline, actor: Actor, name: str, permissions: list[str]
) -> dict:
    if not actor.can("roles.manage"):
        raise Forbidden("you may not manage roles")
    codes = _check_codes(helpline, permissions)
    if name == "admin" and "*" not in codes:
        raise Invalid("permissions", "the admin role keeps every permission")
    updated = (
        await Role.update({Role.permissions: codes}).where(Role.name == name).returning(Role.id)
    )
    if not updated:
        raise NotFound(f"role {name!r} not found")
    return await Role.select().where(Role.name == name).first()


async def assign_role(helpline: Helpline, actor: Actor, user_id: int, role: str) -> None:
    if not actor.can("users.manage"):
        raise Forbidden("you may not change users' roles")
    row = await Role.select(Role.id).where(Role.name == role).first()
    if row is None:
        raise Invalid("role", f"unknown role {role!r}")
    if user_id == actor.id and role != actor.role and actor.role == "admin":
        raise Invalid("role", "you cannot remove your own admin role")
    updated = await User.update({User.role: row["id"]}).where(User.id == user_id).returning(User.id)
    if not updated:
        raise NotFound("user not found")
