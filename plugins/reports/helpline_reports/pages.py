"""Report pages under `/p/reports/`: one page per report with its filter form, charts, table,
totals against the previous period and downloads."""

from __future__ import annotations

import logging
from typing import Annotated

from litestar import Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream, Template

from helpline.errors import HelplineError, Invalid, NotFound
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline_reports import present
from helpline_reports.charts import Kind, figure
from helpline_reports.dashboard import ROUTES as DASHBOARD_ROUTES
from helpline_reports.dimensions import expressions
from helpline_reports.downloads import MEDIA, TICKETS, stream
from helpline_reports.form import FilterForm, choices, read, today_for
from helpline_reports.metrics import REPORTS, run_report
from helpline_reports.overtime import COLUMNS as OVER_TIME
from helpline_reports.overtime import created_by
from helpline_reports.runner import available
from helpline_reports.schedule_pages import ROUTES as SCHEDULE_ROUTES
from helpline_reports.widgets import VIEW
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import page

log = logging.getLogger("helpline.reports")
Format = Annotated[str, QueryParameter(description="csv or xlsx")]


@get("/view/{name:str}", guards=[requires(VIEW, staff=True)], name="reports-view")
async def report_page(
    request: Request, helpline: HelplineDep, viewer: ViewerDep, name: FromPath[str]
) -> Template:
    """A report: the filter form (htmx re-renders on change), charts, table and totals."""
    specs = await available(helpline)
    spec = specs.get(name)
    if spec is None:
        raise NotFound(f"no report named {name!r}")
    form = read(
        request.query_params,
        today_for(helpline, viewer),
        default_group_by=None,
        dimensions=await expressions(helpline),
    )
    context = {
        "spec": spec,
        "specs": specs,
        "form": form,
        "options": await choices(helpline, viewer),
        "report": None,
        "failed": False,
        "figures": [],
        "totals": [],
        "full_table": False,
        "cell": present.cell,
        "media": MEDIA,
    }
    if form.filters is not None:
        try:
            report = await run_report(helpline, viewer, name, form.filters)
        except HelplineError:
            raise
        except Exception:
            if name in REPORTS:
                raise
            # Another plugin's report failed: say so on the page rather than a bare error.
            log.exception("the contributed report %s failed", name)
            context["failed"] = True
        else:
            figures = await _over_time(helpline, viewer, name, form)
            context.update(
                report=report,
                figures=figures + present.figures(report, form.values["chart"]),
                totals=present.totals(report),
                full_table=present.full_table(report),
                headers=present.headers(report),
            )
    status = 400 if form.errors else 200
    response = await page(request, "reports:report.html", status_code=status, **context)
    response.headers["Vary"] = "HX-Request"
    # Filter changes push a clean address: the preset, not the dates it stood for.
    response.headers["HX-Push-Url"] = f"/p/reports/view/{name}?{form.query}"
    return response


async def _over_time(helpline: Helpline, viewer: Actor, name: str, form: FilterForm) -> list:
    """Volume split by channel, team… is drawn over time too: created per day per group."""
    group_by = form.filters.group_by if form.filters else None
    if name != "volume" or group_by not in OVER_TIME:
        return []
    chart = form.values["chart"]
    kind: Kind = chart if chart in ("line", "bar") else "stacked"  # type: ignore[assignment]
    found = await created_by(helpline, viewer, form.filters, group_by, kind=kind)
    return [figure(found)] if found is not None else []


@get("/download/{name:str}", guards=[requires(VIEW, staff=True)], name="reports-download")
async def download(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    name: FromPath[str],
    format: Format = "csv",
) -> Stream:
    """The report (or `tickets`: the raw ticket list) as CSV or XLSX, with the page's filters."""
    form = read(
        request.query_params, today_for(helpline, viewer), dimensions=await expressions(helpline)
    )
    if form.filters is None:
        field, message = next(iter(form.errors.items()))
        raise Invalid(field, message)
    if name != TICKETS and name not in await available(helpline):
        raise NotFound(f"no report named {name!r}")
    return await stream(helpline, viewer, name, form.filters, format)


ROUTES = [*DASHBOARD_ROUTES, report_page, download, *SCHEDULE_ROUTES]
