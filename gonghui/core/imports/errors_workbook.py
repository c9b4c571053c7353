"""The workbook of rejected rows: the user's own columns and cells, a reason column first
in line of sight, and the original row number, so fixing and re-uploading is easy."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from django.utils.translation import gettext as _


def write_errors_workbook(path: Path, headers: list, rows: list[tuple[int, list, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet(_("Rejected rows")[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#FCE4E4"})
    text = workbook.add_format({"num_format": "@"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    titles = [_("Row"), _("Reason"), *(str(h) for h in headers)]
    for col, title in enumerate(titles):
        sheet.write_string(0, col, title, bold)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, len(titles), 16, text)
    for line, (number, cells, reason) in enumerate(rows, start=1):
        sheet.write_number(line, 0, number)
        sheet.write_string(line, 1, reason)
        for col, value in enumerate(cells, start=2):
            if isinstance(value, (datetime, date)):
                sheet.write_datetime(line, col, value, date_format)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(line, col, value)
            else:
                sheet.write_string(line, col, "" if value is None else str(value), text)
    sheet.freeze_panes(1, 2)
    workbook.close()
    os.chmod(path, 0o600)  # it holds the rows as uploaded, personal data included
