"""`/p/routing/teams`: each team's strategy, fallback, reroute time and its agents' capacity,
skills and availability."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline_routing import load, pool, rules, store, strategies
from helpline_routing.guards import MANAGE
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, form_error, to_int


@get("/teams", guards=MANAGE)
async def team_list(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Template:
    known = await strategies.available(helpline)
    return await admin_page(
        request,
        "routing:teams.html",
        "routing",
        teams=await load.overview(helpline),
        labels={k: s.label for k, s in known.items()},
    )


async def _render(
    request: Request,
    helpline: Any,
    team_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    cfg = await store.team_config(team_id)
    members = await load.members(helpline, team_id)
    if values is None:
        values = {
            "strategy": cfg.strategy,
            "fallback": cfg.fallback,
            "reroute_minutes": str(cfg.reroute_minutes or ""),
        }
        for m in members:
            uid = m["id"]
            values[f"capacity.{uid}"] = "" if m["capacity_set"] is None else str(m["capacity_set"])
            values[f"skills.{uid}"] = m["skills"]
            values[f"available.{uid}"] = m["profile"].available
    known = await strategies.available(helpline)
    return await admin_page(
        request,
        "routing:team.html",
        "routing",
        status_code=status_code,
        cfg=cfg,
        members=members,
        values=values,
        errors=errors or {},
        labels={k: s.label for k, s in known.items()},
        default_capacity=load.engine.settings(helpline).default_capacity,
        waiting=len(await pool.waiting(team_id)),
    )


@get("/teams/{team_id:int}", guards=MANAGE)
async def team_page(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, team_id: FromPath[int]
) -> Template:
    await store.team_row(team_id)
    return await _render(request, helpline, team_id)


def _whole(value: Any, field: str) -> int | None:
    number = to_int(value, field)
    if number is not None and number < 0:
        raise Invalid(field, "must not be negative")
    return number


@post("/teams/{team_id:int}", guards=MANAGE, status_code=200)
async def team_save(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, team_id: FromPath[int]
) -> Any:
    row = await store.team_row(team_id)
    form = await request.form()
    values: dict[str, Any] = {k: form.get(k) for k in form}
    members = await load.members(helpline, team_id)
    for m in members:
        values[f"available.{m['id']}"] = form.get(f"available.{m['id']}") == "1"
    known = list(await strategies.available(helpline))
    try:
        cfg = store.TeamConfig(
            team_id=team_id,
            team=row["name"],
            strategy=str(values.get("strategy") or "manual"),
            fallback=str(values.get("fallback") or ""),
            reroute_minutes=_whole(values.get("reroute_minutes"), "reroute_minutes") or 0,
        )
        profiles = []
        for m in members:
            uid = m["id"]
            capacity = _whole(values.get(f"capacity.{uid}"), f"capacity.{uid}")
            if capacity is not None and capacity > 1000:
                raise Invalid(f"capacity.{uid}", "must be at most 1000")
            skills = rules.parse_skills(str(values.get(f"skills.{uid}") or ""), f"skills.{uid}")
            profiles.append((m["profile"], capacity, skills, values[f"available.{uid}"]))
        async with helpline.transaction():
            await store.save_team_config(helpline, cfg, known)
            for profile, capacity, skills, available in profiles:
                await store.save_profile(
                    helpline, profile, capacity=capacity, skills=skills, available=available
                )
                if available and not profile.available:
                    await pool.queue_drain(helpline, profile.user_id)
    except Invalid as exc:
        return await _render(
            request, helpline, team_id, values=values, errors=form_error(exc), status_code=422
        )
    flash(request, f"Routing of {row['name']} saved.", "success")
    return Redirect(f"/p/routing/teams/{team_id}", status_code=303)


@post("/teams/{team_id:int}/drain", guards=MANAGE, status_code=200)
async def team_drain(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, team_id: FromPath[int]
) -> Redirect:
    await store.team_row(team_id)
    routed = await pool.drain(helpline, team_id)
    flash(request, f"{routed} waiting ticket(s) routed.", "success")
    return Redirect(f"/p/routing/teams/{team_id}", status_code=303)


ROUTES = [team_list, team_page, team_save, team_drain]
