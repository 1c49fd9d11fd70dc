"""Admin: customer organizations — name, email domain, and whether members share tickets."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.model import Actor
from helpline.services import admin_teams
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import FormData, admin_page, client_ip, form_error, pager

GUARD = [requires("organizations.manage")]


def _values(data: dict[str, str]) -> dict[str, Any]:
    return {
        "name": data.get("name", ""),
        "domain": data.get("domain", ""),
        "shared_tickets": data.get("shared_tickets") in ("on", "true", "1"),
    }


async def _list(
    request: Request,
    viewer: Actor,
    q: str = "",
    page_number: int = 1,
    values: dict | None = None,
    errors: dict | None = None,
    status_code: int = 200,
) -> Template:
    rows, total = await admin_teams.list_organizations(viewer, search=q, page=page_number)
    return await admin_page(
        request,
        "admin/organizations.html",
        "organizations",
        status_code=status_code,
        title="Organizations",
        organizations=rows,
        q=q,
        pager=pager(request, page_number, total),
        values=values or {"name": "", "domain": "", "shared_tickets": False},
        errors=errors or {},
    )


@get("/admin/organizations", guards=GUARD)
async def list_organizations(
    request: Request,
    viewer: ViewerDep,
    q: FromQuery[str] = "",
    page_number: Annotated[int, QueryParameter(name="page", ge=1)] = 1,
) -> Template:
    return await _list(request, viewer, q, page_number)


@post("/admin/organizations", guards=GUARD, status_code=200)
async def create_organization(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, data: FormData
) -> Template | Redirect:
    values = _values(data)
    try:
        org_id = await admin_teams.create_organization(
            helpline, viewer, **values, ip=client_ip(request)
        )
    except Invalid as exc:
        return await _list(request, viewer, values=values, errors=form_error(exc), status_code=400)
    flash(request, f"Organization {values['name'].strip()} created.", "success")
    return Redirect(f"/admin/organizations/{org_id}", status_code=303)


async def _detail(
    request: Request,
    viewer: Actor,
    org_id: int,
    values: dict | None = None,
    errors: dict | None = None,
    status_code: int = 200,
) -> Template:
    org = await admin_teams.get_organization(viewer, org_id)
    return await admin_page(
        request,
        "admin/organization.html",
        "organizations",
        status_code=status_code,
        title=org["name"],
        org=org,
        values=values
        or {
            "name": org["name"],
            "domain": org["domain"] or "",
            "shared_tickets": org["shared_tickets"],
        },
        errors=errors or {},
    )


@get("/admin/organizations/{org_id:int}", guards=GUARD)
async def show_organization(request: Request, viewer: ViewerDep, org_id: FromPath[int]) -> Template:
    return await _detail(request, viewer, org_id)


@post("/admin/organizations/{org_id:int}", guards=GUARD, status_code=200)
async def save_organization(
    request: Request,
    viewer: ViewerDep,
    helpline: HelplineDep,
    org_id: FromPath[int],
    data: FormData,
) -> Template | Redirect:
    values = _values(data)
    try:
        await admin_teams.update_organization(
            helpline, viewer, org_id, **values, ip=client_ip(request)
        )
    except Invalid as exc:
        return await _detail(request, viewer, org_id, values, form_error(exc), 400)
    flash(request, "Saved.", "success")
    return Redirect(f"/admin/organizations/{org_id}", status_code=303)


ROUTES = [list_organizations, create_organization, show_organization, save_organization]
