"""The agent console's websocket: waiting chats, one's own chats live, and every action.

Frames from the console: `accept`, `end`, `transfer` (`agent` or `team`), `message` (`body`,
`cid`), `typing` (`on`), `limit` (`max`), `ping` — each with `chat` where it acts on one.
Frames to it: `queue` (waiting and own chats), `chat` (a chat joined: visitor, earlier tickets),
`message`, `typing`, `visitor` (here or gone), `ended`, `error`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from litestar import WebSocket, websocket

from helpline.errors import Conflict, Forbidden, Invalid, NotFound
from helpline.model import Actor
from helpline.services import messages, tickets
from helpline_chat import agents, bus, sessions, transcript, wsutil
from helpline_web.auth import current_viewer

HEARTBEAT = 20.0
#: Open consoles per (runtime, agent) in this process: the last one closing marks the agent away.
_OPEN: Counter = Counter()


def _same_origin(socket: WebSocket) -> bool:
    origin = socket.headers.get("origin")
    if not origin:
        return True  # not a browser: cookies are the credential, CSRF needs a browser
    return (urlsplit(origin).netloc or "").lower() == (socket.headers.get("host") or "").lower()


@websocket("/console/ws")
async def console_socket(socket: WebSocket) -> None:
    helpline = socket.app.state.helpline
    viewer = await current_viewer(socket)  # type: ignore[arg-type]
    if (
        viewer is None
        or not (viewer.staff and viewer.can("tickets.reply"))
        or not _same_origin(socket)
    ):
        await socket.close(code=wsutil.FORBIDDEN_ORIGIN, reason="not allowed")
        return
    await socket.accept()
    console = Console(helpline, socket, viewer)
    key = (id(helpline), viewer.id)
    _OPEN[key] += 1
    try:
        await console.run()
    finally:
        _OPEN[key] -= 1
        if _OPEN[key] <= 0:
            del _OPEN[key]
            with contextlib.suppress(Exception):
                await agents.agent_gone(helpline, viewer.id)


class Console:
    def __init__(self, helpline: Any, socket: WebSocket, viewer: Actor) -> None:
        self.helpline, self.socket, self.viewer = helpline, socket, viewer
        self.mux = wsutil.Mux(bus.channels_of(socket.app))
        self.chats: dict[int, dict[str, Any]] = {}  # chat id → {"number", "visitor", "seq"}
        self.lock = asyncio.Lock()
        self.max_bytes = helpline.plugin_settings["chat"].max_message_chars * 4 + 1000

    async def run(self) -> None:
        await agents.touch_agent(self.helpline, self.viewer.id)
        await self.mux.add("console", [bus.CONSOLE])
        ticker = asyncio.create_task(self._tick())
        try:
            await self.refresh()
            await wsutil.pump(self.on_client, self.mux.events(), self.on_event)
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            await self.mux.close()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT)
            self.mux.put({"kind": "tick"})

    async def send(self, data: dict[str, Any]) -> None:
        await wsutil.send(self.socket, data)

    async def refresh(self) -> None:
        """Send the waiting list and own chats; follow chats newly taken, drop those gone."""
        waiting = await sessions.waiting(self.helpline, self.viewer)
        mine = await sessions.mine(self.viewer)
        row = await agents.agent_row(self.viewer.id)
        current = {s["id"]: s for s in mine}
        for sid in [s for s in self.chats if s not in current]:
            await self.mux.remove(sid)
            del self.chats[sid]
            await self.send({"type": "ended", "chat": sid})
        fresh = [s for s in mine if s["id"] not in self.chats]
        for s in fresh:
            self.chats[s["id"]] = {"number": s["number"], "visitor": s["visitor"], "seq": 0}
            await self.mux.add(
                s["id"], [bus.ticket_channel(s["number"]), bus.chat_channel(s["id"])]
            )
        await self.send(
            {
                "type": "queue",
                "limit": agents.limit_of(self.helpline, row),
                "waiting": [_summary(s) for s in waiting],
                "mine": [_summary(s) for s in mine],
            }
        )
        for s in fresh:
            await self.send({"type": "chat", **_summary(s), "earlier": await self._earlier(s)})
            await self.catch_up(s["id"])

    async def _earlier(self, session: dict[str, Any]) -> list[dict[str, Any]]:
        found, _ = await tickets.list_tickets(
            self.helpline, self.viewer, requester_id=session["visitor"], per_page=10
        )
        return [
            {"number": t.number, "subject": t.subject, "status": t.status}
            for t in found
            if t.number != session["number"]
        ]

    async def catch_up(self, sid: int) -> None:
        chat = self.chats.get(sid)
        if chat is None:
            return
        async with self.lock:
            found = await transcript.after(self.helpline, self.viewer, chat["number"], chat["seq"])
            url = lambda attachment_id: f"/tickets/attachments/{attachment_id}"  # noqa: E731
            for item in await transcript.wire(found, chat["visitor"], url):
                await self.send({**item, "chat": sid})
                chat["seq"] = max(chat["seq"], item["seq"])

    async def on_event(self, data: dict[str, Any]) -> None:
        kind = data.get("kind")
        if kind in ("queue", "tick"):
            if kind == "tick":
                await agents.touch_agent(self.helpline, self.viewer.id)
            await self.refresh()
        elif kind == "message":
            for sid, chat in list(self.chats.items()):
                if chat["number"] == data.get("ticket"):
                    await self.catch_up(sid)
        elif kind == "typing" and data.get("from") == "visitor" and data.get("chat") in self.chats:
            await self.send({"type": "typing", "chat": data["chat"], "on": bool(data.get("on"))})
        elif kind == "visitor" and data.get("chat") in self.chats:
            await self.send(
                {"type": "visitor", "chat": data["chat"], "here": bool(data.get("here"))}
            )
        elif kind == "state":
            await self.refresh()

    async def on_client(self) -> bool:
        data = await wsutil.receive_json(self.socket, self.max_bytes)
        if data is None:
            return False
        kind, sid = data.get("type"), data.get("chat")
        try:
            await self._act(kind, sid, data)
        except (Invalid, Forbidden, Conflict, NotFound) as exc:
            await self.send(
                {
                    "type": "error",
                    "chat": sid,
                    "message": str(getattr(exc, "message", exc)),
                    "cid": data.get("cid"),
                }
            )
        return True

    async def _act(self, kind: Any, sid: Any, data: dict[str, Any]) -> None:
        h, viewer = self.helpline, self.viewer
        if kind == "_too_big":
            raise Invalid("body", "this message is too long")
        if kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "limit":
            await agents.touch_agent(h, viewer.id, max_chats=int(data.get("max") or 0))
            await self.refresh()
        elif not isinstance(sid, int):
            raise Invalid("chat", "which chat?")
        elif kind == "accept":
            await sessions.accept(h, viewer, sid)
        elif kind == "end":
            await sessions.end(h, sid, by=viewer)
        elif kind == "transfer":
            agent, team = data.get("agent"), data.get("team")
            await sessions.transfer(
                h,
                viewer,
                sid,
                agent=int(agent) if str(agent or "").isdigit() else None,
                team=int(team) if str(team or "").isdigit() else None,
            )
        elif kind == "typing" and sid in self.chats:
            bus.publish(
                h,
                {"kind": "typing", "chat": sid, "from": "agent", "on": bool(data.get("on"))},
                bus.chat_channel(sid),
            )
        elif kind == "message":
            await self._message(sid, data)

    async def _message(self, sid: int, data: dict[str, Any]) -> None:
        chat = self.chats.get(sid)
        if chat is None:
            raise Forbidden("this chat is not yours")
        cid = str(data.get("cid") or "")[:64] or None
        done = await wsutil.already_sent(chat["number"], cid)
        if done is None:
            body = sessions.check_body(self.helpline, str(data.get("body") or ""))
            _, message = await messages.add_message(
                self.helpline,
                self.viewer,
                chat["number"],
                body=body,
                channel="chat",
                meta={"chat": "agent", "chat_cid": cid},
            )
            done = message.id
        await self.send({"type": "ack", "chat": sid, "cid": cid, "seq": done})
        await self.catch_up(sid)


def _summary(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "chat": s["id"],
        "ticket": s["number"],
        "subject": s["subject"],
        "name": s["visitor_name"],
        "email": s["visitor_email"],
        "page": s["page_url"],
        "waited": s.get("waited", 0),
        "agent": s["agent_name"],
    }
