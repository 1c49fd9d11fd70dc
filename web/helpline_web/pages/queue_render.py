"""Rendering the queue: the whole page, the list region alone, and the sidebar of views."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from litestar import Request
from litestar.response import Template
from markupsafe import Markup

from helpline.model import Actor
from helpline.runtime import Helpline
from helpline.services import tickets
from helpline.services.ticket_lists import ListOptions, list_options
from helpline.tables import SavedView
from helpline_web.context import helpline_of, is_htmx, page
from helpline_web.pages.queue_common import DEFAULT_SORT, SORTABLE, Filters, builtin_views, choices

log = logging.getLogger("helpline.web")
LIST_TARGET = "queue-list"
#: The same URL answers with a page or a fragment, so caches must tell them apart.
VARY = {"Vary": "HX-Request, HX-Target"}


def wants_list_only(request: Request) -> bool:
    """An htmx request that replaces just the list region (not a history restore)."""
    return (
        is_htmx(request)
        and request.headers.get("hx-target") == LIST_TARGET
        and request.headers.get("hx-history-restore-request") != "true"
    )


async def usable(
    helpline: Helpline, viewer: Actor, filters: Filters
) -> tuple[Filters, ListOptions]:
    """Filters the viewer may use now: an unknown plugin sort falls back to the default.

    Unknown plugin filters stay (the caller shows nothing rather than more than was asked for).
    """
    options = await list_options(helpline, viewer)
    sort = filters.sort.lstrip("-")
    if sort not in SORTABLE and sort not in options.sorts:
        filters = replace(filters, sort=DEFAULT_SORT)
    return filters, options


def unavailable(filters: Filters, options: ListOptions) -> list[str]:
    """Plugin filters in the URL that no enabled plugin offers this viewer."""
    return [name for name in filters.filter if name not in options.filters]


async def count(helpline: Helpline, viewer: Actor, filters: Filters) -> int:
    """How many tickets the viewer may see under these filters (the total of one list call)."""
    filters, options = await usable(helpline, viewer, filters)
    if unavailable(filters, options):
        return 0
    found = filters.service_filters(viewer, helpline.now())
    found.update(page=1, per_page=1, sort="-updated_at")
    return (await tickets.list_tickets(helpline, viewer, **found))[1]


async def saved_views(viewer: Actor) -> list[dict[str, Any]]:
    rows = (
        await SavedView.select(SavedView.id, SavedView.name, SavedView.query)
        .where(SavedView.user == viewer.id)
        .order_by(SavedView.position)
        .order_by(SavedView.id)
    )
    return [{**row, "filters": Filters.from_query_string(row["query"])} for row in rows]


async def views(helpline: Helpline, viewer: Actor, current: Filters) -> dict[str, Any]:
    """The sidebar: built-in and saved views, each with its live count."""
    builtin = [
        {
            "key": view.key,
            "label": view.label,
            "url": view.filters.url(),
            "count": await count(helpline, viewer, view.filters),
            "current": view.filters.same_tickets(current),
        }
        for view in builtin_views(viewer)
    ]
    saved = [
        {
            "id": row["id"],
            "label": row["name"],
            "url": row["filters"].url(),
            "count": await count(helpline, viewer, row["filters"]),
            "current": row["filters"].same_tickets(current),
        }
        for row in await saved_views(viewer)
    ]
    return {"builtin": builtin, "saved": saved}


async def heading(viewer: Actor, filters: Filters) -> str:
    for view in builtin_views(viewer):
        if view.filters.same_tickets(filters):
            return view.label
    for row in await saved_views(viewer):
        if row["filters"].same_tickets(filters):
            return row["name"]
    if filters.q:
        return f"Search: {filters.q}"
    return "Filtered tickets" if filters.chosen() != [("category", "any")] else "All tickets"


async def list_context(
    request: Request, viewer: Actor, filters: Filters, **extra: Any
) -> dict[str, Any]:
    """What the list region shows: one count query and one page query, then names in bulk."""
    helpline = helpline_of(request)
    filters, options = await usable(helpline, viewer, filters)
    missing = unavailable(filters, options)
    notice = None
    if missing:
        # A saved view or bookmark whose plugin is off (or not for this viewer): show nothing
        # rather than every ticket the missing filter would have left out.
        items, total = [], 0
        notice = {"kind": "warning", "message": f"Filter not available: {', '.join(missing)}."}
    else:
        items, total = await tickets.list_tickets(
            helpline, viewer, **filters.service_filters(viewer, helpline.now())
        )
    people, teams = await tickets.describe(items)
    pages = max(1, -(-total // filters.per_page))
    first = (filters.page - 1) * filters.per_page + 1 if items else 0
    context: dict[str, Any] = {
        "viewer": viewer,
        "f": filters,
        "tickets": items,
        "total": total,
        "pages": pages,
        "first": first,
        "last": first + len(items) - 1 if items else 0,
        "people": people,
        "teams": teams,
        "heading": await heading(viewer, filters),
        "badges": await badges(helpline, viewer, items),
        "selected": set(),
        "bulk": {},
        "errors": {},
        "notice": notice,
        "list_sorts": list(options.sorts.values()),
        "list_filters": list(options.filters.values()),
        **await choices(),
    }
    context.update(extra)
    return context


async def render_list(
    request: Request,
    viewer: Actor,
    filters: Filters,
    *,
    status_code: int = 200,
    push: bool = True,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Template:
    """Only the list region, for htmx; `push` sets the canonical URL in the address bar."""
    context = await list_context(request, viewer, filters, partial=True, **extra)
    all_headers = {**VARY, **(headers or {})}
    if push:
        all_headers["HX-Push-Url"] = filters.url()
    return Template(
        template_name="queue/_list.html",
        context=context,
        status_code=status_code,
        headers=all_headers,
    )


async def badges(helpline: Helpline, viewer: Actor, items: list[Any]) -> dict[int, list[Markup]]:
    """Plugin badges per ticket id (`ticket_badges`); a failing plugin loses only its own."""
    found: dict[int, list[Markup]] = {}
    if not items:
        return found
    try:
        results = await helpline.hook(
            "ticket_badges", helpline=helpline, tickets=items, actor=viewer
        )
    except Exception:
        log.exception("a ticket_badges hook failed; showing the queue without badges")
        return found
    for result in results:
        for ticket_id, html in (result or {}).items():
            found.setdefault(ticket_id, []).append(Markup(html))
    return found


async def widgets(helpline: Helpline, viewer: Actor) -> list[dict[str, Any]]:
    """Plugin widgets (their HTML is trusted plugin output); a failing plugin loses only its own."""
    try:
        results = await helpline.hook("dashboard_widgets", helpline=helpline, actor=viewer)
    except Exception:
        log.exception("a dashboard_widgets hook failed; showing the queue without widgets")
        return []
    return [
        {"title": str(item.get("title", "")), "html": Markup(item.get("html", ""))}
        for result in results
        for item in (result or [])
        if isinstance(item, dict)
    ]


async def render_queue(
    request: Request, viewer: Actor, filters: Filters, *, status_code: int = 200, **extra: Any
) -> Template:
    """The whole queue page (or its content block for other htmx requests)."""
    helpline = helpline_of(request)
    context = await list_context(request, viewer, filters, partial=False, **extra)
    context["views"] = await views(helpline, viewer, filters)
    context["widgets"] = await widgets(helpline, viewer)
    if request.headers.get("hx-history-restore-request") == "true":
        context["fragment"] = False  # htmx swaps a restored page into <body>: send all of it
    response = await page(request, "queue/index.html", status_code=status_code, **context)
    response.headers.update(VARY)
    return response
