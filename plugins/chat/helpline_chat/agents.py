"""Agents' availability: whose console is open, and how many chats each may hold."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from helpline.runtime import Helpline
from helpline.services import users
from helpline_chat.tables import ChatAgent, ChatSession


def settings(helpline: Helpline) -> Any:
    return helpline.plugin_settings["chat"]


def limit_of(helpline: Helpline, agent_row: dict | None) -> int:
    own = (agent_row or {}).get("max_chats") or 0
    return own or settings(helpline).max_chats


async def agent_row(user_id: int) -> dict[str, Any] | None:
    return await ChatAgent.select().where(ChatAgent.user == user_id).first()


async def touch_agent(helpline: Helpline, user_id: int, *, max_chats: int | None = None) -> None:
    """The console of `user_id` is open (called on connect and every heartbeat)."""
    values: dict[Any, Any] = {ChatAgent.seen_at: helpline.now()}
    if max_chats is not None:
        values[ChatAgent.max_chats] = max(0, min(int(max_chats), 50))
    async with helpline.transaction():
        if await agent_row(user_id) is None:
            await ChatAgent.insert(
                ChatAgent(
                    user=user_id,
                    seen_at=helpline.now(),
                    max_chats=values.get(ChatAgent.max_chats, 0),
                )
            )
        else:
            await ChatAgent.update(values).where(ChatAgent.user == user_id)


async def agent_gone(helpline: Helpline, user_id: int) -> None:
    await ChatAgent.update({ChatAgent.seen_at: helpline.now() - timedelta(days=1)}).where(
        ChatAgent.user == user_id
    )


async def available(helpline: Helpline, widget: dict) -> bool:
    """Whether some agent with a console open (and room for one more chat) could answer."""
    since = helpline.now() - timedelta(seconds=settings(helpline).agent_timeout)
    rows = await ChatAgent.select(ChatAgent.user, ChatAgent.max_chats).where(
        (ChatAgent.seen_at >= since) & (ChatAgent.user.active == True)  # noqa: E712
    )
    for row in rows:
        if widget.get("team"):
            agent = await users.load_actor(helpline, row["user"])
            if widget["team"] not in agent.team_ids and not agent.can("tickets.view_all"):
                continue
        busy = await ChatSession.count().where(
            (ChatSession.state == "active") & (ChatSession.agent == row["user"])
        )
        if busy < limit_of(helpline, row):
            return True
    return False
