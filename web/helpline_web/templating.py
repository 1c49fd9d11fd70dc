"""One Jinja environment: core templates and each plugin's `templates/` under a `<slug>:` prefix."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

from helpline.runtime import Helpline

WEB_DIR = Path(__file__).parent


def plugin_dir(helpline: Helpline, name: str, folder: str) -> Path | None:
    """A plugin's packaged folder (`templates`, `static`) found by convention next to its module."""
    plugin = helpline.pm.get_plugin(name)
    module = getattr(plugin, "__name__", None) or type(plugin).__module__
    if not module:
        return None
    # A plugin that is itself a package (`helpline_automation.webhooks`) owns the folders next to
    # its own `__init__`; any other plugin object those of its top-level package.
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        spec = importlib.util.find_spec(module.split(".")[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    candidate = Path(next(iter(spec.submodule_search_locations))) / folder
    return candidate if candidate.is_dir() else None


def plugin_folders(helpline: Helpline, folder: str) -> dict[str, Path]:
    found = {}
    for name, _plugin in helpline.pm.list_name_plugin():
        if name.startswith("core.") or name.startswith("web."):
            continue
        path = plugin_dir(helpline, name, folder)
        if path is not None:
            found[name] = path
    return found


def make_environment(helpline: Helpline) -> Environment:
    loaders: list[Any] = [FileSystemLoader(WEB_DIR / "templates")]
    prefixed = {
        name: FileSystemLoader(path) for name, path in plugin_folders(helpline, "templates").items()
    }
    if prefixed:
        loaders.append(PrefixLoader(prefixed, delimiter=":"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        enable_async=False,
    )
    env.filters["ago"] = _ago
    env.filters["dt"] = _datetime
    return env


def _datetime(value: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) if value else ""


def _ago(value: Any) -> str:
    """`5 min ago`, `3 h ago`, `2 d ago`: compact relative times for lists."""
    if value is None:
        return ""
    from datetime import UTC, datetime

    seconds = (datetime.now(UTC) - value).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"
