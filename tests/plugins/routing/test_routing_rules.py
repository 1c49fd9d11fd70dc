"""Categorisation rules: they run first and set team, type, priority, tags in one history entry."""

from __future__ import annotations

import pytest
from routing_helpers import routing_via, rule

from helpline.errors import Invalid
from helpline.services import history
from helpline_routing import rules


async def test_a_rule_sets_team_type_priority_and_tags_in_one_routing_entry(
    helpline, factory, make_team
):
    team, (_agent,) = await make_team(1, "manual", name="Billing")
    await rule(
        helpline,
        "Invoices",
        conditions=[("text", "contains", "invoice")],
        team="Billing",
        type="incident",
        priority="high",
        tags=["billing"],
    )
    ticket = await factory.ticket(subject="Hello", body="My invoice is wrong", tags=["web"])
    assert (ticket.team_id, ticket.type, ticket.priority) == (team, "incident", "high")
    assert set(ticket.tags) == {"billing", "web"}
    events = [e for e in await history.events(ticket.id) if e.via and e.via.startswith("routing")]
    assert {e.field for e in events} == {"type", "priority", "tags", "team"}
    assert {e.via for e in events} == {"routing: rule Invoices; team Billing, assigned by hand"}


async def test_rules_match_the_sender_domain_and_organization(helpline, factory, make_team):
    await make_team(1, "manual", name="Key accounts")
    await make_team(1, "manual", name="Partners")
    org = await factory.organization("Acme", domain="acme.test")
    await rule(helpline, "Acme", conditions=[("organization", "is", "acme")], team="Key accounts")
    await rule(
        helpline, "Partners", conditions=[("sender_domain", "is", "partner.test")], team="Partners"
    )
    acme = await factory.user("customer", organization=org)
    partner = await factory.user("customer", email="bob@partner.test")
    other = await factory.user("customer", email="eve@else.test")
    assert (await factory.ticket(requester=acme)).team_id is not None
    assert (await routing_via(await factory.ticket(requester=partner)))[0].startswith(
        "routing: rule Partners"
    )
    assert (await factory.ticket(requester=other)).team_id is None


async def test_rules_match_channel_custom_fields_and_mailbox(helpline, factory, make_team):
    team, _ = await make_team(1, "manual", name="Phone")
    await rule(
        helpline,
        "Phone gold",
        match="all",
        conditions=[("channel", "is", "phone"), ("custom:plan", "is", "gold, platinum")],
        team="Phone",
    )
    await rule(
        helpline, "Sales box", conditions=[("mailbox", "is", "sales@desk.test")], priority="high"
    )
    gold = await factory.ticket(channel="phone", custom_fields={"plan": "Gold"})
    silver = await factory.ticket(channel="phone", custom_fields={"plan": "silver"})
    assert (gold.team_id, silver.team_id) == (team, None)
    sales = await factory.ticket(custom_fields={"mailbox": "sales@desk.test"})
    assert sales.priority == "high"


async def test_rules_run_in_order_and_a_stop_rule_ends_the_list(helpline, factory, make_team):
    first, _ = await make_team(1, "manual", name="First")
    _second, _ = await make_team(1, "manual", name="Second")
    await rule(
        helpline,
        "A",
        position=1,
        conditions=[("subject", "contains", "x")],
        team="First",
        stop=True,
    )
    await rule(helpline, "B", position=2, conditions=[("subject", "contains", "x")], team="Second")
    assert (await factory.ticket(subject="x")).team_id == first


async def test_a_later_rule_overrides_the_team_of_an_earlier_one(helpline, factory, make_team):
    _first, _ = await make_team(1, "manual", name="First")
    second, _ = await make_team(1, "manual", name="Second")
    await rule(helpline, "A", position=1, conditions=[("subject", "contains", "x")], team="First")
    await rule(
        helpline,
        "B",
        position=2,
        conditions=[("subject", "contains", "urgent")],
        team="Second",
        priority="urgent",
    )
    ticket = await factory.ticket(subject="x urgent")
    assert (ticket.team_id, ticket.priority) == (second, "urgent")
    assert (await routing_via(ticket))[0].startswith("routing: rule A, B;")


async def test_an_inactive_rule_does_nothing(helpline, factory, make_team):
    await make_team(1, "manual", name="Support")
    await rule(
        helpline, "Off", active=False, conditions=[("subject", "contains", "x")], team="Support"
    )
    assert (await factory.ticket(subject="x")).team_id is None


async def test_with_a_default_team_unmatched_tickets_still_get_one(helpline, factory, make_team):
    team, agents = await make_team(2, "round_robin", name="Front desk")
    helpline.plugin_settings["routing"].default_team = "Front desk"
    ticket = await factory.ticket()
    assert (ticket.team_id, ticket.assignee_id) == (team, agents[0].id)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"conditions": []}, "conditions"),
        ({"conditions": [rules.Condition(field="colour", value="x")]}, "conditions.0.field"),
        (
            {"conditions": [rules.Condition(field="subject", op="like", value="x")]},
            "conditions.0.op",
        ),
        ({"conditions": [rules.Condition(field="subject", value=" , ")]}, "conditions.0.value"),
        ({"team": "Nope"}, "team"),
        ({"priority": "sky-high"}, "priority"),
        ({"team": None}, "actions"),
    ],
)
async def test_a_broken_rule_is_refused_naming_the_field(helpline, make_team, fields, field):
    await make_team(1, "manual", name="Support")
    spec = rules.RuleSpec(
        name="R", conditions=[rules.Condition(field="subject", value="x")], team="Support"
    )
    for key, value in fields.items():
        setattr(spec, key, value)
    with pytest.raises(Invalid) as caught:
        await rules.validate(spec)
    assert caught.value.field == field


def test_skill_levels_are_parsed_from_text():
    assert rules.parse_skills("Billing:3, german") == {"billing": 3, "german": 1}
    with pytest.raises(Invalid):
        rules.parse_skills("billing:9")
    with pytest.raises(Invalid):
        rules.parse_skills("billing:high")
