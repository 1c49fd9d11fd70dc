"""The agent workspace: `/tickets` lists tickets with views, filters, sorting and paging."""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect

from helpline.errors import NotFound
from helpline.services import tickets
from helpline_web.auth import ViewerDep
from helpline_web.context import helpline_of, is_htmx
from helpline_web.pages.queue_common import QUEUE_GUARDS, Filters
from helpline_web.pages.queue_render import render_list, render_queue, wants_list_only

Text = FromQuery[str | None]
_NUMBER = re.compile(r"#?(\d{1,18})")


@get("/tickets", name="queue", guards=QUEUE_GUARDS)
async def queue(
    request: Request,
    viewer: ViewerDep,
    category: Text = None,
    status: Text = None,
    priority: Text = None,
    type: Text = None,
    assignee: Annotated[str | None, QueryParameter(description="me, none or an agent id")] = None,
    team: Annotated[str | None, QueryParameter(description="mine or a team id")] = None,
    tag: Text = None,
    q: Annotated[str | None, QueryParameter(description="Full-text search")] = None,
    solved_within: Annotated[str | None, QueryParameter(description="Days")] = None,
    plugin_filters: Annotated[
        list[str] | None,
        QueryParameter(name="filter", description="Plugin filters, e.g. sla_breached"),
    ] = None,
    sort: Text = None,
    per_page: Text = None,
    page_number: Annotated[str | None, QueryParameter(name="page")] = None,
) -> Any:
    raw = {
        "category": category,
        "status": status,
        "priority": priority,
        "type": type,
        "assignee": assignee,
        "team": team,
        "tag": tag,
        "q": q,
        "solved_within": solved_within,
        "filter": plugin_filters,
        "sort": sort,
        "per_page": per_page,
        "page": page_number,
    }
    filters = Filters.parse(raw)
    if not is_htmx(request) and any(value == "" for value in raw.values()):
        # A filter form sent without JavaScript: the same list under its tidy, bookmarkable URL.
        return Redirect(filters.url(), status_code=303)
    if wants_list_only(request):
        return await render_list(request, viewer, filters)
    return await render_queue(request, viewer, filters)


@get("/tickets/search", name="quick-search", guards=QUEUE_GUARDS)
async def quick_search(request: Request, viewer: ViewerDep, q: Text = None) -> Redirect:
    """A ticket number opens that ticket; anything else searches every ticket the viewer sees."""
    text = (q or "").strip()
    if not text:
        return Redirect("/tickets", status_code=303)
    if match := _NUMBER.fullmatch(text):
        try:
            ticket = await tickets.get_ticket(helpline_of(request), viewer, int(match.group(1)))
        except NotFound:
            pass
        else:
            return Redirect(f"/tickets/{ticket.number}", status_code=303)
    return Redirect(Filters(q=text).url(), status_code=303)


ROUTES = [queue, quick_search]
