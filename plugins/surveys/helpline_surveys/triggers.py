"""When surveys go out: timers queued on solve/create, cancelled on reopen, spam or merge."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from helpline import hookimpl, jobs
from helpline.errors import NotFound
from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline.services import tickets
from helpline.services.users import load_actor
from helpline.tables import Organization, Status
from helpline.tables import Ticket as TicketRow
from helpline_surveys import config, custom, sending
from helpline_surveys.config import SurveySettings
from helpline_surveys.tables import SurveysSent

log = logging.getLogger("helpline.surveys")
CSAT_JOB = "surveys.csat"
CUSTOM_JOB = "surveys.custom"
DONE = ("solved", "closed")


def csat_key(ticket_id: int) -> str:
    return f"surveys:csat:{ticket_id}"


def custom_key(slug: str, ticket_id: int) -> str:
    return f"surveys:custom:{slug}:{ticket_id}"


def is_spam(ticket: Ticket, settings: SurveySettings) -> bool:
    spam_tags = {t.lower() for t in settings.spam_tags}
    return bool(spam_tags & set(ticket.tags)) or ticket.status in settings.spam_statuses


async def _category(status: str | None) -> str:
    row = await Status.select(Status.category).where(Status.name == (status or "")).first()
    return row["category"] if row else ""


async def cancel_all(helpline: Helpline, ticket_id: int) -> None:
    await jobs.cancel(helpline, csat_key(ticket_id))
    for survey in await custom.active("solved"):
        await jobs.cancel(helpline, custom_key(survey["slug"], ticket_id))


@hookimpl
async def ticket_updated(
    helpline: Helpline, ticket: Ticket, changes: dict[str, tuple[Any, Any]]
) -> None:
    if "status" not in changes and "tags" not in changes:
        return
    settings = await config.current(helpline)
    solved_now = False
    if "status" in changes:
        before = await _category(changes["status"][0])
        if ticket.status_category not in DONE:  # reopened before the survey went out
            await cancel_all(helpline, ticket.id)
            return
        solved_now = ticket.status_category == "solved" and before not in DONE
    if is_spam(ticket, settings) or ticket.merged_into_id is not None:
        await cancel_all(helpline, ticket.id)
        return
    if not solved_now:
        return
    now = helpline.now()
    if settings.csat_enabled:
        await jobs.enqueue(
            helpline,
            CSAT_JOB,
            # Scores count for whoever solved it, even if the ticket moves before the survey.
            {"ticket": ticket.id, "agent": ticket.assignee_id, "team": ticket.team_id},
            run_at=now + timedelta(minutes=settings.csat_delay_minutes),
            key=csat_key(ticket.id),
        )
    for survey in await custom.active("solved"):
        await _queue_custom(helpline, survey, ticket)


@hookimpl
async def ticket_created(helpline: Helpline, ticket: Ticket) -> None:
    for survey in await custom.active("created"):
        await _queue_custom(helpline, survey, ticket)


@hookimpl
async def ticket_merged(helpline: Helpline, source: Ticket) -> None:
    await cancel_all(helpline, source.id)


async def _queue_custom(helpline: Helpline, survey: dict[str, Any], ticket: Ticket) -> None:
    await jobs.enqueue(
        helpline,
        CUSTOM_JOB,
        {"survey": survey["slug"], "ticket": ticket.id},
        run_at=helpline.now() + timedelta(minutes=survey["delay_minutes"]),
        key=custom_key(survey["slug"], ticket.id),
    )


# -- jobs ----------------------------------------------------------------------------------------


async def load_ticket(helpline: Helpline, ticket_id: int) -> Ticket | None:
    row = await TicketRow.select(TicketRow.number).where(TicketRow.id == ticket_id).first()
    if row is None:
        return None
    try:
        return await tickets.get_ticket(helpline, tickets.SYSTEM, row["number"])
    except NotFound:
        return None


async def csat_blocker(helpline: Helpline, settings: SurveySettings, ticket: Ticket) -> str | None:
    """Why this ticket gets no CSAT survey now, or None when it should get one."""
    if not settings.csat_enabled:
        return "CSAT surveys are switched off"
    if ticket.status_category not in DONE:
        return "the ticket is not solved"
    if ticket.merged_into_id is not None:
        return "the ticket was merged"
    if is_spam(ticket, settings):
        return "the ticket is spam"
    customer = await load_actor(helpline, ticket.requester_id)
    if customer.staff or not customer.active:
        return "the requester is not an active customer"
    now = helpline.now()
    recent = await SurveysSent.count().where(
        (SurveysSent.kind == "csat")
        & (SurveysSent.customer == ticket.requester_id)
        & (
            (SurveysSent.created_at > now - timedelta(days=settings.cooldown_days))
            | ((SurveysSent.ticket == ticket.id) & (SurveysSent.closes_at > now))
        )
    )
    if recent:
        return "the customer was surveyed recently"
    return None


async def on_csat(helpline: Helpline, payload: dict[str, Any]) -> None:
    settings = await config.current(helpline)
    ticket = await load_ticket(helpline, payload.get("ticket", 0))
    if ticket is None:
        return
    reason = await csat_blocker(helpline, settings, ticket)
    if reason:
        log.info("no CSAT survey for ticket #%s: %s", ticket.number, reason)
        return
    await sending.create_and_deliver(
        helpline,
        settings,
        "csat",
        ticket.requester_id,
        ticket=ticket,
        agent_id=payload.get("agent", ticket.assignee_id),
        team_id=payload.get("team", ticket.team_id),
    )


async def on_custom(helpline: Helpline, payload: dict[str, Any]) -> None:
    survey = await custom.by_slug(payload.get("survey", ""))
    ticket = await load_ticket(helpline, payload.get("ticket", 0))
    if survey is None or not survey["active"] or ticket is None:
        return
    settings = await config.current(helpline)
    if survey["trigger"] == "solved" and ticket.status_category not in DONE:
        return
    if ticket.merged_into_id is not None or is_spam(ticket, settings):
        return
    customer = await load_actor(helpline, ticket.requester_id)
    if customer.staff or not customer.active:
        return
    organization = None
    if ticket.organization_id is not None:
        row = (
            await Organization.select(Organization.name)
            .where(Organization.id == ticket.organization_id)
            .first()
        )
        organization = row["name"] if row else None
    if not custom.matches_ticket(survey, ticket, organization):
        return
    already = await SurveysSent.count().where(
        (SurveysSent.kind == survey["slug"]) & (SurveysSent.ticket == ticket.id)
    )
    if already:
        return
    await sending.create_and_deliver(
        helpline, settings, survey["slug"], customer.id, ticket=ticket, title=survey["name"]
    )
