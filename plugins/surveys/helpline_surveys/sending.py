"""Making a survey for one customer and handing it to whatever channel reaches them."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline.services.users import load_actor
from helpline_surveys import links
from helpline_surveys.config import SurveySettings
from helpline_surveys.tables import SurveysSent

log = logging.getLogger("helpline.surveys")
NPS_QUESTION = "How likely are you to recommend us to a friend or colleague?"
NPS_FOLLOW_UP = "What is the main reason for your score?"


async def create_and_deliver(
    helpline: Helpline,
    settings: SurveySettings,
    kind: str,
    customer_id: int,
    *,
    ticket: Ticket | None = None,
    round: str = "",
    title: str = "",
    agent_id: int | None = None,
    team_id: int | None = None,
) -> dict[str, Any]:
    """Store a sent survey and deliver it, in one transaction; returns the sent row.

    `agent_id`/`team_id` default to the ticket's current assignee and team.
    """
    now = helpline.now()
    async with helpline.transaction():
        row = SurveysSent(
            kind=kind,
            ticket=ticket.id if ticket else None,
            customer=customer_id,
            agent_id=agent_id if agent_id is not None else (ticket.assignee_id if ticket else None),
            team_id=team_id if team_id is not None else (ticket.team_id if ticket else None),
            round=round,
            status="queued",
            created_at=now,
            closes_at=now + timedelta(days=settings.close_after_days),
        )
        await row.save()
        sent = await SurveysSent.select().where(SurveysSent.id == row.id).first()
        status, error = await _deliver(helpline, settings, sent, ticket, title)
        await SurveysSent.update(
            {
                SurveysSent.status: status,
                SurveysSent.error: error,
                SurveysSent.sent_at: now if status == "sent" else None,
            }
        ).where(SurveysSent.id == row.id)
        sent.update(status=status, error=error, sent_at=now if status == "sent" else None)
    return sent


async def _deliver(
    helpline: Helpline, settings: SurveySettings, sent: dict, ticket: Ticket | None, title: str
) -> tuple[str, str]:
    recipient = await load_actor(helpline, sent["customer"])
    subject, body = message(helpline, settings, sent, recipient.name, ticket, title)
    try:
        taken = await helpline.hook_first(
            "deliver_notification",
            helpline=helpline,
            recipient=recipient,
            subject=subject,
            body=body,
            ticket=ticket,
        )
    except Exception as exc:  # a channel's failure is recorded, not retried forever
        log.exception("delivering survey %s failed", sent["id"])
        return "failed", f"{type(exc).__name__}: {exc}"[:500]
    if not taken:
        return "failed", "no channel delivers to this customer"
    return "sent", ""


def message(
    helpline: Helpline,
    settings: SurveySettings,
    sent: dict,
    name: str,
    ticket: Ticket | None,
    title: str,
) -> tuple[str, str]:
    """The subject and plain-text body of a survey message."""
    closes = sent["closes_at"].strftime("%d %b %Y")
    hello = f"Hello {name or 'there'},\n\n"
    footer = f"\n\nYou can change your answer until {closes}, when this survey closes.\n"
    if sent["kind"] == "csat":
        if settings.csat_scale == "five":
            choices = "\n".join(
                f"  {n} - {label}: {links.url_for(helpline, sent, n)}"
                for n, label in FIVE_LABELS.items()
            )
        else:
            choices = (
                f"  Good, I'm satisfied: {links.url_for(helpline, sent, 5)}\n"
                f"  Bad, I'm unsatisfied: {links.url_for(helpline, sent, 1)}"
            )
        subject = f"How did we do? [#{ticket.number}] {ticket.subject}"
        body = (
            f'{hello}Your request #{ticket.number} "{ticket.subject}" was solved. '
            f"How would you rate the support you received? One click is enough:\n\n{choices}"
        )
        return subject, body + footer
    if sent["kind"] == "nps":
        choices = "\n".join(f"  {n}: {links.url_for(helpline, sent, n)}" for n in range(11))
        body = f"{hello}{NPS_QUESTION} (0 = not at all likely, 10 = extremely likely)\n\n{choices}"
        return "How likely are you to recommend us?", body + footer
    about = f' about your request #{ticket.number} "{ticket.subject}"' if ticket else ""
    body = (
        f"{hello}Please answer a few short questions{about}:\n\n  {links.url_for(helpline, sent)}"
    )
    return title or "A few short questions", body + footer


FIVE_LABELS = {5: "Very good", 4: "Good", 3: "OK", 2: "Poor", 1: "Very poor"}
