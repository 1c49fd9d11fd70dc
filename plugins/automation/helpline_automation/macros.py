"""Applying a macro: its actions, then its reply with placeholders filled in."""

from __future__ import annotations

from typing import Any

from helpline.errors import HelplineError, Invalid, NotFound
from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import history, messages, tickets
from helpline_automation import caps, engine, registry, store
from helpline_automation.render import render
from helpline_automation.specs import RunContext


async def run_macro(
    helpline: Helpline, ticket: Ticket, macro: dict[str, Any], context: RunContext
) -> list[str]:
    done = await engine.run_actions(
        helpline, await registry.actions(helpline), macro["actions"], ticket.number, context
    )
    if macro["reply"].strip():
        fresh = await tickets.get_ticket(helpline, tickets.SYSTEM, ticket.number)
        body = await render(macro["reply"], fresh, context.actor)
        done.append(await _post(helpline, fresh, body, bool(macro["internal"]), context))
    return done


async def _post(
    helpline: Helpline, ticket: Ticket, body: str, internal: bool, context: RunContext
) -> str:
    if context.actor is not None:
        await messages.add_message(
            helpline, context.actor, ticket.number, body=body, internal=internal, via=context.via
        )
        return "added an internal note" if internal else "replied"
    if internal:
        from helpline_automation.actions import add_note

        await add_note(helpline, ticket, body, context)
        return "added an internal note"
    # A public reply by a rule: no author, attributed through `via`, within the daily caps.
    refused = await caps.refused(helpline, ticket.id, ticket.requester_id)
    if refused:
        return f"reply not sent: {refused}"
    message = await messages.insert_message(
        helpline, ticket.id, author_id=None, kind="public", body=body, channel="automation"
    )
    await history.record(
        helpline, ticket.id, None, "message", field="public", new=str(message.id), via=context.via
    )
    await caps.record(helpline, ticket.id, ticket.requester_id, context.rule_id)
    await helpline.hook(
        "message_added", helpline=helpline, ticket=ticket, message=message, actor=None
    )
    return "replied"


async def apply_named(helpline: Helpline, ticket: Ticket, name: str, context: RunContext) -> str:
    """The `apply_macro` action of rules."""
    try:
        macro = await store.get_macro(helpline, name)
    except NotFound:
        raise Invalid("macro", f"no macro named {name!r}") from None
    done = await run_macro(helpline, ticket, macro, context)
    return f"applied macro {name}: " + "; ".join(done)


async def apply(
    helpline: Helpline, actor: Actor, macro_id: int, numbers: list[int]
) -> dict[int, str]:
    """An agent applies a macro to tickets; each ticket in its own transaction.

    Returns ticket number → what was done, or the error that stopped it on that ticket.
    """
    store.require(actor, store.APPLY)
    macro = await store.get_macro(helpline, macro_id)
    results: dict[int, str] = {}
    for number in numbers:
        context = RunContext(
            rule=macro["name"], via=f"macro: {macro['name']}", event="macro", actor=actor
        )
        try:
            async with helpline.transaction():
                ticket = await tickets.get_ticket(helpline, actor, number)
                results[number] = "; ".join(await run_macro(helpline, ticket, macro, context))
        except HelplineError as exc:
            results[number] = f"error: {exc}"
    return results
