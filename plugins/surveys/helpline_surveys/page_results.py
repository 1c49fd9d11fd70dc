"""`/p/surveys/`: CSAT %, NPS, response rate and comments per agent and team, for managers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, get
from litestar.exceptions import PermissionDeniedException

from helpline.tables import Role, Team, User
from helpline_surveys import results
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import page

STAFF = [requires(staff=True)]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@get("/", guards=STAFF)
async def results_page(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Any:
    from helpline_surveys import sees_results

    if not sees_results(viewer):
        raise PermissionDeniedException("You do not have permission to open this page.")
    query = request.query_params
    start = results.parse_day(query.get("from"))
    end = results.parse_day(query.get("to"))
    if start is None and not query.get("from"):
        start = (helpline.now() - timedelta(days=30)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
    filters = {
        "start": start,
        "end": end + timedelta(days=1) if end else None,
        "team": _int(query.get("team")),
        "agent": _int(query.get("agent")),
    }
    data = await results.summary(viewer, **filters)
    teams = await Team.select(Team.id, Team.name).order_by(Team.name)
    agents = (
        await User.select(User.id, User.name)
        .where(User.role.is_in(Role.select(Role.id).where(Role.staff == True)))  # noqa: E712
        .order_by(User.name)
    )
    return await page(
        request,
        "surveys:results.html",
        data=data,
        teams=teams,
        agents=agents,
        chosen={
            "from": start.strftime("%Y-%m-%d") if start else "",
            "to": end.strftime("%Y-%m-%d") if end else "",
            "team": filters["team"],
            "agent": filters["agent"],
        },
    )


ROUTES = [results_page]
