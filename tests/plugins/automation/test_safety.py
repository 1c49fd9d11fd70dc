"""Safety: loops are cut, automatic messages are capped, a broken rule breaks nothing else."""

from __future__ import annotations

import pytest
from automation_helpers import act, cond

from helpline.services import tickets
from helpline_automation.tables import AutomationLog, AutomationRule


@pytest.fixture
def helpline_settings_overrides():
    return {
        "plugins": ["automation", "webhooks"],
        "plugin": {
            "automation": {
                "max_depth": 3,
                "messages_per_ticket_per_day": 2,
                "messages_per_recipient_per_day": 3,
            }
        },
    }


async def _get(helpline, number):
    return await tickets.get_ticket(helpline, tickets.SYSTEM, number)


async def test_two_rules_undoing_each_other_stop_after_one_round(
    helpline, factory, make_rule, run_jobs, manager
):
    await make_rule(
        "Ping",
        events=["ticket_updated"],
        conditions=[cond("priority", "is", "high")],
        actions=[act("set_priority", priority="low")],
    )
    await make_rule(
        "Pong",
        events=["ticket_updated"],
        conditions=[cond("priority", "is", "low")],
        actions=[act("set_priority", priority="high")],
    )
    ticket = await factory.ticket()
    await tickets.update_ticket(helpline, manager, ticket.number, version=None, priority="high")
    assert await run_jobs() < 10
    assert await run_jobs() == 0
    # Neither rule fires again on a change that it caused, directly or through the other.
    done = await AutomationLog.select().where(AutomationLog.outcome == "done")
    assert 2 <= len(done) <= 4


async def test_a_long_chain_of_rule_changes_is_cut_and_logged(
    helpline, factory, make_rule, run_jobs
):
    await make_rule("A", events=["ticket_created"], actions=[act("set_priority", priority="high")])
    await make_rule(
        "B",
        events=["ticket_updated"],
        conditions=[cond("priority", "changed_to", "high")],
        actions=[act("set_type", type="question")],
    )
    await make_rule(
        "C",
        events=["ticket_updated"],
        conditions=[cond("type", "changed")],
        actions=[act("add_tags", tags="c")],
    )
    await make_rule(
        "D",
        events=["ticket_updated"],
        conditions=[cond("tags", "changed")],
        actions=[act("add_tags", tags="d")],
    )
    ticket = await factory.ticket(type="incident")
    await run_jobs()
    changed = await _get(helpline, ticket.number)
    assert (changed.priority, changed.type, changed.tags) == ("high", "question", ["c"])
    cut = await AutomationLog.select().where(AutomationLog.outcome == "skipped")
    assert cut and "loop cut" in cut[0]["detail"]


async def test_a_broken_rule_is_reported_and_the_change_and_other_rules_go_on(
    helpline, factory, make_rule, run_jobs, customer
):
    broken = await make_rule("Broken", actions=[act("set_priority", priority="high")])
    # The priority it sets is deleted later: the action now fails when it runs.
    await make_rule("Fine", actions=[act("add_tags", tags="ok")])
    await AutomationRule.update(
        {AutomationRule.actions: '[{"action": "set_status", "params": {"status": "nope"}}]'}
    ).where(AutomationRule.id == broken["id"])
    ticket = await factory.ticket(requester=customer, by=customer, subject="Still created")
    await run_jobs()
    stored = await _get(helpline, ticket.number)
    assert stored.subject == "Still created" and stored.tags == ["ok"] and stored.status != "nope"
    rule = await AutomationRule.select().where(AutomationRule.id == broken["id"]).first()
    assert rule["failing"] and "nope" in rule["last_error"]
    failed = await AutomationLog.select().where(AutomationLog.rule == broken["id"])
    assert [f["outcome"] for f in failed] == ["failed"]


async def test_a_rule_whose_second_action_fails_keeps_none_of_its_changes(
    helpline, factory, make_rule, run_jobs
):
    rule = await make_rule(
        "Half", actions=[act("add_tags", tags="half"), act("set_priority", priority="high")]
    )
    await AutomationRule.update(
        {
            AutomationRule.actions: '[{"action": "add_tags", "params": {"tags": "half"}}, '
            '{"action": "gone", "params": {}}]'
        }
    ).where(AutomationRule.id == rule["id"])
    ticket = await factory.ticket()
    await run_jobs()
    assert (await _get(helpline, ticket.number)).tags == []


async def test_automatic_messages_stop_at_the_daily_cap_per_ticket(
    helpline, factory, make_rule, run_jobs, manager, customer, outbox, clock
):
    await make_rule(
        "Tell",
        events=["ticket_updated"],
        conditions=[cond("actor", "is", "agent")],
        actions=[act("notify", to="requester", body="Changed")],
    )
    ticket = await factory.ticket(requester=customer, by=customer)
    for priority in ("high", "low", "urgent"):
        await tickets.update_ticket(
            helpline, manager, ticket.number, version=None, priority=priority
        )
        await run_jobs()
    assert outbox.to(customer.email) == ["Changed", "Changed"]
    log = await AutomationLog.select(AutomationLog.detail).order_by(AutomationLog.id)
    assert "daily cap" in log[-1]["detail"]


async def test_automatic_messages_to_one_person_stop_at_the_daily_cap(
    helpline, factory, make_rule, run_jobs, agent, outbox, clock
):
    await make_rule("Tell the agent", actions=[act("notify", to="assignee", body="New one")])
    for _ in range(4):
        await factory.ticket(assignee=agent.email)
    await run_jobs()
    assert outbox.to(agent.email) == ["New one"] * 3
    clock.advance(days=1, minutes=1)
    await factory.ticket(assignee=agent.email)
    await run_jobs()
    assert len(outbox.to(agent.email)) == 4


async def test_a_rule_acts_once_on_a_change_and_what_other_rules_made_of_it(
    helpline, factory, make_rule, run_jobs
):
    await make_rule("High", actions=[act("set_priority", priority="high")])
    await make_rule("Question", actions=[act("set_type", type="question")])
    await make_rule(
        "Note it",
        events=["ticket_created", "ticket_updated"],
        conditions=[cond("priority", "is", "high")],
        actions=[act("add_note", body="High priority")],
    )
    ticket = await factory.ticket(type="incident")
    await run_jobs()
    notes = await AutomationLog.select().where(AutomationLog.outcome == "done")
    assert sorted(n["detail"] for n in notes) == [
        "added an internal note",
        "set priority to high",
        "set type to question",
    ]
    assert (await _get(helpline, ticket.number)).type == "question"


async def test_old_log_entries_are_dropped_by_the_daily_prune(
    helpline, factory, make_rule, run_jobs, clock
):
    clock.freeze()
    await make_rule("Tag", actions=[act("add_tags", tags="x")])
    await factory.ticket()
    await run_jobs()
    assert await AutomationLog.count() == 1
    clock.advance(days=91)
    await run_jobs()
    assert await AutomationLog.count() == 0
    assert await run_jobs() == 0  # the next prune waits a day
