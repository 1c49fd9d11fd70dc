"""`/p/routing/load`: managers see each agent's load, availability and skills, team by team."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Forbidden
from helpline_routing import load
from helpline_routing.guards import LOAD, MANAGE_CODE
from helpline_routing.page_me import set_available
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep
from helpline_web.context import flash, page


@get("/load", guards=LOAD)
async def load_page(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Template:
    return await page(
        request,
        "routing:load.html",
        teams=await load.overview(helpline),
        can_manage=viewer.can(MANAGE_CODE),
    )


@post("/agents/{user_id:int}/availability", guards=LOAD, status_code=200)
async def set_agent_available(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, user_id: FromPath[int]
) -> Any:
    """A routing manager sets an agent away (off sick) or back."""
    if not viewer.can(MANAGE_CODE):
        raise Forbidden("you may not change other agents' availability")
    from helpline.services.users import load_actor

    if not (await load_actor(helpline, user_id)).staff:
        raise Forbidden("only agents have a routing status")
    form = await request.form()
    await set_available(helpline, user_id, form.get("available") == "1")
    flash(request, "Availability changed.", "success")
    target = str(form.get("next") or "")
    if not target.startswith("/p/routing/") or target.startswith("//"):
        target = "/p/routing/load"
    return Redirect(target, status_code=303)


ROUTES = [load_page, set_agent_available]
