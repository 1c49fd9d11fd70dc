"""Teams of agents and customer organizations, as admins and managers change them (audited)."""

from __future__ import annotations

import re
from typing import Any

from piccolo.query.functions.aggregate import Count

from helpline.errors import Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import audit
from helpline.services.admin import PER_PAGE, contains, require
from helpline.tables import Organization, Team, TeamMember, User

_DOMAIN = re.compile(
    r"^(?=.{3,200}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
)


def _name(name: str, limit: int) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid("name", "enter a name")
    if len(name) > limit:
        raise Invalid("name", f"use at most {limit} characters")
    return name


# -- teams -------------------------------------------------------------------------------------


async def list_teams(viewer: Actor) -> list[dict[str, Any]]:
    require(viewer, "teams.manage", "manage teams")
    rows = await Team.select(Team.id, Team.name, Team.description).order_by(Team.name)
    counts = await TeamMember.select(TeamMember.team, Count(alias="members")).group_by(
        TeamMember.team
    )
    members = {r["team"]: r["members"] for r in counts}
    for row in rows:
        row["members"] = members.get(row["id"], 0)
    return rows


async def get_team(viewer: Actor, team_id: int) -> dict[str, Any]:
    """A team with its members and the active agents who could join it."""
    require(viewer, "teams.manage", "manage teams")
    team = await Team.select(Team.id, Team.name, Team.description).where(Team.id == team_id).first()
    if team is None:
        raise NotFound("team not found")
    member_rows = await TeamMember.select(TeamMember.user).where(TeamMember.team == team_id)
    member_ids = {r["user"] for r in member_rows}
    agents = (
        await User.select(User.id, User.name, User.email, User.active)
        .where(
            User.role.staff == True  # noqa: E712
        )
        .order_by(User.name)
    )
    team["members"] = [a for a in agents if a["id"] in member_ids]
    team["candidates"] = [a for a in agents if a["id"] not in member_ids and a["active"]]
    return team


async def _unique_team_name(name: str, team_id: int | None = None) -> None:
    query = Team.exists().where(Team.name == name)
    if team_id is not None:
        query = query.where(Team.id != team_id)
    if await query:
        raise Invalid("name", f"a team named {name!r} already exists")


async def create_team(
    helpline: Helpline, actor: Actor, name: str, description: str = "", ip: str | None = None
) -> int:
    require(actor, "teams.manage", "manage teams")
    name = _name(name, 100)
    async with helpline.transaction():
        await _unique_team_name(name)
        row = await Team.insert(
            Team(name=name, description=(description or "").strip(), created_at=helpline.now())
        ).returning(Team.id)
        await audit.record(helpline, actor, "team.create", name, {"description": description}, ip)
    return row[0]["id"]


async def update_team(
    helpline: Helpline,
    actor: Actor,
    team_id: int,
    name: str,
    description: str = "",
    ip: str | None = None,
) -> None:
    require(actor, "teams.manage", "manage teams")
    name, description = _name(name, 100), (description or "").strip()
    async with helpline.transaction():
        old = await Team.select(Team.name, Team.description).where(Team.id == team_id).first()
        if old is None:
            raise NotFound("team not found")
        await _unique_team_name(name, team_id)
        new = {"name": name, "description": description}
        changes = {k: [old[k], v] for k, v in new.items() if old[k] != v}
        if changes:
            await Team.update({Team.name: name, Team.description: description}).where(
                Team.id == team_id
            )
            await audit.record(helpline, actor, "team.update", name, changes, ip)


async def _team_and_agent(team_id: int, user_id: int) -> tuple[str, dict[str, Any]]:
    team = await Team.select(Team.name).where(Team.id == team_id).first()
    if team is None:
        raise NotFound("team not found")
    user = (
        await User.select(User.email, User.role.staff.as_alias("staff"))
        .where(User.id == user_id)
        .first()
    )
    if user is None:
        raise Invalid("user", "unknown user")
    return team["name"], user


async def add_team_member(
    helpline: Helpline, actor: Actor, team_id: int, user_id: int, ip: str | None = None
) -> None:
    require(actor, "teams.manage", "manage teams")
    async with helpline.transaction():
        team, user = await _team_and_agent(team_id, user_id)
        if not user["staff"]:
            raise Invalid("user", "only agents can be members of teams")
        if await TeamMember.exists().where(
            (TeamMember.team == team_id) & (TeamMember.user == user_id)
        ):
            return
        await TeamMember.insert(TeamMember(team=team_id, user=user_id))
        await audit.record(helpline, actor, "team.add_member", team, {"user": user["email"]}, ip)


async def remove_team_member(
    helpline: Helpline, actor: Actor, team_id: int, user_id: int, ip: str | None = None
) -> None:
    require(actor, "teams.manage", "manage teams")
    async with helpline.transaction():
        team, user = await _team_and_agent(team_id, user_id)
        removed = (
            await TeamMember.delete()
            .where((TeamMember.team == team_id) & (TeamMember.user == user_id))
            .returning(TeamMember.id)
        )
        if removed:
            await audit.record(
                helpline, actor, "team.remove_member", team, {"user": user["email"]}, ip
            )


# -- organizations -----------------------------------------------------------------------------


async def list_organizations(
    viewer: Actor, *, search: str = "", page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[dict[str, Any]], int]:
    require(viewer, "organizations.manage", "manage organizations")
    query = Organization.select(
        Organization.id, Organization.name, Organization.domain, Organization.shared_tickets
    )
    count = Organization.count()
    if search.strip():
        clause = contains(Organization.name, search.strip()) | contains(
            Organization.domain, search.strip()
        )
        query, count = query.where(clause), count.where(clause)
    page = max(1, page)
    rows = await query.order_by(Organization.name).limit(per_page).offset((page - 1) * per_page)
    ids = [r["id"] for r in rows] or [0]
    counts = (
        await User.select(User.organization, Count(alias="members"))
        .where(User.organization.is_in(ids))
        .group_by(User.organization)
    )
    members = {r["organization"]: r["members"] for r in counts}
    for row in rows:
        row["members"] = members.get(row["id"], 0)
    return rows, await count


async def get_organization(viewer: Actor, organization_id: int) -> dict[str, Any]:
    require(viewer, "organizations.manage", "manage organizations")
    row = (
        await Organization.select(
            Organization.id, Organization.name, Organization.domain, Organization.shared_tickets
        )
        .where(Organization.id == organization_id)
        .first()
    )
    if row is None:
        raise NotFound("organization not found")
    row["members"] = (
        await User.select(User.id, User.name, User.email, User.active)
        .where(User.organization == organization_id)
        .order_by(User.name)
        .limit(200)
    )
    return row


def _domain(domain: str | None) -> str | None:
    domain = (domain or "").strip().lower().removeprefix("@") or None
    if domain is not None and not _DOMAIN.match(domain):
        raise Invalid("domain", f"not a valid domain: {domain!r}")
    return domain


async def _check_unique(name: str, domain: str | None, organization_id: int | None) -> None:
    others = Organization.id != (organization_id or 0)
    if await Organization.exists().where((Organization.name == name) & others):
        raise Invalid("name", f"an organization named {name!r} already exists")
    if domain and await Organization.exists().where((Organization.domain == domain) & others):
        raise Invalid("domain", f"another organization already owns {domain}")


async def create_organization(
    helpline: Helpline,
    actor: Actor,
    *,
    name: str,
    domain: str | None = None,
    shared_tickets: bool = False,
    ip: str | None = None,
) -> int:
    """A customer company; new customers whose address is at `domain` join it."""
    require(actor, "organizations.manage", "manage organizations")
    name, domain = _name(name, 200), _domain(domain)
    async with helpline.transaction():
        await _check_unique(name, domain, None)
        row = await Organization.insert(
            Organization(
                name=name, domain=domain, shared_tickets=shared_tickets, created_at=helpline.now()
            )
        ).returning(Organization.id)
        details = {"domain": domain, "shared_tickets": shared_tickets}
        await audit.record(helpline, actor, "organization.create", name, details, ip)
    return row[0]["id"]


async def update_organization(
    helpline: Helpline,
    actor: Actor,
    organization_id: int,
    *,
    name: str,
    domain: str | None,
    shared_tickets: bool,
    ip: str | None = None,
) -> None:
    require(actor, "organizations.manage", "manage organizations")
    name, domain = _name(name, 200), _domain(domain)
    async with helpline.transaction():
        old = (
            await Organization.select(
                Organization.name, Organization.domain, Organization.shared_tickets
            )
            .where(Organization.id == organization_id)
            .first()
        )
        if old is None:
            raise NotFound("organization not found")
        await _check_unique(name, domain, organization_id)
        new = {"name": name, "domain": domain, "shared_tickets": shared_tickets}
        changes = {k: [old[k], v] for k, v in new.items() if old[k] != v}
        if changes:
            await Organization.update(
                {
                    Organization.name: name,
                    Organization.domain: domain,
                    Organization.shared_tickets: shared_tickets,
                }
            ).where(Organization.id == organization_id)
            await audit.record(helpline, actor, "organization.update", name, changes, ip)
