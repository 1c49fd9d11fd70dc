"""An administrator in the browser: a new role given to a user, and plugin switches."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

pytestmark = pytest.mark.sqlite_only


async def test_an_admin_creates_a_role_and_the_user_given_it_can_read_the_audit_log(
    live_server, open_page, admin, factory
):
    ada = await factory.user("agent", name="Ada Lovelace")
    before = await open_page(ada)
    response = await before.goto(f"{live_server}/admin/audit")
    assert response.status == 403
    await expect(before.get_by_role("heading", name="Not allowed")).to_be_visible()

    page = await open_page(admin)
    await page.goto(f"{live_server}/admin/roles")
    await page.get_by_role("link", name="New role").click()
    await page.get_by_role("textbox", name=re.compile(r"^Name")).fill("auditor")
    await page.get_by_label("Label").fill("Auditor")
    await page.get_by_label("Agents (staff)").check()
    await page.get_by_role("checkbox", name=re.compile("See team tickets")).check()
    await page.get_by_role("checkbox", name=re.compile("Read the audit log")).check()
    await page.get_by_role("button", name="Create role").click()

    await expect(page).to_have_url(f"{live_server}/admin/roles/auditor")
    await expect(page.get_by_text("Role Auditor created.")).to_be_visible()
    audit = page.get_by_role("checkbox", name=re.compile("Read the audit log"))
    await expect(audit).to_be_checked()
    await expect(page.get_by_role("checkbox", name=re.compile("Manage roles"))).not_to_be_checked()

    await page.goto(f"{live_server}/admin/users")
    await page.get_by_role("link", name="Ada Lovelace").click()
    await page.get_by_label("Role").select_option(label="Auditor")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_text("Saved.")).to_be_visible()
    await expect(page.get_by_label("Role")).to_have_value("auditor")

    after = await open_page(ada)
    await after.goto(f"{live_server}/admin/audit")
    await expect(after.get_by_role("heading", name="Audit log")).to_be_visible()
    await expect(after.get_by_role("cell", name="auditor").first).to_be_visible()
    # The role grants reading the log, nothing more: other admin sections stay closed.
    response = await after.goto(f"{live_server}/admin/roles")
    assert response.status == 403


async def test_an_admin_turns_the_sla_plugin_off_and_its_pages_vanish_until_it_is_back_on(
    live_server, open_page, admin
):
    page = await open_page(admin)
    await page.goto(f"{live_server}/p/sla/policies")
    await expect(page.get_by_role("heading", name="SLA policies")).to_be_visible()

    await page.goto(f"{live_server}/admin/plugins")
    card = page.locator("#plugin-sla")
    sla_menu_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="SLA")
    await expect(card.get_by_text("On", exact=True)).to_be_visible()
    await expect(sla_menu_link).to_be_visible()
    await card.get_by_role("button", name="Turn off sla").click()

    await expect(page.get_by_text("sla is off.")).to_be_visible()
    await expect(card.get_by_text("Off", exact=True)).to_be_visible()
    await expect(card.get_by_role("button", name="Turn on sla")).to_be_visible()
    await expect(sla_menu_link).to_have_count(0)
    response = await page.goto(f"{live_server}/p/sla/policies")
    assert response.status == 404
    await expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    await page.goto(f"{live_server}/admin/plugins")
    await card.get_by_role("button", name="Turn on sla").click()
    await expect(page.get_by_text("sla is on.")).to_be_visible()
    await expect(card.get_by_text("On", exact=True)).to_be_visible()
    await page.goto(f"{live_server}/p/sla/policies")
    await expect(page.get_by_role("heading", name="SLA policies")).to_be_visible()
