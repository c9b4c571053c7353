"""Spreadsheet exports that never hold the whole sheet in memory (DESIGN rule 7).

xlsxwriter in ``constant_memory`` mode writes each row out as soon as the next one starts,
into an anonymous temporary file; the response then streams that file, which disappears
when the response is closed. A million-row export therefore costs one row of memory plus
the database driver's fetch buffer (querysets are read with ``.iterator()``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO

import xlsxwriter
from django.conf import settings
from django.http import FileResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx_file(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    sheet_name: str = "Sheet1",
    widths: Sequence[int] = (),
) -> tuple[IO[bytes], int]:
    """Write ``rows`` under ``headers``; (the file, at its start; how many rows)."""
    tmpdir = settings.VAR_DIR / "tmp"
    tmpdir.mkdir(parents=True, exist_ok=True)
    handle = tempfile.TemporaryFile(dir=tmpdir)
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "remove_timezone": True,
            "tmpdir": str(tmpdir),
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F3F5", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, width in enumerate(widths or [14] * len(headers)):
        sheet.set_column(col, col, width, text)
    for col, title in enumerate(headers):
        sheet.write_string(0, col, str(title), bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            _write(sheet, count, col, value, text=text, day=day, moment=moment)
    sheet.autofilter(0, 0, max(count, 1), max(len(headers) - 1, 0))
    workbook.close()
    handle.seek(0)
    return handle, count


def _write(sheet, row: int, col: int, value, *, text, day, moment) -> None:
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        sheet.write_datetime(row, col, value, moment)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    else:
        # IDs and phones stay text: Excel would round an 18-digit number
        sheet.write_string(row, col, str(value), text)


def xlsx_response(handle: IO[bytes], filename: str) -> FileResponse:
    """Stream a written workbook as a download; never cached (it may hold personal data)."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = "no-store"
    return response
