"""The widget's HTTP side and the admin pages: script, leave a message, uploads, permissions."""

from __future__ import annotations

import json

from chat_helpers import ORIGIN, ws_url

from helpline.services import messages, tickets, users
from helpline_chat import sessions


async def test_the_widget_script_carries_the_widgets_look_with_nothing_able_to_break_out(
    client, widget
):
    response = await client.get(f"/p/chat/widget.js?w={widget['key']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert '"color": "#123456"' in response.text and '"position": "left"' in response.text
    assert "</script>" not in response.text and "\\u003c/script>" in response.text
    assert "innerHTML" not in response.text
    assert (await client.get("/p/chat/widget.js?w=nope")).status_code == 404


async def test_with_no_agent_online_the_visitors_message_opens_a_ticket(
    helpline, client, widget, factory, start_chat
):
    status = await client.get(f"/p/chat/w/{widget['key']}/status", headers={"Origin": ORIGIN})
    assert status.json() == {"online": False}
    assert (await start_chat())["offline"] is True
    response = await client.post(
        f"/p/chat/w/{widget['key']}/leave",
        content=json.dumps({"name": "Olga", "email": "olga@example.com", "body": "Call me back"}),
        headers={"Origin": ORIGIN, "Content-Type": "text/plain"},
    )
    assert response.status_code == 200, response.text
    admin = await factory.user("admin")
    ticket = await tickets.get_ticket(helpline, admin, response.json()["ticket"])
    assert ticket.channel == "chat"
    olga = await users.load_actor(helpline, ticket.requester_id)
    assert (olga.email, olga.name, olga.staff) == ("olga@example.com", "Olga", False)
    (first,) = await messages.list_messages(helpline, admin, ticket.number)
    assert first.body == "Call me back"


async def test_a_visitor_cannot_chat_as_a_member_of_staff(client, widget, factory, online):
    agent = await factory.user("agent")
    await online(agent)
    response = await client.post(
        f"/p/chat/w/{widget['key']}/start",
        content=json.dumps({"name": "Mallory", "email": agent.email, "body": "hi"}),
        headers={"Origin": ORIGIN, "Content-Type": "text/plain"},
    )
    assert response.status_code == 400 and response.json()["field"] == "email"
    assert response.headers["access-control-allow-origin"] == ORIGIN


async def test_the_visitors_chat_continues_as_an_ordinary_ticket(
    helpline, factory, widget, online, start_chat, signin, live_server, sockets
):
    agent = await factory.user("agent")
    await online(agent)
    started = await start_chat(body="Is the blue one in stock?")
    await sessions.accept(helpline, agent, started["chat"])
    guest = await sockets(ws_url(live_server, f"/p/chat/w/{widget['key']}/ws"))
    await guest.send(type="hello", token=started["token"], seq=0)
    await guest.wait_for("message")
    # A reply from the normal ticket page reaches the visitor still connected.
    web = await signin(agent)
    page = await web.get(f"/tickets/{started['ticket']}")
    assert page.status_code == 200 and "Is the blue one in stock?" in page.text
    reply = await web.post(f"/tickets/{started['ticket']}/messages", data={"body": "Yes, size M."})
    assert reply.status_code in (200, 303), reply.text
    assert (await guest.wait_for("message"))["body"] == "Yes, size M."


async def test_a_visitor_uploads_a_file_and_only_their_token_fetches_it(
    helpline, client, widget, factory, online, start_chat
):
    await online(await factory.user("agent"))
    started = await start_chat()
    response = await client.post(
        f"/p/chat/w/{widget['key']}/upload",
        data={"token": started["token"], "cid": "f1"},
        files={"file": ("receipt.txt", b"paid 12 EUR", "text/plain")},
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == ORIGIN
    admin = await factory.user("admin")
    found = await messages.list_messages(helpline, admin, started["ticket"])
    (attachment,) = found[-1].attachments
    assert attachment.filename == "receipt.txt"
    url = f"/p/chat/w/{widget['key']}/files/{attachment.id}"
    got = await client.get(url, params={"t": started["token"]})
    assert got.status_code == 200 and got.content == b"paid 12 EUR"
    other = await start_chat(email="someone@example.com")
    assert (await client.get(url, params={"t": other["token"]})).status_code == 404
    assert (await client.get(url, params={"t": "forged.token"})).status_code == 400
    refused = await client.post(
        f"/p/chat/w/{widget['key']}/upload",
        data={"token": "forged.token"},
        files={"file": ("x.txt", b"x", "text/plain")},
        headers={"Origin": ORIGIN},
    )
    assert refused.status_code == 400


async def test_admins_create_widgets_and_see_the_snippet_to_copy(signin, factory, helpline):
    admin = await factory.user("admin")
    web = await signin(admin)
    listing = await web.get("/p/chat/widgets")
    assert listing.status_code == 200 and "New widget" in listing.text
    bad = await web.post(
        "/p/chat/widgets",
        data={
            "name": "Shop",
            "origins": "not an origin",
            "color": "#112233",
            "text_color": "#ffffff",
            "position": "right",
            "greeting": "Hi",
        },
    )
    assert bad.status_code == 400 and "is not an origin" in bad.text and "Shop" in bad.text
    made = await web.post(
        "/p/chat/widgets",
        data={
            "name": "Shop <b>",
            "origins": "https://Shop.Example:443/",
            "color": "#112233",
            "text_color": "#ffffff",
            "position": "right",
            "greeting": "Hi",
            "active": "on",
        },
    )
    assert made.status_code == 303
    page = await web.get(made.headers["location"])
    assert "https://shop.example" in page.text
    assert "/p/chat/widget.js?w=" in page.text and "Shop &lt;b&gt;" in page.text
    settings = await web.get("/admin")
    assert "/p/chat/widgets" in settings.text


async def test_only_chat_managers_reach_the_widget_admin(signin, factory, client):
    for role in ("agent", "manager", "customer"):
        web = await signin(await factory.user(role))
        assert (await web.get("/p/chat/widgets")).status_code == 403, role
        assert (await web.post("/p/chat/widgets", data={"name": "x"})).status_code == 403, role
    assert (await client.get("/p/chat/widgets")).status_code in (302, 303)


async def test_agents_write_canned_replies_that_appear_in_the_console(signin, factory):
    admin = await factory.user("admin")
    web = await signin(admin)
    added = await web.post("/p/chat/canned", data={"title": "Hello", "body": "Thanks for waiting!"})
    assert added.status_code == 303
    agent_web = await signin(await factory.user("agent"))
    console = await agent_web.get("/p/chat/")
    assert "Thanks for waiting!" in console.text and "Hello" in console.text
