"""Admin: switching plugins on and off at run time, and API tokens shown once then revoked."""

from __future__ import annotations

import re

import pytest
from litestar import get

from helpline import hookimpl
from helpline.registry import Permission
from helpline.tables import AuditLog


@get("/ping", sync_to_thread=False)
def ping() -> dict[str, bool]:
    return {"pong": True}


class Probe:
    """A tiny plugin: a page, a permission, a channel, and a record of the events it heard."""

    def __init__(self) -> None:
        self.created: list[int] = []
        self.sent: list[dict] = []

    @hookimpl
    def register_permissions(self):
        return [Permission("probe.use", "Use the probe", "Lets a role open the probe's pages.")]

    @hookimpl
    def register_routes(self, helpline):
        return [ping]

    @hookimpl
    def ticket_created(self, helpline, ticket, actor):
        self.created.append(ticket.number)

    @hookimpl
    def settings_pages(self, helpline, actor):
        return (
            [{"label": "Probe settings", "url": "/p/probe/ping"}]
            if actor.can("plugins.manage")
            else []
        )

    @hookimpl
    def deliver_notification(self, helpline, recipient, subject, body, ticket):
        self.sent.append({"to": recipient.email, "subject": subject, "body": body})
        return True


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.fixture
def helpline_plugins(probe):
    return [("probe", probe)]


async def _actions() -> list[str]:
    return [r["action"] for r in await AuditLog.select(AuditLog.action).order_by(AuditLog.id)]


async def test_a_disabled_plugins_pages_404_and_its_hooks_stop_until_enabled(
    signin, client, admin, factory, probe
):
    assert (await client.get("/p/probe/ping")).status_code == 200
    web = await signin(admin)
    assert (await web.post("/admin/plugins/probe/disable")).status_code == 303
    assert (await client.get("/p/probe/ping")).status_code == 404
    await factory.ticket()
    assert probe.created == []
    page = (await web.get("/admin/plugins")).text
    assert "probe is off." in page and 'action="/admin/plugins/probe/enable"' in page
    assert (await web.post("/admin/plugins/probe/enable")).status_code == 303
    assert (await client.get("/p/probe/ping")).status_code == 200
    ticket = await factory.ticket()
    assert probe.created == [ticket.number]
    assert await _actions() == ["plugin.disable", "plugin.enable"]


async def test_plugins_page_shows_versions_and_hooks_and_locks_essential_plugins(
    signin, admin, helpline
):
    web = await signin(admin)
    page = (await web.get("/admin/plugins")).text
    for name in helpline.pm.list_name_plugin():
        assert f"<h2>{name[0]} " in page
    assert "ticket_created" in page and "register_routes" in page
    assert "Locked" in page and "/admin/plugins/core.permissions/disable" not in page
    refused = await web.post("/admin/plugins/core.permissions/disable")
    assert refused.status_code == 400 and "is essential and cannot be disabled" in refused.text
    assert (await web.post("/admin/plugins/nonexistent/disable")).status_code == 400
    assert helpline.is_enabled("core.permissions") and await _actions() == []


async def test_plugin_settings_pages_are_linked_from_the_admin_area_while_enabled(
    signin, admin, manager
):
    web = await signin(admin)
    for url in ("/admin", "/admin/users"):
        assert 'href="/p/probe/ping">Probe settings</a>' in (await web.get(url)).text
    assert "Probe settings" not in (await (await signin(manager)).get("/admin")).text
    await web.post("/admin/plugins/probe/disable")
    assert "Probe settings" not in (await web.get("/admin")).text


@pytest.mark.parametrize("role", ["manager", "agent"])
async def test_only_plugin_managers_flip_switches(signin, factory, client, role):
    web = await signin(await factory.user(role))
    assert (await web.post("/admin/plugins/probe/disable")).status_code == 403
    assert (await client.get("/p/probe/ping")).status_code == 200


async def test_role_editor_groups_a_plugins_permissions_under_its_name(signin, admin):
    page = (await (await signin(admin)).get("/admin/roles/agent")).text
    probe_group = re.search(r"<legend>probe .*?</fieldset>", page, re.S).group(0)
    assert 'value="probe.use"' in probe_group and "Lets a role open the probe" in probe_group
    core_group = re.search(r"<legend>Core.*?</fieldset>", page, re.S).group(0)
    assert 'value="tickets.reply" checked' in core_group and "probe.use" not in core_group


async def test_invitation_goes_out_through_a_channel_plugin_and_is_still_shown(
    signin, admin, probe
):
    web = await signin(admin)
    response = await web.post(
        "/admin/users", data={"email": "kim@example.com", "name": "Kim", "role": "customer"}
    )
    assert "We sent the link to kim@example.com." in response.text
    [message] = probe.sent
    assert (
        message["to"] == "kim@example.com" and message["subject"] == "You are invited to Helpline"
    )
    link = re.search(r"/reset/\S+", message["body"]).group(0)
    assert link in response.text


async def test_token_is_shown_once_works_against_the_api_and_stops_when_revoked(
    signin, client, admin, agent
):
    web = await signin(admin)
    created = await web.post("/admin/tokens", data={"user": agent.email, "name": "CRM sync"})
    assert created.status_code == 201 and created.headers["cache-control"] == "no-store"
    token = re.search(r'value="(hlp_[\w-]+)"', created.text).group(1)
    listing = (await web.get("/admin/tokens")).text
    assert token not in listing and token[:10] in listing and "CRM sync" in listing
    bearer = {"Authorization": f"Bearer {token}"}
    me = await client.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200 and me.json()["email"] == agent.email
    token_id = re.search(r'action="/admin/tokens/(\d+)/revoke"', listing).group(1)
    assert (await web.post(f"/admin/tokens/{token_id}/revoke")).status_code == 303
    assert (await client.get("/api/v1/me", headers=bearer)).status_code == 401
    assert "Revoked" in (await web.get("/admin/tokens")).text
    assert await _actions() == ["token.create", "token.revoke"]


async def test_a_deactivated_users_tokens_stop_working(signin, client, admin, agent, factory):
    bearer = {"Authorization": f"Bearer {await factory.token(agent)}"}
    assert (await client.get("/api/v1/me", headers=bearer)).status_code == 200
    await (await signin(admin)).post(f"/admin/users/{agent.id}/deactivate")
    assert (await client.get("/api/v1/me", headers=bearer)).status_code == 401


async def test_token_form_errors_show_next_to_their_field(signin, admin):
    web = await signin(admin)
    unknown = await web.post("/admin/tokens", data={"user": "ghost@example.com", "name": "Keep me"})
    assert (
        unknown.status_code == 400
        and 'id="user-error">No user has the address ghost@example.com' in unknown.text
    )
    assert 'value="Keep me"' in unknown.text
    forever = await web.post("/admin/tokens", data={"user": admin.email, "expires_days": "99999"})
    assert forever.status_code == 400 and 'id="expires_days-error"' in forever.text
    assert await _actions() == []


@pytest.mark.parametrize("role", ["manager", "agent", "customer"])
async def test_only_token_managers_create_tokens_for_others(signin, factory, admin, role):
    web = await signin(await factory.user(role))
    assert (await web.post("/admin/tokens", data={"user": admin.email})).status_code == 403
    assert (await web.get("/admin/tokens")).status_code == 403
