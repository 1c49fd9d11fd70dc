"""MkDocs hooks: pages generated from the code when the site is built.

- `api-reference.md` from the OpenAPI schema of the app as installed. The schema is built the
  way `helpline serve` builds it (core, web and every installed plugin), so the reference always
  matches the code: an endpoint added without docs still appears, with whatever its docstring
  and parameter descriptions say.
- `first-party/<slug>.md` from each first-party plugin's README, listed under "Plugins" in the nav.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File

METHODS = ("get", "post", "put", "patch", "delete")
ROOT = Path(__file__).parents[2]


def plugin_readmes() -> dict[str, Path]:
    """Slug → README of every plugin in the repository (a sub-plugin's README sits in its
    package, e.g. `plugins/automation/helpline_automation/webhooks/README.md`)."""
    found = {path.parent.name: path for path in sorted(ROOT.glob("plugins/*/README.md"))}
    for path in sorted(ROOT.glob("plugins/*/helpline_*/*/README.md")):
        found[path.parent.name] = path
    return dict(sorted(found.items()))


def on_config(config: Any) -> Any:
    pages = [{slug: f"first-party/{slug}.md"} for slug in plugin_readmes()]
    config["nav"].insert(3, {"Plugins": pages})
    return config


def schema() -> dict[str, Any]:
    from helpline.runtime import Helpline
    from helpline.settings import Settings
    from helpline_web.app import create_app

    with tempfile.TemporaryDirectory() as data_dir:
        helpline = Helpline(Settings(data_dir=data_dir, secret_key="docs"))
        app = create_app(helpline, worker=False)
        return app.openapi_schema.to_schema()


def _cell(text: str) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def render(spec: dict[str, Any]) -> str:
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in sorted(spec["paths"].items()):
        if not path.startswith("/api/"):
            continue
        for method in METHODS:
            if (operation := item.get(method)) is not None:
                tag = (operation.get("tags") or ["core"])[0]
                by_tag.setdefault(tag, []).append((path, method, operation))
    lines = [
        "# API reference",
        "",
        "Generated from the OpenAPI schema when this site is built; a running desk serves the",
        "same schema at `/schema` (Swagger UI at `/schema/swagger`). See the [API guide](api.md)",
        "for authentication, errors and paging.",
        "",
    ]
    for tag in sorted(by_tag, key=lambda t: (t != "tickets", t)):
        lines += [f"## {tag}", ""]
        for path, method, operation in by_tag[tag]:
            lines += [f"### `{method.upper()} {path}`", ""]
            summary = operation.get("summary") or ""
            description = operation.get("description") or ""
            for text in dict.fromkeys([summary, description]):
                if text:
                    lines += [text.strip(), ""]
            params = operation.get("parameters") or []
            if params:
                lines += ["| parameter | in | required | description |", "|---|---|---|---|"]
                for p in params:
                    lines.append(
                        f"| `{p['name']}` | {p['in']} | {'yes' if p.get('required') else 'no'} "
                        f"| {_cell(p.get('description', ''))} |"
                    )
                lines.append("")
            codes = ", ".join(f"`{code}`" for code in sorted(operation.get("responses") or {}))
            if codes:
                lines += [f"Responses: {codes}.", ""]
    return "\n".join(lines) + "\n"


def on_files(files: Any, config: Any) -> Any:
    files.append(File.generated(config, "api-reference.md", content=render(schema())))
    for slug, readme in plugin_readmes().items():
        files.append(File.generated(config, f"first-party/{slug}.md", content=readme.read_text()))
    return files
