"""`create_app`: the Litestar application around one Helpline runtime."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.logging.config import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin

from helpline import __version__, jobs
from helpline.runtime import Helpline
from helpline_web.api import api_router
from helpline_web.errors import EXCEPTION_HANDLERS
from helpline_web.plugin_routes import plugin_routers


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def create_app(helpline: Helpline, *, worker: bool | None = None) -> Litestar:
    """The whole web application; starts the runtime (and a job worker) unless already started."""
    run_worker = helpline.settings.worker if worker is None else worker

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

    return Litestar(
        route_handlers=[healthz, api_router(), *plugin_routers(helpline)],
        lifespan=[lifespan],
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"helpline": helpline}),
        # Unhandled errors are logged with their traceback; the client sees a plain 500.
        logging_config=LoggingConfig(log_exceptions="always", disable_stack_trace={404, 401, 403}),
        openapi_config=OpenAPIConfig(
            title="Helpline API",
            version=__version__,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
    )
