"""What every command shares: the lazily loaded settings, the runtime lifecycle, error exits."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlparse

import click
import pluggy

from helpline.errors import HelplineError, SettingsError
from helpline.plugins import make_plugin_manager
from helpline.runtime import Helpline
from helpline.settings import Settings, load_settings

T = TypeVar("T")


class SettingsProblem(click.ClickException):
    """Bad settings: reported on stderr with exit status 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(f"bad settings: {message}")


class CliState:
    """The object behind `click.pass_obj`: the data dir, its settings, and a runtime runner."""

    def __init__(self, data_dir: str) -> None:
        self.data_dir = data_dir
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        # Loaded on first use, so `--help` never touches (or creates) the data dir.
        if self._settings is None:
            try:
                self._settings = load_settings(self.data_dir)
            except SettingsError as exc:
                raise SettingsProblem(str(exc)) from exc
        return self._settings

    def run(self, work: Callable[[Helpline], Awaitable[T]], *, needs_schema: bool = True) -> T:
        """Start the runtime, await `work(helpline)`, always stop; errors become clean exits."""
        return asyncio.run(with_runtime(self.settings, work, needs_schema=needs_schema))


#: Hands a command the `CliState` of the `helpline` group.
pass_state = click.make_pass_decorator(CliState)


def display_url(url: str) -> str:
    """The database URL without its password, fit for printing."""
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@", 1)
    return url


async def with_runtime(
    settings: Settings, work: Callable[[Helpline], Awaitable[T]], *, needs_schema: bool = True
) -> T:
    """Run `work` against a started `Helpline`, translating failures into click exceptions."""
    try:
        helpline = Helpline(settings)
    except Exception as exc:
        raise _start_failure(settings, exc) from exc
    try:
        await helpline.start()
    except Exception as exc:
        await helpline.stop()
        raise _start_failure(settings, exc) from exc
    try:
        if needs_schema and not await schema_ready():
            raise click.ClickException(
                f"the database {display_url(settings.database)} has no Helpline tables yet: "
                "run `helpline init` first"
            )
        return await work(helpline)
    except SettingsError as exc:
        raise SettingsProblem(str(exc)) from exc
    except HelplineError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        await helpline.stop()


def plugin_manager(settings: Settings) -> pluggy.PluginManager:
    """The plugin manager the settings ask for, or a clean exit saying why it cannot be built."""
    try:
        return make_plugin_manager(settings.plugins, settings.disable_plugins)
    except SettingsError as exc:
        raise SettingsProblem(str(exc)) from exc
    except Exception as exc:  # a plugin that fails to import
        raise click.ClickException(f"cannot load plugins: {type(exc).__name__}: {exc}") from exc


def _start_failure(settings: Settings, exc: Exception) -> click.ClickException:
    if isinstance(exc, SettingsError):
        return SettingsProblem(str(exc))
    # An unreachable server, an unwritable file, a plugin failing at start.
    return click.ClickException(
        f"cannot start Helpline on {display_url(settings.database)}: {type(exc).__name__}: {exc}"
    )


async def schema_ready() -> bool:
    """Whether the core tables exist (the engine must already be in use)."""
    from helpline.tables import Ticket

    return await Ticket.table_exists()


async def applied_migrations() -> set[tuple[str, str]]:
    """(app, migration id) of every migration recorded in the database."""
    from piccolo.apps.migrations.tables import Migration

    if not await Migration.table_exists():
        return set()
    rows = await Migration.select(Migration.app_name, Migration.name)
    return {(r["app_name"], r["name"]) for r in rows}


def _env_list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


class HelplineGroup(click.Group):
    """The `helpline` group; commands that plugins register are loaded on first lookup.

    Settings depend on `--data-dir`, parsed after the group exists, so the plugin manager
    for commands honours only HELPLINE_PLUGINS and HELPLINE_DISABLE_PLUGINS.
    """

    #: The plugin selection (HELPLINE_PLUGINS, HELPLINE_DISABLE_PLUGINS) commands were loaded
    #: for, and the built-in commands; a different selection (one process invoking the group
    #: several times, as tests do) reloads the plugins' commands.
    _loaded_for: tuple[str | None, str | None] | None = None
    _builtin: dict[str, click.Command] | None = None

    def _load_plugin_commands(self) -> None:
        selection = (os.environ.get("HELPLINE_PLUGINS"), os.environ.get("HELPLINE_DISABLE_PLUGINS"))
        if self._loaded_for == selection:
            return
        if self._builtin is None:
            self._builtin = dict(self.commands)
        self._loaded_for = selection
        builtin = self._builtin
        self.commands = dict(builtin)
        try:
            pm = make_plugin_manager(
                _env_list("HELPLINE_PLUGINS"), _env_list("HELPLINE_DISABLE_PLUGINS") or ()
            )
            pm.hook.register_commands(cli=self)
        except Exception as exc:  # a broken plugin must not take the core commands down
            click.echo(f"warning: plugin commands not loaded: {exc}", err=True)
        for name, command in builtin.items():
            if self.commands.get(name) is not command:
                click.echo(f"warning: a plugin tried to replace `helpline {name}`", err=True)
                self.commands[name] = command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # Built-in commands resolve without importing any plugin.
        if cmd_name not in self.commands:
            self._load_plugin_commands()
        return super().get_command(ctx, cmd_name)
