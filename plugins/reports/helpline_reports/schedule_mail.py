"""What one recipient of a scheduled report gets: the report as CSV and/or XLSX files, computed
as that recipient (with what they may see), and a message linking to the same report.

The files are built with the export code the downloads use (`helpline_reports.export`). A file
larger than MAX_FILE_BYTES (the raw ticket list of a busy desk) is not attached; the message says
so and the links stay the way to it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from helpline.errors import Forbidden, Invalid, NotFound
from helpline.model import Actor, NotificationAttachment
from helpline.runtime import Helpline
from helpline_reports import export
from helpline_reports.downloads import MEDIA, TICKETS
from helpline_reports.metrics import TICKET_COLUMNS, Filters, iter_ticket_rows, run_report

#: Attachment formats a schedule may choose (stored in `ReportSchedule.formats`).
FORMATS = {"both": "CSV and Excel (XLSX)", "csv": "CSV", "xlsx": "Excel (XLSX)"}
#: A file larger than this is not attached (mail servers refuse big messages).
MAX_FILE_BYTES = 10 * 1024 * 1024


def extensions(formats: str) -> list[str]:
    return ["csv", "xlsx"] if formats not in ("csv", "xlsx") else [formats]


async def _collect(chunks: AsyncIterator[bytes], limit: int) -> bytes | None:
    """The whole file, or None as soon as it grows past `limit` (the stream is closed then)."""
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                return None
            parts.append(chunk)
    finally:
        await chunks.aclose()  # the XLSX writer removes its temporary file
    return b"".join(parts)


async def _source(
    helpline: Helpline, person: Actor, name: str, filters: Filters
) -> tuple[list[str], Callable[[], AsyncIterator[list[Any]]], str]:
    """Header, a maker of row iterators (one per file) and a sheet title, run as `person`."""
    if name == TICKETS:
        from helpline_reports.runner import check

        check(person)
        return list(TICKET_COLUMNS), lambda: iter_ticket_rows(helpline, person, filters), "Tickets"
    report = await run_report(helpline, person, name, filters)
    return list(report.columns), lambda: export.report_rows(report), report.label


async def report_files(
    helpline: Helpline, person: Actor, name: str, filters: Filters, formats: str
) -> tuple[list[NotificationAttachment], str]:
    """The files to attach for `person`, and a sentence for the message when there are none."""
    try:
        header, rows, title = await _source(helpline, person, name, filters)
    except NotFound:
        return [], "The report is no longer available, so nothing is attached."
    except (Forbidden, Invalid) as exc:
        return [], f"Nothing is attached: {exc}."
    limit = MAX_FILE_BYTES
    files = []
    for ext in extensions(formats):
        chunks = (
            export.csv_stream(header, rows())
            if ext == "csv"
            else export.xlsx_stream(title, header, rows())
        )
        data = await _collect(chunks, limit)
        if data is None:
            return [], (
                f"The {ext.upper()} file would be larger than {limit // (1024 * 1024)} MB, so "
                "nothing is attached: download the report from the link below."
            )
        files.append(
            NotificationAttachment(
                filename=export.filename(name, filters, ext),
                content_type=MEDIA[ext].split(";")[0],
                data=data,
            )
        )
    return files, ""


def message(
    helpline: Helpline,
    schedule: dict[str, Any],
    label: str,
    filters: Filters | None,
    files: list[NotificationAttachment],
    note: str,
    link: str,
    query: str,
    link_days: int,
) -> str:
    """The text of the notification (plain text: every channel can carry it)."""
    span = f" for {filters.start.isoformat()} to {filters.end.isoformat()}" if filters else ""
    lines = [f"Your scheduled report “{schedule['name']}” ({label}{span}) is ready.", ""]
    if files:
        lines += ["Attached: " + ", ".join(f.filename for f in files) + ".", ""]
    if note:
        lines += [note, ""]
    if schedule["report"] != TICKETS:
        base = helpline.settings.base_url.rstrip("/")
        lines += [f"See it in Helpline:\n{base}/p/reports/view/{schedule['report']}?{query}", ""]
    lines += [
        f"Download it as CSV (no sign-in needed; the link works for {link_days} days):\n{link}"
    ]
    return "\n".join(lines) + "\n"
