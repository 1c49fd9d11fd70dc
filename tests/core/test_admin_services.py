"""Admin services: each change checks permissions and leaves an audit entry in its transaction."""

from __future__ import annotations

import pytest

from helpline import hookimpl
from helpline.errors import Forbidden, Invalid
from helpline.services import admin as admin_people
from helpline.services import admin_teams, admin_tokens, admin_values, audit, tickets
from helpline.services.users import actor_for_token, authenticate, load_actor, set_password
from helpline.tables import AuditLog, Status, Ticket, TicketType


async def _log(action: str | None = None) -> list[dict]:
    query = AuditLog.select(AuditLog.action, AuditLog.target, AuditLog.ip, AuditLog.actor).order_by(
        AuditLog.id
    )
    return await (query.where(AuditLog.action == action) if action else query)


async def test_invited_user_has_no_password_and_joins_the_chosen_teams(helpline, admin, factory):
    team = await factory.team("Billing")
    user = await admin_people.invite_user(
        helpline,
        admin,
        email="New.Agent@example.com",
        name="New Agent",
        role="agent",
        team_ids=[team],
        ip="192.0.2.1",
    )
    assert user.role == "agent" and user.team_ids == {team}
    assert await authenticate(helpline, user.email, "") is None
    [entry] = await _log("user.create")
    assert entry["target"] == "new.agent@example.com" and entry["actor"] == admin.id
    assert entry["ip"] == "192.0.2.1"


async def test_customers_cannot_join_teams_and_bad_time_zones_are_refused(helpline, admin, factory):
    team = await factory.team()
    with pytest.raises(Invalid) as error:
        await admin_people.invite_user(
            helpline, admin, email="c@example.com", role="customer", team_ids=[team]
        )
    assert error.value.field == "teams"
    with pytest.raises(Invalid) as error:
        await admin_people.invite_user(
            helpline, admin, email="c@example.com", timezone="Mars/Olympus"
        )
    assert error.value.field == "timezone"
    assert await _log() == []


@pytest.mark.parametrize("role", ["manager", "agent", "customer"])
async def test_only_holders_of_users_manage_change_users(helpline, factory, role):
    actor = await factory.user(role)
    other = await factory.user("agent")
    with pytest.raises(Forbidden):
        await admin_people.invite_user(helpline, actor, email="x@example.com")
    with pytest.raises(Forbidden):
        await admin_people.set_user_active(helpline, actor, other.id, False)
    with pytest.raises(Forbidden):
        await admin_people.list_users(actor)


async def test_deactivated_user_cannot_sign_in_or_use_tokens_until_reactivated(
    helpline, admin, agent, factory
):
    await set_password(helpline, agent.id, "correct-horse-battery")
    token = await factory.token(agent)
    await admin_people.set_user_active(helpline, admin, agent.id, False)
    assert await authenticate(helpline, agent.email, "correct-horse-battery") is None
    assert await actor_for_token(helpline, token) is None
    await admin_people.set_user_active(helpline, admin, agent.id, True)
    assert await authenticate(helpline, agent.email, "correct-horse-battery") is not None
    assert [e["action"] for e in await _log()] == ["user.deactivate", "user.reactivate"]


async def test_admin_cannot_deactivate_or_demote_themself(helpline, admin):
    with pytest.raises(Invalid):
        await admin_people.set_user_active(helpline, admin, admin.id, False)
    with pytest.raises(Invalid) as error:
        await admin_people.update_user(
            helpline,
            admin,
            admin.id,
            name="Me",
            role="agent",
            organization_id=None,
            team_ids=[],
            timezone="UTC",
        )
    assert error.value.field == "role"
    assert (await load_actor(helpline, admin.id)).role == "admin"


async def test_a_user_manager_cannot_hand_out_more_power_than_they_hold(helpline, admin, factory):
    # The roles as installed: plugins add their codes to the built-in ones (kb.write to agents).
    agent_codes = await admin_people.role_codes("agent")
    customer_codes = await admin_people.role_codes("customer")
    codes = ["users.manage", *sorted({*agent_codes, *customer_codes})]
    await admin_values.create_role(helpline, admin, name="hr", label="HR", permissions=codes)
    hr = await factory.user("hr")
    with pytest.raises(Invalid):
        await admin_people.invite_user(helpline, hr, email="boss@example.com", role="admin")
    with pytest.raises(Forbidden):
        await admin_people.set_user_active(helpline, hr, admin.id, False)
    for role in ("agent", "customer"):
        invited = await admin_people.invite_user(
            helpline, hr, email=f"{role}@example.com", role=role
        )
        assert invited.role == role


async def test_editing_a_user_records_only_what_changed(helpline, admin, agent, factory):
    team = await factory.team()
    org = await factory.organization()
    changes = await admin_people.update_user(
        helpline,
        admin,
        agent.id,
        name="Renamed",
        role="manager",
        organization_id=org,
        team_ids=[team],
        timezone="Europe/Paris",
    )
    assert set(changes) == {"name", "role", "organization", "teams", "timezone"}
    reloaded = await load_actor(helpline, agent.id)
    assert (reloaded.name, reloaded.role, reloaded.team_ids, reloaded.timezone) == (
        "Renamed",
        "manager",
        {team},
        "Europe/Paris",
    )
    again = await admin_people.update_user(
        helpline,
        admin,
        agent.id,
        name="Renamed",
        role="manager",
        organization_id=org,
        team_ids=[team],
        timezone="Europe/Paris",
    )
    assert again == {}
    assert len(await _log("user.update")) == 1


async def test_managers_run_teams_and_organizations(helpline, manager, agent, customer):
    team = await admin_teams.create_team(helpline, manager, "Tier 2")
    await admin_teams.add_team_member(helpline, manager, team, agent.id)
    assert (await load_actor(helpline, agent.id)).team_ids == {team}
    with pytest.raises(Invalid):
        await admin_teams.add_team_member(helpline, manager, team, customer.id)
    with pytest.raises(Invalid) as error:
        await admin_teams.create_team(helpline, manager, "Tier 2")
    assert error.value.field == "name"
    await admin_teams.remove_team_member(helpline, manager, team, agent.id)
    assert (await load_actor(helpline, agent.id)).team_ids == frozenset()
    org = await admin_teams.create_organization(
        helpline, manager, name="Acme", domain="ACME.example"
    )
    with pytest.raises(Invalid) as error:
        await admin_teams.create_organization(
            helpline, manager, name="Other", domain="acme.example"
        )
    assert error.value.field == "domain"
    await admin_teams.update_organization(
        helpline, manager, org, name="Acme Inc", domain="acme.example", shared_tickets=True
    )
    actions = [e["action"] for e in await _log()]
    assert actions == [
        "team.create",
        "team.add_member",
        "team.remove_member",
        "organization.create",
        "organization.update",
    ]


async def test_agents_cannot_run_teams(helpline, agent):
    with pytest.raises(Forbidden):
        await admin_teams.create_team(helpline, agent, "Mine")
    with pytest.raises(Forbidden):
        await admin_teams.create_organization(helpline, agent, name="Mine")


async def test_a_new_role_gives_its_members_exactly_its_permissions(helpline, admin, factory):
    await admin_values.create_role(
        helpline,
        admin,
        name="auditor",
        label="Auditor",
        permissions=["tickets.view_all"],
        ip="10.0.0.1",
    )
    user = await factory.user("auditor")
    ticket = await factory.ticket()
    assert (await tickets.get_ticket(helpline, user, ticket.number)).number == ticket.number
    await admin_values.update_role(
        helpline, admin, "auditor", label="Auditors", permissions=["audit.view"]
    )
    user = await load_actor(helpline, user.id)
    assert user.permissions == {"audit.view"}
    details = (await audit.entries(helpline, admin, action="role.permissions"))[0][0]["details"]
    assert details == {"added": ["audit.view"], "removed": ["tickets.view_all"]}
    assert [e["action"] for e in await _log()] == ["role.create", "role.update", "role.permissions"]


async def test_changing_a_status_category_moves_its_tickets_with_it(helpline, admin, factory):
    ticket = await factory.ticket()
    await tickets.update_ticket(helpline, admin, ticket.number, version=None, status="pending")
    await admin_values.update_value(
        helpline, admin, "status", "pending", label="Waiting", order=30, category="on_hold"
    )
    row = await Ticket.select(Ticket.status_category).where(Ticket.id == ticket.id).first()
    assert row["status_category"] == "on_hold"
    assert (await Status.select(Status.label).where(Status.name == "pending").first())[
        "label"
    ] == "Waiting"


async def test_values_are_deactivated_not_deleted_and_core_statuses_stay(helpline, admin):
    await admin_values.create_value(
        helpline, admin, "type", name="billing", label="Billing", order=60
    )
    await admin_values.set_value_active(helpline, admin, "type", "billing", False)
    row = await TicketType.select(TicketType.active).where(TicketType.name == "billing").first()
    assert row["active"] is False
    with pytest.raises(Invalid):
        await admin_values.set_value_active(helpline, admin, "status", "new", False)
    with pytest.raises(Invalid):
        await admin_values.update_value(
            helpline, admin, "status", "closed", label="Closed", order=60, category="solved"
        )
    assert (await Status.select(Status.active).where(Status.name == "new").first())[
        "active"
    ] is True
    with pytest.raises(Invalid) as error:
        await admin_values.create_value(
            helpline, admin, "status", name="Bad Name", label="x", category="open"
        )
    assert error.value.field == "name"
    assert [e["action"] for e in await _log()] == ["type.create", "type.deactivate"]


async def test_only_settings_managers_change_values(helpline, manager):
    with pytest.raises(Forbidden):
        await admin_values.create_value(helpline, manager, "priority", name="p9", label="P9")


async def test_tokens_are_created_for_a_user_and_revoked(helpline, admin, agent):
    token = await admin_tokens.create_token(helpline, admin, email=agent.email, name="CI", ip="::1")
    assert (await actor_for_token(helpline, token)).id == agent.id
    [row], total = await admin_tokens.list_tokens(admin)
    assert total == 1 and row["prefix"] == token[:10] and row["user_email"] == agent.email
    await admin_tokens.revoke_token(helpline, admin, row["id"])
    assert await actor_for_token(helpline, token) is None
    assert [e["action"] for e in await _log()] == ["token.create", "token.revoke"]


class Recorder:
    def __init__(self):
        self.created = []

    @hookimpl
    def ticket_created(self, helpline, ticket, actor):
        self.created.append(ticket.number)


RECORDER = Recorder()


class TestPlugins:
    @pytest.fixture
    def helpline_plugins(self):
        RECORDER.created.clear()
        return [("recorder", RECORDER)]

    async def test_a_disabled_plugins_hooks_are_not_called(self, helpline, admin, factory):
        await admin_people.set_plugin_enabled(helpline, admin, "recorder", False, ip="127.0.0.1")
        await factory.ticket()
        assert RECORDER.created == []
        await admin_people.set_plugin_enabled(helpline, admin, "recorder", True)
        ticket = await factory.ticket()
        assert RECORDER.created == [ticket.number]
        assert [e["action"] for e in await _log()] == ["plugin.disable", "plugin.enable"]

    async def test_only_plugin_managers_switch_plugins_and_essentials_stay_on(
        self, helpline, admin, manager
    ):
        with pytest.raises(Forbidden):
            await admin_people.set_plugin_enabled(helpline, manager, "recorder", False)
        with pytest.raises(Invalid):
            await admin_people.set_plugin_enabled(helpline, admin, "core.permissions", False)
        assert helpline.is_enabled("core.permissions") and helpline.is_enabled("recorder")
        assert await _log() == []


async def test_audit_log_is_newest_first_filtered_and_only_for_auditors(
    helpline, admin, manager, agent
):
    await admin_teams.create_team(helpline, admin, "A")
    await admin_teams.create_team(helpline, manager, "B")
    await admin_teams.create_organization(helpline, manager, name="C")
    rows, total = await audit.entries(helpline, manager)
    assert total == 3 and [r["target"] for r in rows] == ["C", "B", "A"]
    rows, total = await audit.entries(helpline, manager, action="team.create", actor_id=manager.id)
    assert total == 1 and rows[0]["target"] == "B" and rows[0]["actor_email"] == manager.email
    options = await audit.filters(helpline, manager)
    assert options["actions"] == ["organization.create", "team.create"]
    assert {a["id"] for a in options["actors"]} == {admin.id, manager.id}
    with pytest.raises(Forbidden):
        await audit.entries(helpline, agent)
