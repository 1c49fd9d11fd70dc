"""Which policy a ticket gets, and its promise per target: the rules loaded for one change."""

from __future__ import annotations

from dataclasses import dataclass

from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline.tables import Organization, Team
from helpline_sla.calendar import ALWAYS, BusinessCalendar
from helpline_sla.specs import PolicySpec, TargetSpec
from helpline_sla.store import active_rules


@dataclass
class Rules:
    """Everything needed to decide a ticket's targets, loaded once per change (or per batch)."""

    policies: list[PolicySpec]
    calendars: dict[str, BusinessCalendar]
    team_ids: dict[str, int]
    organization_ids: dict[str, int]

    def match(self, ticket: Ticket) -> PolicySpec | None:
        for policy in self.policies:
            if self._matches(policy, ticket):
                return policy
        return None

    def _matches(self, policy: PolicySpec, t: Ticket) -> bool:
        c = policy.conditions
        if c.priority and t.priority not in c.priority:
            return False
        if c.type and t.type not in c.type:
            return False
        if c.channel and t.channel not in c.channel:
            return False
        if c.team and t.team_id not in {self.team_ids.get(n) for n in c.team}:
            return False
        if c.organization and t.organization_id not in {
            self.organization_ids.get(n) for n in c.organization
        }:
            return False
        if c.tags and not set(c.tags) & set(t.tags):
            return False
        for field, accepted in c.custom_fields.items():
            if t.custom_fields.get(field) not in accepted:
                return False
        return True

    def calendar(self, policy: PolicySpec, target: TargetSpec) -> BusinessCalendar:
        if not target.business or policy.calendar is None:
            return ALWAYS
        return self.calendars.get(policy.calendar, ALWAYS)

    def calendar_named(self, name: str | None) -> BusinessCalendar:
        return self.calendars.get(name, ALWAYS) if name else ALWAYS


def target_for(policy: PolicySpec, target: str, priority: str) -> TargetSpec | None:
    """The policy's promise for this target at this priority (exact priority before `*`)."""
    fallback = None
    for spec in policy.targets:
        if spec.target == target:
            if spec.priority == priority:
                return spec
            if spec.priority == "*":
                fallback = spec
    return fallback


async def load_rules(helpline: Helpline, *, empty: bool = False) -> Rules | None:
    """The active policies and what they refer to; None without active policies (unless `empty`)."""
    found, calendars = await active_rules(helpline)
    if not found and not empty:
        return None
    teams = {n for p in found for n in p.conditions.team}
    orgs = {n for p in found for n in p.conditions.organization}
    team_ids = (
        {
            r["name"]: r["id"]
            for r in await Team.select(Team.id, Team.name).where(Team.name.is_in(sorted(teams)))
        }
        if teams
        else {}
    )
    org_ids = (
        {
            r["name"]: r["id"]
            for r in await Organization.select(Organization.id, Organization.name).where(
                Organization.name.is_in(sorted(orgs))
            )
        }
        if orgs
        else {}
    )
    return Rules(found, calendars, team_ids, org_ids)
