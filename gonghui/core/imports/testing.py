"""Writing small spreadsheets in every format we read, for tests and samples."""

from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter


def write_xlsx(path: Path, rows: list[list], *, text_columns: set[int] = frozenset()) -> Path:
    """Numbers stay numbers (as Excel would keep a pasted ID) unless the column is text."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    text = workbook.add_format({"num_format": "@"})
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (date, datetime)):
                sheet.write_datetime(r, c, value, dates)
            elif isinstance(value, (int, float)) and c not in text_columns:
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value), text)
    workbook.close()
    return path


def write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xls(path: Path, rows: list[list]) -> Path:
    import xlwt  # test-only dependency: the old binary format, as old systems export it

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value if not isinstance(value, date) else value.isoformat())
    book.save(str(path))
    return path


ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/"
  manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""
ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Sheet1">{rows}</table:table>
</office:spreadsheet></office:body></office:document-content>"""


def write_ods(path: Path, rows: list[list]) -> Path:
    """A minimal OpenDocument spreadsheet (what WPS and LibreOffice save), all cells text."""

    def cell(value) -> str:
        text = "" if value is None else str(value)
        return (
            f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p>'
            "</table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", ODS_CONTENT.format(rows=body))
    return path
