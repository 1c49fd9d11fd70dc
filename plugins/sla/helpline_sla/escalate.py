"""What happens when a clock reaches a threshold: events for other plugins, then the actions."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import msgspec

from helpline import jobs
from helpline.model import Actor, Ticket
from helpline.runtime import Helpline
from helpline.services import tickets, users
from helpline.tables import Priority, Role, TeamMember, User
from helpline_sla import persist
from helpline_sla.calendar import BusinessCalendar
from helpline_sla.clock_row import Clock
from helpline_sla.clocks import Session, Threshold, label
from helpline_sla.specs import Action, EscalationSpec

log = logging.getLogger("helpline.sla")
NOTIFY = "sla.notify"


async def carry_out(
    helpline: Helpline, session: Session, clock: Clock, fired: list[Threshold]
) -> None:
    """Announce and act on the thresholds a timer found reached, in order."""
    ticket = session.ticket
    breached_now = any(t.kind == "breach" for t in fired)
    minutes = sorted({e.minutes for e in session.escalations(clock, "after")})
    due_at = session.instant(clock, clock.budget)
    name = label(clock.target)
    # The ticket's history first, every reached threshold in one statement (after downtime
    # several come at once), then the announcements and actions in order.
    at = helpline.now()
    rows = [
        (ticket.id, "SLA", "sla", f"{name.lower()} SLA", "running", "breached", at)
        if t.kind == "breach"
        else (ticket.id, "SLA", "sla", f"{name.lower()} escalation", None, f"level {t.level}", at)
        for t in fired
        if t.kind != "warning"
    ]
    await persist.insert_rows(helpline, "ticket_event", persist.HISTORY_COLUMNS, rows)
    for threshold in fired:
        if threshold.kind == "warning":
            if breached_now:
                continue  # the breach is announced instead; a warning now would be noise
            steps = session.escalations(clock, "warning")
            await helpline.hook(
                "sla_warning", helpline=helpline, ticket=ticket, target=clock.target, due_at=due_at
            )
            event = f"{name} due {_when(due_at)}"
        elif threshold.kind == "breach":
            steps = session.escalations(clock, "breach")
            await helpline.hook(
                "sla_breached", helpline=helpline, ticket=ticket, target=clock.target, due_at=due_at
            )
            event = f"{name} overdue since {_when(due_at)}"
        else:
            after = minutes[threshold.level - 1]
            steps = [s for s in session.escalations(clock, "after") if s.minutes == after]
            actions = [msgspec.to_builtins(a) for s in steps for a in s.actions]
            await helpline.hook(
                "sla_escalated",
                helpline=helpline,
                ticket=ticket,
                target=clock.target,
                level=threshold.level,
                actions=actions,
            )
            event = f"{name} escalated to level {threshold.level}: overdue since {_when(due_at)}"
        ticket = await _act(helpline, session, clock, ticket, steps, event)


def _when(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%d %H:%M UTC")


async def _act(
    helpline: Helpline,
    session: Session,
    clock: Clock,
    ticket: Ticket,
    steps: list[EscalationSpec],
    event: str,
) -> Ticket:
    via = f"SLA: {event}"
    for action in (a for step in steps for a in step.actions):
        try:
            ticket = await _one(helpline, session, clock, ticket, action, event, via)
        except Exception as exc:  # one bad action (a deleted team) must not stop the others
            log.warning("SLA action %s on ticket #%s failed: %s", action.action, ticket.number, exc)
    return ticket


async def _one(
    helpline: Helpline,
    session: Session,
    clock: Clock,
    ticket: Ticket,
    action: Action,
    event: str,
    via: str,
) -> Ticket:
    if action.action == "notify":
        people = await recipients(ticket, action.to or "assignee")
        await notify(helpline, session, clock, ticket, people, event)
        return ticket
    if action.action == "reassign":
        return await tickets.update_as_system(helpline, ticket.number, via=via, team_id=action.team)
    if action.action == "add_tag":
        return await tickets.update_as_system(
            helpline, ticket.number, via=via, tags=[*ticket.tags, action.tag or "escalated"]
        )
    higher = await _higher_priority(ticket.priority)
    if higher is None:
        return ticket
    return await tickets.update_as_system(helpline, ticket.number, via=via, priority=higher)


async def _higher_priority(current: str) -> str | None:
    row = await Priority.select(Priority.rank).where(Priority.name == current).first()
    if row is None:
        return None
    higher = (
        await Priority.select(Priority.name)
        .where((Priority.rank > row["rank"]) & (Priority.active == True))  # noqa: E712
        .order_by(Priority.rank)
        .first()
    )
    return higher["name"] if higher else None


async def _managers() -> list[int]:
    rows = await User.select(User.id).where(
        (User.role.name == "manager") & (User.active == True)  # noqa: E712
    )
    return [r["id"] for r in rows]


async def recipients(ticket: Ticket, to: str) -> list[int]:
    """User ids for `assignee`, `team_lead` (the team's managers, else all), `managers`, email."""
    if to == "assignee":
        return [ticket.assignee_id] if ticket.assignee_id else []
    if to == "managers":
        return await _managers()
    if to == "team_lead":
        if ticket.team_id is not None:
            manager_role = await Role.select(Role.id).where(Role.name == "manager").first()
            if manager_role:
                rows = await TeamMember.select(TeamMember.user).where(
                    (TeamMember.team == ticket.team_id)
                    & (TeamMember.user.role == manager_role["id"])
                    & (TeamMember.user.active == True)  # noqa: E712
                )
                if rows:
                    return [r["user"] for r in rows]
        return await _managers()
    found = await users.find_user_id(to.strip().lower())
    return [found] if found else []


def _quiet_calendar(session: Session, clock: Clock) -> BusinessCalendar | None:
    """A round-the-clock target of a policy with a calendar pages people in its hours only."""
    policy = session.policy(clock)
    if clock.business or policy is None or policy.calendar is None:
        return None
    return session.rules.calendars.get(policy.calendar)


async def notify(
    helpline: Helpline,
    session: Session,
    clock: Clock,
    ticket: Ticket,
    people: list[int],
    event: str,
) -> None:
    if not people:
        return
    subject = f"[SLA] #{ticket.number} {event}"
    link = f"{helpline.settings.base_url.rstrip('/')}/tickets/{ticket.number}"
    body = (
        f"{event}.\n\nTicket #{ticket.number}: {ticket.subject}\n"
        f"Priority: {ticket.priority}\n{link}\n"
    )
    payload = {"ticket": ticket.id, "people": people, "subject": subject, "body": body}
    quiet = _quiet_calendar(session, clock)
    if quiet is not None and not quiet.is_open(session.now):
        # Nobody is paged outside the calendar's hours: the message waits for the morning.
        await jobs.enqueue(helpline, NOTIFY, payload, run_at=quiet.next_open(session.now))
        return
    await deliver(helpline, payload, ticket)


async def deliver(helpline: Helpline, payload: dict[str, Any], ticket: Ticket | None) -> None:
    for user_id in payload["people"]:
        try:
            person: Actor = await users.load_actor(helpline, user_id)
        except Exception:
            continue
        if not person.active:
            continue
        taken = await helpline.hook_first(
            "deliver_notification",
            helpline=helpline,
            recipient=person,
            subject=payload["subject"],
            body=payload["body"],
            ticket=ticket,
        )
        if not taken:
            log.info(
                "SLA notification for %s (no channel took it): %s", person.email, payload["subject"]
            )
