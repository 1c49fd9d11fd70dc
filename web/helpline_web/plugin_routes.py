"""Routes plugins register: pages under `/p/<plugin>/`, API under `/api/v1/<plugin>/`, clean public
pages at the site root (`register_root_routes`); all gated on the plugin being enabled."""

from __future__ import annotations

from litestar import Router
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler

from helpline.runtime import Helpline


async def plugin_enabled(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """A disabled plugin's pages do not exist, whatever links still point at them."""
    helpline: Helpline = connection.app.state.helpline
    await helpline.refresh_plugin_states()
    if not helpline.is_enabled(handler.opt["plugin"]):
        raise NotFoundException()


def plugin_routers(helpline: Helpline) -> list[Router]:
    routers = []
    for plugin, handlers in helpline.each("register_routes", helpline=helpline):
        if handlers:
            routers.append(
                Router(
                    path=f"/p/{plugin}",
                    route_handlers=list(handlers),
                    guards=[plugin_enabled],
                    opt={"plugin": plugin},
                    tags=[plugin],
                )
            )
    for plugin, handlers in helpline.each("register_root_routes", helpline=helpline):
        if handlers:
            routers.append(
                Router(
                    path="/",
                    route_handlers=list(handlers),
                    guards=[plugin_enabled],
                    opt={"plugin": plugin},
                    tags=[plugin],
                )
            )
    from helpline_web.api.auth import provide_actor

    for plugin, handlers in helpline.each("register_api_routes", helpline=helpline):
        if handlers:
            routers.append(
                Router(
                    path=f"/api/v1/{plugin}",
                    route_handlers=list(handlers),
                    guards=[plugin_enabled],
                    dependencies={"actor": Provide(provide_actor)},
                    opt={"plugin": plugin},
                    tags=[plugin],
                )
            )
    return routers
