"""`helpline demo` leaves example macros ready to apply and example triggers, none surprising."""

from __future__ import annotations

from helpline.cli.demo import generate
from helpline.services import messages, tickets
from helpline_automation import macros, store


async def test_a_demo_desk_offers_its_macros_on_the_ticket_page(
    helpline, factory, macro_agent, signin
):
    await generate(helpline, 20, seed=2)
    ticket = await factory.ticket(subject="The export button does nothing")

    page = await (await signin(macro_agent)).get(f"/tickets/{ticket.number}")

    assert page.status_code == 200
    for name in ("Ask for more information", "Solved: thanks for your patience"):
        assert name in page.text


async def test_asking_for_more_information_replies_and_waits_for_the_customer(
    helpline, factory, macro_agent
):
    await generate(helpline, 20, seed=2)
    ticket = await factory.ticket(subject="The export button does nothing")
    macro = await store.get_macro(helpline, "Ask for more information")

    await macros.apply(helpline, macro_agent, macro["id"], [ticket.number])

    reply = (await messages.list_messages(helpline, macro_agent, ticket.number))[-1]
    assert reply.kind == "public" and "a little more information" in reply.body
    assert (await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)).status == "pending"


async def test_demo_triggers_tag_refund_requests_and_leave_team_moves_switched_off(
    helpline, factory, run_jobs
):
    await generate(helpline, 20, seed=2)

    rules = {r["name"]: r for r in await store.list_rules(helpline)}
    assert rules["Urgent tickets to the Technical team"]["enabled"] is False
    assert rules["Tag refund requests"]["enabled"] is True
    assert not any(a["action"].startswith("webhooks") for r in rules.values() for a in r["actions"])
    ticket = await factory.ticket(subject="Refund for a double charge", priority="urgent")
    await run_jobs()
    after = await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)
    assert after.tags == ["refund"] and after.team_id is None


async def test_a_second_demo_run_adds_no_second_copy_of_the_rules_or_macros(helpline):
    await generate(helpline, 10, seed=1)
    rules, found = await store.list_rules(helpline), await store.list_macros(helpline)

    await generate(helpline, 10, seed=2)

    assert [r["id"] for r in await store.list_rules(helpline)] == [r["id"] for r in rules]
    assert [m["id"] for m in await store.list_macros(helpline)] == [m["id"] for m in found]
    assert len(rules) == 3 and len(found) == 3
