"""Admin: API tokens — list, create for a user (shown once), revoke."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.model import Actor
from helpline.services import admin_tokens
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import FormData, admin_page, client_ip, form_error, pager, to_int

GUARD = [requires("tokens.manage")]


async def _page(
    request: Request,
    viewer: Actor,
    page_number: int = 1,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    new_token: str | None = None,
    status_code: int = 200,
) -> Template:
    rows, total = await admin_tokens.list_tokens(viewer, page=page_number)
    return await admin_page(
        request,
        "admin/tokens.html",
        "tokens",
        status_code=status_code,
        title="API tokens",
        tokens=rows,
        pager=pager(request, page_number, total),
        values=values or {"user": "", "name": "", "expires_days": ""},
        errors=errors or {},
        new_token=new_token,
        now=request.app.state.helpline.now(),
    )


@get("/admin/tokens", guards=GUARD)
async def list_tokens(
    request: Request,
    viewer: ViewerDep,
    user: FromQuery[str] = "",
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Template:
    return await _page(
        request, viewer, page_number, values={"user": user, "name": "", "expires_days": ""}
    )


@post("/admin/tokens", guards=GUARD, status_code=200)
async def create_token(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, data: FormData
) -> Template:
    """The new token is in this response only; it is never stored and cannot be shown again."""
    values = {k: (data.get(k) or "").strip() for k in ("user", "name", "expires_days")}
    try:
        token = await admin_tokens.create_token(
            helpline,
            viewer,
            email=values["user"],
            name=values["name"],
            expires_days=to_int(values["expires_days"], "expires_days"),
            ip=client_ip(request),
        )
    except Invalid as exc:
        return await _page(request, viewer, values=values, errors=form_error(exc), status_code=400)
    response = await _page(request, viewer, new_token=token, status_code=201)
    response.headers["Cache-Control"] = "no-store"
    return response


@post("/admin/tokens/{token_id:int}/revoke", guards=GUARD, status_code=303)
async def revoke_token(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, token_id: FromPath[int]
) -> Redirect:
    await admin_tokens.revoke_token(helpline, viewer, token_id, ip=client_ip(request))
    flash(request, "Token revoked: requests using it are refused from now on.", "success")
    return Redirect("/admin/tokens", status_code=303)


ROUTES = [list_tokens, create_token, revoke_token]
