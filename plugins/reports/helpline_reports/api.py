"""`/api/v1/reports/…`: the report catalogue, any report as JSON, CSV or XLSX, the raw tickets."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream

from helpline.errors import Invalid
from helpline_reports import export
from helpline_reports.dimensions import expressions
from helpline_reports.metrics import (
    TICKET_COLUMNS,
    Filters,
    ReportSpec,
    iter_ticket_rows,
    run_report,
)
from helpline_reports.runner import available, check
from helpline_web.api.auth import ActorDep, HelplineDep

TAGS = ["reports"]
MEDIA = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Text = Annotated[str | None, QueryParameter(required=False)]
Start = Annotated[
    str | None,
    QueryParameter(
        description="First day, YYYY-MM-DD (default: 30 days before end)", required=False
    ),
]
End = Annotated[
    str | None, QueryParameter(description="Last day, YYYY-MM-DD (default: today)", required=False)
]
GroupBy = Annotated[
    str | None,
    QueryParameter(
        description="day, team, agent, channel, type, priority, organization or tag", required=False
    ),
]
Format = Annotated[str, QueryParameter(description="json, csv or xlsx")]


async def report_filters(
    request: Request,
    helpline: HelplineDep,
    start: Start = None,
    end: End = None,
    team_id: Text = None,
    assignee_id: Text = None,
    channel: Text = None,
    type: Text = None,
    priority: Text = None,
    tag: Text = None,
    organization_id: Text = None,
    group_by: GroupBy = None,
) -> Filters:
    """The `filters` dependency of every route: the query parameters, checked (422 naming the
    field on bad input)."""
    query = {
        "start": start,
        "end": end,
        "team_id": team_id,
        "assignee_id": assignee_id,
        "channel": channel,
        "type": type,
        "priority": priority,
        "tag": tag,
        "organization_id": organization_id,
        "group_by": group_by,
    }
    dimensions = await expressions(helpline)  # contributed ones, e.g. the email plugin's mailbox
    query |= {name: request.query_params.get(name) for name in dimensions}
    return Filters.from_query(
        {k: v for k, v in query.items() if v is not None},
        today=helpline.now().date(),
        dimensions=dimensions,
    )


FILTERS = {"filters": Provide(report_filters)}
FiltersDep = NamedDependency[Filters]


def _download(body: Any, name: str, filters: Filters, fmt: str) -> Stream:
    return Stream(
        body,
        media_type=MEDIA[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename(name, filters, fmt)}"'
        },
    )


@get("/", tags=TAGS)
async def list_reports(helpline: HelplineDep, actor: ActorDep) -> list[ReportSpec]:
    """The reports the caller may run (built-in and contributed by plugins)."""
    check(actor)
    return list((await available(helpline)).values())


@get(["/tickets.csv", "/tickets.xlsx"], tags=TAGS, dependencies=FILTERS)
async def export_tickets(
    request: Request, helpline: HelplineDep, actor: ActorDep, filters: FiltersDep
) -> Stream:
    """Every ticket created in the range that the caller may see, one row each (csv or xlsx),
    streamed without a row cap."""
    fmt = request.url.path.rsplit(".", 1)[-1]
    check(actor)
    rows = iter_ticket_rows(helpline, actor, filters)
    body = (
        export.csv_stream(TICKET_COLUMNS, rows)
        if fmt == "csv"
        else export.xlsx_stream("Tickets", TICKET_COLUMNS, rows)
    )
    return _download(body, "tickets", filters, fmt)


@get("/{name:str}", tags=TAGS, dependencies=FILTERS)
async def report(
    helpline: HelplineDep,
    actor: ActorDep,
    name: FromPath[str],
    filters: FiltersDep,
    format: Format = "json",
) -> Response[Any]:
    """Run a report: JSON (the Report: columns, rows, series, totals, previous-period totals),
    or its table as a streamed CSV or XLSX download (`format`)."""
    if format not in ("json", *MEDIA):
        raise Invalid("format", "use json, csv or xlsx")
    result = await run_report(helpline, actor, name, filters)
    if format == "json":
        return Response(export.report_json(result), media_type="application/json")
    rows = export.report_rows(result)
    body = (
        export.csv_stream(result.columns, rows)
        if format == "csv"
        else export.xlsx_stream(result.label, result.columns, rows)
    )
    return _download(body, name, filters, format)


ROUTES = [list_reports, export_tickets, report]
