"""`[plugin.chat]` settings."""

from __future__ import annotations

import msgspec


class ChatSettings(msgspec.Struct, forbid_unknown_fields=True):
    #: Chats an agent may hold at once (each agent may lower or raise their own in the console).
    max_chats: int = 3
    #: Longest chat message, in characters.
    max_message_chars: int = 2000
    #: At most this many messages (and uploads) per visitor within `rate_window` seconds.
    rate_messages: int = 20
    rate_window: float = 10.0
    #: An agent counts as available while their console checked in this recently.
    agent_timeout: float = 60.0
    #: How long a visitor's token stays valid.
    token_days: int = 30
    #: Largest upload from the widget, in bytes.
    max_upload_bytes: int = 5_000_000
