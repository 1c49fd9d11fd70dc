"""Triggers: events fire rules whose conditions hold; each operator and each action."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from automation_helpers import act, cond

from helpline.services import history, messages, tickets
from helpline.services.users import load_actor

MONDAY_10 = datetime(2025, 1, 6, 10, 0, tzinfo=UTC)
SUNDAY_10 = datetime(2025, 1, 5, 10, 0, tzinfo=UTC)


async def _get(helpline, number):
    return await tickets.get_ticket(helpline, tickets.SYSTEM, number)


async def test_a_trigger_on_new_tickets_sets_priority_and_is_named_in_the_history(
    helpline, factory, make_rule, run_jobs, customer
):
    await make_rule(
        "Urgent subjects",
        conditions=[cond("subject", "contains", "urgent")],
        actions=[act("set_priority", priority="high"), act("add_tags", tags="rush")],
    )
    ticket = await factory.ticket(requester=customer, by=customer, subject="URGENT: down")
    calm = await factory.ticket(requester=customer, by=customer, subject="A question")
    await run_jobs()
    changed = await _get(helpline, ticket.number)
    assert changed.priority == "high" and changed.tags == ["rush"]
    assert (await _get(helpline, calm.number)).priority != "high"
    vias = {e.via for e in await history.events(ticket.id) if e.field == "priority"}
    assert vias == {"automation: Urgent subjects"}


async def test_is_and_is_not_compare_a_field_ignoring_case(
    helpline, factory, make_rule, run_jobs, customer
):
    await make_rule(
        "Web", conditions=[cond("channel", "is", "WEB")], actions=[act("add_tags", tags="web")]
    )
    await make_rule(
        "Not email",
        conditions=[cond("channel", "is_not", "email")],
        actions=[act("add_tags", tags="notmail")],
    )
    ticket = await factory.ticket(requester=customer, by=customer)
    await run_jobs()
    assert sorted((await _get(helpline, ticket.number)).tags) == ["notmail", "web"]


async def test_not_contains_and_requester_email_domain(helpline, factory, make_rule, run_jobs):
    vip = await factory.user("customer", email="boss@vip.example")
    await make_rule(
        "VIP",
        conditions=[
            cond("requester_email", "contains", "@vip.example"),
            cond("subject", "not_contains", "spam"),
        ],
        actions=[act("set_priority", priority="urgent")],
    )
    mine = await factory.ticket(requester=vip, by=vip, subject="Help")
    spam = await factory.ticket(requester=vip, by=vip, subject="spam spam")
    other = await factory.ticket(subject="Help")
    await run_jobs()
    assert (await _get(helpline, mine.number)).priority == "urgent"
    assert (await _get(helpline, spam.number)).priority != "urgent"
    assert (await _get(helpline, other.number)).priority != "urgent"


async def test_changed_to_and_changed_from_follow_the_update(
    helpline, factory, make_rule, run_jobs, agent, customer
):
    await make_rule(
        "Escalated",
        events=["ticket_updated"],
        conditions=[
            cond("priority", "changed_from", "normal"),
            cond("priority", "changed_to", "urgent"),
        ],
        actions=[act("add_tags", tags="escalated")],
    )
    await make_rule(
        "Any status change",
        events=["ticket_updated"],
        conditions=[cond("status", "changed")],
        actions=[act("add_tags", tags="moved")],
    )
    ticket = await factory.ticket(requester=customer, priority="normal")
    agent = await factory.user("manager")
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, priority="high")
    await run_jobs()
    assert (await _get(helpline, ticket.number)).tags == []
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, priority="normal")
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, priority="urgent")
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, status="pending")
    await run_jobs()
    assert sorted((await _get(helpline, ticket.number)).tags) == ["escalated", "moved"]


async def test_greater_and_less_than_compare_numbers(
    helpline, make_rule, run_jobs, factory, customer
):
    ticket = await factory.ticket(requester=customer, by=customer)
    await make_rule(
        "Low scores",
        events=["survey_answered"],
        conditions=[cond("survey_score", "lt", "3")],
        actions=[act("add_tags", tags="unhappy")],
    )
    await make_rule(
        "High scores",
        events=["survey_answered"],
        conditions=[cond("survey_score", "gt", "8")],
        actions=[act("add_tags", tags="promoter")],
    )
    await helpline.hook(
        "survey_answered",
        helpline=helpline,
        ticket=ticket,
        customer=customer,
        kind="csat",
        score=2,
        comment="",
        answers={},
    )
    await run_jobs()
    assert (await _get(helpline, ticket.number)).tags == ["unhappy"]


async def test_within_and_outside_business_hours(
    helpline, make_rule, run_jobs, factory, clock, customer
):
    await make_rule(
        "Open",
        conditions=[cond("now", "within_business_hours")],
        actions=[act("add_tags", tags="office")],
    )
    await make_rule(
        "Closed",
        conditions=[cond("now", "outside_business_hours")],
        actions=[act("add_tags", tags="afterhours")],
    )
    clock.freeze(MONDAY_10)
    weekday = await factory.ticket(requester=customer, by=customer)
    await run_jobs()
    clock.freeze(SUNDAY_10)
    weekend = await factory.ticket(requester=customer, by=customer)
    await run_jobs()
    assert (await _get(helpline, weekday.number)).tags == ["office"]
    assert (await _get(helpline, weekend.number)).tags == ["afterhours"]


async def test_any_matches_when_one_condition_holds_all_needs_every_one(
    helpline, make_rule, run_jobs, factory, customer
):
    conditions = [cond("subject", "contains", "refund"), cond("subject", "contains", "invoice")]
    await make_rule(
        "Any", match="any", conditions=conditions, actions=[act("add_tags", tags="billing")]
    )
    await make_rule(
        "All", match="all", conditions=conditions, actions=[act("add_tags", tags="both")]
    )
    one = await factory.ticket(requester=customer, by=customer, subject="refund please")
    two = await factory.ticket(requester=customer, by=customer, subject="refund the invoice")
    await run_jobs()
    assert (await _get(helpline, one.number)).tags == ["billing"]
    assert sorted((await _get(helpline, two.number)).tags) == ["billing", "both"]


async def test_a_customer_reply_with_a_keyword_reopens_assigns_and_notes(
    helpline, factory, make_rule, run_jobs, agent, customer, outbox
):
    team = await factory.team("Billing", members=[agent])
    await make_rule(
        "Cancellation",
        events=["message_added"],
        conditions=[cond("message_body", "contains", "cancel"), cond("actor", "is", "requester")],
        actions=[
            act("assign", assignee=str(agent.id), team=str(team)),
            act("set_type", type="question"),
            act("add_note", body="Customer {{requester.name}} wants to cancel #{{ticket.number}}"),
            act(
                "notify",
                to="assignee",
                subject="Cancellation on #{{ticket.number}}",
                body="Look at it",
            ),
        ],
    )
    ticket = await factory.ticket(requester=customer, by=customer)
    await messages.add_message(helpline, agent, ticket.number, body="cancel? never")
    await run_jobs()
    assert (await _get(helpline, ticket.number)).assignee_id is None  # an agent wrote it
    await messages.add_message(helpline, customer, ticket.number, body="Please cancel my plan")
    await run_jobs()
    changed = await _get(helpline, ticket.number)
    assert (changed.assignee_id, changed.team_id, changed.type) == (agent.id, team, "question")
    notes = [
        m
        for m in await messages.list_messages(helpline, agent, ticket.number)
        if m.kind == "internal"
    ]
    assert notes[-1].body == f"Customer {customer.name} wants to cancel #{ticket.number}"
    assert notes[-1].author_id is None
    assert outbox.to(agent.email) == ["Look at it"]
    events = await history.events(ticket.id)
    assert {e.via for e in events if e.kind == "message" and e.field == "internal"} == {
        "automation: Cancellation"
    }


async def test_notify_reaches_requester_team_and_followers(
    helpline, factory, make_rule, run_jobs, agent, customer, outbox
):
    other = await factory.user("agent")
    team = await factory.team("Support", members=[agent, other])
    await make_rule(
        "Breach alarm",
        events=["sla_breached"],
        conditions=[cond("sla_target", "is", "first_response")],
        actions=[
            act("notify", to="team", body="Breached: {{ticket.subject}}"),
            act("notify", to="requester", body="Sorry for the wait, {{requester.first_name}}"),
            act("notify", to="followers", body="FYI"),
        ],
    )
    ticket = await factory.ticket(requester=customer, by=customer, subject="Slow")
    await tickets.update_as_system(helpline, ticket.number, via="test", team_id=team)
    other = await load_actor(helpline, other.id)  # now a member of the team
    await messages.add_message(helpline, other, ticket.number, body="Looking", internal=True)
    ticket = await _get(helpline, ticket.number)
    async with helpline.transaction():
        await helpline.hook(
            "sla_breached",
            helpline=helpline,
            ticket=ticket,
            target="first_response",
            due_at=ticket.created_at,
        )
        await helpline.hook(
            "sla_breached",
            helpline=helpline,
            ticket=ticket,
            target="resolution",
            due_at=ticket.created_at,
        )
    await run_jobs()
    assert outbox.to(agent.email) == ["Breached: Slow"]
    assert outbox.to(other.email) == ["Breached: Slow", "FYI"]
    assert outbox.to(customer.email) == [f"Sorry for the wait, {customer.name.split()[0]}"]


async def test_remove_tags_status_and_a_macro_applied_by_a_rule(
    helpline, factory, make_rule, make_macro, run_jobs, customer
):
    await make_macro(
        "Thanks",
        reply="Thanks {{requester.name}}, we are on it.",
        actions=[act("set_status", status="pending")],
    )
    await make_rule(
        "Welcome",
        conditions=[cond("tags", "contains", "new-customer")],
        actions=[act("remove_tags", tags="new-customer"), act("apply_macro", macro="Thanks")],
    )
    ticket = await factory.ticket(requester=customer, tags=["new-customer", "x"])
    await run_jobs()
    changed = await _get(helpline, ticket.number)
    assert changed.tags == ["x"] and changed.status == "pending"
    public = [
        m
        for m in await messages.list_messages(helpline, customer, ticket.number)
        if m.kind == "public"
    ]
    assert public[-1].body == f"Thanks {customer.name}, we are on it."


async def test_a_disabled_rule_does_nothing(
    helpline, factory, make_rule, run_jobs, admin, customer
):
    from helpline_automation import store

    rule = await make_rule("Off", actions=[act("add_tags", tags="x")])
    await store.set_enabled(helpline, admin, rule["id"], False)
    ticket = await factory.ticket(requester=customer, by=customer)
    await run_jobs()
    assert (await _get(helpline, ticket.number)).tags == []


async def test_assignee_is_none_matches_unassigned_tickets(
    helpline, factory, make_rule, run_jobs, agent
):
    await make_rule(
        "Nobody's",
        conditions=[cond("assignee", "is", "none")],
        actions=[act("assign", assignee=str(agent.id))],
    )
    ticket = await factory.ticket()
    await run_jobs()
    assert (await _get(helpline, ticket.number)).assignee_id == agent.id


async def test_a_condition_without_a_value_is_refused(helpline, make_rule):
    from helpline.errors import Invalid

    with pytest.raises(Invalid) as refused:
        await make_rule(
            "Empty", conditions=[cond("subject", "is", "")], actions=[act("add_tags", tags="x")]
        )
    assert refused.value.field == "condition_0"
    with pytest.raises(Invalid) as refused:
        await make_rule("No one", actions=[act("notify", to="", body="Hi")])
    assert refused.value.field == "action_0"
