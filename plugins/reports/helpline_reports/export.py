"""Streamed CSV and XLSX of reports and of the raw ticket list (no row cap, constant memory)."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date, datetime
from typing import Any

import msgspec

from helpline_reports.metrics import Report

CHUNK = 64 * 1024


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def _line(values: Iterable[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_cell(v) for v in values])
    return out.getvalue()


def report_csv_lines(report: Report) -> Iterator[str]:
    yield _line(report.columns)
    for row in report.rows:
        yield _line(row)


def report_json(report: Report) -> bytes:
    return msgspec.json.encode(report)


async def csv_stream(header: list[str], rows: AsyncIterator[list[Any]]) -> AsyncIterator[bytes]:
    """CSV text in chunks of about 64 KiB (a UTF-8 BOM first so spreadsheets read accents)."""
    buffer = ["\ufeff" + _line(header)]
    size = 0
    async for row in rows:
        line = _line(row)
        buffer.append(line)
        size += len(line)
        if size >= CHUNK:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode()


async def _aiter(rows: Iterable[list[Any]]) -> AsyncIterator[list[Any]]:
    for row in rows:
        yield row


def report_rows(report: Report) -> AsyncIterator[list[Any]]:
    return _aiter(report.rows)


def sheet_name(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters (UTF-16 units), none of
    []:*?/\\, no apostrophe at either end."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip(" '")
    while len(name.encode("utf-16-le")) > 62:
        name = name[:-1]
    return name.strip(" '") or "Report"


async def xlsx_stream(
    title: str, header: list[str], rows: AsyncIterator[list[Any]]
) -> AsyncIterator[bytes]:
    """Write an XLSX (xlsxwriter, constant_memory) into a temp file, stream it, delete it.

    `title` names the worksheet, made acceptable to Excel by `sheet_name`."""
    import xlsxwriter

    handle, path = tempfile.mkstemp(prefix="helpline-report-", suffix=".xlsx")
    os.close(handle)
    try:
        book = xlsxwriter.Workbook(
            path, {"constant_memory": True, "remove_timezone": True, "strings_to_numbers": False}
        )
        sheet = book.add_worksheet(sheet_name(title))
        bold = book.add_format({"bold": True})
        stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write_row(0, 0, header, bold)
        number = 0
        async for row in rows:
            number += 1
            for col, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(number, col, value, stamp)
                elif value is None:
                    continue
                elif isinstance(value, bool):
                    sheet.write_boolean(number, col, value)
                elif isinstance(value, int | float):
                    sheet.write_number(number, col, value)
                else:
                    sheet.write_string(number, col, _cell(value))
        await asyncio.to_thread(book.close)
        f = await asyncio.to_thread(open, path, "rb")
        try:
            while chunk := await asyncio.to_thread(f.read, CHUNK):
                yield chunk
        finally:
            f.close()
    finally:
        os.unlink(path)


def filename(name: str, filters: Any, ext: str) -> str:
    return f"{name}-{filters.start.isoformat()}-{filters.end.isoformat()}.{ext}"
