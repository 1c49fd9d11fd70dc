"""Report pages under `/p/reports/`: one page per report with its filter form, charts, table,
totals against the previous period and downloads."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream, Template

from helpline.errors import Invalid, NotFound
from helpline_reports import present
from helpline_reports.dashboard import ROUTES as DASHBOARD_ROUTES
from helpline_reports.downloads import MEDIA, TICKETS, stream
from helpline_reports.form import choices, read, today_for
from helpline_reports.metrics import run_report
from helpline_reports.runner import available
from helpline_reports.schedule_pages import ROUTES as SCHEDULE_ROUTES
from helpline_reports.widgets import VIEW
from helpline_web.api.auth import HelplineDep
from helpline_web.auth import ViewerDep, requires
from helpline_web.context import page

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
    form = read(request.query_params, today_for(helpline, viewer), default_group_by=None)
    context = {
        "spec": spec,
        "specs": specs,
        "form": form,
        "options": await choices(helpline),
        "report": None,
        "figures": [],
        "totals": [],
        "full_table": False,
        "cell": present.cell,
        "media": MEDIA,
    }
    if form.filters is not None:
        report = await run_report(helpline, viewer, name, form.filters)
        context.update(
            report=report,
            figures=present.figures(report, form.values["chart"]),
            totals=present.totals(report),
            full_table=present.full_table(report),
        )
    status = 400 if form.errors else 200
    response = await page(request, "reports:report.html", status_code=status, **context)
    response.headers["Vary"] = "HX-Request"
    # Filter changes push a clean address: the preset, not the dates it stood for.
    response.headers["HX-Push-Url"] = f"/p/reports/view/{name}?{form.query}"
    return response


@get("/download/{name:str}", guards=[requires(VIEW, staff=True)], name="reports-download")
async def download(
    request: Request,
    helpline: HelplineDep,
    viewer: ViewerDep,
    name: FromPath[str],
    format: Format = "csv",
) -> Stream:
    """The report (or `tickets`: the raw ticket list) as CSV or XLSX, with the page's filters."""
    form = read(request.query_params, today_for(helpline, viewer))
    if form.filters is None:
        field, message = next(iter(form.errors.items()))
        raise Invalid(field, message)
    if name != TICKETS and name not in await available(helpline):
        raise NotFound(f"no report named {name!r}")
    return await stream(helpline, viewer, name, form.filters, format)


ROUTES = [*DASHBOARD_ROUTES, report_page, download, *SCHEDULE_ROUTES]
