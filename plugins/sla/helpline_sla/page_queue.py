"""`/p/sla/`: tickets by SLA urgency, overdue first, filterable by overdue, due soon and paused."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.params import QueryParameter

from helpline.services import tickets
from helpline_sla import view
from helpline_sla.queue import SHOWS, urgent_tickets
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, current_viewer, requires
from helpline_web.context import page

PER_PAGE = 50


async def _may_view_queue(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    viewer = await current_viewer(connection)  # type: ignore[arg-type]
    if viewer is None or not (viewer.can("tickets.view_all") or viewer.can("tickets.view_team")):
        raise PermissionDeniedException("You do not have permission to open the SLA queue.")


@get("/", guards=[requires(staff=True), _may_view_queue], name="sla-queue")
async def sla_queue(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    show: Annotated[str, QueryParameter(description="all, breached, soon or paused")] = "all",
    page_number: Annotated[int, QueryParameter(name="page", ge=1, le=100000)] = 1,
) -> Any:
    """Open tickets with an SLA, the most urgent first."""
    show = show if show in SHOWS else "all"
    rows, total = await urgent_tickets(helpline, viewer, show, page_number, PER_PAGE)
    items = [r["ticket"] for r in rows]
    people, teams = await tickets.describe(items)
    badges = await view.badges(helpline, items)
    return await page(
        request,
        "sla:queue.html",
        rows=rows,
        total=total,
        show=show,
        shows=SHOWS,
        page_number=page_number,
        pages=max(1, -(-total // PER_PAGE)),
        people=people,
        teams=teams,
        badges=badges,
        local=lambda value: view.local(value, viewer.timezone),
    )


ROUTES = [sla_queue]
