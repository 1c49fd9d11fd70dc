"""API tokens as admins see them: list, create for a user (returned once), revoke; audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from helpline.errors import Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import audit, users
from helpline.services.admin import PER_PAGE, get_user_row, may_grant, require, role_codes
from helpline.tables import ApiToken


async def list_tokens(
    viewer: Actor, *, page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[dict], int]:
    require(viewer, "tokens.manage", "manage API tokens")
    page = max(1, page)
    rows = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.created_at,
            ApiToken.last_used_at,
            ApiToken.expires_at,
            ApiToken.revoked,
            ApiToken.user.as_alias("user_id"),
            ApiToken.user.email.as_alias("user_email"),
            ApiToken.user.name.as_alias("user_name"),
        )
        .order_by(ApiToken.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return rows, await ApiToken.count()


async def create_token(
    helpline: Helpline,
    actor: Actor,
    *,
    email: str,
    name: str = "",
    expires_days: int | None = None,
    ip: str | None = None,
) -> str:
    """A token acting as the user with `email`; returned once, only its hash is kept."""
    require(actor, "tokens.manage", "manage API tokens")
    email = users.normalize_email(email, "user")
    if expires_days is not None and not 0 < expires_days <= 3650:
        raise Invalid("expires_days", "choose between 1 and 3650 days, or leave empty")
    async with helpline.transaction():
        user_id = await users.find_user_id(email)
        if user_id is None:
            raise Invalid("user", f"no user has the address {email}")
        row = await get_user_row(user_id)
        if not row["active"]:
            raise Invalid("user", "this account is deactivated")
        if not may_grant(actor, await role_codes(row["role_name"])):
            raise Invalid(
                "user", "you may not create tokens for a user who holds permissions you do not"
            )
        expires_at: datetime | None = None
        if expires_days:
            expires_at = helpline.now() + timedelta(days=expires_days)
        token = await users.create_token(helpline, user_id, (name or "").strip()[:100], expires_at)
        details = {"user": email, "name": name, "prefix": token[:10], "expires_at": expires_at}
        await audit.record(helpline, actor, "token.create", token[:10], details, ip)
    return token


async def revoke_token(
    helpline: Helpline, actor: Actor, token_id: int, ip: str | None = None
) -> None:
    require(actor, "tokens.manage", "manage API tokens")
    async with helpline.transaction():
        row = (
            await ApiToken.select(
                ApiToken.prefix, ApiToken.revoked, ApiToken.user.email.as_alias("email")
            )
            .where(ApiToken.id == token_id)
            .first()
        )
        if row is None:
            raise NotFound("token not found")
        if row["revoked"]:
            return
        await ApiToken.update({ApiToken.revoked: True}).where(ApiToken.id == token_id)
        await audit.record(
            helpline, actor, "token.revoke", row["prefix"], {"user": row["email"]}, ip
        )
