"""The routing pages: who may open them, the editors' validation, the availability toggle."""

from __future__ import annotations

import pytest
from routing_helpers import rule

from helpline_routing import store


async def test_an_agent_sets_themselves_away_and_back(helpline, signin, agent):
    web = await signin(agent)
    page = await web.get("/p/routing/me")
    assert page.status_code == 200 and "You are <strong" in page.text
    assert "● Available" in page.text  # the header control
    away = await web.post("/p/routing/me/availability", data={"available": "0"})
    assert away.status_code == 303
    assert not (await store.profile(agent.id)).available
    assert "● Away" in (await web.get("/p/routing/me")).text
    back = await web.post(
        "/p/routing/me/availability", data={"available": "1"}, headers={"HX-Request": "true"}
    )
    assert back.status_code == 200 and "Set me away" in back.text
    assert (await store.profile(agent.id)).available


async def test_working_hours_are_saved_and_a_bad_time_is_shown_beside_its_day(
    helpline, signin, agent
):
    web = await signin(agent)
    ok = await web.post("/p/routing/me/schedule", data={"mon_start": "09:00", "mon_end": "17:00"})
    assert ok.status_code == 303
    assert (await store.profile(agent.id)).schedule == {"mon": ["09:00", "17:00"]}
    bad = await web.post("/p/routing/me/schedule", data={"tue_start": "09:00", "tue_end": ""})
    assert bad.status_code == 422
    assert 'id="err-schedule-tue"' in bad.text and "Give both a start and an end" in bad.text
    assert 'value="09:00"' in bad.text  # what was typed stays


async def test_customers_have_no_routing_pages(signin, customer):
    web = await signin(customer)
    for url in ("/p/routing/me", "/p/routing/load", "/p/routing/teams", "/p/routing/rules"):
        assert (await web.get(url)).status_code == 403, url
    assert (
        await web.post("/p/routing/me/availability", data={"available": "0"})
    ).status_code == 403


async def test_signed_out_visitors_are_sent_to_sign_in(browser_client):
    web = await browser_client()
    response = await web.get("/p/routing/load")
    assert response.status_code in (302, 303) and "/login" in response.headers["location"]


@pytest.mark.parametrize(
    ("role", "load", "manage"),
    [("agent", 403, 403), ("manager", 200, 200), ("admin", 200, 200)],
)
async def test_who_sees_agent_load_and_who_changes_routing(
    helpline, factory, signin, make_team, role, load, manage
):
    team, agents = await make_team(2, "round_robin", name="Support")
    web = await signin(await factory.user(role))
    page = await web.get("/p/routing/load")
    assert page.status_code == load
    if load == 200:
        assert "Support" in page.text and agents[0].name in page.text and "0/10" in page.text
    assert (await web.get(f"/p/routing/teams/{team}")).status_code == manage
    assert (await web.get("/p/routing/rules")).status_code == manage
    saved = await web.post(f"/p/routing/teams/{team}", data={"strategy": "least_loaded"})
    assert saved.status_code == (303 if manage == 200 else 403)
    away = await web.post(f"/p/routing/agents/{agents[0].id}/availability", data={"available": "0"})
    assert away.status_code == (303 if manage == 200 else 403)


async def test_the_team_page_saves_strategy_capacity_and_skills(helpline, signin, admin, make_team):
    team, (a, b) = await make_team(2, "manual", name="Support")
    web = await signin(admin)
    page = await web.get(f"/p/routing/teams/{team}")
    assert page.status_code == 200 and a.name in page.text
    response = await web.post(
        f"/p/routing/teams/{team}",
        data={
            "strategy": "skills",
            "fallback": "least_loaded",
            "reroute_minutes": "20",
            f"capacity.{a.id}": "5",
            f"skills.{a.id}": "billing:3, german",
            f"available.{a.id}": "1",
            f"capacity.{b.id}": "",
            f"skills.{b.id}": "",
        },
    )
    assert response.status_code == 303
    cfg = await store.team_config(team)
    assert (cfg.strategy, cfg.fallback, cfg.reroute_minutes) == ("skills", "least_loaded", 20)
    pa, pb = await store.profile(a.id), await store.profile(b.id)
    assert (pa.capacity, pa.skills, pa.available) == (5, {"billing": 3, "german": 1}, True)
    assert (pb.capacity, pb.available) == (None, False)  # unticked: away


async def test_team_form_errors_show_beside_their_field_and_keep_the_input(
    helpline, signin, admin, make_team
):
    team, (a,) = await make_team(1, "manual", name="Support")
    web = await signin(admin)
    response = await web.post(
        f"/p/routing/teams/{team}",
        data={"strategy": "round_robin", f"skills.{a.id}": "billing:9", f"capacity.{a.id}": "3"},
    )
    assert response.status_code == 422
    assert f'id="err-skills-{a.id}"' in response.text and "between 1 and 5" in response.text
    assert 'value="billing:9"' in response.text
    assert (await store.team_config(team)).strategy == "manual"  # nothing saved
    same = await web.post(
        f"/p/routing/teams/{team}", data={"strategy": "skills", "fallback": "skills"}
    )
    assert same.status_code == 422 and 'id="err-fallback"' in same.text


async def test_an_admin_writes_a_rule_in_the_editor(helpline, signin, admin, make_team):
    await make_team(1, "manual", name="Billing")
    web = await signin(admin)
    assert (await web.get("/p/routing/rules/new")).status_code == 200
    response = await web.post(
        "/p/routing/rules",
        data={
            "name": "Invoices",
            "position": "1",
            "active": "1",
            "match": "any",
            "conditions.0.field": "text",
            "conditions.0.op": "contains",
            "conditions.0.value": "invoice, refund",
            "conditions.1.field": "sender_domain",
            "conditions.1.op": "is",
            "conditions.1.value": "",
            "team": "Billing",
            "tags": "billing",
            "skills": "billing:2",
        },
    )
    assert response.status_code == 303
    saved = await store.get_rule("Invoices")
    assert [(c.field, c.value) for c in saved.conditions] == [("text", "invoice, refund")]
    assert (saved.team, saved.tags, saved.skills, saved.match) == (
        "Billing",
        ["billing"],
        {"billing": 2},
        "any",
    )
    listing = await web.get("/p/routing/rules")
    assert "Invoices" in listing.text and "team Billing" in listing.text
    assert (await web.get("/p/routing/rules/Invoices")).status_code == 200
    assert (await web.post("/p/routing/rules/Invoices/delete")).status_code == 303
    assert await store.rules() == []


async def test_rule_editor_errors_show_beside_the_condition_row(helpline, signin, admin, make_team):
    await make_team(1, "manual", name="Billing")
    web = await signin(admin)
    response = await web.post(
        "/p/routing/rules",
        data={
            "name": "Odd",
            "conditions.0.field": "subject",
            "conditions.0.op": "contains",
            "conditions.0.value": "",
            "conditions.1.field": "custom",
            "conditions.1.custom": "",
            "conditions.1.op": "is",
            "conditions.1.value": "gold",
            "team": "Billing",
        },
    )
    assert response.status_code == 422
    assert 'id="err-conditions-1-custom"' in response.text
    assert 'value="gold"' in response.text and 'value="Odd"' in response.text
    assert await store.rules() == []


async def test_adding_a_condition_row_keeps_what_was_typed(helpline, signin, admin):
    web = await signin(admin)
    response = await web.post(
        "/p/routing/rules",
        data={
            "name": "Draft",
            "conditions.0.field": "subject",
            "conditions.0.value": "x",
            "add_row": "1",
        },
    )
    assert response.status_code == 200
    assert 'name="conditions.1.value"' in response.text and 'value="Draft"' in response.text


async def test_routing_appears_among_the_admins_settings_pages(helpline, signin, admin, agent):
    assert "/p/routing/teams" in (await (await signin(admin)).get("/admin")).text


async def test_managers_see_each_agents_skills_and_state_on_the_load_page(
    helpline, signin, manager, make_team, set_agent, factory
):
    _team, (a, b) = await make_team(2, "round_robin", name="Support")
    await set_agent(a, skills={"billing": 3})
    await set_agent(b, available=False)
    await rule(helpline, "All", conditions=[("channel", "is", "web")], team="Support")
    await factory.ticket()
    page = (await (await signin(manager)).get("/p/routing/load")).text
    assert "billing:3" in page and "away" in page and "1/10" in page
