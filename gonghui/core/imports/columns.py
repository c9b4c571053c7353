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
    rows: Sequence[tuple[int, list]], columns: Sequence[Column]
) -> tuple[int, list] | None:
    """The first row that names at least two of our columns (or the only required one):
    exports often carry a title row or two above the headers."""
    needed = min(2, len(columns))
    for number, cells in rows:
        if len(match_columns(cells, columns)) >= needed:
            return number, cells
    return None
