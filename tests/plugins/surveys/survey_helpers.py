"""Helpers of the surveys tests (a uniquely named module: test modules import it by name, and a
module named `conftest` would be whichever test folder's conftest was imported first)."""

from __future__ import annotations

import re

from helpline.services import tickets


def links_in(body: str) -> list[str]:
    """The survey links in a message, as paths the test client can open."""
    return [
        m.removeprefix("http://helpdesk.test")
        for m in re.findall(r"http://helpdesk\.test/p/surveys/a/\S+", body)
    ]


def link_for(body: str, rating: int) -> str:
    return next(link for link in links_in(body) if link.endswith(f"?r={rating}"))


async def solve(helpline, actor, ticket, status: str = "solved"):
    return await tickets.update_ticket(helpline, actor, ticket.number, version=None, status=status)


async def solved_and_surveyed(helpline, factory, agent, customer, clock, run_jobs, outbox, **kw):
    """A ticket of `customer` solved by `agent`, its survey delivered; (ticket, message)."""
    ticket = await factory.ticket(requester=customer, **kw)
    await tickets.update_ticket(helpline, agent, ticket.number, version=None, assignee_id=agent.id)
    await solve(helpline, agent, ticket)
    clock.advance(minutes=61)
    await run_jobs()
    return ticket, outbox.to(customer.email)[-1]
