"""`/p/reports/` (the manager overview), `/p/reports/me` (an agent's own numbers), live counts."""

from __future__ import annotations

import logging
from datetime import timedelta

from litestar import MediaType, Request, Response, get
from litestar.response import Template
from markupsafe import Markup

from helpline.errors import HelplineError
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline_reports import widgets
from helpline_reports.charts import figure, from_series
from helpline_reports.form import CHANNELS, today_for
from helpline_reports.metrics import REPORTS, Filters, run_report
from helpline_reports.overtime import by_channel
from helpline_reports.runner import available
from helpline_reports.schedule import may_schedule
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import page

VIEW = widgets.VIEW
log = logging.getLogger("helpline.reports")


async def _key_charts(helpline: Helpline, viewer: Actor) -> list[Markup]:
    """Volume and backlog over the last 30 days, as on their report pages."""
    today = today_for(helpline, viewer)
    filters = Filters(start=today - timedelta(days=29), end=today)
    out = []
    created: list = []
    for name in ("volume", "backlog"):
        if name not in REPORTS:
            continue
        try:
            report = await run_report(helpline, viewer, name, filters)
        except HelplineError:
            log.exception("the %s report failed on the dashboard", name)
            continue
        created = report.series.get("created", created)
        if report.series:
            out.append(
                figure(
                    from_series(
                        f"{report.label}, last 30 days",
                        {k.replace("_", " ").capitalize(): v for k, v in report.series.items()},
                        "line",
                        x_title="Day",
                    )
                )
            )
    try:
        split = await by_channel(
            helpline,
            viewer,
            filters,
            created,
            CHANNELS,
            title="Tickets created by channel, last 30 days",
        )
    except HelplineError:
        log.exception("the volume by channel chart failed on the dashboard")
        split = None
    if split is not None:
        out.append(figure(split))
    return out


@get("/", guards=[requires(VIEW, staff=True)], name="reports-overview")
async def overview(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Template:
    """The manager overview: live counts, key charts, other plugins' widgets, every report."""
    return await page(
        request,
        "reports:overview.html",
        live=await widgets.live_widget(helpline, viewer),
        charts=await _key_charts(helpline, viewer),
        others=await widgets.others(helpline, viewer),
        reports=list((await available(helpline)).values()),
        may_schedule=may_schedule(viewer),
    )


@get("/me", guards=[requires(staff=True)], name="reports-me")
async def personal(request: Request, helpline: HelplineDep, viewer: ViewerDep) -> Template:
    """An agent's own dashboard: open tickets, solved this week, median first response."""
    numbers = await widgets.personal(helpline, viewer)
    return await page(
        request,
        "reports:me.html",
        numbers=numbers,
        median=widgets.duration(numbers["median_first_response"]),
        live=await widgets.live_widget(helpline, viewer),
        others=await widgets.others(helpline, viewer),
        may_view=viewer.can(VIEW),
    )


@get("/live", guards=[requires(staff=True)], name="reports-live")
async def live(helpline: HelplineDep, viewer: ViewerDep) -> Response:
    """The live counts alone, for htmx to refresh every minute."""
    html = await widgets.live_widget(helpline, viewer)
    return Response(str(html), media_type=MediaType.HTML, headers={"Cache-Control": "no-store"})


ROUTES = [overview, personal, live]
