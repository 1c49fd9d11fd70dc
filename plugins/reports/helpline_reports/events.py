"""Core event hooks: keep the facts and daily rollups in step, inside the change's transaction."""

from __future__ import annotations

from typing import Any

from helpline import hookimpl
from helpline.model import Actor, Message, Ticket
from helpline.runtime import Helpline
from helpline_reports import facts

REBUILD = "reports.rebuild"


@hookimpl
async def ticket_created(helpline: Helpline, ticket: Ticket, actor: Actor | None) -> None:
    await facts.refresh(helpline, [ticket.id])


@hookimpl
async def ticket_updated(
    helpline: Helpline, ticket: Ticket, actor: Actor | None, changes: dict[str, Any]
) -> None:
    await facts.refresh(helpline, [ticket.id])


@hookimpl
async def message_added(
    helpline: Helpline, ticket: Ticket, message: Message, actor: Actor | None
) -> None:
    await facts.refresh(helpline, [ticket.id])


@hookimpl
async def ticket_merged(
    helpline: Helpline, source: Ticket, target: Ticket, actor: Actor | None
) -> None:
    await facts.refresh(helpline, [source.id, target.id])


@hookimpl
async def demo_data(helpline: Helpline, seed: int, first_number: int, last_number: int) -> None:
    from helpline_reports import rollups

    await rollups.rebuild(helpline, first=first_number, last=last_number)


async def on_rebuild(helpline: Helpline, payload: dict[str, Any]) -> None:
    """Job handler: rebuild every fact and rollup."""
    from helpline_reports import rollups

    await rollups.rebuild(helpline)
