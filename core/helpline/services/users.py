"""Users, actors, teams, organizations and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from datetime import datetime
from typing import Any

from helpline.errors import Invalid, NotFound
from helpline.model import Actor
from helpline.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from helpline.runtime import Helpline
from helpline.tables import (
    ApiToken,
    Organization,
    Role,
    Team,
    TeamMember,
    User,
)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "hlp_"


def normalize_email(email: str, field: str = "email") -> str:
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        raise Invalid(field, f"not a valid email address: {email!r}")
    return email


async def load_actor(helpline: Helpline, user_id: int) -> Actor:
    rows = await User.select(
        User.id,
        User.email,
        User.name,
        User.timezone,
        User.active,
        User.organization,
        User.organization.shared_tickets.as_alias("organization_shared"),
        User.role.name.as_alias("role_name"),
        User.role.staff.as_alias("staff"),
        User.role.permissions.as_alias("permissions"),
    ).where(User.id == user_id)
    if not rows:
        raise NotFound(f"user {user_id} does not exist")
    row = rows[0]
    teams = await TeamMember.select(TeamMember.team).where(TeamMember.user == user_id)
    permissions = set(row["permissions"] or [])
    if "*" in permissions:
        permissions |= set(helpline.permissions)
    return Actor(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=row["role_name"],
        staff=bool(row["staff"]),
        permissions=frozenset(permissions),
        team_ids=frozenset(t["team"] for t in teams),
        organization_id=row["organization"],
        organization_shared=bool(row["organization_shared"]),
        timezone=row["timezone"],
        active=bool(row["active"]),
    )


async def find_user_id(email: str) -> int | None:
    row = await User.select(User.id).where(User.email == email.strip().lower()).first()
    return row["id"] if row else None


async def role_id(name: str) -> int:
    row = await Role.select(Role.id).where(Role.name == name).first()
    if row is None:
        raise Invalid("role", f"unknown role {name!r}")
    return row["id"]


async def create_user(
    helpline: Helpline,
    *,
    email: str,
    name: str = "",
    role: str = "customer",
    password: str | None = None,
    organization_id: int | None = None,
    timezone: str = "UTC",
) -> Actor:
    """Create an agent or customer; customers join the organization owning their email domain."""
    email = normalize_email(email)
    if password is not None and len(password) < MIN_LENGTH:
        raise Invalid("password", f"must be at least {MIN_LENGTH} characters")
    async with helpline.transaction():
        if await find_user_id(email) is not None:
            raise Invalid("email", f"a user with email {email} already exists")
        rid = await role_id(role)
        if organization_id is None:
            domain = email.rsplit("@", 1)[1]
            org = (
                await Organization.select(Organization.id)
                .where(Organization.domain == domain)
                .first()
            )
            organization_id = org["id"] if org else None
        row = await User.insert(
            User(
                email=email,
                name=name.strip() or email.split("@", 1)[0],
                password_hash=hash_password(password) if password else None,
                role=rid,
                organization=organization_id,
                timezone=timezone,
                created_at=helpline.now(),
            )
        ).returning(User.id)
        actor = await load_actor(helpline, row[0]["id"])
        await helpline.hook("user_created", helpline=helpline, user=actor)
    return actor


async def customer_for_email(helpline: Helpline, email: str, name: str = "") -> int:
    """The id of the user with this email, creating a customer when there is none."""
    email = normalize_email(email, "requester")
    user_id = await find_user_id(email)
    if user_id is not None:
        return user_id
    # Two messages from a new sender can arrive at once: the loser of the race on the unique
    # email rolls back to a savepoint and takes the winner's user instead of failing.
    transaction = helpline.engine.current_transaction.get()
    savepoint = await transaction.savepoint() if transaction is not None else None
    try:
        return (await create_user(helpline, email=email, name=name, role="customer")).id
    except Exception as exc:
        if not _is_unique_violation(exc):
            raise
        if savepoint is not None:
            await savepoint.rollback_to()
        user_id = await find_user_id(email)
        if user_id is None:
            raise
        return user_id


def _is_unique_violation(exc: Exception) -> bool:
    if isinstance(exc, Invalid):
        return exc.field == "email"
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    return type(exc).__name__ == "UniqueViolationError"  # asyncpg


async def authenticate(helpline: Helpline, email: str, password: str) -> Actor | None:
    row = (
        await User.select(User.id, User.password_hash, User.active)
        .where(User.email == (email or "").strip().lower())
        .first()
    )
    ok = verify_password(row["password_hash"] if row else None, password)
    if not (row and ok and row["active"]):
        return None
    changes: dict = {User.last_login_at: helpline.now()}
    if needs_rehash(row["password_hash"]):  # hashing parameters changed since it was stored
        changes[User.password_hash] = hash_password(password)
    await User.update(changes).where(User.id == row["id"])
    return await load_actor(helpline, row["id"])


async def set_password(helpline: Helpline, user_id: int, password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise Invalid("password", f"must be at least {MIN_LENGTH} characters")
    await User.update({User.password_hash: hash_password(password)}).where(User.id == user_id)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(
    helpline: Helpline, user_id: int, name: str = "", expires_at: datetime | None = None
) -> str:
    """Create an API token and return it; only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    await ApiToken.insert(
        ApiToken(
            user=user_id,
            name=name,
            token_hash=_token_hash(token),
            prefix=token[:10],
            created_at=helpline.now(),
            expires_at=expires_at,
        )
    )
    return token


async def actor_for_token(helpline: Helpline, token: str) -> Actor | None:
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.user, ApiToken.expires_at, ApiToken.revoked)
        .where(ApiToken.token_hash == _token_hash(token))
        .first()
    )
    if row is None or row["revoked"]:
        return None
    if row["expires_at"] is not None and row["expires_at"] <= helpline.now():
        return None
    actor = await load_actor(helpline, row["user"])
    return actor if actor.active else None


async def people(ids: set[int]) -> dict[int, dict[str, Any]]:
    """Email and name of each user id, in one query."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = await User.select(User.id, User.email, User.name).where(User.id.is_in(sorted(ids)))
    return {r["id"]: r for r in rows}


async def team_id(ref: int | str) -> int:
    query = Team.select(Team.id)
    row = await (
        query.where(Team.id == ref) if isinstance(ref, int) else query.where(Team.name == ref)
    ).first()
    if row is None:
        raise Invalid("team", f"unknown team {ref!r}")
    return row["id"]


async def team_names(ids: set[int]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = await Team.select(Team.id, Team.name).where(Team.id.is_in(sorted(ids)))
    return {r["id"]: r["name"] for r in rows}


async def create_team(helpline: Helpline, name: str, members: list[int] = ()) -> int:
    async with helpline.transaction():
        row = await Team.insert(Team(name=name.strip(), created_at=helpline.now())).returning(
            Team.id
        )
        tid = row[0]["id"]
        for member in members:
            await TeamMember.insert(TeamMember(team=tid, user=member))
    return tid


async def create_organization(
    helpline: Helpline, name: str, domain: str | None = None, shared_tickets: bool = False
) -> int:
    row = await Organization.insert(
        Organization(
            name=name.strip(),
            domain=(domain or "").lower() or None,
            shared_tickets=shared_tickets,
            created_at=helpline.now(),
        )
    ).returning(Organization.id)
    return row[0]["id"]
