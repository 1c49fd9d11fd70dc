"""Admin: teams of agents — create, rename, add and remove members."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.model import Actor
from helpline.services import admin_teams
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import FormData, admin_page, client_ip, form_error, to_int

GUARD = [requires("teams.manage")]


async def _list(
    request: Request,
    viewer: Actor,
    values: dict | None = None,
    errors: dict | None = None,
    status_code: int = 200,
) -> Template:
    return await admin_page(
        request,
        "admin/teams.html",
        "teams",
        status_code=status_code,
        title="Teams",
        teams=await admin_teams.list_teams(viewer),
        values=values or {"name": "", "description": ""},
        errors=errors or {},
    )


@get("/admin/teams", guards=GUARD)
async def list_teams(request: Request, viewer: ViewerDep) -> Template:
    return await _list(request, viewer)


@post("/admin/teams", guards=GUARD, status_code=200)
async def create_team(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, data: FormData
) -> Template | Redirect:
    values = {"name": data.get("name", ""), "description": data.get("description", "")}
    try:
        team_id = await admin_teams.create_team(
            helpline, viewer, values["name"], values["description"], ip=client_ip(request)
        )
    except Invalid as exc:
        return await _list(request, viewer, values, form_error(exc), 400)
    flash(request, f"Team {values['name'].strip()} created. Add its members here.", "success")
    return Redirect(f"/admin/teams/{team_id}", status_code=303)


async def _detail(
    request: Request,
    viewer: Actor,
    team_id: int,
    values: dict | None = None,
    errors: dict | None = None,
    status_code: int = 200,
) -> Template:
    team = await admin_teams.get_team(viewer, team_id)
    return await admin_page(
        request,
        "admin/team.html",
        "teams",
        status_code=status_code,
        title=team["name"],
        team=team,
        values=values or {"name": team["name"], "description": team["description"]},
        errors=errors or {},
    )


@get("/admin/teams/{team_id:int}", guards=GUARD)
async def show_team(request: Request, viewer: ViewerDep, team_id: FromPath[int]) -> Template:
    return await _detail(request, viewer, team_id)


@post("/admin/teams/{team_id:int}", guards=GUARD, status_code=200)
async def save_team(
    request: Request,
    viewer: ViewerDep,
    helpline: HelplineDep,
    team_id: FromPath[int],
    data: FormData,
) -> Template | Redirect:
    values = {"name": data.get("name", ""), "description": data.get("description", "")}
    try:
        await admin_teams.update_team(
            helpline, viewer, team_id, values["name"], values["description"], ip=client_ip(request)
        )
    except Invalid as exc:
        return await _detail(request, viewer, team_id, values, form_error(exc), 400)
    flash(request, "Saved.", "success")
    return Redirect(f"/admin/teams/{team_id}", status_code=303)


@post("/admin/teams/{team_id:int}/members", guards=GUARD, status_code=200)
async def add_member(
    request: Request,
    viewer: ViewerDep,
    helpline: HelplineDep,
    team_id: FromPath[int],
    data: FormData,
) -> Template | Redirect:
    try:
        user_id = to_int(data.get("user"), "user")
        if user_id is None:
            raise Invalid("user", "choose an agent")
        await admin_teams.add_team_member(helpline, viewer, team_id, user_id, ip=client_ip(request))
    except Invalid as exc:
        return await _detail(request, viewer, team_id, errors=form_error(exc), status_code=400)
    flash(request, "Member added.", "success")
    return Redirect(f"/admin/teams/{team_id}", status_code=303)


@post("/admin/teams/{team_id:int}/members/{user_id:int}/remove", guards=GUARD, status_code=303)
async def remove_member(
    request: Request,
    viewer: ViewerDep,
    helpline: HelplineDep,
    team_id: FromPath[int],
    user_id: FromPath[int],
) -> Redirect:
    await admin_teams.remove_team_member(helpline, viewer, team_id, user_id, ip=client_ip(request))
    flash(request, "Member removed.", "success")
    return Redirect(f"/admin/teams/{team_id}", status_code=303)


ROUTES = [list_teams, create_team, show_team, save_team, add_member, remove_member]
