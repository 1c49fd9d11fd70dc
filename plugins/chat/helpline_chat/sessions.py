"""Chats as tickets: starting one, leaving a message, accepting, transferring, ending.

Every chat is a ticket on channel `chat` whose requester is the visitor (a customer found or
created by email); every chat message is a core message. Changes go through core services.
"""

from __future__ import annotations

from typing import Any

from helpline.errors import Conflict, Forbidden, Invalid, NotFound
from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import tickets, users
from helpline_chat import agents, bus
from helpline_chat.tables import ChatSession

VIA = "chat"


def settings(helpline: Helpline) -> Any:
    return helpline.plugin_settings["chat"]


def check_body(helpline: Helpline, body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid("body", "write a message")
    if len(body) > settings(helpline).max_message_chars:
        raise Invalid("body", f"must be at most {settings(helpline).max_message_chars} characters")
    return body


async def visitor_actor(helpline: Helpline, name: str, email: str) -> Actor:
    """The customer behind a visitor's email (created when new). Staff emails are refused."""
    name = (name or "").strip()[:100]
    if not name:
        raise Invalid("name", "tell us your name")
    user_id = await users.customer_for_email(helpline, email, name)
    actor = await users.load_actor(helpline, user_id)
    if actor.staff or not actor.active:
        raise Invalid("email", "use another email address")
    return actor


def _subject(prefix: str, body: str) -> str:
    first = " ".join(body.split())
    return f"{prefix}: {first[:80]}{'…' if len(first) > 80 else ''}"


async def _route_to_widget_team(helpline: Helpline, ticket: Ticket, widget: dict) -> Ticket:
    if widget.get("team") and ticket.team_id is None and ticket.assignee_id is None:
        return await tickets.update_as_system(
            helpline, ticket.number, via=f"chat: widget {widget['name']}", team_id=widget["team"]
        )
    return ticket


async def start(
    helpline: Helpline, widget: dict, *, name: str, email: str, body: str, page_url: str = ""
) -> tuple[dict[str, Any], Actor]:
    """A new waiting chat: its ticket (first message = `body`) and session row."""
    body = check_body(helpline, body)
    async with helpline.transaction():
        visitor = await visitor_actor(helpline, name, email)
        ticket = await tickets.create_ticket(
            helpline,
            visitor,
            subject=_subject("Chat", body),
            body=body,
            channel="chat",
            meta={"chat": "visitor"},
            via=VIA,
        )
        ticket = await _route_to_widget_team(helpline, ticket, widget)
        row = await ChatSession.insert(
            ChatSession(
                widget=widget["id"],
                ticket=ticket.id,
                visitor=visitor.id,
                state="waiting",
                team=ticket.team_id,
                page_url=(page_url or "")[:500],
                created_at=helpline.now(),
            )
        ).returning(ChatSession.id)
        session = await get(row[0]["id"])
        bus.publish_after_commit(helpline, {"kind": "queue"}, bus.CONSOLE)
    return session, visitor


async def leave_message(
    helpline: Helpline, widget: dict, *, name: str, email: str, body: str
) -> Ticket:
    """No agent available: the visitor's message opens an ordinary ticket (channel chat)."""
    body = check_body(helpline, body)
    async with helpline.transaction():
        visitor = await visitor_actor(helpline, name, email)
        ticket = await tickets.create_ticket(
            helpline,
            visitor,
            subject=_subject("Chat message", body),
            body=body,
            channel="chat",
            meta={"chat": "offline"},
            via=VIA,
        )
        return await _route_to_widget_team(helpline, ticket, widget)


async def get(session_id: int) -> dict[str, Any]:
    row = await (
        ChatSession.select(
            ChatSession.all_columns(),
            ChatSession.ticket.number.as_alias("number"),
            ChatSession.ticket.subject.as_alias("subject"),
            ChatSession.visitor.name.as_alias("visitor_name"),
            ChatSession.visitor.email.as_alias("visitor_email"),
            ChatSession.agent.name.as_alias("agent_name"),
        )
        .where(ChatSession.id == session_id)
        .first()
    )
    if row is None:
        raise NotFound("chat not found")
    return row


async def _sessions(where: Any) -> list[dict[str, Any]]:
    return await (
        ChatSession.select(
            ChatSession.all_columns(),
            ChatSession.ticket.number.as_alias("number"),
            ChatSession.ticket.subject.as_alias("subject"),
            ChatSession.visitor.name.as_alias("visitor_name"),
            ChatSession.visitor.email.as_alias("visitor_email"),
            ChatSession.agent.name.as_alias("agent_name"),
        )
        .where(where)
        .order_by(ChatSession.created_at)
    )


def _may_take(actor: Actor, session: dict[str, Any]) -> bool:
    if session["agent"] not in (None, actor.id):
        return False
    return (
        session["team"] is None
        or actor.can("tickets.view_all")
        or session["team"] in actor.team_ids
    )


async def waiting(helpline: Helpline, actor: Actor) -> list[dict[str, Any]]:
    """Chats waiting for an agent that this agent may take, oldest first, with wait time."""
    now = helpline.now()
    rows = await _sessions(ChatSession.state == "waiting")
    out = []
    for row in rows:
        if _may_take(actor, row):
            row["waited"] = max(0, int((now - row["created_at"]).total_seconds()))
            out.append(row)
    return out


async def mine(actor: Actor) -> list[dict[str, Any]]:
    return await _sessions((ChatSession.state == "active") & (ChatSession.agent == actor.id))


async def _ticket_for(helpline: Helpline, actor: Actor, session: dict) -> Ticket:
    if not (actor.staff and actor.can("tickets.reply")):
        raise Forbidden("you may not answer chats")
    return await tickets.get_ticket(helpline, actor, session["number"])  # NotFound if not visible


async def accept(helpline: Helpline, actor: Actor, session_id: int) -> dict[str, Any]:
    """Take a waiting chat (first come, first served across every process)."""
    async with helpline.transaction():
        session = await get(session_id)
        await _ticket_for(helpline, actor, session)
        if session["state"] != "waiting" or not _may_take(actor, session):
            raise Conflict("someone else has taken this chat")
        limit = agents.limit_of(helpline, await agents.agent_row(actor.id))
        if len(await mine(actor)) >= limit:
            raise Conflict(f"you already have {limit} chats open; end one first")
        taken = (
            await ChatSession.update(
                {
                    ChatSession.state: "active",
                    ChatSession.agent: actor.id,
                    ChatSession.accepted_at: helpline.now(),
                }
            )
            .where((ChatSession.id == session_id) & (ChatSession.state == "waiting"))
            .returning(ChatSession.id)
        )
        if not taken:
            raise Conflict("someone else has taken this chat")
        await tickets.update_as_system(
            helpline, session["number"], via=f"chat: accepted by {actor.name}", assignee_id=actor.id
        )
        session = await get(session_id)
        _announce(helpline, session)
    return session


async def transfer(
    helpline: Helpline,
    actor: Actor,
    session_id: int,
    *,
    agent: int | None = None,
    team: int | None = None,
) -> dict[str, Any]:
    """Hand an active chat to another agent (it waits for them) or to a team (anyone in it)."""
    async with helpline.transaction():
        session = await get(session_id)
        await _ticket_for(helpline, actor, session)
        if session["agent"] != actor.id and not actor.can("tickets.assign"):
            raise Forbidden("only the agent in this chat may transfer it")
        if session["state"] == "ended":
            raise Conflict("this chat has ended")
        if agent is None and team is None:
            raise Invalid("to", "choose an agent or a team")
        fields: dict[str, Any] = {}
        if agent is not None:
            target = await users.load_actor(helpline, agent)
            if not (target.staff and target.can("tickets.reply")) or target.id == actor.id:
                raise Invalid("to", "choose another agent")
            fields["assignee_id"] = target.id
        if team is not None:
            fields["team_id"] = team
            if agent is None:
                fields["assignee_id"] = None
        await ChatSession.update(
            {
                ChatSession.state: "waiting",
                ChatSession.agent: agent,
                ChatSession.team: team if team is not None else session["team"],
            }
        ).where(ChatSession.id == session_id)
        await tickets.update_as_system(
            helpline, session["number"], via=f"chat: transferred by {actor.name}", **fields
        )
        session = await get(session_id)
        _announce(helpline, session)
    return session


async def end(helpline: Helpline, session_id: int, *, by: Actor | None = None) -> dict[str, Any]:
    """The chat is over; its ticket stays open and continues by email."""
    async with helpline.transaction():
        session = await get(session_id)
        if by is not None and by.staff:
            await _ticket_for(helpline, by, session)
        if session["state"] == "ended":
            return session
        await ChatSession.update(
            {ChatSession.state: "ended", ChatSession.ended_at: helpline.now()}
        ).where(ChatSession.id == session_id)
        session = await get(session_id)
        _announce(helpline, session)
    return session


def _announce(helpline: Helpline, session: dict[str, Any]) -> None:
    data = {
        "kind": "state",
        "chat": session["id"],
        "state": session["state"],
        "agent": session["agent_name"] if session["state"] == "active" else None,
    }
    bus.publish_after_commit(helpline, data, bus.chat_channel(session["id"]))
    bus.publish_after_commit(helpline, {"kind": "queue"}, bus.CONSOLE)
