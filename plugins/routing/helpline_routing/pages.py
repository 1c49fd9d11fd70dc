"""The plugin's pages under `/p/routing/`."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Redirect

from helpline_routing.guards import STAFF
from helpline_routing.page_load import ROUTES as LOAD_ROUTES
from helpline_routing.page_me import ROUTES as ME_ROUTES
from helpline_routing.page_rules import ROUTES as RULE_ROUTES
from helpline_routing.page_teams import ROUTES as TEAM_ROUTES


@get("/", guards=STAFF)
async def index(request: Request) -> Redirect:
    return Redirect("/p/routing/me")


ROUTES = [index, *ME_ROUTES, *LOAD_ROUTES, *TEAM_ROUTES, *RULE_ROUTES]
