"""The plugin's tables (app `chat`): widgets, chat sessions, agents' presence, canned replies."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from helpline.tables import Team, Ticket, User


class ChatWidget(Table, tablename="chat_widget"):
    """One embeddable widget: where it may be embedded and how it looks."""

    name = Varchar(100)
    key = Varchar(40, unique=True, index=True)
    #: Allowed origins of host pages, one per line (`https://shop.example`); `*` allows any.
    origins = Text(default="")
    color = Varchar(20, default="#1d4ed8")
    text_color = Varchar(20, default="#ffffff")
    greeting = Text(default="Hi! How can we help?")
    position = Varchar(10, default="right")
    team = ForeignKey(Team, null=True, default=None, on_delete=OnDelete.set_null)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class ChatSession(Table, tablename="chat_session"):
    """One chat: a ticket (channel `chat`) plus who is talking and where it stands."""

    widget = ForeignKey(ChatWidget, on_delete=OnDelete.cascade, index=True)
    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade, index=True)
    visitor = ForeignKey(User, on_delete=OnDelete.cascade)
    #: waiting (no agent yet), active (an agent accepted), ended
    state = Varchar(16, default="waiting", index=True)
    agent = ForeignKey(User, null=True, default=None, on_delete=OnDelete.set_null)
    team = ForeignKey(Team, null=True, default=None, on_delete=OnDelete.set_null)
    page_url = Varchar(500, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    accepted_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)


class ChatAgent(Table, tablename="chat_agent"):
    """An agent's console presence: online while `seen_at` is recent."""

    user = ForeignKey(User, on_delete=OnDelete.cascade, unique=True)
    seen_at = Timestamptz(default=TimestamptzNow())
    #: How many chats at once; 0 means the `max_chats` setting.
    max_chats = Integer(default=0)


class ChatCanned(Table, tablename="chat_canned"):
    """A canned reply agents insert with one click."""

    title = Varchar(100)
    body = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


CHAT_TABLES = [ChatWidget, ChatSession, ChatAgent, ChatCanned]
