"""Dashboard widgets: live counts, the agent's own numbers, and other plugins' widgets."""

from __future__ import annotations

import logging
import statistics
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services.ticket_lists import list_options
from helpline.services.ticket_queries import list_tickets

VIEW = "reports.view"
#: Status categories of tickets still waiting for work.
UNSOLVED = ["new", "open", "pending", "on_hold"]
#: The SLA plugin's ticket-list filter for tickets with an overdue target.
OVERDUE = "sla_breached"
#: Widgets of this plugin carry a key starting with this, so its own pages can tell them apart.
KEY = "reports."
log = logging.getLogger("helpline.reports")

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def partial(name: str, **context: Any) -> Markup:
    """A small template of this plugin rendered to HTML (widgets are built outside a request)."""
    return Markup(_ENV.get_template(name).render(**context))


async def _count(helpline: Helpline, viewer: Actor, **where: Any) -> int:
    _, total = await list_tickets(helpline, viewer, per_page=1, **where)
    return total


async def live_counts(helpline: Helpline, viewer: Actor) -> dict[str, int]:
    """Open, unassigned, overdue and the viewer's own open tickets, among those the viewer may
    see. "overdue" is there only while a plugin (the SLA one) offers the `sla_breached` filter:
    without it nothing is overdue, which is not the same as none being late."""
    counts = {
        "open": await _count(helpline, viewer, status_categories=UNSOLVED),
        "unassigned": await _count(helpline, viewer, status_categories=UNSOLVED, unassigned=True),
    }
    if OVERDUE in (await list_options(helpline, viewer)).filters:
        counts["overdue"] = await _count(
            helpline, viewer, status_categories=UNSOLVED, filters=[OVERDUE]
        )
    counts["mine"] = await _count(
        helpline, viewer, status_categories=UNSOLVED, assignee_id=viewer.id
    )
    return counts


#: What each live count is called and the queue view listing the same tickets.
LIVE = {
    "open": ("open", "/tickets?category=unsolved"),
    "unassigned": ("unassigned", "/tickets?category=unsolved&assignee=none"),
    "overdue": ("overdue", f"/tickets?category=unsolved&filter={OVERDUE}"),
    "mine": ("assigned to you", "/tickets?category=unsolved&assignee=me"),
}


def may_open_queue(viewer: Actor) -> bool:
    """The queue is for staff who see all tickets or their teams' (its own guard says so)."""
    return viewer.staff and (viewer.can("tickets.view_all") or viewer.can("tickets.view_team"))


def week_start(helpline: Helpline, viewer: Actor) -> datetime:
    """Monday 00:00 of this week in the viewer's timezone."""
    try:
        zone = ZoneInfo(viewer.timezone or "UTC")
    except Exception:
        zone = ZoneInfo("UTC")
    today = helpline.now().astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, time(0), tzinfo=zone)


async def personal(helpline: Helpline, viewer: Actor) -> dict[str, Any]:
    """The agent's numbers: open tickets, solved this week, median first response (30 days)."""
    since = week_start(helpline, viewer)
    solved = await _count(
        helpline,
        viewer,
        assignee_id=viewer.id,
        status_categories=["solved", "closed"],
        solved_since=since,
    )
    mine, _ = await list_tickets(
        helpline,
        viewer,
        assignee_id=viewer.id,
        status_categories=UNSOLVED,
        sort="updated_at",
        per_page=10,
    )
    recent, _ = await list_tickets(
        helpline,
        viewer,
        assignee_id=viewer.id,
        updated_since=helpline.now() - timedelta(days=30),
        per_page=200,
    )
    minutes = [
        (t.first_response_at - t.created_at).total_seconds() / 60
        for t in recent
        if t.first_response_at is not None and t.created_at >= helpline.now() - timedelta(days=30)
    ]
    return {
        "open": await _count(helpline, viewer, assignee_id=viewer.id, status_categories=UNSOLVED),
        "solved_week": solved,
        "median_first_response": statistics.median(minutes) if minutes else None,
        "answered": len(minutes),
        "tickets": mine,
    }


def duration(minutes: float | None) -> str:
    """42 → "42 min"; 135 → "2 h 15 min"; 3000 → "2 d 2 h"."""
    if minutes is None:
        return "—"
    minutes = round(minutes)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


async def live_widget(helpline: Helpline, viewer: Actor) -> Markup:
    counts = await live_counts(helpline, viewer)
    link = may_open_queue(viewer)
    items = [
        {"key": key, "count": count, "label": LIVE[key][0], "url": LIVE[key][1] if link else ""}
        for key, count in counts.items()
    ]
    return partial("_live.html", items=items)


async def others(helpline: Helpline, viewer: Actor) -> list[dict[str, Any]]:
    """Widgets other plugins contribute to the dashboard hook (a failing plugin loses its own)."""
    try:
        results = await helpline.hook("dashboard_widgets", helpline=helpline, actor=viewer)
    except Exception:
        log.exception("a dashboard_widgets hook failed; showing the dashboard without them")
        return []
    return [
        {"title": str(item.get("title", "")), "html": Markup(item.get("html", ""))}
        for result in results
        for item in (result or [])
        if isinstance(item, dict) and not str(item.get("key", "")).startswith(KEY)
    ]


async def dashboard_widgets(helpline: Helpline, actor: Actor) -> list[dict[str, Any]]:
    """What this plugin adds to the agent dashboard: live counts that refresh every minute."""
    if not actor.staff:
        return []
    html = await live_widget(helpline, actor)
    links = partial("_widget_links.html", may_view=actor.can(VIEW))
    return [{"title": "Right now", "html": html + links, "key": KEY + "live"}]
