"""`helpline plugins …`: list and inspect, scaffold a new plugin, install and uninstall."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click
import pluggy

from helpline import HOOK_API_VERSION, __version__
from helpline.cli.base import CliState, pass_state, plugin_manager
from helpline.plugins import DEFAULT_PLUGINS, describe_plugins, not_loaded
from helpline.plugins import ENTRY_POINT_GROUP as GROUP
from helpline.runtime import Helpline
from helpline.scaffold import ScaffoldError, create_plugin
from helpline.settings import Settings

#: Distributions `plugins uninstall` refuses to remove: Helpline itself.
CORE_DISTRIBUTIONS = frozenset({"helpline-core", "helpline-web", "helpline"})


@click.group()
def plugins() -> None:
    """List, create, install and uninstall plugins."""


# -- list ----------------------------------------------------------------------------------------


@plugins.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("-v", "--verbose", is_flag=True, help="Also list permissions, routes and tables.")
@pass_state
def list_plugins(state: CliState, as_json: bool, verbose: bool) -> None:
    """Each plugin's version, state, hook API range and what it adds; warns about misfits."""
    described = asyncio.run(_describe(state.settings))
    if as_json:
        click.echo(json.dumps(described, indent=2))
        return
    rows = [("NAME", "VERSION", "ENABLED", "API", "HOOKS")] + [
        (p["name"], p["version"], "yes" if p["enabled"] else "no", p["api"] or "-",
         ", ".join(p["hooks"]))
        for p in described
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        line = "  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(row[:4]))
        click.echo(f"{line}  {row[4]}".rstrip())
    if verbose:
        for p in described:
            click.echo(f"\n{p['name']}")
            for key in ("permissions", "routes", "api_routes", "tables"):
                click.echo(f"  {key.replace('_', ' ')}: {', '.join(p[key]) or '-'}")
    click.echo(f"\nCore {__version__}, hook API {HOOK_API_VERSION}.")
    for p in described:
        if p["problem"] and not p["builtin"]:
            click.echo(f"warning: {p['name']}: {p['problem']}", err=True)


async def _describe(settings: Settings) -> list[dict[str, Any]]:
    pm = plugin_manager(settings)
    helpline, disabled = await _runtime(settings, pm)
    try:
        described = describe_plugins(pm, disabled, helpline)
    finally:
        if helpline is not None:
            await helpline.stop()
    loaded = {p["name"] for p in described}
    # Installed but kept out at start (plugins / disable_plugins settings): listed as disabled.
    versions = {name: __version__ for name in DEFAULT_PLUGINS}
    versions |= {ep.name: ep.dist.version if ep.dist else "" for ep in entry_points(group=GROUP)}
    for name, version in versions.items():
        if name not in loaded:
            described.append(not_loaded(name, version))
    return sorted(described, key=lambda p: p["name"])


async def _runtime(
    settings: Settings, pm: pluggy.PluginManager
) -> tuple[Helpline | None, set[str]]:
    """A started runtime and the plugins an admin switched off, when the database is reachable
    and migrated; else (None, no plugins)."""
    try:
        helpline = Helpline(settings, pm=pm)
    except Exception:  # no database yet: every loaded plugin counts as enabled
        return None, set()
    try:
        await helpline.start()
    except Exception:
        with contextlib.suppress(Exception):
            await helpline.stop()
        return None, set()
    return helpline, set(helpline.disabled)


# -- new -----------------------------------------------------------------------------------------


@plugins.command("new")
@click.argument("name")
@click.option(
    "--dir",
    "parent",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to create the package in.",
)
def new_plugin(name: str, parent: Path) -> None:
    """Create a plugin package NAME: entry point, hooks, a page, a table and its migration,
    a job, a command, tests and a README — its tests pass as generated."""
    try:
        target = create_plugin(name, parent)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {target}")
    click.echo(f"Next: pip install -e {target} (into Helpline's environment), helpline migrate,")
    click.echo(f"      and run its tests: cd {target} && pytest")


# -- install / uninstall -------------------------------------------------------------------------


def _installer(*args: str) -> list[str]:
    """The package installer for this environment: uv when present (its venvs have no pip)."""
    uv = shutil.which("uv")
    if uv:
        return [uv, "pip", *args, "--python", sys.executable]
    return [sys.executable, "-m", "pip", *args]


def _run(command: list[str]) -> None:
    click.echo("$ " + " ".join(command))
    done = subprocess.run(command)
    if done.returncode != 0:
        raise click.ClickException(f"{command[0]} failed with status {done.returncode}")


def _migrate(state: CliState) -> None:
    # A new process: this one has already read the entry points and imported the old code.
    _run([sys.executable, "-m", "helpline.cli", "--data-dir", state.data_dir, "migrate"])


@plugins.command("install")
@click.argument("requirements", nargs=-1, required=True)
@click.option("--no-migrate", is_flag=True, help="Do not run `helpline migrate` afterwards.")
@pass_state
def install(state: CliState, requirements: tuple[str, ...], no_migrate: bool) -> None:
    """Install plugins (PyPI names, wheels or folders) into Helpline's environment, then
    migrate the database when the data dir exists. Restart `serve` and workers to load them."""
    _run(_installer("install", *requirements))
    if not no_migrate and Path(state.data_dir).is_dir():
        _migrate(state)
    elif not no_migrate:
        click.echo(f"No desk in {state.data_dir} yet: `helpline init` will create the tables.")
    click.echo("Installed. Restart `helpline serve` and `helpline worker` to load the plugins.")


@plugins.command("uninstall")
@click.argument("names", nargs=-1, required=True)
def uninstall(names: tuple[str, ...]) -> None:
    """Remove installed plugins (by plugin name, e.g. `sla`, or distribution name). Their
    tables and data stay in the database; reinstalling picks them up again."""
    installed = {ep.name: ep.dist.name for ep in entry_points(group=GROUP) if ep.dist}
    distributions = set()
    for name in names:
        dist = installed.get(name) or next(
            (d for d in installed.values() if d.lower() == name.lower()), None
        )
        if dist is None:
            raise click.ClickException(f"no installed plugin named {name!r}")
        if dist.lower() in CORE_DISTRIBUTIONS:
            raise click.ClickException(f"{dist} is Helpline itself, not a plugin")
        distributions.add(dist)
    command = _installer("uninstall", *sorted(distributions))
    if command[1] == "-m":  # pip asks for confirmation; uv does not
        command.append("-y")
    _run(command)
    click.echo("Uninstalled; the plugins' tables and data stay in the database.")
