"""The queue's sidebar: live counts, and each agent's own saved filters."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from helpline.errors import NotFound
from helpline.model import Actor
from helpline.tables import SavedView
from helpline_web.auth import ViewerDep
from helpline_web.context import flash, helpline_of
from helpline_web.pages.queue_common import QUEUE_GUARDS, Filters
from helpline_web.pages.queue_render import VARY, render_list, render_queue, views, wants_list_only

NAME_LENGTH = 100
MAX_SAVED = 50
Form = Body(media_type=RequestEncodingType.URL_ENCODED)


async def _own_view(viewer: Actor, view_id: int) -> dict[str, Any]:
    """The viewer's saved view; another agent's is as absent as one that never existed."""
    row = (
        await SavedView.select(SavedView.id, SavedView.name, SavedView.query)
        .where((SavedView.id == view_id) & (SavedView.user == viewer.id))
        .first()
    )
    if row is None:
        raise NotFound(f"saved view {view_id} not found")
    return row


@get("/tickets/views", name="queue-views", guards=QUEUE_GUARDS)
async def views_fragment(request: Request, viewer: ViewerDep) -> Template:
    """The sidebar's views with fresh counts; htmx polls it and reloads it after bulk changes."""
    current = Filters.from_query_string(urlsplit(request.headers.get("hx-current-url", "")).query)
    context = {"views": await views(helpline_of(request), viewer, current), "viewer": viewer}
    return Template(template_name="queue/_views.html", context=context, headers=VARY)


@post("/tickets/views", name="queue-save-view", guards=QUEUE_GUARDS, status_code=200)
async def save_view(
    request: Request, viewer: ViewerDep, data: Annotated[dict[str, str], Form]
) -> Any:
    """Keep the current filters under a name; saving under an existing name replaces them."""
    filters = Filters.from_query_string(data.get("query") or "")
    filters = Filters.from_query_string(filters.query(page=1))
    name = " ".join((data.get("name") or "").split())
    error = None
    if not name:
        error = "Give the filter a name."
    elif len(name) > NAME_LENGTH:
        error = f"Use at most {NAME_LENGTH} characters."
    existing = await SavedView.select(SavedView.id, SavedView.name, SavedView.position).where(
        SavedView.user == viewer.id
    )
    same = next((row for row in existing if row["name"].lower() == name.lower()), None)
    if error is None and same is None and len(existing) >= MAX_SAVED:
        error = f"You have {MAX_SAVED} saved filters; delete one first."
    if error is not None:
        extra = {"save_error": error, "save_name": data.get("name") or ""}
        if wants_list_only(request):
            return await render_list(request, viewer, filters, status_code=422, push=False, **extra)
        return await render_queue(request, viewer, filters, status_code=422, **extra)
    query = filters.query()
    if same is not None:
        await SavedView.update({SavedView.query: query, SavedView.name: name}).where(
            SavedView.id == same["id"]
        )
        flash(request, f"Saved filter “{name}” updated.", "success")
    else:
        position = max((row["position"] for row in existing), default=0) + 1
        await SavedView.insert(SavedView(user=viewer.id, name=name, query=query, position=position))
        flash(request, f"Saved filter “{name}” added to your views.", "success")
    return Redirect(filters.url(), status_code=303)


@get("/tickets/views/{view_id:int}", name="queue-open-view", guards=QUEUE_GUARDS)
async def open_view(viewer: ViewerDep, view_id: FromPath[int]) -> Redirect:
    row = await _own_view(viewer, view_id)
    return Redirect(Filters.from_query_string(row["query"]).url(), status_code=303)


@post(
    "/tickets/views/{view_id:int}/delete",
    name="queue-delete-view",
    guards=QUEUE_GUARDS,
    status_code=200,
)
async def delete_view(request: Request, viewer: ViewerDep, view_id: FromPath[int]) -> Redirect:
    row = await _own_view(viewer, view_id)
    await SavedView.delete().where((SavedView.id == row["id"]) & (SavedView.user == viewer.id))
    flash(request, f"Saved filter “{row['name']}” deleted.", "success")
    return Redirect("/tickets", status_code=303)


ROUTES = [views_fragment, save_view, open_view, delete_view]
