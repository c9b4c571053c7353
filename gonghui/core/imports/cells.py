"""Turning spreadsheet cells into the values people meant.

Cells arrive as str, float, int, bool, date, datetime or time (calamine) or str (csv). A
column of numbers that Excel stored as floats ("13812345678.0") is still the number typed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext_lazy as _

from gonghui.core.identity import IdentityError, normalise_text

EXCEL_EPOCH = date(1899, 12, 30)
DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
MONTH_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cell_text(value: object) -> str:
    """A cell as the text a person would read in it, normalised (core.identity)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return normalise_text(value)


def cell_date(value: object, *, today: date) -> date | None:
    """A date written any of the usual ways: a real date cell, 2021-03-04, 2021/3/4,
    2021.3.4, 2021年3月4日, 20210304, 2021-03 (the first of the month), or an Excel serial
    number. Raises IdentityError with the reason for anything else or a future date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif is_number(value):
        if not 1 <= value < 2958466:
            raise IdentityError(_("Not a date."))
        result = EXCEL_EPOCH + timedelta(days=int(value))
    else:
        result = _parse_date_text(normalise_text(value))
    if result > today:
        raise IdentityError(_("The date is in the future."))
    return result


def _parse_date_text(text: str) -> date:
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            break
    else:
        match = MONTH_PATTERN.match(text)
        if not match:
            raise IdentityError(_("Not a date; write it as 2021-03-04."))
        year, month, day = int(match[1]), int(match[2]), 1
    try:
        return date(year, month, day)
    except ValueError:
        raise IdentityError(_("This date does not exist.")) from None
