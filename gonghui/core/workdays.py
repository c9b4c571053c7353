"""China's working-day calendar: public holidays and make-up working days (调休上班).

Every year the General Office of the State Council (国务院办公厅) publishes which days are
off around the statutory holidays and which weekend days become working days to pay for the
longer breaks. The tables below copy those notices:

- 2024: 国务院办公厅关于2024年部分节假日安排的通知, 国办发明电〔2023〕7号, 2023-10-25.
- 2025: 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 2024-11-12
  (the first year with 除夕 and 5月2日 as statutory holidays).
- 2026: 国务院办公厅关于2026年部分节假日安排的通知, dated 2025-11-04, as published by
  新华社 (e.g. politics.gmw.cn/2025-11/04/content_38391083.htm); the document number is not
  quoted there, so it is not quoted here.

A "public holiday" here is a day inside a break the notice lists (放假 / 放假调休), weekend
days inside the break included. Where a notice only says a holiday "joins the weekend"
(与周末连休, e.g. 2024's 元旦 and 端午) the weekend days stay ordinary weekend days.
Years without a notice in this table fall back to the plain week (Monday to Friday working);
``calendar_known`` tells a caller whether a date is covered. Add each year's notice here as
soon as it is published (usually in October or November).
"""

from __future__ import annotations

from datetime import date, timedelta


def _days(first: str, last: str | None = None) -> list[date]:
    start = date.fromisoformat(first)
    end = date.fromisoformat(last) if last else start
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


# (break first day, last day) per holiday, and the make-up working days, per notice.
_BREAKS: dict[int, list[tuple[str, str | None]]] = {
    2024: [
        ("2024-01-01", None),  # 元旦, 与周末连休
        ("2024-02-10", "2024-02-17"),  # 春节
        ("2024-04-04", "2024-04-06"),  # 清明节
        ("2024-05-01", "2024-05-05"),  # 劳动节
        ("2024-06-10", None),  # 端午节, 与周末连休
        ("2024-09-15", "2024-09-17"),  # 中秋节
        ("2024-10-01", "2024-10-07"),  # 国庆节
    ],
    2025: [
        ("2025-01-01", None),  # 元旦, 不调休
        ("2025-01-28", "2025-02-04"),  # 春节
        ("2025-04-04", "2025-04-06"),  # 清明节
        ("2025-05-01", "2025-05-05"),  # 劳动节
        ("2025-05-31", "2025-06-02"),  # 端午节
        ("2025-10-01", "2025-10-08"),  # 国庆节、中秋节
    ],
    2026: [
        ("2026-01-01", "2026-01-03"),  # 元旦
        ("2026-02-15", "2026-02-23"),  # 春节
        ("2026-04-04", "2026-04-06"),  # 清明节
        ("2026-05-01", "2026-05-05"),  # 劳动节
        ("2026-06-19", "2026-06-21"),  # 端午节
        ("2026-09-25", "2026-09-27"),  # 中秋节
        ("2026-10-01", "2026-10-07"),  # 国庆节
    ],
}
_MAKEUP: dict[int, list[str]] = {
    2024: ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14"]
    + ["2024-09-29", "2024-10-12"],
    2025: ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
    2026: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
}

PUBLIC_HOLIDAYS: frozenset[date] = frozenset(
    day for breaks in _BREAKS.values() for first, last in breaks for day in _days(first, last)
)
MAKEUP_WORKING_DAYS: frozenset[date] = frozenset(
    date.fromisoformat(day) for days in _MAKEUP.values() for day in days
)
KNOWN_YEARS: frozenset[int] = frozenset(_BREAKS)


def calendar_known(day: date) -> bool:
    """Whether the State Council notice for ``day``'s year is in the table."""
    return day.year in KNOWN_YEARS


def is_public_holiday(day: date) -> bool:
    """A day of an official holiday break (weekend days inside the break included)."""
    return day in PUBLIC_HOLIDAYS


def is_makeup_working_day(day: date) -> bool:
    """A Saturday or Sunday that the notice turns into a working day (调休上班)."""
    return day in MAKEUP_WORKING_DAYS


def is_working_day(day: date) -> bool:
    """Monday to Friday unless inside a holiday break; a weekend day only if it is a make-up
    working day."""
    if day in PUBLIC_HOLIDAYS:
        return False
    if day in MAKEUP_WORKING_DAYS:
        return True
    return day.weekday() < 5


def add_working_days(day: date, n: int) -> date:
    """The ``n``-th working day after ``day`` (before it for negative ``n``).

    ``add_working_days(d, 0)`` is ``d`` itself, working day or not. Deadlines such as "within
    5 working days of the notice" are ``add_working_days(notice_day, 5)``.
    """
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(first: date, last: date) -> int:
    """How many working days lie in ``first`` .. ``last``, both included."""
    if last < first:
        return 0
    return sum(is_working_day(first + timedelta(days=n)) for n in range((last - first).days + 1))
