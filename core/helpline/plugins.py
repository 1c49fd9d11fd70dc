"""Plugin host: the manager factory, entry-point discovery and resolving hook results."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, entry_points, packages_distributions, version
from typing import Any

import pluggy

from helpline import hookspecs
from helpline.compat import declared_range, incompatibility
from helpline.errors import SettingsError

ENTRY_POINT_GROUP = "helpline"

log = logging.getLogger("helpline.plugins")

#: The core's own defaults, registered like any plugin so a third party can replace them.
DEFAULT_PLUGINS: dict[str, str] = {
    "core.permissions": "helpline.defaults.permissions",
    "core.roles": "helpline.defaults.roles",
    "core.values": "helpline.defaults.values",
}
#: Defaults that refuse to be disabled: without them nothing can be checked.
ESSENTIAL_PLUGINS = frozenset({"core.permissions"})


def installed_plugins() -> dict[str, str]:
    """Plugin name → module path of every installed plugin (entry points in group `helpline`)."""
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def piccolo_app_modules() -> list[str]:
    """Piccolo app modules of the core and of every installed plugin, enabled or not."""
    modules = ["helpline.piccolo_app"]
    for module in installed_plugins().values():
        candidate = f"{module.split(':')[0]}.piccolo_app"
        try:
            if importlib.util.find_spec(candidate) is not None:
                modules.append(candidate)
        except ModuleNotFoundError:
            continue
    return modules


def make_plugin_manager(
    allow: Iterable[str] | None = None,
    disable: Iterable[str] = (),
    extra: Iterable[tuple[str, object]] = (),
) -> pluggy.PluginManager:
    """Build a plugin manager with the defaults, the installed plugins and `extra` (name, plugin).

    `allow` (HELPLINE_PLUGINS) limits which installed plugins load; the defaults and `extra` are
    not subject to it. `disable` (HELPLINE_DISABLE_PLUGINS) blocks any plugin but the essential
    ones, which refuse with a SettingsError. Misspelled hook implementations fail here too
    (`pluggy.PluginValidationError`).
    """
    pm = pluggy.PluginManager("helpline")
    pm.add_hookspecs(hookspecs)
    #: Plugins not loaded because they declare a hook API range excluding this core: name → why.
    pm.helpline_refused = {}  # type: ignore[attr-defined]
    allowed = set(allow) if allow is not None else None
    blocked = set(disable)
    if refused := sorted(blocked & ESSENTIAL_PLUGINS):
        raise SettingsError(
            f"disable_plugins: {', '.join(refused)} is essential and cannot be disabled"
        )
    for name in blocked:
        pm.set_blocked(name)
    for name, module in DEFAULT_PLUGINS.items():
        if name not in blocked:
            pm.register(importlib.import_module(module), name=name)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in blocked or (allowed is not None and ep.name not in allowed):
            continue
        _register(pm, ep.load(), ep.name)
    for name, plugin in extra:
        if name not in blocked:
            _register(pm, plugin, name)
    pm.check_pending()
    return pm


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    """Register a plugin, first adding the hooks it offers to other plugins, if any.

    A plugin offers hooks by naming a module or class of `@helpline.hookspec` functions in its
    `helpline_hookspecs` attribute. Other plugins implement them with
    `@hookimpl(optionalhook=True)`, so they still load when the offering plugin is absent.
    A plugin whose declared hook API range (`helpline_api`) excludes this core is left out.
    """
    if (problem := incompatibility(plugin)) is not None:
        log.warning("plugin %s is not loaded: it %s", name, problem)
        pm.helpline_refused[name] = problem  # type: ignore[attr-defined]
        return
    if (specs := getattr(plugin, "helpline_hookspecs", None)) is not None:
        pm.add_hookspecs(specs)
    pm.register(plugin, name=name)


async def resolve(value: Any) -> Any:
    """A hook result may be a value, an awaitable or a callable returning either."""
    if callable(value) and not inspect.isclass(value):
        value = value()
    if inspect.isawaitable(value):
        value = await value
    return value


def plugin_version(
    pm: pluggy.PluginManager, name: str, distributions: dict[str, list[str]] | None = None
) -> str:
    """The version of the distribution that ships a plugin ("" when it is not installed)."""
    if name in DEFAULT_PLUGINS:
        from helpline import __version__

        return __version__
    plugin = pm.get_plugin(name)
    module = plugin.__name__ if inspect.ismodule(plugin) else getattr(plugin, "__module__", "")
    distributions = packages_distributions() if distributions is None else distributions
    for dist in distributions.get((module or "").partition(".")[0], []):
        try:
            return version(dist)
        except PackageNotFoundError:
            continue
    return str(getattr(plugin, "__version__", ""))


def describe_plugins(
    pm: pluggy.PluginManager, disabled: Iterable[str] = (), helpline: Any = None
) -> list[dict[str, Any]]:
    """What each registered plugin is and adds: version, state, hooks, hook API range,
    permissions, page and API routes, and database tables. Refused plugins are listed too."""
    disabled = set(disabled)
    distributions = packages_distributions()
    described = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        if plugin is None:
            continue
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        described.append(
            {
                "name": name,
                "version": plugin_version(pm, name, distributions),
                "enabled": name not in disabled,
                "essential": name in ESSENTIAL_PLUGINS,
                "builtin": name in DEFAULT_PLUGINS,
                "hooks": hooks,
                "api": declared_range(plugin) or "",
                "permissions": _permissions(pm, name),
                "routes": _routes(pm, name, helpline, "register_routes", f"/p/{name}"),
                "api_routes": _routes(pm, name, helpline, "register_api_routes", f"/api/v1/{name}"),
                "tables": plugin_tables(plugin),
                "problem": "" if declared_range(plugin) else "declares no hook API range",
            }
        )
    for name, problem in sorted(getattr(pm, "helpline_refused", {}).items()):
        described.append(not_loaded(name, problem=f"not loaded: it {problem}"))
    return described


def not_loaded(name: str, version: str = "", problem: str = "") -> dict[str, Any]:
    """The description of a plugin that is installed but not loaded: it adds nothing."""
    return {
        "name": name,
        "version": version,
        "enabled": False,
        "essential": False,
        "builtin": name in DEFAULT_PLUGINS,
        "hooks": [],
        "api": "",
        "permissions": [],
        "routes": [],
        "api_routes": [],
        "tables": [],
        "problem": problem,
    }


def _impl(pm: pluggy.PluginManager, hook: str, name: str) -> Any:
    for impl in getattr(pm.hook, hook).get_hookimpls():
        if impl.plugin_name == name:
            return impl
    return None


def _permissions(pm: pluggy.PluginManager, name: str) -> list[str]:
    impl = _impl(pm, "register_permissions", name)
    return sorted(p.code for p in impl.function() or []) if impl else []


def _routes(
    pm: pluggy.PluginManager, name: str, helpline: Any, hook: str, prefix: str
) -> list[str]:
    impl = _impl(pm, hook, name)
    if impl is None:
        return []
    handlers = impl.function(**{arg: helpline for arg in impl.argnames}) or []
    paths = set()
    for handler in handlers:
        for path in getattr(handler, "paths", ()) or ():
            paths.add(prefix + ("" if path == "/" else path))
    return sorted(paths)


def plugin_tables(plugin: object) -> list[str]:
    """Database tables of a plugin's Piccolo app (`<package>.piccolo_app`), if it has one."""
    module = plugin.__name__ if inspect.ismodule(plugin) else type(plugin).__module__
    try:
        if importlib.util.find_spec(f"{module}.piccolo_app") is None:
            return []
    except (ModuleNotFoundError, ValueError):
        return []
    app = importlib.import_module(f"{module}.piccolo_app").APP_CONFIG
    return sorted(table._meta.tablename for table in app.table_classes)
