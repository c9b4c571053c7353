"""The streaming xlsx helper: rows go to disk as they come, never all into memory."""

import tracemalloc
from datetime import date

from python_calamine import CalamineWorkbook

from gonghui.core.exports import write_xlsx_file


def test_values_keep_their_types_and_long_numbers_stay_text(settings):
    handle, count = write_xlsx_file(
        ["a", "b", "c", "d"],
        iter([["110101199003071234", 3, date(2024, 1, 2), None], ["=1+1", 2.5, "", "x"]]),
        sheet_name="测试",
    )
    rows = CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0).to_python()
    assert count == 2
    assert rows[1][:3] == ["110101199003071234", 3, date(2024, 1, 2)]
    assert rows[2][0] == "=1+1"  # written as text, never as a formula


def _peak_memory(rows: int) -> int:
    def generate():
        for n in range(rows):
            yield [f"职工{n}", "110101********1234", "138****5678", n, date(2024, 1, 1), "美团"]

    tracemalloc.start()
    try:
        handle, count = write_xlsx_file(["a", "b", "c", "d", "e", "f"], generate())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    handle.seek(0, 2)
    assert handle.tell() > rows * 20  # the sheet is on disk, in a file that vanishes on close
    handle.close()
    return peak


def test_memory_does_not_grow_with_the_number_of_rows(settings):
    """Written from a generator, five times the rows take no more memory: a million-row
    export costs what a thousand-row one does."""
    small, large = _peak_memory(1_000), _peak_memory(5_000)
    assert large < small * 1.3 and large < 2 * 1024 * 1024, (small, large)
