"""`helpline quickstart`: a desk to look at in one command — init, demo data once, serve."""

from __future__ import annotations

import click

from helpline.cli.base import CliState, pass_state
from helpline.cli.commands import init
from helpline.cli.demo import demo
from helpline.cli.serve import serve
from helpline.tables import Ticket

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-password"


@click.command()
@click.option(
    "--tickets",
    default=2000,
    show_default=True,
    type=click.IntRange(min=0),
    help="Demo tickets to create the first time (none when the desk has tickets).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.pass_context
@pass_state
def quickstart(state: CliState, ctx: click.Context, tickets: int, host: str, port: int) -> None:
    """Initialise the data dir (admin@example.com / admin-password), add demo data, serve."""
    ctx.invoke(
        init, admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD, admin_name="Administrator"
    )

    async def count(_helpline: object) -> int:
        return await Ticket.count()

    if tickets and state.run(count) == 0:
        ctx.invoke(demo, tickets=tickets, seed=1)
    click.echo(f"\nSign in at http://{host}:{port}/login as {ADMIN_EMAIL} / {ADMIN_PASSWORD}")
    click.echo("Demo agents and customers use the password printed by the demo step.\n")
    ctx.invoke(serve, host=host, port=port, workers=1, job_worker=None, log_level="info")
