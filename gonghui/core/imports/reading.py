"""Reading a sheet of rows from xlsx, xls, ods or csv, with the sheet's own row numbers.

A sheet comes as batches of rows: lists (or iterators) of (row number, cells), and for a
big xlsx file ``Piece``s, slices of the sheet that whoever checks them reads (core.imports
.pieces), so that neither this process nor any other holds the whole sheet at once.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from gonghui.core.errors import ApplicationError
from gonghui.core.imports.pieces import Piece, split_sheet

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
SUFFIXES = SPREADSHEET_SUFFIXES | {".csv"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel in China saves csv as GBK by default
HEADER_SEARCH_ROWS = 10


Batch = Iterable[tuple[int, list]] | Piece


@dataclass
class Sheet:
    """The rows of the first worksheet, in batches (see the module's docstring)."""

    batches: Iterator[Batch]
    total: int  # rows in the sheet, header and title rows included (an estimate if cut)

    @property
    def rows(self) -> Iterator[tuple[int, list]]:
        """(spreadsheet row number, cells), every batch read here; take it once."""
        return rows_of(self.batches)


def rows_of(batches: Iterable[Batch]) -> Iterator[tuple[int, list]]:
    for batch in batches:
        yield from batch.rows() if isinstance(batch, Piece) else batch


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
    if suffix in {".xlsx", ".xlsm"}:
        split = split_sheet(path)
        if split is not None:
            return Sheet(batches=_chain(split), total=split.total)
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except (CalamineError, ValueError, IndexError) as exc:
        raise ApplicationError(
            _("The file cannot be read as a spreadsheet: is it damaged or protected?")
        ) from exc
    # iter_rows starts at the sheet's first row (blank rows above the data included), so
    # the n-th row it yields is row n of the spreadsheet, as the user sees it in Excel.
    total = (sheet.start[0] + sheet.height) if sheet.start else 0
    return Sheet(batches=iter([enumerate(sheet.iter_rows(), start=1)]), total=total)


def _chain(split) -> Iterator[Batch]:
    yield split.head
    yield from split.pieces


def cells_of_rows(path: Path, file_name: str, wanted: set[int]) -> dict[int, list]:
    """The cells of these rows, reading only the pieces that hold them (the errors workbook
    of a big file needs the original cells of rows found bad in another process)."""
    ordered = sorted(wanted)
    found: dict[int, list] = {}
    for batch in open_sheet(path, file_name).batches:
        if isinstance(batch, Piece):
            at = bisect_left(ordered, batch.first_row)
            if at == len(ordered) or ordered[at] > batch.last_row:
                continue
            batch = batch.rows()
        found.update((number, cells) for number, cells in batch if number in wanted)
        if len(found) == len(wanted):
            break
    return found


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
    return Sheet(batches=iter([enumerate(reader, start=1)]), total=len(lines))
