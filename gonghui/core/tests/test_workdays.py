"""The working-day calendar against the State Council notices it copies (see workdays.py)."""

from datetime import date, timedelta

import pytest

from gonghui.core.workdays import (
    MAKEUP_WORKING_DAYS,
    PUBLIC_HOLIDAYS,
    add_working_days,
    calendar_known,
    is_makeup_working_day,
    is_public_holiday,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 2, 10),  # 2024 春节, first day (a Saturday inside the break)
        date(2024, 2, 14),
        date(2025, 1, 28),  # 2025 除夕, a statutory holiday from 2025 on
        date(2025, 10, 8),  # 2025 国庆节 and 中秋节 together, 8 days
        date(2026, 1, 3),
        date(2026, 2, 23),  # 2026 春节 runs 9 days, to 正月初七 (a Monday)
        date(2026, 5, 5),
        date(2026, 10, 7),
    ],
)
def test_days_inside_a_break_are_public_holidays_and_not_working_days(day):
    assert is_public_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2024, 2, 4),  # Sunday before 春节
        date(2024, 2, 18),  # Sunday after
        date(2024, 5, 11),  # Saturday
        date(2025, 1, 26),
        date(2025, 10, 11),
        date(2026, 1, 4),  # Sunday after 元旦
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 9, 20),
    ],
)
def test_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert is_makeup_working_day(day)
    assert is_working_day(day)
    assert not is_public_holiday(day)


def test_holiday_joined_to_an_ordinary_weekend_keeps_the_weekend_ordinary():
    # 2024 端午: "6月10日放假，与周末连休": the 8th and 9th are plain weekend days.
    assert is_public_holiday(date(2024, 6, 10))
    assert not is_public_holiday(date(2024, 6, 8))
    assert not is_working_day(date(2024, 6, 8))


def test_plain_weeks_and_years_without_a_notice():
    assert is_working_day(date(2026, 11, 25))  # a Wednesday
    assert not is_working_day(date(2026, 11, 28))  # a Saturday
    assert calendar_known(date(2026, 3, 1))
    assert not calendar_known(date(2027, 10, 1))
    assert not is_public_holiday(date(2027, 10, 1))  # no notice yet: treated as a Friday
    assert is_working_day(date(2027, 10, 1))


def test_make_up_days_are_all_weekends_and_no_day_is_both():
    assert all(day.weekday() >= 5 for day in MAKEUP_WORKING_DAYS)
    assert not PUBLIC_HOLIDAYS & MAKEUP_WORKING_DAYS


@pytest.mark.parametrize(("year", "working_days"), [(2024, 251), (2025, 248), (2026, 248)])
def test_working_days_per_year_match_the_published_totals(year, working_days):
    # 2024: 262 weekdays - 19 weekday holiday days + 8 make-up days. 2025: 261 - 18 + 5.
    # 2026: 261 - 19 + 6. Counted by hand from the notices, independently of the code.
    assert working_days_between(date(year, 1, 1), date(year, 12, 31)) == working_days


def test_add_working_days_skips_holidays_and_counts_make_up_days():
    # A public notice on Friday 2026-02-13: the 14th is a make-up working day, then the
    # 9-day 春节 break; five working days end on Friday the 27th.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)
    # Over 国庆 2026: Wednesday 30 Sep + 1 is Thursday 8 Oct.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # Backwards, and zero.
    assert add_working_days(date(2026, 2, 24), -1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 15)


def test_add_working_days_agrees_with_counting():
    start = date(2025, 12, 20)
    for n in range(0, 60, 7):
        end = add_working_days(start, n)
        assert working_days_between(start + timedelta(days=1), end) == n
