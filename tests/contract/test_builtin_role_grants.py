"""On a new desk, the built-in roles hold the plugins' permissions a support team expects."""

from __future__ import annotations

import pytest

EXPECTED = {
    "agent": {"kb.write", "automation.apply_macros"},
    "manager": {"kb.write", "kb.publish", "kb.manage_categories", "routing.manage",
                "automation.apply_macros"},
}  # fmt: skip


@pytest.mark.parametrize("role", sorted(EXPECTED))
async def test_built_in_roles_get_the_plugins_codes(factory, role):
    user = await factory.user(role)
    assert EXPECTED[role] <= set(user.permissions)


async def test_customers_get_no_staff_codes_from_plugins(customer):
    staff_codes = set().union(*EXPECTED.values())
    assert not staff_codes & set(customer.permissions)


async def test_a_manager_configures_routing_and_an_agent_applies_macros(signin, manager, agent):
    assert (await (await signin(manager)).get("/p/routing/teams")).status_code == 200
    assert (await (await signin(manager)).get("/p/automation/rules")).status_code == 403
    agent_web = await signin(agent)
    assert (await agent_web.get("/p/automation/apply")).status_code == 200
    assert (await agent_web.get("/p/routing/teams")).status_code == 403
