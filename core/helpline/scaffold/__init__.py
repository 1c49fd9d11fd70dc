"""`helpline plugins new NAME`: a ready plugin package in the shape of Helpline's own plugins.

The files under `plugin/` are templates: `__slug__` in a path and `{{slug}}`, `{{Slug}}`,
`{{title}}`, `{{dist}}`, `{{api_range}}`, `{{core_version}}` and `{{migration_id}}` (the
creation time) in a file are replaced; the `.tmpl` suffix keeps them from being linted or
imported as they are.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from helpline import HOOK_API_VERSION, __version__

TEMPLATE = Path(__file__).parent / "plugin"
SLUG = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
#: Slugs that would clash with the core's own names, URL prefixes or commands.
RESERVED = frozenset(
    {"core", "web", "api", "static", "p", "help", "admin", "helpline", "test", "tests"}
    | {"init", "migrate", "serve", "worker", "users", "tokens", "plugins", "demo", "quickstart"}
)


class ScaffoldError(ValueError):
    """The name cannot be used, or the target folder exists."""


def check_slug(slug: str) -> str:
    if not SLUG.match(slug):
        raise ScaffoldError(
            f"{slug!r} is not a plugin name: use 2 to 31 lowercase letters, digits or _, "
            "starting with a letter (e.g. `greeter`)"
        )
    if slug in RESERVED:
        raise ScaffoldError(f"{slug!r} is reserved by Helpline; pick another name")
    return slug


def api_range(version: str = HOOK_API_VERSION) -> str:
    # The new plugin uses nothing added after x.0, so it runs on every core of this major version.
    major = int(version.split(".")[0])
    return f">={major}.0,<{major + 1}"


def values(slug: str) -> dict[str, str]:
    return {
        "{{slug}}": slug,
        "{{Slug}}": "".join(part.capitalize() for part in slug.split("_")),
        "{{title}}": " ".join(part.capitalize() for part in slug.split("_")),
        "{{dist}}": "helpline-" + slug.replace("_", "-"),
        "{{api_range}}": api_range(),
        "{{core_version}}": __version__,
        # Piccolo migration IDs are timestamps and must not repeat across apps.
        "{{migration_id}}": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S:%f"),
    }


def render(text: str, replacements: dict[str, str]) -> str:
    for token, value in replacements.items():
        text = text.replace(token, value)
    return text


def create_plugin(slug: str, parent: Path) -> Path:
    """Write the package for plugin `slug` into `parent/helpline-<slug>`; return that folder."""
    replacements = values(check_slug(slug))
    target = parent / replacements["{{dist}}"]
    if target.exists():
        raise ScaffoldError(f"{target} already exists; nothing was written")
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE).as_posix().removesuffix(".tmpl")
        path = target / relative.replace("__slug__", slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(source.read_text(), replacements))
    return target
