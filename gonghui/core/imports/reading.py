"""Reading a sheet of rows from xlsx, xls, ods or csv, with the sheet's own row numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from gonghui.core.errors import ApplicationError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
SUFFIXES = SPREADSHEET_SUFFIXES | {".csv"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel in China saves csv as GBK by default
HEADER_SEARCH_ROWS = 10


@dataclass
class Sheet:
    """The rows of the first worksheet; ``rows`` yields (spreadsheet row number, cells)."""

    rows: Iterator[tuple[int, list]]
    total: int  # rows in the sheet, header and title rows included


def check_suffix(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ApplicationError(
            _("Upload an xlsx, xls, ods or csv file."), fields={"file": [_("Unsupported file.")]}
        )
    return suffix


def open_sheet(path: Path, file_name: str) -> Sheet:
    suffix = check_suffix(file_name)
    if suffix == ".csv":
        return _csv_sheet(path)
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except (CalamineError, ValueError, IndexError) as exc:
        raise ApplicationError(
            _("The file cannot be read as a spreadsheet: is it damaged or protected?")
        ) from exc
    # iter_rows starts at the sheet's first row (blank rows above the data included), so
    # the n-th row it yields is row n of the spreadsheet, as the user sees it in Excel.
    total = (sheet.start[0] + sheet.height) if sheet.start else 0
    return Sheet(rows=enumerate(sheet.iter_rows(), start=1), total=total)


def _csv_sheet(path: Path) -> Sheet:
    raw = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApplicationError(_("The csv file is neither UTF-8 nor GBK text."))
    lines = text.splitlines()
    dialect = csv.excel_tab if lines and "\t" in lines[0] and "," not in lines[0] else csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return Sheet(rows=enumerate(reader, start=1), total=len(lines))
