"""Sort orders and filters that plugins add to ticket lists (queue, saved views, REST API).

A plugin returns `TicketSort` and `TicketFilter` specs from `register_ticket_list_options`. Each
names a fixed SQL fragment written by the plugin, about the ticket row `"ticket"` (usually a
subquery on the plugin's own table); values go in as bound parameters from `params`. Users only
choose a spec by its name, so nothing they type reaches the SQL, and `list_tickets` always ANDs
the result with `visible_tickets(actor)`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.querystring import QueryString

from helpline.model import Actor
from helpline.runtime import Helpline

log = logging.getLogger("helpline.tickets")
_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class TicketSort:
    """An order for ticket lists: `sql` is a value per ticket; NULL sorts last either way.

    `name` (used as `sort=<name>` or `sort=-<name>`) starts with the plugin's name and `_`.
    `params(helpline)` returns the values of the `{}` placeholders in `sql`.
    """

    name: str
    label: str
    sql: str
    params: Callable[[Helpline], Sequence[Any]] | None = None
    #: The direction a first click sorts in ("-" for descending).
    direction: str = ""
    #: Only staff may use it (it reveals internal state such as SLA timers).
    staff_only: bool = True


@dataclass(frozen=True)
class TicketFilter:
    """A condition for ticket lists: `sql` is a boolean expression about the ticket row.

    `name` (used as `filter=<name>`) starts with the plugin's name and `_`.
    """

    name: str
    label: str
    sql: str
    params: Callable[[Helpline], Sequence[Any]] | None = None
    staff_only: bool = True


@dataclass(frozen=True)
class ListOptions:
    """The plugin sorts and filters an actor may use right now, by name."""

    sorts: dict[str, TicketSort]
    filters: dict[str, TicketFilter]


async def list_options(helpline: Helpline, actor: Actor) -> ListOptions:
    """What the enabled plugins offer this actor; a malformed spec is logged and skipped."""
    sorts: dict[str, TicketSort] = {}
    filters: dict[str, TicketFilter] = {}
    for plugin, specs in helpline.each("register_ticket_list_options"):
        if not helpline.is_enabled(plugin):
            continue
        for spec in specs or ():
            if not _NAME.fullmatch(spec.name) or not spec.name.startswith(f"{plugin}_"):
                log.warning(
                    "plugin %s: list option %r must start with %s_", plugin, spec.name, plugin
                )
                continue
            if spec.staff_only and not actor.staff:
                continue
            if isinstance(spec, TicketSort):
                sorts.setdefault(spec.name, spec)
            elif isinstance(spec, TicketFilter):
                filters.setdefault(spec.name, spec)
    return ListOptions(sorts, filters)


def _params(helpline: Helpline, spec: TicketSort | TicketFilter) -> Sequence[Any]:
    return tuple(spec.params(helpline)) if spec.params else ()


def sort_terms(
    helpline: Helpline, spec: TicketSort, ascending: bool
) -> list[tuple[QueryString, bool]]:
    """ORDER BY terms: tickets without a value last, then the value in the chosen direction."""
    value = QueryString(f"({spec.sql})", *_params(helpline, spec))
    return [(QueryString("({}) IS NULL", value), True), (value, ascending)]


def filter_clause(helpline: Helpline, spec: TicketFilter) -> WhereRaw:
    return WhereRaw(f"({spec.sql})", *_params(helpline, spec))
