"""The visitor's websocket: live messages, replay after a reconnect, limits, origins, tokens."""

from __future__ import annotations

import pytest
from chat_helpers import ORIGIN, ws_url
from websockets.exceptions import InvalidStatus

from helpline.services import messages, tickets, users
from helpline_chat import sessions


async def visitor_socket(sockets, live_server, widget, token, seq=0, origin=ORIGIN):
    sock = await sockets(ws_url(live_server, f"/p/chat/w/{widget['key']}/ws"), origin=origin)
    await sock.send(type="hello", token=token, seq=seq)
    welcome = await sock.wait_for("welcome")
    return sock, welcome


async def test_a_visitor_who_reconnects_gets_every_message_they_missed_and_nothing_twice(
    helpline, factory, widget, online, start_chat, live_server, sockets
):
    agent = await factory.user("agent")
    await online(agent)
    started = await start_chat(body="My parcel never arrived")
    sock, welcome = await visitor_socket(sockets, live_server, widget, started["token"])
    assert welcome["state"] == "waiting"
    first = await sock.wait_for("message")
    assert first["body"] == "My parcel never arrived" and first["from"] == "visitor"
    await sessions.accept(helpline, agent, started["chat"])
    assert (await sock.wait_for("state"))["state"] == "active"
    await sock.close()

    # While the visitor is away, the agent answers twice (once from the ticket page).
    for text in ("Sorry to hear that!", "It ships again today."):
        await messages.add_message(helpline, agent, started["ticket"], body=text)

    sock, _ = await visitor_socket(sockets, live_server, widget, started["token"], first["seq"])
    replayed = [await sock.wait_for("message"), await sock.wait_for("message")]
    assert [m["body"] for m in replayed] == ["Sorry to hear that!", "It ships again today."]
    assert all(m["from"] == "agent" and m["name"] == agent.name for m in replayed)
    assert replayed[0]["seq"] < replayed[1]["seq"]

    await messages.add_message(helpline, agent, started["ticket"], body="Anything else?")
    live = await sock.wait_for("message")
    assert live["body"] == "Anything else?"
    assert not [f for f in sock.frames if f.get("body") == "My parcel never arrived"]


async def test_internal_notes_never_reach_the_visitor(
    helpline, factory, widget, online, start_chat, live_server, sockets
):
    agent = await factory.user("agent")
    await online(agent)
    started = await start_chat()
    await sessions.accept(helpline, agent, started["chat"])
    await messages.add_message(helpline, agent, started["ticket"], body="secret", internal=True)
    await messages.add_message(helpline, agent, started["ticket"], body="Hi there")
    sock, _ = await visitor_socket(sockets, live_server, widget, started["token"])
    bodies = [(await sock.wait_for("message"))["body"] for _ in range(2)]
    assert bodies == ["Hello?", "Hi there"]


async def test_a_message_sent_again_after_a_dropped_connection_is_stored_once(
    helpline, factory, widget, online, start_chat, live_server, sockets
):
    await online(await factory.user("agent"))
    started = await start_chat()
    sock, _ = await visitor_socket(sockets, live_server, widget, started["token"])
    await sock.send(type="message", body="Are you there?", cid="c-1")
    ack = await sock.wait_for("ack", cid="c-1")
    await sock.close()
    sock, _ = await visitor_socket(sockets, live_server, widget, started["token"], ack["seq"])
    await sock.send(type="message", body="Are you there?", cid="c-1")
    assert (await sock.wait_for("ack", cid="c-1"))["seq"] == ack["seq"]
    visitor = await users.load_actor(helpline, await users.find_user_id("vera@example.com"))
    found = await messages.list_messages(helpline, visitor, started["ticket"])
    assert [m.body for m in found].count("Are you there?") == 1


class TestLimits:
    @pytest.fixture
    def helpline_settings_overrides(self):
        return {
            "plugin": {"chat": {"max_message_chars": 50, "rate_messages": 3, "rate_window": 60}}
        }

    async def test_too_long_and_too_many_messages_are_refused(
        self, helpline, factory, widget, online, start_chat, live_server, sockets
    ):
        await online(await factory.user("agent"))
        started = await start_chat()
        sock, _ = await visitor_socket(sockets, live_server, widget, started["token"])
        await sock.send(type="message", body="x" * 51, cid="long")
        assert (await sock.wait_for("error", cid="long"))["reason"] == "too_long"
        for n in range(3):
            await sock.send(type="message", body=f"message {n}", cid=f"m{n}")
            await sock.wait_for("ack", cid=f"m{n}")
        await sock.send(type="message", body="one too many", cid="m3")
        assert (await sock.wait_for("error", cid="m3"))["reason"] == "rate"
        visitor = await users.load_actor(helpline, await users.find_user_id("vera@example.com"))
        bodies = [
            m.body for m in await messages.list_messages(helpline, visitor, started["ticket"])
        ]
        assert "one too many" not in bodies and "x" * 51 not in bodies


async def test_a_page_on_another_origin_cannot_open_the_chat(
    helpline, factory, widget, online, start_chat, live_server, sockets, client
):
    await online(await factory.user("agent"))
    started = await start_chat()
    url = ws_url(live_server, f"/p/chat/w/{widget['key']}/ws")
    for origin in ("http://evil.example", None):
        with pytest.raises(InvalidStatus) as refused:
            await sockets(url, origin=origin)
        assert refused.value.response.status_code == 403
    response = await client.post(
        f"/p/chat/w/{widget['key']}/start",
        content='{"name": "Eve", "email": "eve@example.com", "body": "hi"}',
        headers={"Origin": "http://evil.example", "Content-Type": "text/plain"},
    )
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    ok = await client.get(f"/p/chat/w/{widget['key']}/status", headers={"Origin": ORIGIN})
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    assert started["token"]


async def test_a_forged_or_foreign_token_is_refused(
    helpline, factory, widget, online, start_chat, live_server, sockets
):
    await online(await factory.user("agent"))
    started = await start_chat()
    forged = started["token"][:-3] + ("abc" if not started["token"].endswith("abc") else "xyz")
    sock = await sockets(ws_url(live_server, f"/p/chat/w/{widget['key']}/ws"))
    await sock.send(type="hello", token=forged, seq=0)
    assert (await sock.next())["reason"] == "token"
    with pytest.raises(Exception):  # noqa: B017 - the server closed the socket (4401)
        await sock.next(wait=5)
    assert sock.ws.close_code == 4401
    ticket = await tickets.get_ticket(helpline, await factory.user("admin"), started["ticket"])
    assert ticket.channel == "chat"
