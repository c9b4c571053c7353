"""Columns of an import and finding them among a sheet's headers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

from gonghui.core.identity import normalise_text

# Decorations people put around header text: "* 姓名", "姓名（必填）", "手机号码:".
HEADER_NOISE = re.compile(r"[\s*＊:：]|[(（][^)）]*[)）]")


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise  # the header we write in templates and error workbooks
    aliases: tuple[str, ...] = ()  # other headers that mean this column
    required: bool = False
    help: str | Promise = ""
    names: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "names", frozenset(clean_header(h) for h in (str(self.label), *self.aliases))
        )


def clean_header(header: object) -> str:
    return HEADER_NOISE.sub("", normalise_text(header)).lower()


def match_columns(
    headers: Sequence[object], columns: Sequence[Column], mapping: dict[str, str] | None = None
) -> dict[str, int]:
    """{column key: index in the row}. ``mapping`` (key -> header text as in the file) is the
    user's choice for headers we do not recognise, and wins over the aliases."""
    cleaned = [clean_header(h) for h in headers]
    found: dict[str, int] = {}
    for column in columns:
        wanted = (mapping or {}).get(column.key)
        if wanted:
            target = clean_header(wanted)
            if target in cleaned:
                found[column.key] = cleaned.index(target)
            continue
        for index, header in enumerate(cleaned):
            if header in column.names and index not in found.values():
                found[column.key] = index
                break
    return found


def find_header_row(
    rows: Sequence[tuple[int, list]],
    columns: Sequence[Column],
    mapping: dict[str, str] | None = None,
) -> tuple[int, list] | None:
    """The first row that names at least two of our columns, or every header the user chose
    in ``mapping``: exports often carry a title row or two above the headers, and a sheet
    whose headers we recognise none of is read once the user has said which is which."""
    needed = min(2, len(columns))
    chosen = {key for key, header in (mapping or {}).items() if header}
    for number, cells in rows:
        found = match_columns(cells, columns, mapping)
        if len(found) >= needed or (chosen and chosen <= found.keys()):
            return number, cells
    return None


def likely_header_row(
    rows: Sequence[tuple[int, list]], columns: Sequence[Column]
) -> tuple[int, list] | None:
    """The row to offer when asking the user which column is which: the recognised header
    row, else the row with the most text cells (a title row above has only one)."""
    found = find_header_row(rows, columns)
    if found:
        return found

    def text_cells(row: tuple[int, list]) -> int:
        return sum(isinstance(cell, str) and bool(cell.strip()) for cell in row[1])

    best = max(rows, key=text_cells, default=None)  # the first of equals
    return best if best is not None and text_cells(best) else None
