"""The plugin's tables (Piccolo app `greeter`); names start with `greeter_`."""

from __future__ import annotations

from helpline.tables import Ticket
from piccolo.columns import ForeignKey, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class GreeterNote(Table, tablename="greeter_note"):
    """A note the plugin wrote about a ticket."""

    ticket = ForeignKey(Ticket, on_delete=OnDelete.cascade, index=True)
    text = Text()
    created_at = Timestamptz(default=TimestamptzNow())


TABLES = [GreeterNote]
