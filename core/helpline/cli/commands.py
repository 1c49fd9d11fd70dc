"""Installing and administering a desk: init, migrate, users, tokens, worker."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

import click

from helpline import jobs
from helpline.cli.base import (
    CliState,
    applied_migrations,
    display_url,
    pass_state,
)
from helpline.errors import Invalid
from helpline.runtime import Helpline
from helpline.services import setup
from helpline.services import users as user_service
from helpline.tables import Role


async def _install(helpline: Helpline) -> list[tuple[str, str]]:
    """Migrate and seed defaults; the migrations applied now, as (app, id)."""
    before = await applied_migrations()
    await setup.install(helpline)
    return sorted(await applied_migrations() - before)


def _echo_migrations(applied: list[tuple[str, str]]) -> None:
    if not applied:
        click.echo("Database schema is up to date; no migrations to run.")
    for app, name in applied:
        click.echo(f"Applied migration {app} {name}")
    click.echo("Default roles, statuses, priorities and ticket types are in place.")


@click.command()
@click.option("--admin-email", required=True, help="Email of the first administrator.")
@click.option(
    "--admin-password",
    required=True,
    envvar="HELPLINE_ADMIN_PASSWORD",
    help="Their password (or set HELPLINE_ADMIN_PASSWORD).",
)
@click.option("--admin-name", default="Administrator", show_default=True)
@pass_state
def init(state: CliState, admin_email: str, admin_password: str, admin_name: str) -> None:
    """Create the data dir and database, migrate, seed defaults and add an admin."""
    settings = state.settings
    settings.data_path.mkdir(parents=True, exist_ok=True)
    try:
        email = user_service.normalize_email(admin_email, "admin-email")
    except Invalid as exc:
        raise click.ClickException(str(exc)) from exc

    async def work(helpline: Helpline) -> tuple[list[tuple[str, str]], int | None, int | None]:
        applied = await _install(helpline)
        existing = await user_service.find_user_id(email)
        if existing is not None:
            return applied, existing, None
        try:
            admin = await user_service.create_user(
                helpline, email=email, name=admin_name, role="admin", password=admin_password
            )
        except Invalid as exc:
            raise Invalid(f"admin-{exc.field}", exc.message) from exc
        return applied, None, admin.id

    applied, existing, created = state.run(work, needs_schema=False)
    click.echo(f"Data directory: {settings.data_path}")
    click.echo(f"Database: {display_url(settings.database)}")
    _echo_migrations(applied)
    if existing is not None:
        click.echo(f"Admin {email} already exists (user {existing}); left unchanged.")
    else:
        click.echo(f"Created admin {email} (user {created}).")
    click.echo(f"Next: helpline --data-dir {settings.data_path} serve")


@click.command()
@pass_state
def migrate(state: CliState) -> None:
    """Apply pending migrations of the core and every installed plugin, then seed defaults."""
    click.echo(f"Database: {display_url(state.settings.database)}")
    _echo_migrations(state.run(_install, needs_schema=False))


# -- users and tokens ----------------------------------------------------------------------------


@click.group()
def users() -> None:
    """Manage users."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", default="", help="Display name (default: the email's local part).")
@click.option("--role", required=True, help="A role name: agent, manager, admin, customer, …")
@click.option("--password", default=None, help="Leave out for a user who cannot log in yet.")
@pass_state
def create_user(state: CliState, email: str, name: str, role: str, password: str | None) -> None:
    """Create an agent, manager, admin or customer."""

    async def work(helpline: Helpline) -> Any:
        roles = [r["name"] for r in await Role.select(Role.name).order_by(Role.name)]
        if role not in roles:
            raise Invalid("role", f"unknown role {role!r}; choose one of: {', '.join(roles)}")
        return await user_service.create_user(
            helpline, email=email, name=name, role=role, password=password
        )

    user = state.run(work)
    click.echo(f"Created user {user.id}: {user.email} ({user.role})")


@click.group()
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.option("--user", "email", required=True, help="Email of the user the token acts as.")
@click.option("--name", default="", help="What the token is for.")
@pass_state
def create_token(state: CliState, email: str, name: str) -> None:
    """Create an API token and print it (only the token, so scripts can capture it)."""

    async def work(helpline: Helpline) -> str:
        user_id = await user_service.find_user_id(email)
        if user_id is None:
            raise Invalid("user", f"no user with email {email.strip().lower()}")
        return await user_service.create_token(helpline, user_id, name=name)

    click.echo(state.run(work))


# -- worker --------------------------------------------------------------------------------------


@click.command()
@click.option("--once", is_flag=True, help="Run the jobs due now, then exit.")
@pass_state
def worker(state: CliState, once: bool) -> None:
    """Run background jobs until SIGINT or SIGTERM."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("piccolo").setLevel(logging.WARNING)  # it logs the SQLite version at start
    if once:
        count = state.run(jobs.run_pending)
        click.echo(f"Ran {count} job{'' if count == 1 else 's'}.")
        return
    state.run(_work_until_signalled)


async def _work_until_signalled(helpline: Helpline) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    click.echo(f"Worker {jobs.worker_name()} started; Ctrl-C stops it.", err=True)
    await jobs.work(helpline, stop)
    click.echo("Worker stopped.", err=True)
