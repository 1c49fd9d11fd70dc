"""The rule editor: condition builder, validation next to fields, dry run, order, log, roles."""

from __future__ import annotations

import pytest
from automation_helpers import act

from helpline.services import tickets
from helpline_automation import store

FORM = {
    "name": "Urgent",
    "kind": "trigger",
    "events": "ticket_created",
    "match": "all",
    "enabled": "1",
    "cond-a1-field": "subject",
    "cond-a1-op": "contains",
    "cond-a1-value": "urgent",
    "act-b1-action": "set_priority",
    "act-b1-p-priority": "high",
}


async def test_an_admin_creates_a_rule_with_the_form_and_it_works(
    helpline, signin, admin, factory, run_jobs
):
    web = await signin(admin)
    assert (await web.get("/p/automation/rules/new")).status_code == 200
    saved = await web.post("/p/automation/rules", data=FORM)
    assert saved.status_code in (200, 303)
    (rule,) = await store.list_rules(helpline)
    assert rule["conditions"] == [{"field": "subject", "op": "contains", "value": "urgent"}]
    ticket = await factory.ticket(subject="urgent thing")
    await run_jobs()
    assert (await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)).priority == "high"
    listing = await web.get("/p/automation/rules")
    assert "Urgent" in listing.text and "Disable" in listing.text


async def test_the_condition_builder_returns_a_row_fitting_the_chosen_field(
    helpline, signin, admin
):
    web = await signin(admin)
    row = await web.get(
        "/p/automation/builder/condition",
        params={"key": "k1", "cond-k1-field": "priority"},
        headers={"HX-Request": "true"},
    )
    assert row.status_code == 200
    assert 'name="cond-k1-op"' in row.text and 'value="changed_to"' in row.text
    assert '<option value="high"' in row.text  # priorities offered as a list
    hours = await web.get(
        "/p/automation/builder/condition",
        params={"key": "k2", "cond-k2-field": "now"},
        headers={"HX-Request": "true"},
    )
    assert "within business hours" in hours.text and 'name="cond-k2-value"' not in hours.text
    action = await web.get(
        "/p/automation/builder/action",
        params={"key": "k3", "act-k3-action": "notify"},
        headers={"HX-Request": "true"},
    )
    assert 'name="act-k3-p-to"' in action.text and 'name="act-k3-p-body"' in action.text


async def test_bad_input_is_shown_next_to_its_field_and_nothing_typed_is_lost(
    helpline, signin, admin
):
    web = await signin(admin)
    bad = {**FORM, "cond-a1-op": "gt", "cond-a1-value": "lots"}
    page = await web.post("/p/automation/rules", data=bad)
    assert page.status_code == 422
    assert "cannot use" in page.text and 'value="Urgent"' in page.text
    no_cron = {**FORM, "kind": "schedule", "cron": "every day"}
    page = await web.post("/p/automation/rules", data=no_cron)
    assert (
        page.status_code == 422
        and 'id="err-cron"' in page.text
        and 'value="every day"' in page.text
    )
    no_events = {k: v for k, v in FORM.items() if k != "events"}
    page = await web.post("/p/automation/rules", data=no_events)
    assert page.status_code == 422 and 'id="err-events"' in page.text
    assert await store.list_rules(helpline) == []


async def test_a_dry_run_shows_what_would_happen_and_changes_nothing(
    helpline, signin, admin, factory
):
    ticket = await factory.ticket(subject="urgent: printer")
    web = await signin(admin)
    page = await web.post(
        "/p/automation/rules", data={**FORM, "dry_run": "1", "ticket": str(ticket.number)}
    )
    assert page.status_code == 200
    assert "would act" in page.text and "set priority" in page.text.lower()
    assert "Nothing was changed" in page.text
    assert await store.list_rules(helpline) == []
    assert (await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)).priority != "high"
    missing = await web.post(
        "/p/automation/rules", data={**FORM, "dry_run": "1", "ticket": "999999"}
    )
    assert missing.status_code == 422 and 'id="err-ticket"' in missing.text


async def test_rules_are_reordered_toggled_and_their_log_shows_what_they_did(
    helpline, signin, admin, make_rule, factory, run_jobs
):
    first = await make_rule("First", actions=[act("add_tags", tags="one")])
    second = await make_rule("Second", actions=[act("add_tags", tags="two")])
    web = await signin(admin)
    await web.post(f"/p/automation/rules/{second['id']}/move", data={"step": "up"})
    assert [r["name"] for r in await store.list_rules(helpline)] == ["Second", "First"]
    await web.post(f"/p/automation/rules/{first['id']}/enabled", data={"enabled": "0"})
    ticket = await factory.ticket()
    await run_jobs()
    assert (await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)).tags == ["two"]
    log = await web.get(f"/p/automation/rules/{second['id']}/log")
    assert f"#{ticket.number}" in log.text and "tagged two" in log.text
    await web.post(f"/p/automation/rules/{first['id']}/delete")
    assert [r["name"] for r in await store.list_rules(helpline)] == ["Second"]


async def test_a_failing_rule_is_marked_in_the_list(
    helpline, signin, admin, make_rule, factory, run_jobs
):
    from helpline_automation.tables import AutomationRule

    rule = await make_rule("Shaky", actions=[act("add_tags", tags="x")])
    await AutomationRule.update(
        {AutomationRule.actions: '[{"action": "gone", "params": {}}]'}
    ).where(AutomationRule.id == rule["id"])
    await factory.ticket()
    await run_jobs()
    assert "failing" in (await (await signin(admin)).get("/p/automation/rules")).text


@pytest.mark.parametrize("role", ["manager", "agent", "customer"])
async def test_only_automation_managers_open_the_rule_and_macro_pages(
    helpline, factory, signin, make_rule, role
):
    rule = await make_rule("R", actions=[act("add_tags", tags="x")])
    web = await signin(await factory.user(role))
    for url in (
        "/p/automation/rules",
        "/p/automation/rules/new",
        f"/p/automation/rules/{rule['id']}",
        f"/p/automation/rules/{rule['id']}/log",
        "/p/automation/macros",
        "/p/automation/builder/condition",
    ):
        assert (await web.get(url)).status_code == 403, url
    assert (await web.post("/p/automation/rules", data=FORM)).status_code == 403
    assert (await web.post(f"/p/automation/rules/{rule['id']}/delete")).status_code == 403
    assert len(await store.list_rules(helpline)) == 1


async def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = await client.get("/p/automation/rules", follow_redirects=False)
    assert response.status_code in (302, 303, 401)


async def test_the_macro_editor_saves_and_refuses_bad_placeholders(helpline, signin, admin):
    web = await signin(admin)
    page = await web.post(
        "/p/automation/macros", data={"name": "Hi", "reply": "Hi {{nobody.name}}"}
    )
    assert (
        page.status_code == 422 and 'id="err-reply"' in page.text and "{{nobody.name}}" in page.text
    )
    saved = await web.post(
        "/p/automation/macros",
        data={
            "name": "Hi",
            "reply": "Hi {{requester.name}}",
            "act-x-action": "add_tags",
            "act-x-p-tags": "hello",
        },
    )
    assert saved.status_code in (200, 303)
    (macro,) = await store.list_macros(helpline)
    assert macro["actions"] == [{"action": "add_tags", "params": {"tags": "hello"}}]
    assert "Hi" in (await web.get("/p/automation/macros")).text


async def test_the_settings_menu_links_the_rules_for_admins_only(helpline, signin, admin, manager):
    assert "/p/automation/rules" in (await (await signin(admin)).get("/admin")).text
    assert "/p/automation/rules" not in (await (await signin(manager)).get("/")).text
