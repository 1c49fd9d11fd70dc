"""The admin area's front page, and what its sections share: navigation, guards, forms, paging.

Each section lives in its own `admin_<section>.py`; every page and action is guarded by the
permission code of its section here, and the core services check the same codes again.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.connection import ASGIConnection
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.params import Body
from litestar.response import Template

from helpline.errors import Invalid
from helpline.model import Actor
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, current_viewer
from helpline_web.context import ADMIN_CODES, LoginRequired, helpline_of, page

#: (key, label, url, permission code, what it is for): the sections, in menu order.
SECTIONS = [
    (
        "users",
        "Users",
        "/admin/users",
        "users.manage",
        "Invite agents and customers, change roles, deactivate.",
    ),
    (
        "teams",
        "Teams",
        "/admin/teams",
        "teams.manage",
        "Group agents; tickets are routed to teams.",
    ),
    (
        "organizations",
        "Organizations",
        "/admin/organizations",
        "organizations.manage",
        "Customer companies, their email domains and shared tickets.",
    ),
    (
        "roles",
        "Roles",
        "/admin/roles",
        "roles.manage",
        "Roles and the permissions each one grants.",
    ),
    (
        "values",
        "Statuses & priorities",
        "/admin/values",
        "settings.manage",
        "Ticket statuses, priorities and types.",
    ),
    (
        "plugins",
        "Plugins",
        "/admin/plugins",
        "plugins.manage",
        "Switch installed plugins on and off.",
    ),
    (
        "tokens",
        "API tokens",
        "/admin/tokens",
        "tokens.manage",
        "Create and revoke tokens for the REST API.",
    ),
    (
        "audit",
        "Audit log",
        "/admin/audit",
        "audit.view",
        "Every change made here: who, what, when.",
    ),
]
PER_PAGE = 50

FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def _may_enter(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    viewer = await current_viewer(connection)  # type: ignore[arg-type]
    if viewer is None:
        raise LoginRequired()
    if not any(viewer.can(code) for code in ADMIN_CODES):
        raise PermissionDeniedException("You do not have permission to open the admin area.")


def sections_for(viewer: Actor) -> list[dict[str, str]]:
    return [
        {"key": key, "label": label, "url": url, "description": text}
        for key, label, url, code, text in SECTIONS
        if viewer.can(code)
    ]


async def admin_page(
    request: Request, template: str, current: str, *, status_code: int = 200, **context: Any
) -> Template:
    """A page of the admin area: the section menu beside it, plus plugins' settings pages."""
    viewer: Actor = request.state.viewer
    helpline = helpline_of(request)
    plugin_pages = [
        link
        for links in await helpline.hook("settings_pages", helpline=helpline, actor=viewer)
        for link in links or []
    ]
    return await page(
        request,
        template,
        status_code=status_code,
        sections=sections_for(viewer),
        plugin_pages=plugin_pages,
        current=current,
        **context,
    )


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def form_error(exc: Invalid) -> dict[str, str]:
    """A service's complaint, shown next to the field it names."""
    message = exc.message[:1].upper() + exc.message[1:]
    return {exc.field: message if message.endswith(".") else message + "."}


def to_int(value: Any, field: str) -> int | None:
    """An optional whole number from a form field ("" → None)."""
    value = str(value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise Invalid(field, "enter a whole number") from None


def ids(values: list[Any], field: str) -> list[int]:
    return [n for v in values if (n := to_int(v, field)) is not None]


def pager(
    request: Request, page_number: int, total: int, per_page: int = PER_PAGE
) -> dict[str, Any]:
    """Previous/next links that keep the other query parameters."""
    pages = max(1, -(-total // per_page))
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}

    def url(n: int) -> str:
        return f"{request.url.path}?{urlencode({**params, 'page': n})}"

    return {
        "page": page_number,
        "pages": pages,
        "total": total,
        "prev": url(page_number - 1) if page_number > 1 else None,
        "next": url(page_number + 1) if page_number < pages else None,
    }


@get("/admin", name="admin", guards=[_may_enter])
async def admin_home(request: Request, viewer: ViewerDep, helpline: HelplineDep) -> Template:
    return await admin_page(request, "admin/index.html", "home")


ROUTES = [admin_home]
