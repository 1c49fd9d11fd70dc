"""Admin: installed plugins — version, hooks, and a switch to turn each on or off at run time."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpline.errors import Invalid
from helpline.plugins import describe_plugins
from helpline.runtime import Helpline
from helpline.services import admin as people
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import flash
from helpline_web.pages.admin import admin_page, client_ip

GUARD = [requires("plugins.manage")]


async def _page(
    request: Request, helpline: Helpline, errors: dict | None = None, status_code: int = 200
) -> Template:
    await helpline.refresh_plugin_states()  # another process may have flipped a switch
    plugins = describe_plugins(helpline.pm, helpline.disabled)
    return await admin_page(
        request,
        "admin/plugins.html",
        "plugins",
        status_code=status_code,
        title="Plugins",
        plugins=plugins,
        errors=errors or {},
    )


@get("/admin/plugins", guards=GUARD)
async def list_plugins(request: Request, viewer: ViewerDep, helpline: HelplineDep) -> Template:
    return await _page(request, helpline)


async def _switch(
    request: Request, viewer: ViewerDep, helpline: Helpline, name: str, enabled: bool
) -> Template | Redirect:
    try:
        await people.set_plugin_enabled(helpline, viewer, name, enabled, ip=client_ip(request))
    except Invalid as exc:
        return await _page(
            request, helpline, {name: exc.message[:1].upper() + exc.message[1:] + "."}, 400
        )
    flash(request, f"{name} is {'on' if enabled else 'off'}.", "success")
    return Redirect("/admin/plugins", status_code=303)


@post("/admin/plugins/{name:str}/enable", guards=GUARD, status_code=200)
async def enable_plugin(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, name: FromPath[str]
) -> Template | Redirect:
    return await _switch(request, viewer, helpline, name, True)


@post("/admin/plugins/{name:str}/disable", guards=GUARD, status_code=200)
async def disable_plugin(
    request: Request, viewer: ViewerDep, helpline: HelplineDep, name: FromPath[str]
) -> Template | Redirect:
    return await _switch(request, viewer, helpline, name, False)


ROUTES = [list_plugins, enable_plugin, disable_plugin]
