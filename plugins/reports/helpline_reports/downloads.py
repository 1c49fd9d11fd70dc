"""Downloads for signed-in pages and signed links: any report, or the raw tickets, as CSV or XLSX.

The REST API's exports (`/api/v1/reports/…`) take bearer tokens; a browser has a session, so the
report pages link here instead. Both stream through `helpline_reports.export` (no row cap).
"""

from __future__ import annotations

from typing import Any

from litestar.response import Stream

from helpline.errors import Invalid
from helpline.model import Actor
from helpline.runtime import Helpline
from helpline_reports import export
from helpline_reports.metrics import TICKET_COLUMNS, Filters, iter_ticket_rows, run_report

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: The raw ticket list is downloadable under this name, next to the reports.
TICKETS = "tickets"


async def stream(helpline: Helpline, actor: Actor, name: str, filters: Filters, fmt: str) -> Stream:
    """A streamed download of report `name` (or the raw tickets) as the actor sees it."""
    if fmt not in MEDIA:
        raise Invalid("format", "use csv or xlsx")
    if name == TICKETS:
        from helpline_reports.runner import check

        check(actor)  # before the first byte: a refusal must be a clean 403, not a cut stream
        header: list[str] = list(TICKET_COLUMNS)
        rows: Any = iter_ticket_rows(helpline, actor, filters)
        title = "Tickets"
    else:
        report = await run_report(helpline, actor, name, filters)
        header, rows, title = list(report.columns), export.report_rows(report), report.label
    body = (
        export.csv_stream(header, rows)
        if fmt == "csv"
        else export.xlsx_stream(title, header, rows)  # the sheet name is made safe there
    )
    return Stream(
        body,
        media_type=MEDIA[fmt],
        headers={
            "Content-Disposition": (
                f'attachment; filename="{export.filename(name, filters, fmt)}"'
            ),
            "Cache-Control": "no-store",
        },
    )
