"""Opening hours: overnight intervals, 24-hour days, closed dates, public holidays and make-up
working days, read in China time."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.stations.hours import (
    CHINA_TZ,
    CLOSED_DAY,
    DAY,
    OPEN_24H,
    DayHours,
    HoursError,
    OpeningHours,
    daily,
    describe_day,
    format_day_text,
    parse_day_text,
)


def at(text: str) -> datetime:
    """A China-time instant: at("2026-11-23 08:00") is 08:00 on a Monday in Beijing."""
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


def week(**days: DayHours) -> tuple[DayHours, ...]:
    keys = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return tuple(days.get(key, CLOSED_DAY) for key in keys)


def hours(*intervals) -> DayHours:
    return DayHours(intervals=tuple(intervals))


NINE_TO_FIVE = hours((9 * 60, 17 * 60))
EIGHT_TO_EIGHT = hours((8 * 60, 20 * 60))


# -- the plain week ------------------------------------------------------------------------


def test_an_interval_includes_its_start_and_excludes_its_end():
    # given: Monday 2026-11-23, 08:00-20:00
    station = OpeningHours(days=week(mon=EIGHT_TO_EIGHT))
    # then
    assert not station.is_open(at("2026-11-23 07:59"))
    assert station.is_open(at("2026-11-23 08:00"))
    assert station.is_open(at("2026-11-23 19:59"))
    assert not station.is_open(at("2026-11-23 20:00"))
    assert not station.is_open(at("2026-11-24 10:00"))  # Tuesday: closed


def test_split_day_is_closed_over_lunch():
    station = OpeningHours(days=week(mon=hours((480, 720), (840, 1080))))
    assert station.is_open(at("2026-11-23 11:59"))
    assert not station.is_open(at("2026-11-23 12:30"))
    assert station.is_open(at("2026-11-23 14:00"))


def test_overnight_interval_belongs_to_the_day_it_opens():
    # given: Monday 20:00-02:00, Tuesday closed
    station = OpeningHours(days=week(mon=hours((1200, 1560))))
    # then: still open on Tuesday at 01:59, because of Monday
    assert station.is_open(at("2026-11-23 23:59"))
    assert station.is_open(at("2026-11-24 00:00"))
    assert station.is_open(at("2026-11-24 01:59"))
    assert not station.is_open(at("2026-11-24 02:00"))
    # and Sunday night's 20:00 does not open anything (Sunday is closed)
    assert not station.is_open(at("2026-11-23 01:00"))


def test_overnight_interval_wraps_from_sunday_into_monday():
    station = OpeningHours(days=week(sun=hours((22 * 60, 30 * 60))))
    assert station.is_open(at("2026-11-29 23:00"))  # Sunday
    assert station.is_open(at("2026-11-30 05:59"))  # Monday
    assert not station.is_open(at("2026-11-30 06:00"))


def test_24_hour_days_and_the_day_after():
    station = OpeningHours(days=week(mon=OPEN_24H, tue=OPEN_24H))
    assert station.is_open(at("2026-11-23 00:00"))
    assert station.is_open(at("2026-11-24 23:59"))
    assert not station.is_open(at("2026-11-25 00:00"))  # Wednesday closed


def test_time_is_read_in_china_whatever_the_instants_zone():
    station = OpeningHours(days=week(mon=EIGHT_TO_EIGHT))
    # 00:30 UTC on Monday is 08:30 in Beijing; 23:30 UTC on Sunday is 07:30 on Monday there.
    assert station.is_open(datetime(2026, 11, 23, 0, 30, tzinfo=UTC))
    assert not station.is_open(datetime(2026, 11, 22, 23, 30, tzinfo=UTC))


# -- closed dates, public holidays and make-up working days --------------------------------


def test_a_closed_date_closes_only_what_opens_that_day():
    # given: every day 20:00-02:00, closed on Wednesday 2026-11-25
    station = daily(1200, 1560, closed_dates=frozenset({date(2026, 11, 25)}))
    # then: Tuesday's night runs into Wednesday; Wednesday's own night does not open
    assert station.is_open(at("2026-11-25 01:00"))
    assert not station.is_open(at("2026-11-25 21:00"))
    assert not station.is_open(at("2026-11-26 01:00"))
    assert station.is_open(at("2026-11-26 21:00"))


def test_closed_on_public_holidays_includes_weekend_days_of_the_break():
    # given: open every day 09:00-17:00 but closed on public holidays
    station = daily(540, 1020, closed_on_holidays=True)
    # then: 国庆 2026 (1-7 October) is closed, the days around it are not
    assert station.is_open(at("2026-09-30 10:00"))
    assert not station.is_open(at("2026-10-01 10:00"))  # Thursday, holiday
    assert not station.is_open(at("2026-10-03 10:00"))  # Saturday inside the break
    assert station.is_open(at("2026-10-08 10:00"))
    # 春节 2026 starts on Sunday 15 February
    assert not station.is_open(at("2026-02-15 10:00"))


def test_holidays_follow_the_weekday_unless_the_station_closes_on_them():
    station = OpeningHours(days=week(thu=NINE_TO_FIVE))
    assert station.is_open(at("2026-10-01 10:00"))  # a Thursday, holiday, open


def test_the_night_before_a_holiday_runs_into_it():
    station = daily(1200, 1560, closed_on_holidays=True)
    assert station.is_open(at("2026-10-01 01:00"))  # from 30 September's 20:00
    assert not station.is_open(at("2026-10-01 21:00"))


def test_make_up_working_day_keeps_mondays_hours_by_default():
    # given: weekdays 09:00-17:00, weekends closed; Saturday 2026-02-14 is a make-up day
    station = OpeningHours(days=week(mon=NINE_TO_FIVE, tue=NINE_TO_FIVE, fri=NINE_TO_FIVE))
    # then
    assert station.is_open(at("2026-02-14 10:00"))
    assert not station.is_open(at("2026-02-14 18:00"))
    assert not station.is_open(at("2026-02-07 10:00"))  # an ordinary Saturday


def test_make_up_working_day_can_follow_another_weekday_or_its_own():
    friday_evening = hours((18 * 60, 23 * 60))
    as_friday = OpeningHours(days=week(mon=NINE_TO_FIVE, fri=friday_evening), makeup_day_follows=4)
    own = OpeningHours(days=week(mon=NINE_TO_FIVE), makeup_day_follows=None)
    # Sunday 2026-09-20 is a make-up working day before 国庆
    assert as_friday.is_open(at("2026-09-20 19:00"))
    assert not as_friday.is_open(at("2026-09-20 10:00"))
    assert not own.is_open(at("2026-09-20 10:00"))  # keeps Sunday's hours: closed


def test_why_a_day_is_special():
    station = OpeningHours(days=week(mon=NINE_TO_FIVE), closed_on_holidays=True)
    assert station.why(date(2026, 10, 1)) == "法定节假日休息"
    assert "周一" in station.why(date(2026, 2, 14))
    assert station.why(date(2026, 11, 24)) == ""


# -- text for people -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00-20:00", hours((480, 1200))),
        ("8:00-12:00，14:00-18:00", hours((480, 720), (840, 1080))),
        ("20:00-02:00", hours((1200, 1560))),
        ("08:00-24:00", hours((480, 1440))),
        ("08:00 - 08:00", hours((480, 1920))),  # 24 hours from 08:00
        ("00:00-24:00", OPEN_24H),
        ("24h", OPEN_24H),
        ("全天", OPEN_24H),
        ("", CLOSED_DAY),
        ("07:30至11:30", hours((450, 690))),
    ],
)
def test_parse_day_text(text, expected):
    assert parse_day_text(text) == expected
    assert parse_day_text(format_day_text(expected)) == expected


@pytest.mark.parametrize(
    "text", ["八点到九点", "25:00-26:00", "08:00-12:00, 11:00-13:00", "08:60-09:00", "8-9"]
)
def test_parse_day_text_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_day_text(text)


def test_describe_day():
    assert describe_day(hours((480, 1200))) == "08:00–20:00"
    assert describe_day(hours((1200, 1560))) == "20:00–次日02:00"
    assert describe_day(OPEN_24H) == "24小时开放"
    assert describe_day(CLOSED_DAY) == "休息"


# -- the stored JSON -------------------------------------------------------------------------


def test_json_round_trip_is_canonical():
    original = OpeningHours(
        days=week(mon=hours((1200, 1560)), tue=OPEN_24H),
        closed_on_holidays=True,
        makeup_day_follows=None,
        closed_dates=frozenset({date(2026, 12, 1)}),
    )
    data = original.to_json()
    assert data["days"][0] == {"open_24h": False, "intervals": [[1200, 1560]]}
    assert data["closed_dates"] == ["2026-12-01"]
    assert OpeningHours.from_json(data) == original == OpeningHours.from_stored(data)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"days": []}, "days"),
        ({"days": [{"intervals": [[1440, 1500]]}] + [{}] * 6}, "mon"),  # starts at 24:00
        ({"days": [{}, {"intervals": [[600, 600]]}] + [{}] * 5}, "tue"),  # empty
        ({"days": [{}] * 2 + [{"intervals": [[60, 1600]]}] + [{}] * 4}, "wed"),  # > 24 h
        ({"days": [{}] * 3 + [{"intervals": [[60, 120], [90, 200]]}] + [{}] * 3}, "thu"),
        ({"days": [{}] * 4 + [{"intervals": [[True, 120]]}] + [{}] * 2}, "fri"),
        ({"days": [{}] * 5 + [{"intervals": [[60]]}] + [{}]}, "sat"),
        ({"makeup_day_follows": 7}, "makeup_day_follows"),
        ({"closed_dates": ["2026-13-01"]}, "closed_dates"),
        ({"closed_on_holidays": "yes"}, "closed_on_holidays"),
    ],
)
def test_invalid_json_names_the_part_that_is_wrong(change, field):
    data = {**daily(480, 1200).to_json(), **change}
    with pytest.raises(HoursError) as caught:
        OpeningHours.from_json(data)
    assert field in caught.value.fields


# -- a brute-force model agrees ----------------------------------------------------------------

INTERVAL = st.tuples(st.integers(0, DAY - 1), st.integers(1, DAY)).map(
    lambda pair: (pair[0], pair[0] + pair[1])
)
DAY_HOURS = st.one_of(
    st.just(CLOSED_DAY),
    st.just(OPEN_24H),
    INTERVAL.map(lambda interval: DayHours(intervals=(interval,))),
)


@given(st.lists(DAY_HOURS, min_size=7, max_size=7), st.integers(0, 7 * DAY - 1))
def test_is_open_agrees_with_a_timeline_of_the_week(days, minute):
    # given: a week in 2027 (no holiday notice yet, so a plain week), Monday 2027-01-04
    station = OpeningHours(days=tuple(days))
    monday = datetime(2027, 1, 4, tzinfo=CHINA_TZ)
    # when: every interval is laid on one timeline of absolute minutes (the week before too)
    timeline = set()
    for offset in range(-7, 7):
        for start, end in days[offset % 7].spans:
            timeline.update(range(offset * DAY + start, offset * DAY + end))
    # then
    assert station.is_open(monday + timedelta(minutes=minute)) == (minute in timeline)
