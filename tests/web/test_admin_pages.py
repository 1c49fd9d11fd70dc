"""The admin area: who may open which section, users, teams, organizations, roles, values, audit."""

from __future__ import annotations

import re

import pytest

from helpline.errors import NotFound
from helpline.services import audit, tickets
from helpline.services.users import load_actor
from helpline.tables import AuditLog, Role, Status, Ticket

#: Each section's page and the permission code that opens it.
SECTIONS = {
    "/admin/users": "users.manage",
    "/admin/users/new": "users.manage",
    "/admin/teams": "teams.manage",
    "/admin/organizations": "organizations.manage",
    "/admin/roles": "roles.manage",
    "/admin/roles/new": "roles.manage",
    "/admin/values": "settings.manage",
    "/admin/plugins": "plugins.manage",
    "/admin/tokens": "tokens.manage",
    "/admin/audit": "audit.view",
}
MANAGER_CODES = {"teams.manage", "organizations.manage", "audit.view"}


async def _actions() -> list[str]:
    return [r["action"] for r in await AuditLog.select(AuditLog.action).order_by(AuditLog.id)]


@pytest.mark.parametrize("role", ["admin", "manager", "agent", "customer"])
async def test_each_section_opens_only_for_roles_holding_its_permission(signin, factory, role):
    web = await signin(await factory.user(role))
    for url, code in SECTIONS.items():
        allowed = role == "admin" or (role == "manager" and code in MANAGER_CODES)
        response = await web.get(url)
        assert response.status_code == (200 if allowed else 403), (role, url)
    front = await web.get("/admin")
    assert front.status_code == (200 if role in ("admin", "manager") else 403)


async def test_admin_menu_link_shows_for_anyone_holding_an_admin_permission(signin, factory):
    await Role.insert(
        Role(name="values-keeper", label="Values", staff=True, permissions=["settings.manage"])
    )
    keeper = await factory.user("values-keeper")
    assert 'href="/admin"' in (await (await signin(keeper)).get("/admin/values")).text
    agent = await factory.user("agent")
    assert 'href="/admin"' not in (await (await signin(agent)).get("/account/password")).text


async def test_front_page_lists_the_sections_the_viewer_may_use(signin, admin, manager):
    everything = (await (await signin(admin)).get("/admin")).text
    for url in SECTIONS:
        assert f'href="{url}"' in everything or url.endswith("/new")
    managing = (await (await signin(manager)).get("/admin")).text
    assert 'href="/admin/teams"' in managing and 'href="/admin/audit"' in managing
    assert 'href="/admin/users"' not in managing and 'href="/admin/plugins"' not in managing


async def test_anonymous_visitors_are_sent_to_sign_in(browser_client):
    web = await browser_client()
    response = await web.get("/admin/users")
    assert (
        response.status_code == 303 and response.headers["location"] == "/login?next=/admin/users"
    )


@pytest.mark.parametrize("role", ["manager", "agent", "customer"])
async def test_actions_are_refused_without_the_permission_even_when_posted(
    signin, factory, admin, role
):
    web = await signin(await factory.user(role))
    target = await factory.user("agent")
    posts = {
        "/admin/users": {"email": "x@example.com", "role": "agent"},
        f"/admin/users/{target.id}/deactivate": {},
        f"/admin/users/{admin.id}": {"name": "Pwned", "role": "customer"},
        "/admin/roles": {"name": "evil", "label": "Evil", "permissions": "tickets.view_all"},
        "/admin/roles/agent": {"label": "Agent", "permissions": "tickets.view_all"},
        "/admin/values/status": {"name": "x", "label": "X", "category": "open"},
        "/admin/plugins/core.values/disable": {},
        "/admin/tokens": {"user": admin.email},
    }
    for url, data in posts.items():
        assert (await web.post(url, data=data)).status_code == 403, url
    assert (await load_actor(factory.helpline, target.id)).active
    assert await _actions() == []


async def test_admin_finds_users_by_name_or_email_page_by_page(signin, admin, factory):
    for n in range(55):
        await factory.user("customer", email=f"client{n:02d}@shop.example", name=f"Client {n:02d}")
    web = await signin(admin)
    found = await web.get("/admin/users", params={"q": "client0", "kind": "customers"})
    assert found.text.count("@shop.example</span>") == 10
    first = await web.get("/admin/users", params={"kind": "customers"})
    assert "Page 1 of 2" in first.text and "client00@shop.example" in first.text
    second = await web.get("/admin/users", params={"kind": "customers", "page": 2})
    assert "client54@shop.example" in second.text and "client00@shop.example" not in second.text
    agents = await web.get("/admin/users", params={"kind": "staff"})
    assert "@shop.example" not in agents.text and admin.email in agents.text
    htmx = await web.get("/admin/users", params={"q": "Client 07"}, headers={"HX-Request": "true"})
    assert "<html" not in htmx.text and "client07@shop.example" in htmx.text


async def test_invited_agent_joins_teams_and_chooses_a_password_through_the_shown_link(
    signin, browser_client, admin, factory
):
    team = await factory.team("Billing")
    web = await signin(admin)
    response = await web.post(
        "/admin/users",
        data={
            "email": "nina@example.com",
            "name": "Nina",
            "role": "agent",
            "teams": [str(team)],
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 200
    assert "give them this link yourself" in response.text
    link = re.search(r'value="https?://[^/"]+(/reset/[^"]+)"', response.text).group(1)
    invitee = await browser_client()
    assert (await invitee.get(link)).status_code == 200
    assert (
        await invitee.post(link, data={"new": "nina-password-1", "confirm": "nina-password-1"})
    ).status_code == 303
    signed_in = await invitee.post(
        "/login", data={"email": "nina@example.com", "password": "nina-password-1"}
    )
    assert signed_in.status_code == 303
    user_id = int(re.search(r'href="/admin/users/(\d+)"', response.text).group(1))
    nina = await load_actor(factory.helpline, user_id)
    assert (nina.role, nina.team_ids, nina.timezone) == ("agent", {team}, "Europe/Berlin")
    assert await _actions() == ["user.create"]


async def test_invite_errors_show_next_to_their_field_and_keep_what_was_typed(signin, admin, agent):
    web = await signin(admin)
    taken = await web.post(
        "/admin/users", data={"email": agent.email, "name": "Dup Name", "role": "agent"}
    )
    assert taken.status_code == 400
    assert re.search(
        r'name="email"[^>]*aria-invalid="true".*?field-error" id="email-error">A user with email',
        taken.text,
        re.S,
    )
    assert 'value="Dup Name"' in taken.text
    zone = await web.post(
        "/admin/users", data={"email": "z@example.com", "role": "agent", "timezone": "Nowhere/City"}
    )
    assert (
        zone.status_code == 400
        and 'id="timezone-error"' in zone.text
        and 'value="Nowhere/City"' in zone.text
    )
    assert await _actions() == []


async def test_admin_changes_a_users_name_role_organization_and_teams(
    signin, admin, agent, factory
):
    team = await factory.team()
    org = await factory.organization("Acme")
    web = await signin(admin)
    saved = await web.post(
        f"/admin/users/{agent.id}",
        data={
            "name": "Agent Renamed",
            "role": "manager",
            "organization": str(org),
            "teams": [str(team)],
            "timezone": "UTC",
        },
    )
    assert saved.status_code == 303
    reloaded = await load_actor(factory.helpline, agent.id)
    assert (reloaded.name, reloaded.role, reloaded.organization_id, reloaded.team_ids) == (
        "Agent Renamed",
        "manager",
        org,
        {team},
    )
    page = await web.get(f"/admin/users/{agent.id}")
    assert "Saved." in page.text and 'value="Agent Renamed"' in page.text
    [entry], _ = await audit.entries(factory.helpline, admin)
    assert entry["action"] == "user.update" and entry["details"]["role"] == ["agent", "manager"]
    assert entry["ip"] == "127.0.0.1" and entry["actor_id"] == admin.id


async def test_deactivated_user_is_signed_out_and_cannot_sign_in_again_until_reactivated(
    signin, browser_client, admin, agent
):
    agents_browser = await signin(agent, "agent-password-1")
    web = await signin(admin)
    assert (await web.post(f"/admin/users/{agent.id}/deactivate")).status_code == 303
    assert (await agents_browser.get("/account/password")).status_code == 303
    fresh = await browser_client()
    refused = await fresh.post(
        "/login", data={"email": agent.email, "password": "agent-password-1"}
    )
    assert refused.status_code == 400
    assert "Deactivated" in (await web.get(f"/admin/users/{agent.id}")).text
    assert (await web.post(f"/admin/users/{agent.id}/reactivate")).status_code == 303
    again = await fresh.post("/login", data={"email": agent.email, "password": "agent-password-1"})
    assert again.status_code == 303
    assert await _actions() == ["user.deactivate", "user.reactivate"]


async def test_admin_cannot_deactivate_or_demote_themself(signin, admin):
    web = await signin(admin)
    refused = await web.post(f"/admin/users/{admin.id}/deactivate")
    assert refused.status_code == 400 and "You cannot deactivate yourself." in refused.text
    demoted = await web.post(
        f"/admin/users/{admin.id}", data={"name": "Me", "role": "agent", "timezone": "UTC"}
    )
    assert demoted.status_code == 400 and "You cannot change your own role." in demoted.text
    assert (await web.get("/admin")).status_code == 200
    assert await _actions() == []


async def test_password_link_is_shown_to_the_admin_and_audited(signin, admin, agent):
    web = await signin(admin)
    response = await web.post(f"/admin/users/{agent.id}/password-link")
    assert response.status_code == 200
    assert re.search(r'value="https?://[^"]+/reset/[^"]+"', response.text)
    assert await _actions() == ["user.reset_password"]


async def test_manager_builds_a_team_and_changes_its_members(
    signin, manager, agent, customer, factory
):
    web = await signin(manager)
    created = await web.post("/admin/teams", data={"name": "Escalations", "description": "Tier 2"})
    assert created.status_code == 303
    team_url = created.headers["location"]
    team_id = int(team_url.rsplit("/", 1)[1])
    assert (await web.post(f"{team_url}/members", data={"user": str(agent.id)})).status_code == 303
    assert (await load_actor(factory.helpline, agent.id)).team_ids == {team_id}
    refused = await web.post(f"{team_url}/members", data={"user": str(customer.id)})
    assert refused.status_code == 400 and "Only agents can be members of teams." in refused.text
    assert (await web.post(team_url, data={"name": "Escalation desk"})).status_code == 303
    assert "Escalation desk" in (await web.get(team_url)).text
    assert (await web.post(f"{team_url}/members/{agent.id}/remove")).status_code == 303
    assert (await load_actor(factory.helpline, agent.id)).team_ids == frozenset()
    duplicate = await web.post("/admin/teams", data={"name": "Escalation desk"})
    assert duplicate.status_code == 400 and 'id="name-error"' in duplicate.text
    assert await _actions() == [
        "team.create",
        "team.add_member",
        "team.update",
        "team.remove_member",
    ]


async def test_organization_switch_lets_members_see_each_others_tickets(signin, manager, factory):
    web = await signin(manager)
    created = await web.post(
        "/admin/organizations", data={"name": "Acme", "domain": "acme.example"}
    )
    assert created.status_code == 303
    org_url = created.headers["location"]
    alice = await factory.user("customer", email="alice@acme.example")
    bob = await factory.user("customer", email="bob@acme.example")
    ticket = await factory.ticket(requester=alice)
    with pytest.raises(NotFound):
        await tickets.get_ticket(factory.helpline, bob, ticket.number)
    saved = await web.post(
        org_url, data={"name": "Acme", "domain": "acme.example", "shared_tickets": "on"}
    )
    assert saved.status_code == 303
    bob = await load_actor(factory.helpline, bob.id)
    assert (await tickets.get_ticket(factory.helpline, bob, ticket.number)).number == ticket.number
    assert "bob@acme.example" in (await web.get(org_url)).text
    bad = await web.post("/admin/organizations", data={"name": "Bad", "domain": "not a domain"})
    assert bad.status_code == 400 and 'id="domain-error"' in bad.text and 'value="Bad"' in bad.text
    assert await _actions() == ["organization.create", "organization.update"]


async def test_role_editor_lists_every_registered_permission_code(signin, admin, helpline):
    page = (await (await signin(admin)).get("/admin/roles/new")).text
    for code, permission in helpline.permissions.items():
        assert f'value="{code}"' in page
        assert permission.label in page


async def test_a_role_made_in_the_editor_changes_what_its_members_may_do(signin, admin, factory):
    helpline = factory.helpline
    watcher = await factory.user("agent")
    other_team = await factory.team()
    ticket = await factory.ticket(team=other_team)
    with pytest.raises(NotFound):
        await tickets.get_ticket(helpline, watcher, ticket.number)
    web = await signin(admin)
    created = await web.post(
        "/admin/roles",
        data={
            "name": "watcher",
            "label": "Watcher",
            "staff": "staff",
            "permissions": ["tickets.view_all", "tickets.reply"],
        },
    )
    assert created.status_code == 303 and created.headers["location"] == "/admin/roles/watcher"
    saved = await web.post(
        f"/admin/users/{watcher.id}",
        data={"name": watcher.name, "role": "watcher", "timezone": "UTC"},
    )
    assert saved.status_code == 303
    watcher = await load_actor(helpline, watcher.id)
    assert (await tickets.get_ticket(helpline, watcher, ticket.number)).number == ticket.number
    narrowed = await web.post(
        "/admin/roles/watcher", data={"label": "Watcher", "permissions": ["tickets.reply"]}
    )
    assert narrowed.status_code == 303
    with pytest.raises(NotFound):
        await tickets.get_ticket(helpline, await load_actor(helpline, watcher.id), ticket.number)
    assert await _actions() == ["role.create", "user.update", "role.permissions"]


async def test_role_form_errors_keep_the_ticked_permissions(signin, admin):
    web = await signin(admin)
    bad = await web.post(
        "/admin/roles", data={"name": "Bad Name!", "label": "X", "permissions": ["tickets.merge"]}
    )
    assert bad.status_code == 400 and 'id="name-error"' in bad.text
    assert re.search(r'value="tickets\.merge" checked', bad.text)


async def test_the_admin_role_keeps_every_permission(signin, admin):
    web = await signin(admin)
    assert (
        await web.post("/admin/roles/admin", data={"label": "Boss", "permissions": []})
    ).status_code == 303
    row = await Role.select(Role.permissions, Role.label).where(Role.name == "admin").first()
    assert row["permissions"] == ["*"] and row["label"] == "Boss"


async def test_changing_a_status_category_moves_its_tickets(signin, admin, factory):
    ticket = await factory.ticket()
    await tickets.update_ticket(
        factory.helpline, admin, ticket.number, version=None, status="pending"
    )
    web = await signin(admin)
    saved = await web.post(
        "/admin/values/status/pending",
        data={"label": "Waiting on customer", "order": "30", "category": "on_hold"},
    )
    assert saved.status_code == 303
    row = await Ticket.select(Ticket.status_category).where(Ticket.id == ticket.id).first()
    assert row["status_category"] == "on_hold"
    assert "1 ticket moved to the new category." in (await web.get("/admin/values")).text


async def test_values_are_added_and_deactivated_with_errors_beside_the_row(signin, admin):
    web = await signin(admin)
    added = await web.post(
        "/admin/values/status",
        data={"name": "waiting_vendor", "label": "Waiting on vendor", "category": "on_hold"},
    )
    assert added.status_code == 303
    row = await Status.select().where(Status.name == "waiting_vendor").first()
    assert row["category"] == "on_hold" and row["position"] == 70 and row["active"]
    assert (await web.post("/admin/values/status/waiting_vendor/deactivate")).status_code == 303
    assert not (await Status.select(Status.active).where(Status.name == "waiting_vendor").first())[
        "active"
    ]
    refused = await web.post("/admin/values/status/new/deactivate")
    assert refused.status_code == 400 and "must stay in the &#39;new&#39; category" in refused.text
    bad = await web.post("/admin/values/priority/high", data={"label": " ", "order": "30"})
    assert bad.status_code == 400 and re.search(
        r'form="value-priority-high" name="label"[^>]*aria-invalid', bad.text
    )
    assert await _actions() == ["status.create", "status.deactivate"]


async def test_audit_log_is_newest_first_filtered_and_paged(signin, admin, manager, agent, factory):
    helpline = factory.helpline
    for n in range(52):
        await audit.record(helpline, admin, "team.create", f"Team {n}", {"n": n}, "10.0.0.1")
    await audit.record(
        helpline,
        manager,
        "organization.update",
        "Acme",
        {"shared_tickets": [False, True]},
        "10.0.0.2",
    )
    web = await signin(manager)
    first = (await web.get("/admin/audit")).text
    assert first.index("organization.update</code>") < first.index("Team 51")
    assert "shared_tickets: False → True" in first and "Page 1 of 2" in first
    by_manager = (await web.get("/admin/audit", params={"actor": manager.id})).text
    assert "Team 51" not in by_manager and "Acme" in by_manager
    teams = await web.get("/admin/audit", params={"action": "team.create", "page": 2})
    assert (
        "Team 0</td>" in teams.text
        and "Acme" not in teams.text
        and "?action=team.create&amp;page=1" in teams.text
    )
    assert (await (await signin(agent)).get("/admin/audit")).status_code == 403
