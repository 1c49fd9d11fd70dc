"""The plugin's page, `/p/greeter/`, and the small templates its panel uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpline_web.auth import ViewerDep, requires
from helpline_web.context import page
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, get
from markupsafe import Markup

from helpline_greeter.notes import latest

_PARTIALS = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def render(name: str, **context: Any) -> Markup:
    """A small template of this plugin rendered to HTML (autoescaped), for panels."""
    return Markup(_PARTIALS.get_template(name).render(**context))


# `requires` checks the permission on the server: hiding a link is never the only protection.
@get("/", guards=[requires("greeter.manage")], name="greeter-index")
async def index(request: Request, viewer: ViewerDep) -> Any:
    """The latest notes, newest first."""
    return await page(request, "greeter:index.html", notes=await latest())


ROUTES = [index]
