"""Admins add roles from the permission codes core and plugins register."""

from __future__ import annotations

import pytest

from helpline.errors import Forbidden, Invalid
from helpline.services import roles, tickets
from helpline.services.users import load_actor


async def test_admin_creates_a_role_whose_members_get_exactly_its_permissions(
    helpline, admin, factory
):
    await roles.create_role(
        helpline,
        admin,
        name="triage",
        label="Triage",
        permissions=["tickets.view_all", "tickets.assign"],
    )
    user = await factory.user("triage")
    assert user.permissions == {"tickets.view_all", "tickets.assign"}
    ticket = await factory.ticket()
    seen = await tickets.get_ticket(helpline, user, ticket.number)
    assert seen.number == ticket.number
    with pytest.raises(Forbidden):
        await tickets.update_ticket(helpline, user, ticket.number, version=None, priority="high")


async def test_unknown_permission_codes_are_refused_by_name(helpline, admin):
    with pytest.raises(Invalid) as error:
        await roles.create_role(
            helpline, admin, name="odd", label="Odd", permissions=["tickets.fly"]
        )
    assert error.value.field == "permissions"
    assert "tickets.fly" in str(error.value)


@pytest.mark.parametrize("role", ["manager", "agent", "customer"])
async def test_only_admins_manage_roles(helpline, factory, role):
    actor = await factory.user(role)
    with pytest.raises(Forbidden):
        await roles.create_role(helpline, actor, name="x-role", label="X", permissions=[])


async def test_changing_a_roles_permissions_changes_what_its_members_may_do(
    helpline, admin, factory
):
    agent = await factory.user("agent")
    await roles.set_permissions(helpline, admin, "agent", ["tickets.view_all"])
    reloaded = await load_actor(helpline, agent.id)
    assert reloaded.permissions == {"tickets.view_all"}
    with pytest.raises(Invalid):
        await roles.set_permissions(helpline, admin, "admin", ["tickets.view_all"])


async def test_admin_gives_a_user_another_role(helpline, admin, factory):
    agent = await factory.user("agent")
    await roles.assign_role(helpline, admin, agent.id, "manager")
    assert (await load_actor(helpline, agent.id)).role == "manager"
    with pytest.raises(Invalid):
        await roles.assign_role(helpline, admin, admin.id, "agent")
