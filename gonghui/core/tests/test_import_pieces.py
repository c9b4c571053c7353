"""A big xlsx sheet cut into pieces reads exactly as the whole sheet does (calamine is the
reference), whatever the file holds: shared or inline strings, dates in either date
system, numbers, booleans, blank rows and cells, data starting right of column A."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from gonghui.core.imports import pieces
from gonghui.core.imports.reading import cells_of_rows, open_sheet, rows_of


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(pieces, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(pieces, "PIECE_BYTES", 3000)


def _write(path, *, constant_memory=False, date_1904=False, first_column=0):
    book = xlsxwriter.Workbook(
        str(path), {"constant_memory": constant_memory, "date_1904": date_1904}
    )
    sheet = book.add_worksheet("名册")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_string(0, first_column, '职工名册 <row r="9"> & more')  # a title row
    header = ["姓名", "身份证号码", "手机号码", "入会时间", "工龄", "在职", "备注"]
    sheet.write_row(2, first_column, header)
    for n in range(3, 400):
        if n % 37 == 0:
            continue  # a blank row
        c = first_column
        sheet.write_string(n, c, f"职工{n % 50}")
        sheet.write_string(n, c + 1, f"11010119900101{n:04d}")
        sheet.write_number(n, c + 2, 13800000000 + n)
        if n % 5:
            sheet.write_datetime(n, c + 3, date(2000 + n % 20, 1 + n % 12, 1 + n % 28), day)
        sheet.write_number(n, c + 4, n / 7)
        sheet.write_boolean(n, c + 5, n % 2 == 0)
        if n % 11 == 0:
            sheet.write_datetime(n, c + 6, datetime(2021, 3, 4, 5, 6), stamp)
        elif n % 3 == 0:
            sheet.write_string(n, c + 6, "\t说明 “引号” <b>&amp;</b>\n第二行")
        elif n % 13 == 0:
            sheet.write_rich_string(n, c + 6, "普通", book.add_format({"bold": True}), "加粗", "。")
    book.close()
    return path


def _whole(path):
    """calamine's rows of the whole sheet, with the columns left of the first one used
    (which a whole read leaves out; pieces keep the sheet's own columns, A first)."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    pad = [""] * sheet.start[1]
    return [(n, pad + row) for n, row in enumerate(sheet.iter_rows(), start=1) if any(row)]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"constant_memory": True},
        {"date_1904": True},
        {"first_column": 2},
        {"constant_memory": True, "first_column": 1},
    ],
)
def test_a_sheet_read_in_pieces_reads_as_the_whole_sheet(tmp_path, small_pieces, options):
    path = _write(tmp_path / "w.xlsx", **options)
    sheet = open_sheet(path, "w.xlsx")
    batches = list(sheet.batches)
    assert sum(isinstance(b, pieces.Piece) for b in batches) > 5  # it was cut
    assert [(n, row) for n, row in rows_of(batches) if any(row)] == _whole(path)


@pytest.mark.parametrize("options", [{}, {"date_1904": True}, {"first_column": 2}])
def test_a_large_shared_strings_table_is_written_into_the_pieces(
    tmp_path, small_pieces, monkeypatch, options
):
    monkeypatch.setattr(pieces, "MAX_SHARED_STRINGS_BYTES", 10)
    path = _write(tmp_path / "w.xlsx", **options)
    batches = list(open_sheet(path, "w.xlsx").batches)
    assert all(b.workbook is None for b in batches if isinstance(b, pieces.Piece))
    assert [(n, row) for n, row in rows_of(batches) if any(row)] == _whole(path)


def test_rich_text_and_phonetic_guides_are_read_as_their_text():
    strings = pieces._Strings(
        (
            '<sst><si><t xml:space="preserve"> a &amp; b </t></si><si/>'
            "<si><r><rPr><b/></rPr><t>张</t></r><r><t>三</t></r></si>"
            '<si><t>东城</t><rPh sb="0" eb="2"><t>dongcheng</t></rPh><phoneticPr fontId="1"/></si>'
            "</sst>"
        ).encode()
    )
    assert [strings[i] for i in range(4)] == [b" a &amp; b ", b"", "张三".encode(), "东城".encode()]


def test_the_cells_of_some_rows_are_read_from_their_pieces_only(tmp_path, small_pieces):
    path = _write(tmp_path / "w.xlsx", constant_memory=True)
    whole = dict(_whole(path))
    assert cells_of_rows(path, "w.xlsx", {5, 200, 399}) == {n: whole[n] for n in (5, 200, 399)}
