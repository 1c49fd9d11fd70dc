"""The agent console's websocket: waiting chats, accept, limits, messages both ways, transfer."""

from __future__ import annotations

import pytest
from chat_helpers import cookie_header, ws_url
from websockets.exceptions import InvalidStatus

from helpline.services import messages, tickets, users
from helpline_chat import sessions


async def console(sockets, live_server, signin, actor):
    web = await signin(actor)
    url = ws_url(live_server, "/p/chat/console/ws")
    return await sockets(url, origin=live_server, cookie=cookie_header(web))


async def visitor(sockets, live_server, widget, token):
    sock = await sockets(ws_url(live_server, f"/p/chat/w/{widget['key']}/ws"))
    await sock.send(type="hello", token=token, seq=0)
    await sock.wait_for("welcome")
    return sock


async def test_an_agent_accepts_a_waiting_chat_and_both_sides_talk_live(
    helpline, factory, widget, start_chat, live_server, sockets, signin
):
    agent = await factory.user("agent")
    desk = await console(sockets, live_server, signin, agent)
    assert (await desk.wait_for("queue"))["waiting"] == []
    started = await start_chat(body="Where is my order?")
    queued = await desk.wait_for("queue")
    (waiting,) = queued["waiting"]
    assert waiting["name"] == "Vera Visitor" and waiting["ticket"] == started["ticket"]
    assert waiting["waited"] >= 0

    guest = await visitor(sockets, live_server, widget, started["token"])
    await desk.send(type="accept", chat=started["chat"])
    joined = await desk.wait_for("chat", chat=started["chat"])
    assert joined["email"] == "vera@example.com"
    first = await desk.wait_for("message", chat=started["chat"])
    assert first["body"] == "Where is my order?" and first["from"] == "visitor"
    state = await guest.wait_for("state")
    assert state["state"] == "active" and state["agent"] == agent.name

    await guest.send(type="typing", on=True)
    assert (await desk.wait_for("typing", chat=started["chat"]))["on"] is True
    await guest.send(type="message", body="It's order 1234", cid="v1")
    assert (await desk.wait_for("message", chat=started["chat"]))["body"] == "It's order 1234"

    await desk.send(type="typing", chat=started["chat"], on=True)
    assert (await guest.wait_for("typing"))["on"] is True
    await desk.send(type="message", chat=started["chat"], body="<b>On its way</b>", cid="a1")
    reply = await guest.wait_for("message", cid="a1")
    assert reply["body"] == "<b>On its way</b>" and reply["from"] == "agent"

    # The transcript is the ticket's conversation; the chat is assigned to the agent.
    ticket = await tickets.get_ticket(helpline, agent, started["ticket"])
    assert ticket.assignee_id == agent.id and ticket.channel == "chat"
    bodies = [m.body for m in await messages.list_messages(helpline, agent, ticket.number)]
    assert bodies == ["Where is my order?", "It's order 1234", "<b>On its way</b>"]

    await desk.send(type="end", chat=started["chat"])
    assert (await guest.wait_for("state"))["state"] == "ended"
    await desk.wait_for("ended", chat=started["chat"])


async def test_an_agent_cannot_take_more_chats_than_their_limit(
    helpline, factory, widget, start_chat, live_server, sockets, signin
):
    agent = await factory.user("agent")
    desk = await console(sockets, live_server, signin, agent)
    await desk.wait_for("queue")
    await desk.send(type="limit", max=1)
    assert (await desk.wait_for("queue"))["limit"] == 1
    first = await start_chat(email="one@example.com")
    second = await start_chat(email="two@example.com")
    await desk.send(type="accept", chat=first["chat"])
    await desk.wait_for("chat", chat=first["chat"])
    await desk.send(type="accept", chat=second["chat"])
    refused = await desk.wait_for("error", chat=second["chat"])
    assert "1 chats open" in refused["message"]
    assert (await sessions.get(second["chat"]))["state"] == "waiting"


async def test_two_agents_accepting_the_same_chat_only_one_gets_it(
    helpline, factory, widget, online, start_chat
):
    first, second = await factory.user("agent"), await factory.user("agent")
    await online(first)
    started = await start_chat()
    await sessions.accept(helpline, first, started["chat"])
    with pytest.raises(Exception, match="someone else"):
        await sessions.accept(helpline, second, started["chat"])


async def test_a_chat_transferred_to_a_colleague_waits_in_their_console(
    helpline, factory, widget, start_chat, live_server, sockets, signin
):
    agent, colleague = await factory.user("agent"), await factory.user("agent")
    desk = await console(sockets, live_server, signin, agent)
    await desk.wait_for("queue")
    started = await start_chat()
    await desk.send(type="accept", chat=started["chat"])
    await desk.wait_for("chat", chat=started["chat"])
    other = await console(sockets, live_server, signin, colleague)
    await other.wait_for("queue")
    await desk.send(type="transfer", chat=started["chat"], agent=str(colleague.id))
    await desk.wait_for("ended", chat=started["chat"])
    offered = await other.wait_for("queue")
    while not offered["waiting"]:
        offered = await other.wait_for("queue")
    assert [c["chat"] for c in offered["waiting"]] == [started["chat"]]
    await other.send(type="accept", chat=started["chat"])
    await other.wait_for("chat", chat=started["chat"])
    ticket = await tickets.get_ticket(helpline, colleague, started["ticket"])
    assert ticket.assignee_id == colleague.id


async def test_the_console_shows_the_visitors_earlier_tickets(
    helpline, factory, widget, start_chat, live_server, sockets, signin
):
    agent = await factory.user("agent")
    customer = await users.load_actor(
        helpline, await users.customer_for_email(helpline, "vera@example.com", "Vera")
    )
    earlier = await factory.ticket(requester=customer, subject="Broken zipper")
    desk = await console(sockets, live_server, signin, agent)
    await desk.wait_for("queue")
    started = await start_chat()
    await desk.send(type="accept", chat=started["chat"])
    joined = await desk.wait_for("chat", chat=started["chat"])
    assert [t["number"] for t in joined["earlier"]] == [earlier.number]
    assert joined["earlier"][0]["subject"] == "Broken zipper"


async def test_customers_and_strangers_cannot_open_the_console(
    factory, live_server, sockets, signin, client
):
    customer = await factory.user("customer")
    url = ws_url(live_server, "/p/chat/console/ws")
    web = await signin(customer)
    for cookie in (cookie_header(web), None):
        with pytest.raises(InvalidStatus):
            await sockets(url, origin=live_server, cookie=cookie)
    agent = await factory.user("agent")
    agent_web = await signin(agent)
    with pytest.raises(InvalidStatus):  # another site cannot ride on the agent's cookie
        await sockets(url, origin="http://evil.example", cookie=cookie_header(agent_web))
    assert (await web.get("/p/chat/")).status_code == 403
    assert (await client.get("/p/chat/")).status_code in (302, 303)
    assert (await agent_web.get("/p/chat/")).status_code == 200


async def test_a_chat_transferred_to_a_team_waits_for_that_teams_agents_only(
    helpline, factory, widget, online, start_chat
):
    agent = await factory.user("agent")
    await online(agent)
    billing_agent, other = await factory.user("agent"), await factory.user("agent")
    billing = await factory.team("Billing", members=[billing_agent])
    await factory.team("Shipping", members=[other])
    billing_agent = await users.load_actor(helpline, billing_agent.id)
    other = await users.load_actor(helpline, other.id)
    started = await start_chat()
    await sessions.accept(helpline, agent, started["chat"])
    customer = await factory.user("customer")
    with pytest.raises(Exception, match="may not answer chats"):
        await sessions.transfer(helpline, customer, started["chat"], team=billing)
    await sessions.transfer(helpline, agent, started["chat"], team=billing)
    assert [c["id"] for c in await sessions.waiting(helpline, billing_agent)] == [started["chat"]]
    assert await sessions.waiting(helpline, other) == []
    ticket = await tickets.get_ticket(helpline, billing_agent, started["ticket"])
    assert ticket.team_id == billing and ticket.assignee_id is None
    await sessions.accept(helpline, billing_agent, started["chat"])
