"""Macros: placeholders filled safely, applied from the ticket page, in bulk and by API."""

from __future__ import annotations

import pytest
from automation_helpers import act

from helpline.errors import Forbidden, Invalid
from helpline.services import history, messages, tickets
from helpline_automation import macros, store


async def test_placeholders_are_filled_and_nothing_else_is_executed(
    helpline, factory, make_macro, macro_agent, customer
):
    macro = await make_macro(
        "Hello",
        reply="Hi {{ requester.first_name }}, ticket #{{ticket.number}} ({{ticket.subject}}) "
        "is with {{agent.name}}. {% for x in y %}{{ 7*7 }}{% endfor %}",
    )
    ticket = await factory.ticket(requester=customer, subject="Login {{ticket.number}}")
    await macros.apply(helpline, macro_agent, macro["id"], [ticket.number])
    reply = (await messages.list_messages(helpline, macro_agent, ticket.number))[-1]
    first = customer.name.split()[0]
    assert reply.body == (
        f"Hi {first}, ticket #{ticket.number} (Login {{{{ticket.number}}}}) is with "
        f"{macro_agent.name}. {{% for x in y %}}{{{{ 7*7 }}}}{{% endfor %}}"
    )
    assert reply.author_id == macro_agent.id and reply.kind == "public"


async def test_an_unknown_placeholder_is_refused_when_saving(helpline, make_macro):
    with pytest.raises(Invalid) as refused:
        await make_macro("Bad", reply="Hi {{requester.password}}")
    assert refused.value.field == "reply"


async def test_a_macro_runs_its_actions_as_the_agent_with_the_macro_in_history(
    helpline, factory, make_macro, macro_agent
):
    macro = await make_macro(
        "Waiting",
        reply="Noted",
        internal=True,
        actions=[act("set_status", status="pending"), act("add_tags", tags="waiting")],
    )
    ticket = await factory.ticket()
    results = await macros.apply(helpline, macro_agent, macro["id"], [ticket.number])
    assert "error" not in results[ticket.number]
    stored = await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)
    assert stored.status == "pending" and stored.tags == ["waiting"]
    events = [e for e in await history.events(ticket.id) if e.field == "status"]
    assert (events[-1].actor_id, events[-1].via) == (macro_agent.id, "macro: Waiting")
    note = (await messages.list_messages(helpline, macro_agent, ticket.number))[-1]
    assert note.kind == "internal" and note.body == "Noted"


async def test_an_agent_without_the_permission_cannot_apply_macros(
    helpline, factory, make_macro, plain_agent
):
    macro = await make_macro("M", reply="x")
    ticket = await factory.ticket()
    with pytest.raises(Forbidden):
        await macros.apply(helpline, plain_agent, macro["id"], [ticket.number])


async def test_bulk_apply_reports_each_ticket_and_skips_what_the_agent_cannot_see(
    helpline, factory, make_macro, macro_agent, signin
):
    macro = await make_macro("Tag", actions=[act("add_tags", tags="bulk")])
    one, two = await factory.ticket(), await factory.ticket()
    hidden_team = await factory.team("Hidden")
    hidden = await factory.ticket()
    await tickets.update_as_system(helpline, hidden.number, via="test", team_id=hidden_team)
    web = await signin(macro_agent)
    page = await web.post(
        "/p/automation/apply",
        data={"macro": str(macro["id"]), "numbers": f"{one.number}, {two.number}\n{hidden.number}"},
    )
    assert page.status_code == 200
    assert f"#{hidden.number}</a>: error" in page.text
    for number in (one.number, two.number):
        assert (await tickets.get_ticket(helpline, tickets.SYSTEM, number)).tags == ["bulk"]
    assert (await tickets.get_ticket(helpline, tickets.SYSTEM, hidden.number)).tags == []


async def test_bulk_apply_without_tickets_shows_the_error_next_to_the_field(
    helpline, make_macro, macro_agent, signin
):
    macro = await make_macro("Tag", actions=[act("add_tags", tags="bulk")])
    page = await (await signin(macro_agent)).post(
        "/p/automation/apply", data={"macro": str(macro["id"]), "numbers": "none"}
    )
    assert page.status_code == 422
    assert 'id="err-numbers"' in page.text and "none</textarea>" in page.text


async def test_the_ticket_page_offers_macros_and_applies_one(
    helpline, factory, make_macro, macro_agent, plain_agent, signin
):
    macro = await make_macro(
        "Close politely",
        reply="Bye {{requester.name}}",
        actions=[act("set_status", status="solved")],
    )
    ticket = await factory.ticket()
    web = await signin(macro_agent)
    page = await web.get(f"/tickets/{ticket.number}")
    assert (
        "Close politely" in page.text
        and f"/p/automation/tickets/{ticket.number}/apply" in page.text
    )
    done = await web.post(
        f"/p/automation/tickets/{ticket.number}/apply",
        data={"macro": str(macro["id"])},
        headers={"HX-Request": "true"},
    )
    assert done.headers.get("hx-redirect") == f"/tickets/{ticket.number}"
    stored = await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)
    assert stored.status_category == "solved"
    without = await signin(plain_agent)
    assert "/p/automation/tickets/" not in (await without.get(f"/tickets/{ticket.number}")).text
    refused = await without.post(
        f"/p/automation/tickets/{ticket.number}/apply", data={"macro": str(macro["id"])}
    )
    assert refused.status_code == 403


async def test_a_customer_cannot_apply_macros_to_any_ticket(
    helpline, factory, make_macro, customer, signin, api
):
    macro = await make_macro("M", actions=[act("add_tags", tags="x")])
    own = await factory.ticket(requester=customer)
    web = await signin(customer)
    assert (
        await web.post(
            f"/p/automation/tickets/{own.number}/apply", data={"macro": str(macro["id"])}
        )
    ).status_code in (403, 404)
    client = await api(customer)
    response = await client.post(
        f"/api/v1/automation/macros/{macro['id']}/apply", json={"tickets": [own.number]}
    )
    assert response.status_code == 403
    assert (await tickets.get_ticket(helpline, tickets.SYSTEM, own.number)).tags == []


async def test_a_macro_cannot_apply_another_macro(helpline, make_macro, admin):
    await make_macro("Inner", reply="x")
    with pytest.raises(Invalid):
        await store.save_macro(
            helpline, admin, {"name": "Outer", "actions": [act("apply_macro", macro="Inner")]}
        )
