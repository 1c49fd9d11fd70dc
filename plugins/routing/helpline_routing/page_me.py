"""`/p/routing/me`: an agent sets themselves available or away and their working hours."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline_routing import availability, load, pool, store
from helpline_routing.guards import STAFF
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep
from helpline_web.context import flash, is_htmx, page
from helpline_web.pages.admin import form_error


def _schedule_values(schedule: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    return {d: tuple(schedule.get(d, ("", ""))) for d in availability.DAYS}  # type: ignore[misc]


async def _render(
    request: Request,
    helpline: Any,
    viewer: Any,
    *,
    values: dict[str, tuple[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    p = await store.profile(viewer.id)
    return await page(
        request,
        "routing:me.html",
        status_code=status_code,
        profile=p,
        state=load.state_of(p, viewer.timezone, helpline),
        days=availability.DAY_LABELS,
        values=values or _schedule_values(p.schedule),
        errors=errors or {},
        timezone=viewer.timezone,
    )


@get("/me", guards=STAFF)
async def me(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Template:
    return await _render(request, helpline, viewer)


async def set_available(helpline: Any, user_id: int, available: bool) -> None:
    """Switch availability; coming back routes the waiting tickets of the agent's teams."""
    p = await store.profile(user_id)
    if p.available == available:
        return
    async with helpline.transaction():
        await store.save_profile(helpline, p, available=available)
        if available:
            await pool.queue_drain(helpline, user_id)


@post("/me/availability", guards=STAFF, status_code=200)
async def toggle(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    form = await request.form()
    await set_available(helpline, viewer.id, form.get("available") == "1")
    if is_htmx(request):
        return await _render(request, helpline, viewer)
    flash(request, "You are now " + ("available." if form.get("available") == "1" else "away."))
    return Redirect("/p/routing/me", status_code=303)


@post("/me/schedule", guards=STAFF, status_code=200)
async def save_schedule(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    form = await request.form()
    values = {
        d: (str(form.get(f"{d}_start") or ""), str(form.get(f"{d}_end") or ""))
        for d in availability.DAYS
    }
    try:
        schedule = availability.parse_schedule(values)
    except Invalid as exc:
        return await _render(
            request, helpline, viewer, values=values, errors=form_error(exc), status_code=422
        )
    await store.save_profile(helpline, await store.profile(viewer.id), schedule=schedule)
    flash(request, "Working hours saved.", "success")
    return Redirect("/p/routing/me", status_code=303)


ROUTES = [me, toggle, save_schedule]
