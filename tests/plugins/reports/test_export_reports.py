"""Exports: CSV and XLSX of reports and of the raw ticket list, every row, right headers."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime

from helpline_reports.metrics import TICKET_COLUMNS

RANGE = "start=2025-01-06&end=2025-01-07"


async def _tickets(factory, clock, n):
    clock.freeze(datetime(2025, 1, 6, 9, tzinfo=UTC))
    for _ in range(n):
        await factory.ticket()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """Rows of the first sheet (inline strings and numbers) read with zipfile."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet):
        cells = re.findall(r"<c [^>]*?(?:/>|>(.*?)</c>)", row)
        rows.append([re.sub(r"<[^>]+>", "", c) for c in cells])
    return rows


async def test_the_raw_ticket_list_downloads_as_csv_with_every_row(api, factory, clock, manager):
    await _tickets(factory, clock, 5)
    client = await api(manager)
    response = await client.get(f"/api/v1/reports/tickets.csv?{RANGE}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == TICKET_COLUMNS
    assert len(rows) == 6


async def test_the_raw_ticket_list_downloads_as_xlsx(api, factory, clock, manager):
    await _tickets(factory, clock, 4)
    client = await api(manager)
    response = await client.get(f"/api/v1/reports/tickets.xlsx?{RANGE}")
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["content-type"]
    rows = _xlsx_rows(response.content)
    assert len(rows) == 5  # header + 4 tickets
    assert len(rows[0]) == len(TICKET_COLUMNS)


async def test_a_report_downloads_as_csv_and_xlsx(api, factory, clock, manager):
    await _tickets(factory, clock, 2)
    client = await api(manager)
    response = await client.get(f"/api/v1/reports/volume?{RANGE}&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["day", "created", "solved", "reopened"],
        ["2025-01-06", "2", "0", "0"],
        ["2025-01-07", "0", "0", "0"],
    ]
    response = await client.get(f"/api/v1/reports/volume?{RANGE}&format=xlsx")
    assert len(_xlsx_rows(response.content)) == 3


async def test_streaming_pages_through_more_rows_than_one_batch(helpline, factory, clock, manager):
    from helpline_reports.metrics import Filters, iter_ticket_rows

    await _tickets(factory, clock, 7)
    filters = Filters.from_query({"start": "2025-01-06", "end": "2025-01-06"})
    rows = [r async for r in iter_ticket_rows(helpline, manager, filters, batch=3)]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert len({r[0] for r in rows}) == 7
