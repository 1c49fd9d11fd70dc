"""The runtime every service, command and request works through: settings, plugins, database."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgspec
import pluggy
from piccolo.engine.base import Engine

from helpline import commit, db
from helpline.errors import SettingsError
from helpline.hookspecs import ADDED_ARGUMENTS
from helpline.plugins import ESSENTIAL_PLUGINS, make_plugin_manager, resolve
from helpline.registry import Permission
from helpline.settings import Settings

log = logging.getLogger("helpline")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Helpline:
    """Holds the settings, the plugin manager and the engine; passed in, never a global."""

    def __init__(
        self,
        settings: Settings,
        pm: pluggy.PluginManager | None = None,
        engine: Engine | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.pm = pm or make_plugin_manager(settings.plugins, settings.disable_plugins)
        self.engine = engine or db.make_engine(settings.database)
        self.clock = clock
        #: Plugins switched off at run time by an admin (PluginState rows).
        self.disabled: set[str] = set()
        self.permissions: dict[str, Permission] = {}
        self.job_handlers: dict[str, Callable[..., Any]] = {}
        #: Job kind → the plugin that registered its handler.
        self.job_owners: dict[str, str] = {}
        self.plugin_settings: dict[str, Any] = {}
        self.started = False
        self._states_loaded_at = 0.0
        self._plugin_state_table = False

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        # Registrations first: bad plugin settings fail before the database is touched.
        self._collect_registrations()
        db.use_engine(self.engine)
        await db.connect(self.engine)
        await self.load_plugin_states()
        self.started = True
        await self.hook("helpline_started", helpline=self)

    async def stop(self) -> None:
        await db.disconnect(self.engine)
        self.started = False

    def _collect_registrations(self) -> None:
        self.permissions = {}
        for plugin, perms in self.each("register_permissions"):
            for perm in perms or []:
                self.permissions.setdefault(perm.code, msgspec.structs.replace(perm, plugin=plugin))
        self.job_handlers, self.job_owners = {}, {}
        for plugin, handlers in self.each("register_job_handlers"):
            # As with permissions, the first plugin in call order wins (defaults run last).
            for kind, handler in (handlers or {}).items():
                if kind not in self.job_handlers:
                    self.job_handlers[kind] = handler
                    self.job_owners[kind] = plugin
        self.plugin_settings = {}
        for plugin, schema in self.each("register_settings"):
            if schema is None:
                continue
            raw = self.settings.plugin.get(plugin, {})
            try:
                self.plugin_settings[plugin] = msgspec.convert(raw, schema, strict=False)
            except msgspec.ValidationError as exc:
                raise _settings_error(plugin, exc) from exc

    # -- hooks -------------------------------------------------------------------------------

    def each(self, name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a registration hook plugin by plugin: `(plugin name, result)` pairs."""
        kwargs = with_added_arguments(name, kwargs)
        results = []
        for impl in reversed(getattr(self.pm.hook, name).get_hookimpls()):
            args = {key: kwargs[key] for key in impl.argnames}
            results.append((impl.plugin_name, impl.function(**args)))
        return results

    def caller(self, name: str) -> Any:
        hook = getattr(self.pm.hook, name)
        if not self.disabled:
            return hook
        plugins = [p for n in self.disabled if (p := self.pm.get_plugin(n)) is not None]
        return self.pm.subset_hook_caller(name, remove_plugins=plugins)

    async def hook(self, name: str, **kwargs: Any) -> list[Any]:
        """Call a hook on every enabled plugin and resolve each result."""
        results = self.caller(name)(**with_added_arguments(name, kwargs))
        resolved = []
        for index, result in enumerate(results):
            try:
                resolved.append(await resolve(result))
            except BaseException:
                for pending in results[index + 1 :]:  # never leave a coroutine un-awaited
                    if inspect.iscoroutine(pending):
                        pending.close()
                raise
        return resolved

    async def hook_first(self, name: str, **kwargs: Any) -> Any:
        """Call a `firstresult` hook and resolve the winning answer."""
        return await resolve(self.caller(name)(**with_added_arguments(name, kwargs)))

    # -- plugin state ------------------------------------------------------------------------

    async def load_plugin_states(self) -> None:
        """Read which plugins an admin switched off (on this runtime's own engine)."""
        self._states_loaded_at = time.monotonic()
        if not await self._has_plugin_states():  # not migrated yet (`helpline init` runs next)
            return
        rows = await db.fetch(self.engine, "SELECT name, enabled FROM plugin_state")
        self.disabled = {r["name"] for r in rows if not r["enabled"]} - ESSENTIAL_PLUGINS

    async def _has_plugin_states(self) -> bool:
        if self._plugin_state_table:
            return True
        if self.is_postgres:
            sql = "SELECT to_regclass('plugin_state') IS NOT NULL AS found"
        else:
            sql = (
                "SELECT count(*) > 0 AS found FROM sqlite_master "
                "WHERE type = 'table' AND name = 'plugin_state'"
            )
        self._plugin_state_table = bool(await db.fetchval(self.engine, sql))
        return self._plugin_state_table

    async def refresh_plugin_states(self, max_age: float = 2.0) -> None:
        """Re-read plugin switches when older than `max_age` seconds (other processes flip them)."""
        if time.monotonic() - self._states_loaded_at >= max_age:
            await self.load_plugin_states()

    async def set_plugin_enabled(self, name: str, enabled: bool) -> None:
        """Switch an installed plugin on or off for every process sharing the database."""
        from helpline.errors import Invalid

        if self.pm.get_plugin(name) is None:
            raise Invalid("plugin", f"no plugin named {name!r} is loaded")
        if name in ESSENTIAL_PLUGINS and not enabled:
            raise Invalid("plugin", f"{name} is essential and cannot be disabled")
        was_on = await db.fetchval(
            self.engine, "SELECT enabled FROM plugin_state WHERE name = {}", name
        )
        await db.fetch(
            self.engine,
            "INSERT INTO plugin_state (name, enabled, settings, updated_at) "
            "VALUES ({}, {}, {}, {}) ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled, "
            "updated_at = excluded.updated_at",
            name,
            enabled,
            "{}",
            self.now(),
        )
        await self.load_plugin_states()
        if enabled and was_on is not None and not was_on:
            # Switched back on: let plugins catch up on what happened while it was off.
            await self.hook("plugin_enabled", helpline=self, plugin=name)

    def is_enabled(self, name: str) -> bool:
        return self.pm.get_plugin(name) is not None and name not in self.disabled

    # -- database ----------------------------------------------------------------------------

    def transaction(self) -> Any:
        """`async with helpline.transaction():` one write transaction; nested ones join it."""
        return commit.Transaction(db.transaction(self.engine), self.engine)

    def after_commit(self, callback: Callable[[], Any]) -> Any:
        """Run `callback` (sync or async, no arguments) once the open transaction commits.

        Dropped if it rolls back; run at once when no transaction is open (an async callback is
        then started as a task, which is returned).
        """
        return commit.after_commit(self.engine, callback)

    @property
    def is_postgres(self) -> bool:
        return db.is_postgres(self.engine)

    def now(self) -> datetime:
        return self.clock()


def with_added_arguments(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` plus the defaults of arguments added to hook `name` that the caller left out."""
    added = ADDED_ARGUMENTS.get(name)
    return {**added, **kwargs} if added else kwargs


def _settings_error(plugin: str, exc: msgspec.ValidationError) -> SettingsError:
    """`plugin.<name>.<key>: <problem>` from msgspec's "<problem> - at `$.<key>`"."""
    message, marker, path = str(exc).rpartition(" - at `$")
    if not marker:
        message, path = str(exc), ""
    return SettingsError(f"plugin.{plugin}{path.rstrip('`')}: {message}")
