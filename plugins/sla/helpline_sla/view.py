"""How a ticket's SLA reads: JSON for the API, badges for the queue, the panel, durations."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from helpline.model import Ticket
from helpline.runtime import Helpline
from helpline_sla import persist
from helpline_sla.clock_row import Clock
from helpline_sla.clocks import label
from helpline_sla.specs import TARGETS
from helpline_sla.tables import SlaEvent

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def partial(name: str, **context: Any) -> Markup:
    """A small template of this plugin rendered to HTML, for panels, badges and widgets."""
    return Markup(_ENV.get_template(name).render(**context))


def state(clock: Clock) -> str:
    """running, paused, met or breached (a breached target stays breached once met late)."""
    if clock.state == "breached" or clock.breached_at is not None:
        return "breached"
    if clock.met_at is not None:
        return "met"
    return "running" if clock.running else "paused"


def target_json(clock: Clock) -> dict[str, Any]:
    return {
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
        "state": state(clock),
        "met_at": clock.met_at.isoformat() if clock.met_at else None,
        "breached_at": clock.breached_at.isoformat() if clock.breached_at else None,
        "started_at": clock.started_at.isoformat(),
        "remaining_minutes": None
        if clock.running or clock.met_at
        else round((clock.budget - clock.consumed) / 60_000_000, 1),
        "business": clock.business,
        "calendar": clock.calendar,
        "policy": clock.policy,
    }


async def clocks_for(tickets: list[Ticket]) -> dict[int, list[Clock]]:
    """Each ticket's clocks that count (not cancelled), in target order."""
    found = await persist.load_clocks([t.id for t in tickets])
    order = {t: i for i, t in enumerate(TARGETS)}
    return {
        tid: sorted(
            (c for c in clocks.values() if c.state != "cancelled"),
            key=lambda c: order.get(c.target, 9),
        )
        for tid, clocks in found.items()
    }


async def api_fields(tickets: list[Ticket]) -> dict[int, dict[str, Any]]:
    clocks = await clocks_for(tickets)
    return {
        tid: {"sla": {c.target: target_json(c) for c in found}} for tid, found in clocks.items()
    }


def duration(delta: timedelta) -> str:
    """`45m`, `3h 20m`, `2d 4h`: compact, for badges."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    return f"{mins}m"


def urgent(clocks: list[Clock]) -> Clock | None:
    """The clock a person should look at first: overdue, then soonest due, then paused."""
    open_ = [c for c in clocks if c.met_at is None]
    breached = [c for c in open_ if c.breached_at is not None]
    if breached:
        return min(breached, key=lambda c: c.breached_at)
    running = [c for c in open_ if c.due_at is not None and c.running]
    if running:
        return min(running, key=lambda c: c.due_at)
    return open_[0] if open_ else None


def badge(clock: Clock, now: datetime) -> dict[str, str]:
    """Text, tone (ok, warn, late, paused) and a title for one clock."""
    name = label(clock.target)
    if clock.breached_at is not None:
        late = now - clock.breached_at
        return {"text": f"{duration(late)} over", "tone": "late", "title": f"{name} overdue"}
    if not clock.running or clock.due_at is None:
        return {"text": "paused", "tone": "paused", "title": f"{name} paused"}
    left = clock.due_at - now
    if left.total_seconds() <= 0:  # due, and its timer has not run yet
        return {"text": f"{duration(left)} over", "tone": "late", "title": f"{name} overdue"}
    warn = clock.warned_at is not None or (
        clock.warn_before and left.total_seconds() * 1e6 <= clock.warn_before
    )
    return {
        "text": f"{duration(left)} left",
        "tone": "warn" if warn else "ok",
        "title": f"{name} due",
    }


def local(value: datetime | None, timezone: str) -> str:
    if value is None:
        return ""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except Exception:
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).strftime("%a %d %b %H:%M %Z")


async def badges(helpline: Helpline, tickets: list[Ticket]) -> dict[int, Markup]:
    now = helpline.now()
    found = {}
    for tid, clocks in (await clocks_for(tickets)).items():
        clock = urgent(clocks)
        if clock is not None:
            found[tid] = partial("_badge.html", b=badge(clock, now))
    return found


async def panel(helpline: Helpline, ticket: Ticket, timezone: str) -> Markup | None:
    clocks = (await clocks_for([ticket]))[ticket.id]
    if not clocks:
        return None
    events = (
        await SlaEvent.select(SlaEvent.target, SlaEvent.kind, SlaEvent.detail, SlaEvent.at)
        .where(SlaEvent.ticket == ticket.id)
        .order_by(SlaEvent.id, ascending=False)
        .limit(30)
    )
    now = helpline.now()
    rows = [
        {
            "label": label(c.target),
            "state": state(c),
            "due": local(c.due_at, timezone),
            "met": local(c.met_at, timezone),
            "breached": local(c.breached_at, timezone),
            "badge_html": partial("_badge.html", b=badge(c, now)) if c.met_at is None else "",
            "remaining": target_json(c)["remaining_minutes"],
            "policy": c.policy,
            "business": c.business,
        }
        for c in clocks
    ]
    for event in events:
        event["label"] = label(event["target"])
        event["when"] = local(event["at"], timezone)
    return partial("_panel.html", rows=rows, events=events)
