"""Time rules: cron-scheduled jobs, idempotent per ticket and status cycle, with a per-run limit."""

from __future__ import annotations

from datetime import UTC, datetime

from automation_helpers import act, cond

from helpline import jobs
from helpline.services import messages, tickets
from helpline_automation.tables import AutomationLog

T0 = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
PENDING = cond("status_category", "is", "pending")


async def _pending_ticket(helpline, factory, manager, customer):
    ticket = await factory.ticket(requester=customer, by=customer)
    await tickets.update_ticket(helpline, manager, ticket.number, version=None, status="pending")
    return ticket


async def test_pending_three_days_reminds_once_and_seven_days_solves(
    helpline, factory, make_rule, run_jobs, clock, manager, customer, outbox
):
    clock.freeze(T0)
    await make_rule(
        "Remind",
        kind="schedule",
        cron="0 * * * *",
        conditions=[PENDING, cond("hours_in_status", "gt", "72")],
        actions=[act("notify", to="requester", body="Still need help with #{{ticket.number}}?")],
    )
    await make_rule(
        "Auto-solve",
        kind="schedule",
        cron="0 * * * *",
        conditions=[PENDING, cond("hours_in_status", "gt", "168")],
        actions=[act("set_status", status="solved")],
    )
    ticket = await _pending_ticket(helpline, factory, manager, customer)
    clock.advance(hours=48)
    await run_jobs()
    assert outbox.to(customer.email) == []
    clock.advance(hours=25)
    await run_jobs()
    assert outbox.to(customer.email) == [f"Still need help with #{ticket.number}?"]
    for _ in range(3):  # later runs do not remind again
        clock.advance(hours=1)
        await run_jobs()
    assert len(outbox.to(customer.email)) == 1
    clock.advance(hours=100)
    await run_jobs()
    stored = await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)
    assert stored.status_category == "solved"
    assert len(outbox.to(customer.email)) == 1


async def test_a_ticket_back_in_pending_is_a_new_cycle(
    helpline, factory, make_rule, run_jobs, clock, manager, customer, outbox
):
    clock.freeze(T0)
    await make_rule(
        "Remind",
        kind="schedule",
        cron="*/30 * * * *",
        conditions=[PENDING, cond("hours_in_status", "gt", "24")],
        actions=[act("notify", to="requester", body="Ping")],
    )
    ticket = await _pending_ticket(helpline, factory, manager, customer)
    clock.advance(hours=25)
    await run_jobs()
    await messages.add_message(helpline, customer, ticket.number, body="Still broken")
    clock.advance(hours=1)
    await tickets.update_ticket(helpline, manager, ticket.number, version=None, status="pending")
    clock.advance(hours=25)
    await run_jobs()
    assert outbox.to(customer.email) == ["Ping", "Ping"]


async def test_each_run_acts_on_at_most_its_limit(
    helpline, factory, make_rule, run_jobs, clock, manager, customer
):
    clock.freeze(T0)
    await make_rule(
        "Tag old",
        kind="schedule",
        cron="0 * * * *",
        run_limit=2,
        conditions=[PENDING],
        actions=[act("add_tags", tags="old")],
    )
    numbers = [
        (await _pending_ticket(helpline, factory, manager, customer)).number for _ in range(5)
    ]
    clock.advance(hours=1)
    await run_jobs()

    async def tagged():
        found = [await tickets.get_ticket(helpline, tickets.SYSTEM, n) for n in numbers]
        return sum("old" in t.tags for t in found)

    assert await tagged() == 2
    assert await AutomationLog.count().where(AutomationLog.outcome == "skipped") == 1
    clock.advance(hours=1)
    await run_jobs()
    assert await tagged() == 4
    clock.advance(hours=1)
    await run_jobs()
    assert await tagged() == 5


async def test_saving_a_time_rule_queues_one_job_and_disabling_cancels_it(
    helpline, make_rule, admin, clock
):
    from helpline_automation import store

    clock.freeze(T0)
    rule = await make_rule(
        "Hourly",
        kind="schedule",
        cron="0 * * * *",
        conditions=[PENDING],
        actions=[act("add_tags", tags="x")],
    )
    queued = [j for j in await jobs.list_jobs(helpline) if j["kind"] == "automation.schedule"]
    assert [(j["status"], j["run_at"]) for j in queued] == [
        ("queued", datetime(2025, 3, 3, 10, 0, tzinfo=UTC))
    ]
    await store.save_rule(helpline, admin, {**rule, "cron": "30 * * * *"}, rule["id"])
    await store.set_enabled(helpline, admin, rule["id"], False)
    queued = [
        j
        for j in await jobs.list_jobs(helpline)
        if j["kind"] == "automation.schedule" and j["status"] == "queued"
    ]
    assert queued == []
