"""The customer portal's start page: `/portal` lists the customer's requests."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromQuery, QueryParameter

from helpline.services import tickets
from helpline_web.auth import ViewerDep
from helpline_web.context import helpline_of, page
from helpline_web.pages.portal_common import context_helpers, staff_redirect

PER_PAGE = 20


@get("/portal", name="portal")
async def portal_home(
    request: Request,
    viewer: ViewerDep,
    show: FromQuery[str] = "mine",
    page_number: Annotated[int, QueryParameter(name="page")] = 1,
) -> Any:
    if redirect := staff_redirect(viewer, "/tickets"):
        return redirect
    helpline = helpline_of(request)
    page_number = max(1, page_number)
    # The toggle exists only when the organization shares its tickets; visibility does the rest.
    shared = viewer.organization_id is not None and viewer.organization_shared
    show = "organization" if shared and show == "organization" else "mine"
    requester_id = None if show == "organization" else viewer.id
    items, total = await tickets.list_tickets(
        helpline, viewer, requester_id=requester_id, page=page_number, per_page=PER_PAGE
    )
    people, _teams = await tickets.describe(items) if show == "organization" else ({}, {})
    pages = max(1, -(-total // PER_PAGE))
    return await page(
        request,
        "portal/list.html",
        tickets=items,
        total=total,
        show=show,
        shared=shared,
        people=people,
        page_number=page_number,
        pages=pages,
        **context_helpers(viewer),
    )


ROUTES = [portal_home]
