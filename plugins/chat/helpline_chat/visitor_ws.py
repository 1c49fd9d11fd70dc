"""The visitor's websocket: live messages, typing, state; replays what was missed on reconnect.

Protocol (JSON text frames). The client opens `/p/chat/w/<key>/ws` and sends
`{"type": "hello", "token": …, "seq": <last seq seen>}`; the server answers `welcome`, then every
public message after `seq`, then live `message`, `typing`, `state` frames. The client sends
`message` (`body`, `cid` — its own id, so a resend after a reconnect is stored once; the server
answers `ack` with the message's seq), `typing` (`on`) and `ping`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from litestar import WebSocket, websocket
from litestar.params import FromPath

from helpline.errors import Conflict, Forbidden, Invalid, NotFound
from helpline.services import messages, users
from helpline_chat import bus, limits, sessions, transcript, widgets, wsutil


def _file_url(key: str, token: str) -> Any:
    return lambda attachment_id: f"/p/chat/w/{key}/files/{attachment_id}?t={token}"


@websocket("/w/{key:str}/ws", opt={"exclude_from_csrf": True})
async def visitor_socket(socket: WebSocket, key: FromPath[str]) -> None:
    helpline = socket.app.state.helpline
    widget = await widgets.by_key(key)
    if (
        widget is None
        or not widget["active"]
        or not widgets.origin_allowed(widget, socket.headers.get("origin"))
    ):
        await socket.close(code=wsutil.FORBIDDEN_ORIGIN, reason="origin not allowed")
        return
    await socket.accept()
    settings = helpline.plugin_settings["chat"]
    max_bytes = settings.max_message_chars * 4 + 1000
    hello = await wsutil.receive_json(socket, max_bytes)
    if hello is None:
        return
    token = str(hello.get("token") or "")
    try:
        payload = limits.read_token(helpline, token, widget)
        session = await sessions.get(payload["s"])
        if session["visitor"] != payload["v"]:
            raise Invalid("token", "not valid")
    except (Invalid, NotFound):
        await wsutil.send(socket, {"type": "error", "reason": "token"})
        await socket.close(code=wsutil.BAD_TOKEN)
        return
    visitor = await users.load_actor(helpline, session["visitor"])
    number, sid = session["number"], session["id"]
    file_url = _file_url(key, token)
    seen = {"seq": int(hello.get("seq") or 0) if str(hello.get("seq") or "0").isdigit() else 0}
    limiter = limits.limiter(helpline)
    channels = bus.channels_of(socket.app)

    lock = asyncio.Lock()

    async def catch_up() -> None:
        async with lock:  # the client's reader and the event reader both call this
            found = await transcript.after(helpline, visitor, number, seen["seq"])
            for item in await transcript.wire(found, visitor.id, file_url):
                await wsutil.send(socket, item)
                seen["seq"] = max(seen["seq"], item["seq"])

    async def on_client() -> bool:
        data = await wsutil.receive_json(socket, max_bytes)
        if data is None:
            return False
        kind = data.get("type")
        if kind == "_too_big":
            await wsutil.send(socket, {"type": "error", "reason": "too_long"})
        elif kind == "message":
            await _visitor_message(data)
        elif kind == "typing":
            data = {"kind": "typing", "chat": sid, "from": "visitor", "on": bool(data.get("on"))}
            channels.publish(data, bus.chat_channel(sid))
        elif kind == "ping":
            await wsutil.send(socket, {"type": "pong"})
        return True

    async def _visitor_message(data: dict[str, Any]) -> None:
        cid = str(data.get("cid") or "")[:64] or None
        done = await wsutil.already_sent(number, cid)
        if done is not None:
            await wsutil.send(socket, {"type": "ack", "cid": cid, "seq": done})
            return
        try:
            body = sessions.check_body(helpline, str(data.get("body") or ""))
            if not limiter.allow(sid):
                await wsutil.send(socket, {"type": "error", "reason": "rate", "cid": cid})
                return
            _, message = await messages.add_message(
                helpline,
                visitor,
                number,
                body=body,
                channel="chat",
                meta={"chat": "visitor", "chat_cid": cid},
            )
        except (Invalid, Forbidden, Conflict, NotFound) as exc:
            reason = "too_long" if "at most" in str(getattr(exc, "message", "")) else "refused"
            await wsutil.send(
                socket,
                {
                    "type": "error",
                    "reason": reason,
                    "cid": cid,
                    "message": str(getattr(exc, "message", exc)),
                },
            )
            return
        await wsutil.send(socket, {"type": "ack", "cid": cid, "seq": message.id})
        await catch_up()

    async def on_event(data: dict[str, Any]) -> None:
        kind = data.get("kind")
        if kind == "message":
            await catch_up()
        elif kind == "typing" and data.get("from") == "agent":
            await wsutil.send(socket, {"type": "typing", "on": bool(data.get("on"))})
        elif kind == "state":
            await wsutil.send(
                socket, {"type": "state", "state": data.get("state"), "agent": data.get("agent")}
            )

    subscriber = await channels.subscribe([bus.ticket_channel(number), bus.chat_channel(sid)])
    try:
        state = await sessions.get(sid)
        await wsutil.send(
            socket,
            {
                "type": "welcome",
                "chat": sid,
                "ticket": number,
                "state": state["state"],
                "agent": state["agent_name"] if state["state"] == "active" else None,
                "visitor": visitor.name,
            },
        )
        await catch_up()
        channels.publish({"kind": "visitor", "chat": sid, "here": True}, bus.chat_channel(sid))
        await wsutil.pump(on_client, subscriber.iter_events(), on_event)
    finally:
        await channels.unsubscribe(subscriber)
        with contextlib.suppress(RuntimeError):  # the channels backend is already shut down
            channels.publish({"kind": "visitor", "chat": sid, "here": False}, bus.chat_channel(sid))
