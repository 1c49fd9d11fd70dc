"""`helpline serve`: the web application under uvicorn."""

from __future__ import annotations

import asyncio
import os

import click

from helpline import db
from helpline.cli.base import CliState, display_url, pass_state, schema_ready
from helpline.runtime import Helpline

#: Seconds a stop waits for requests in flight; live (SSE) streams never finish by themselves.
SHUTDOWN_GRACE = 5


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.option(
    "--workers",
    default=1,
    type=click.IntRange(min=1),
    show_default=True,
    help="Web processes; more than one needs a shared session store and PostgreSQL for best use.",
)
@click.option(
    "--worker/--no-worker",
    "job_worker",
    default=None,
    help="Run a job worker inside the web process(es) [default: the `worker` setting].",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
@pass_state
def serve(
    state: CliState, host: str, port: int, workers: int, job_worker: bool | None, log_level: str
) -> None:
    """Serve the web UI and the API."""
    try:
        import uvicorn

        from helpline_web.app import create_app
    except ImportError as exc:
        raise click.ClickException(
            f"`helpline serve` needs the web package (helpline-web with uvicorn): {exc}"
        ) from exc
    settings = state.settings
    ready, pending = asyncio.run(_has_schema(settings.database))
    if not ready:
        raise click.ClickException(
            f"the database {display_url(settings.database)} has no Helpline tables yet: "
            "run `helpline init` first"
        )
    if pending:
        # E.g. a plugin was installed since the last migrate: its tables do not exist yet.
        names = ", ".join(f"{app} {mid}" for app, mid in pending)
        raise click.ClickException(
            f"{len(pending)} migration(s) not applied yet ({names}): run `helpline migrate` first"
        )
    click.echo(f"Helpline on http://{host}:{port} (data: {settings.data_path})", err=True)
    if workers > 1:
        # Each worker process imports the app itself and reads its settings from the environment.
        os.environ["HELPLINE_DATA_DIR"] = str(settings.data_path)
        if job_worker is not None:
            os.environ["HELPLINE_WORKER"] = "true" if job_worker else "false"
        uvicorn.run(
            "helpline_web.asgi:app",
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            timeout_graceful_shutdown=SHUTDOWN_GRACE,
        )
        return
    app = create_app(Helpline(settings), worker=job_worker)
    uvicorn.run(
        app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=SHUTDOWN_GRACE
    )


async def _has_schema(url: str) -> tuple[bool, list[tuple[str, str]]]:
    try:
        async with db.connected(url):
            return await schema_ready(), await db.pending_migrations()
    except Exception as exc:
        raise click.ClickException(f"cannot open {display_url(url)}: {exc}") from exc
