"""What admins change about people: users, their roles and teams; and which plugins are on.

Every change checks the actor's permission, and writes its audit entry in its own transaction.
Teams and organizations live in `admin_teams`, roles and ticket values in `admin_values`, API
tokens in `admin_tokens`.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import audit, roles, users
from helpline.tables import Organization, Role, Team, TeamMember, User

PER_PAGE = 50


def require(actor: Actor, code: str, what: str) -> None:
    if not actor.can(code):
        raise Forbidden(f"you may not {what}")


def may_grant(actor: Actor, codes: list[str] | tuple[str, ...]) -> bool:
    """Whether `actor` holds every code in `codes`: nobody hands out more power than they have."""
    if "*" in actor.permissions:
        return True
    return "*" not in codes and set(codes) <= actor.permissions


async def role_codes(name: str) -> list[str]:
    row = await Role.select(Role.permissions).where(Role.name == name).first()
    if row is None:
        raise Invalid("role", f"unknown role {name!r}")
    return list(row["permissions"] or [])


def contains(column: Any, text: str) -> Any:
    """Case-insensitive substring match (SQLite's LIKE already ignores ASCII case)."""
    pattern = f"%{text}%"
    return column.like(pattern) if column._meta.engine_type == "sqlite" else column.ilike(pattern)


def check_timezone(name: str) -> str:
    name = (name or "").strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("timezone", f"unknown time zone {name!r}") from None
    return name


async def get_user_row(user_id: int) -> dict[str, Any]:
    """Every column of a user, its role's name and its team ids (no permission check)."""
    row = (
        await User.select(*User.all_columns(), User.role.name.as_alias("role_name"))
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        raise NotFound(f"user {user_id} does not exist")
    row["team_ids"] = sorted(
        r["team"]
        for r in await TeamMember.select(TeamMember.team).where(TeamMember.user == user_id)
    )
    return row


async def _check_organization(organization_id: int | None) -> None:
    if organization_id is not None and not await Organization.exists().where(
        Organization.id == organization_id
    ):
        raise Invalid("organization", "unknown organization")


async def _check_teams(team_ids: list[int], staff: bool) -> list[int]:
    team_ids = sorted(set(team_ids))
    if team_ids and not staff:
        raise Invalid("teams", "only agents can be members of teams")
    if team_ids and await Team.count().where(Team.id.is_in(team_ids)) != len(team_ids):
        raise Invalid("teams", "unknown team")
    return team_ids


async def _team_list(team_ids: list[int]) -> list[str]:
    names = await users.team_names(set(team_ids))
    return sorted(names.values())


async def _organization_name(organization_id: int | None) -> str | None:
    if organization_id is None:
        return None
    row = (
        await Organization.select(Organization.name)
        .where(Organization.id == organization_id)
        .first()
    )
    return row["name"] if row else None


# -- users -------------------------------------------------------------------------------------


async def list_users(
    viewer: Actor, *, search: str = "", kind: str = "all", page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[dict[str, Any]], int]:
    """Agents and customers matching a name or email fragment, by name, one page at a time."""
    require(viewer, "users.manage", "manage users")
    clause: Any = None
    if search.strip():
        clause = contains(User.name, search.strip()) | contains(User.email, search.strip())
    if kind in ("staff", "customers"):
        by_kind = User.role.staff == (kind == "staff")
        clause = by_kind if clause is None else clause & by_kind
    query = User.select(
        User.id,
        User.email,
        User.name,
        User.active,
        User.last_login_at,
        User.password_hash,
        User.role.name.as_alias("role"),
        User.role.label.as_alias("role_label"),
        User.role.staff.as_alias("staff"),
        User.organization.name.as_alias("organization"),
    )
    count = User.count()
    if clause is not None:
        query, count = query.where(clause), count.where(clause)
    page = max(1, page)
    rows = (
        await query.order_by(User.name)
        .order_by(User.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    members = await TeamMember.select(TeamMember.user, TeamMember.team.name.as_alias("team")).where(
        TeamMember.user.is_in([r["id"] for r in rows] or [0])
    )
    for row in rows:
        row["invited"] = row.pop("password_hash") is None  # no password set yet
        row["teams"] = sorted(m["team"] for m in members if m["user"] == row["id"])
    return rows, await count


async def get_user(viewer: Actor, user_id: int) -> dict[str, Any]:
    require(viewer, "users.manage", "manage users")
    row = await get_user_row(user_id)
    row["invited"] = row.pop("password_hash") is None  # has not chosen a password yet
    return row


async def invite_user(
    helpline: Helpline,
    actor: Actor,
    *,
    email: str,
    name: str = "",
    role: str = "agent",
    organization_id: int | None = None,
    team_ids: list[int] = (),
    timezone: str = "UTC",
    ip: str | None = None,
) -> Actor:
    """Create an account without a password; the invitee sets one through a reset link."""
    require(actor, "users.manage", "manage users")
    timezone = check_timezone(timezone)
    async with helpline.transaction():
        if not may_grant(actor, await role_codes(role)):
            raise Invalid("role", "you may not give a role with permissions you do not hold")
        staff = (await Role.select(Role.staff).where(Role.name == role).first())["staff"]
        team_ids = await _check_teams(list(team_ids), staff)
        await _check_organization(organization_id)
        user = await users.create_user(
            helpline,
            email=email,
            name=name,
            role=role,
            organization_id=organization_id,
            timezone=timezone,
        )
        for team in team_ids:
            await TeamMember.insert(TeamMember(team=team, user=user.id))
        details = {
            "email": user.email,
            "role": role,
            "teams": await _team_list(team_ids),
            "organization": await _organization_name(organization_id),
        }
        await audit.record(helpline, actor, "user.create", user.email, details, ip)
    return await users.load_actor(helpline, user.id)


async def update_user(
    helpline: Helpline,
    actor: Actor,
    user_id: int,
    *,
    name: str,
    role: str,
    organization_id: int | None,
    team_ids: list[int],
    timezone: str,
    ip: str | None = None,
) -> dict[str, list[Any]]:
    """Change a user's name, role, teams, organization and time zone; returns what changed."""
    require(actor, "users.manage", "manage users")
    timezone = check_timezone(timezone)
    if not (name or "").strip():
        raise Invalid("name", "enter a name")
    async with helpline.transaction():
        old = await get_user_row(user_id)
        if not may_grant(actor, await role_codes(old["role_name"])):
            raise Forbidden("you may not change a user who holds permissions you do not")
        if role != old["role_name"]:
            if user_id == actor.id:
                raise Invalid("role", "you cannot change your own role")
            if not may_grant(actor, await role_codes(role)):
                raise Invalid("role", "you may not give a role with permissions you do not hold")
        staff = (await Role.select(Role.staff).where(Role.name == role).first())["staff"]
        team_ids = await _check_teams(team_ids, staff)
        await _check_organization(organization_id)
        new = {
            "name": name.strip(),
            "role": role,
            "organization": organization_id,
            "teams": team_ids,
            "timezone": timezone,
        }
        before = {**old, "role": old["role_name"], "teams": old["team_ids"]}
        changes = {k: [before[k], v] for k, v in new.items() if before[k] != v}
        if not changes:
            return {}
        # The audit log shows names, which stay readable after a team or organization is renamed.
        if "teams" in changes:
            changes["teams"] = [await _team_list(ids) for ids in changes["teams"]]
        if "organization" in changes:
            changes["organization"] = [await _organization_name(i) for i in changes["organization"]]
        if "role" in changes:
            await roles.assign_role(helpline, actor, user_id, role)
        values = {
            User.name: new["name"],
            User.organization: organization_id,
            User.timezone: timezone,
        }
        await User.update(values).where(User.id == user_id)
        if "teams" in changes:
            await TeamMember.delete().where(
                (TeamMember.user == user_id) & TeamMember.team.not_in(team_ids or [0])
            )
            for team in sorted(set(team_ids) - set(old["team_ids"])):
                await TeamMember.insert(TeamMember(team=team, user=user_id))
        await audit.record(helpline, actor, "user.update", old["email"], changes, ip)
    return changes


async def set_user_active(
    helpline: Helpline, actor: Actor, user_id: int, active: bool, ip: str | None = None
) -> None:
    """Deactivate (no sign-in, no tokens, no actions) or reactivate an account."""
    require(actor, "users.manage", "manage users")
    if user_id == actor.id and not active:
        raise Invalid("active", "you cannot deactivate yourself")
    async with helpline.transaction():
        old = await get_user_row(user_id)
        if not may_grant(actor, await role_codes(old["role_name"])):
            raise Forbidden("you may not change a user who holds permissions you do not")
        if old["active"] == active:
            return
        await User.update({User.active: active}).where(User.id == user_id)
        action = "user.reactivate" if active else "user.deactivate"
        await audit.record(helpline, actor, action, old["email"], {}, ip)


async def record_password_link(
    helpline: Helpline, actor: Actor, user_id: int, ip: str | None = None
) -> str:
    """Allow and audit an admin creating a password link for someone; returns their email."""
    require(actor, "users.manage", "manage users")
    async with helpline.transaction():
        old = await get_user_row(user_id)
        if not may_grant(actor, await role_codes(old["role_name"])):
            raise Forbidden("you may not change a user who holds permissions you do not")
        if not old["active"]:
            raise Invalid("password", "reactivate the account first")
        await audit.record(helpline, actor, "user.reset_password", old["email"], {}, ip)
    return old["email"]


# -- plugins -----------------------------------------------------------------------------------


async def set_plugin_enabled(
    helpline: Helpline, actor: Actor, name: str, enabled: bool, ip: str | None = None
) -> None:
    """Switch a plugin on or off at run time; its hooks and pages follow at once."""
    require(actor, "plugins.manage", "enable or disable plugins")
    try:
        async with helpline.transaction():
            await helpline.set_plugin_enabled(name, enabled)
            await audit.record(
                helpline, actor, f"plugin.{'enable' if enabled else 'disable'}", name, {}, ip
            )
    finally:
        await helpline.load_plugin_states()  # what was committed, even if the audit entry failed
