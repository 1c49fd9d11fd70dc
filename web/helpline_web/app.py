"""`create_app`: the Litestar application around one Helpline runtime."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from litestar import Litestar, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from helpline import __version__, jobs
from helpline.runtime import Helpline
from helpline_web.api import api_router
from helpline_web.api.auth import provide_helpline
from helpline_web.auth import AUTH_ROUTES, current_viewer, provide_viewer
from helpline_web.errors import EXCEPTION_HANDLERS
from helpline_web.live import LIVE_ROUTES, live_channels
from helpline_web.plugin_routes import plugin_routers
from helpline_web.sessions import DatabaseStore, SessionConfig
from helpline_web.templating import WEB_DIR, make_environment, plugin_folders

SESSION_DAYS = 14


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/", include_in_schema=False)
async def home(request: Request) -> Redirect:
    viewer = await current_viewer(request)
    if viewer is None:
        return Redirect("/login")
    return Redirect("/tickets" if viewer.staff else "/portal")


def static_routers(helpline: Helpline) -> list:
    routers = [
        create_static_files_router(path="/static", directories=[WEB_DIR / "static"], name="static")
    ]
    for plugin, folder in plugin_folders(helpline, "static").items():
        routers.append(
            create_static_files_router(
                path=f"/static/{plugin}", directories=[folder], name=f"static-{plugin}"
            )
        )
    return routers


def create_app(helpline: Helpline, *, worker: bool | None = None) -> Litestar:
    """The whole web application; starts the runtime (and a job worker) unless already started."""
    run_worker = helpline.settings.worker if worker is None else worker
    secure = helpline.settings.base_url.startswith("https://")

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owned = not helpline.started
        if owned:
            await helpline.start()
        stop = asyncio.Event()
        task = asyncio.create_task(jobs.work(helpline, stop)) if run_worker else None
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                await task
            if owned:
                await helpline.stop()

    from helpline_web.pages import PAGE_ROUTES

    sessions = SessionConfig(
        store="sessions",
        key="helpline_session",
        max_age=SESSION_DAYS * 86400,
        secure=secure,
        httponly=True,
        samesite="lax",
        exclude=["^/api/", "^/static/", "^/healthz", "^/schema"],
    )
    return Litestar(
        route_handlers=[
            healthz,
            home,
            api_router(),
            *AUTH_ROUTES,
            *PAGE_ROUTES,
            *LIVE_ROUTES,
            *static_routers(helpline),
            *plugin_routers(helpline),
        ],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"helpline": helpline}),
        dependencies={"helpline": Provide(provide_helpline), "viewer": Provide(provide_viewer)},
        stores={"sessions": DatabaseStore(helpline)},
        middleware=[sessions.middleware],
        csrf_config=CSRFConfig(
            secret=helpline.settings.secret_key,
            cookie_name="helpline_csrf",
            cookie_secure=secure,
            cookie_httponly=True,
            exclude=["^/api/", "^/healthz"],
        ),
        template_config=TemplateConfig(
            instance=JinjaTemplateEngine.from_environment(make_environment(helpline))
        ),
        plugins=[HTMXPlugin(), live_channels(helpline)],
        openapi_config=OpenAPIConfig(
            title="Helpline API",
            version=__version__,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
    )
