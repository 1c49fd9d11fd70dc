"""What every page knows: the viewer, the menu, flash messages; and `page()` to render one."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request
from litestar.exceptions import HTTPException
from litestar.response import Template
from markupsafe import Markup

from helpline.model import Actor
from helpline.runtime import Helpline

#: Any of these opens the admin area (helpline_web.pages.admin has one section per code).
ADMIN_CODES = (
    "users.manage",
    "teams.manage",
    "organizations.manage",
    "roles.manage",
    "settings.manage",
    "plugins.manage",
    "tokens.manage",
    "audit.view",
)
log = logging.getLogger("helpline.web")
HTMX_FILE = "vendor/htmx-2.0.11.min.js"
HTMX_SSE_FILE = "vendor/htmx-ext-sse-2.2.4.js"


class LoginRequired(HTTPException):
    """No signed-in user: pages redirect to the login form, htmx requests get HX-Redirect."""

    status_code = 401


def helpline_of(request: Request) -> Helpline:
    return request.app.state.helpline


def is_htmx(request: Request) -> bool:
    """An htmx swap wants only the content; a boosted link or a history restore wants the page."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def flash(request: Request, message: str, kind: str = "info") -> None:
    session = dict(request.session) if isinstance(request.scope.get("session"), dict) else {}
    session["_flash"] = [*session.get("_flash", []), {"kind": kind, "message": message}]
    request.set_session(session)


def _take_flashes(request: Request) -> list[dict[str, str]]:
    session = request.scope.get("session")
    if not isinstance(session, dict) or "_flash" not in session:
        return []
    return session.pop("_flash")


async def menu(request: Request, viewer: Actor | None) -> list[dict[str, Any]]:
    """Core menu entries the viewer may use, then what enabled plugins add."""
    if viewer is None:
        return []
    items: list[dict[str, Any]] = []
    if viewer.staff:
        items.append({"label": "Tickets", "url": "/tickets", "key": "tickets"})
        items.append({"label": "New ticket", "url": "/tickets/new", "key": "new"})
    else:
        items.append({"label": "My requests", "url": "/portal", "key": "portal"})
        items.append({"label": "New request", "url": "/portal/new", "key": "portal-new"})
    if any(viewer.can(c) for c in ADMIN_CODES):
        items.append({"label": "Admin", "url": "/admin", "key": "admin"})
    helpline = helpline_of(request)
    for links in await helpline.hook("menu_links", helpline=helpline, actor=viewer):
        items.extend(dict(link) for link in links or [])
    # The entry for this page is the one whose URL is the longest prefix of the path.
    path = request.url.path
    matches = [i for i in items if path == i["url"] or path.startswith(i["url"].rstrip("/") + "/")]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items


async def footers(request: Request, viewer: Actor | None) -> list[Markup]:
    """What plugins add at the end of every full page (`page_footers`); a failing hook costs the
    footers, not the page."""
    if viewer is None:
        return []
    helpline = helpline_of(request)
    try:
        results = await helpline.hook("page_footers", helpline=helpline, actor=viewer)
    except Exception:
        log.exception("a page_footers hook failed")
        return []
    # Plugins are trusted code: their HTML is inserted as given.
    return [Markup(snippet) for snippets in results for snippet in snippets or []]


async def page(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> Template:
    """A full page, or only its content block for an htmx request."""
    viewer: Actor | None = getattr(request.state, "viewer", None)
    fragment = is_htmx(request)
    return Template(
        template_name=template,
        status_code=status_code,
        media_type=MediaType.HTML,
        context={
            "viewer": viewer,
            "menu": await menu(request, viewer),
            "flashes": _take_flashes(request),
            "fragment": fragment,
            "footers": [] if fragment else await footers(request, viewer),
            "path": request.url.path,
            "htmx_file": HTMX_FILE,
            "htmx_sse_file": HTMX_SSE_FILE,
            **context,
        },
    )
