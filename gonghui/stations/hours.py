"""Opening hours of a station: a weekly schedule with overnight intervals, 24-hour days,
closed dates, public holidays and make-up working days.

Stored as JSON on the station (``Station.hours``), always in the canonical shape that
``OpeningHours.to_json`` writes::

    {
      "days": [                       # 7 entries, Monday first
        {"open_24h": false, "intervals": [[480, 1200]]},     # 08:00-20:00
        {"open_24h": false, "intervals": [[1200, 1560]]},    # 20:00-02:00 (next day)
        {"open_24h": true,  "intervals": []},                # open all day
        {"open_24h": false, "intervals": []},                # closed that weekday
        ...
      ],
      "closed_on_holidays": true,     # closed on every day of an official holiday break
      "makeup_day_follows": 0,        # a make-up working day keeps Monday's hours (null: its own)
      "closed_dates": ["2026-12-01"]  # one-off closures
    }

Times are minutes from 00:00 of the day an interval opens. An interval may end past
midnight (up to 24 hours long): 20:00-02:00 is ``[1200, 1560]`` and belongs to the day it
opens, so at 01:00 on Tuesday a station is open because of Monday's interval, whatever
Tuesday's own schedule says. The schedule of a date is chosen in this order:

1. a closed date: closed;
2. a public holiday (``gonghui.core.workdays``) when ``closed_on_holidays``: closed;
3. a make-up working day (a Saturday or Sunday worked to pay for a holiday break): the hours
   of the weekday in ``makeup_day_follows`` (default Monday), or its own if that is null;
4. otherwise the weekday's own hours.

Stations are in China, so times are read in Asia/Shanghai whatever the server's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gonghui.core.workdays import is_makeup_working_day, is_public_holiday

CHINA_TZ = ZoneInfo("Asia/Shanghai")
DAY = 24 * 60
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
MAX_CLOSED_DATES = 400
ALL_DAY_WORDS = frozenset({"24h", "24小时", "全天", "0-24", "00:00-24:00"})
_TIME = r"(\d{1,2})[:：](\d{2})"
_RANGE_RE = re.compile(rf"^{_TIME}\s*(?:-|–|—|~|～|至|到)\s*{_TIME}$")
_SEPARATORS = re.compile(r"[,，;；、\s]+")


class HoursError(ValueError):
    """Invalid opening hours; ``fields`` maps a part ("mon", "closed_dates") to messages."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class DayHours:
    open_24h: bool = False
    intervals: tuple[tuple[int, int], ...] = ()

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        return ((0, DAY),) if self.open_24h else self.intervals

    @property
    def closed(self) -> bool:
        return not self.spans


CLOSED_DAY = DayHours()
OPEN_24H = DayHours(open_24h=True)


@dataclass(frozen=True)
class OpeningHours:
    days: tuple[DayHours, ...] = (CLOSED_DAY,) * 7
    closed_on_holidays: bool = False
    makeup_day_follows: int | None = 0
    closed_dates: frozenset[date] = field(default_factory=frozenset)

    # -- reading and writing the stored JSON -------------------------------------------

    @classmethod
    def from_json(cls, data: Any) -> OpeningHours:
        """Validate untrusted input (a form, the API); raise ``HoursError`` listing every
        problem at once."""
        return _validate(data)

    @classmethod
    def from_stored(cls, data: dict) -> OpeningHours:
        """Read JSON the services already validated (the nearby search's hot path)."""
        days = tuple(
            OPEN_24H
            if d.get("open_24h")
            else DayHours(intervals=tuple((s, e) for s, e in d.get("intervals", ())))
            for d in data.get("days", ())
        )
        return cls(
            days=days if len(days) == 7 else (CLOSED_DAY,) * 7,
            closed_on_holidays=bool(data.get("closed_on_holidays")),
            makeup_day_follows=data.get("makeup_day_follows", 0),
            closed_dates=frozenset(date.fromisoformat(d) for d in data.get("closed_dates", ())),
        )

    def to_json(self) -> dict:
        return {
            "days": [
                {"open_24h": d.open_24h, "intervals": [list(i) for i in d.intervals]}
                for d in self.days
            ],
            "closed_on_holidays": self.closed_on_holidays,
            "makeup_day_follows": self.makeup_day_follows,
            "closed_dates": sorted(d.isoformat() for d in self.closed_dates),
        }

    # -- questions ---------------------------------------------------------------------

    def schedule_for(self, day: date) -> DayHours:
        """The hours that open on ``day`` (see the module docstring for the order)."""
        if day in self.closed_dates:
            return CLOSED_DAY
        if self.closed_on_holidays and is_public_holiday(day):
            return CLOSED_DAY
        if self.makeup_day_follows is not None and is_makeup_working_day(day):
            return self.days[self.makeup_day_follows]
        return self.days[day.weekday()]

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(CHINA_TZ)
        today, minute = local.date(), local.hour * 60 + local.minute
        if any(start <= minute < end for start, end in self.schedule_for(today).spans):
            return True
        # An interval of yesterday that runs past midnight.
        yesterday = self.schedule_for(today - timedelta(days=1))
        return any(end > DAY and minute + DAY < end for _start, end in yesterday.spans)

    def why(self, day: date) -> str:
        """Why ``day`` does not follow its weekday's hours, or "" when it does."""
        if day in self.closed_dates:
            return _("Closed on this date")
        if self.closed_on_holidays and is_public_holiday(day):
            return _("Closed for the public holiday")
        if self.makeup_day_follows is not None and is_makeup_working_day(day):
            return _("Make-up working day: %(weekday)s hours") % {
                "weekday": WEEKDAY_LABELS[self.makeup_day_follows]
            }
        return ""

    @property
    def makeup_label(self) -> str:
        """The weekday whose hours a make-up working day keeps, for people ("" if its own)."""
        if self.makeup_day_follows is None:
            return ""
        return str(WEEKDAY_LABELS[self.makeup_day_follows])

    @property
    def closed_dates_sorted(self) -> list[date]:
        return sorted(self.closed_dates)


# -- text for people ---------------------------------------------------------------------


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def describe_day(day_hours: DayHours) -> str:
    """ "08:00–20:00, 21:00–02:00 (next day)", "Open 24 hours" or "Closed"."""
    if day_hours.open_24h:
        return _("Open 24 hours")
    if not day_hours.intervals:
        return pgettext("opening hours", "Closed")
    parts = []
    for start, end in day_hours.intervals:
        if end > DAY:
            parts.append(
                _("%(start)s–%(end)s (next day)") % {"start": _hhmm(start), "end": _hhmm(end - DAY)}
            )
        else:
            parts.append(f"{_hhmm(start)}–{_hhmm(end)}")
    return ", ".join(parts)


def week_rows(hours: OpeningHours) -> list[tuple[str, str]]:
    pairs = zip(WEEKDAY_LABELS, hours.days, strict=True)
    return [(str(label), describe_day(day)) for label, day in pairs]


def format_day_text(day_hours: DayHours) -> str:
    """The editable text of one weekday: "08:00-20:00, 20:00-02:00", "24h" or ""."""
    if day_hours.open_24h:
        return "24h"
    # An end past midnight is written as the next day's clock time; 24:00 stays 24:00.
    ends = [end if end == DAY else end % DAY for _start, end in day_hours.intervals]
    return ", ".join(
        f"{_hhmm(start)}-{_hhmm(end)}"
        for (start, _end), end in zip(day_hours.intervals, ends, strict=True)
    )


def parse_day_text(text: str) -> DayHours:
    """The inverse of ``format_day_text``. An end at or before the start runs past midnight;
    "24:00" is the end of the day. Raises ``ValueError`` with a message for people."""
    text = (text or "").strip()
    if not text:
        return CLOSED_DAY
    if text.lower().replace(" ", "") in ALL_DAY_WORDS:
        return OPEN_24H
    intervals = []
    for part in filter(None, _SEPARATORS.split(text.replace(" - ", "-"))):
        match = _RANGE_RE.match(part)
        if not match:
            raise ValueError(_("Write times as 08:00-20:00; separate intervals with commas."))
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise ValueError(_("%(part)s is not a time of day.") % {"part": part})
        start, end = h1 * 60 + m1, h2 * 60 + m2
        intervals.append([start, end if end > start else end + DAY])
    return _check_day(intervals, open_24h=False)


# -- validation ----------------------------------------------------------------------------


def _check_day(intervals: list, *, open_24h: bool) -> DayHours:
    if open_24h:
        return OPEN_24H
    spans = []
    for interval in intervals:
        if (
            not isinstance(interval, (list, tuple))
            or len(interval) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in interval)
        ):
            raise ValueError(_("Each interval is a pair of minutes [start, end]."))
        start, end = interval
        if not 0 <= start < DAY or not start < end <= start + DAY:
            raise ValueError(
                _("An interval starts between 00:00 and 23:59 and lasts at most 24 hours.")
            )
        spans.append((start, end))
    spans.sort()
    for (_s1, end1), (start2, _e2) in zip(spans, spans[1:], strict=False):
        if start2 < end1:
            raise ValueError(_("Intervals of one day must not overlap."))
    if spans == [(0, DAY)]:
        return OPEN_24H
    return DayHours(intervals=tuple(spans))


def _validate_days(days: Any, errors: dict[str, list[str]]) -> tuple[DayHours, ...]:
    if not isinstance(days, list) or len(days) != 7:
        errors["days"] = [_("Give the hours of all seven weekdays, Monday first.")]
        return (CLOSED_DAY,) * 7
    result = []
    for key, day in zip(WEEKDAY_KEYS, days, strict=True):
        if not isinstance(day, dict):
            errors[key] = [_("Each weekday is an object with open_24h and intervals.")]
            result.append(CLOSED_DAY)
            continue
        try:
            result.append(
                _check_day(list(day.get("intervals") or []), open_24h=day.get("open_24h") is True)
            )
        except ValueError as exc:
            errors[key] = [str(exc)]
            result.append(CLOSED_DAY)
    return tuple(result)


def _validate_dates(values: Any, errors: dict[str, list[str]]) -> frozenset[date]:
    if not isinstance(values, list) or len(values) > MAX_CLOSED_DATES:
        errors["closed_dates"] = [_("A list of at most 400 dates.")]
        return frozenset()
    dates = set()
    for value in values:
        try:
            dates.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            errors["closed_dates"] = [_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}]
    return frozenset(dates)


def _validate(data: Any) -> OpeningHours:
    if not isinstance(data, dict):
        raise HoursError({"hours": [_("Opening hours are an object.")]})
    errors: dict[str, list[str]] = {}
    days = _validate_days(data.get("days"), errors)
    closed_dates = _validate_dates(data.get("closed_dates", []), errors)
    follows = data.get("makeup_day_follows", 0)
    if follows is not None and (isinstance(follows, bool) or follows not in range(7)):
        errors["makeup_day_follows"] = [_("A weekday from 0 (Monday) to 6 (Sunday), or null.")]
    closed_on_holidays = data.get("closed_on_holidays", False)
    if not isinstance(closed_on_holidays, bool):
        errors["closed_on_holidays"] = [_("true or false.")]
    if errors:
        raise HoursError(errors)
    return OpeningHours(
        days=days,
        closed_on_holidays=closed_on_holidays,
        makeup_day_follows=follows,
        closed_dates=closed_dates,
    )


def daily(start: int, end: int, **options) -> OpeningHours:
    """The same interval every day (tests and the demo)."""
    return OpeningHours(days=(_check_day([[start, end]], open_24h=False),) * 7, **options)


ALWAYS_OPEN = OpeningHours(days=(OPEN_24H,) * 7, makeup_day_follows=None)
