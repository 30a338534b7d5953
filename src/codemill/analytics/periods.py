"""Time windows: CodeMie's named periods or a from/to pair, and how a window splits into day and hour buckets."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from codemill.errors import Unprocessable

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


class TimePeriod(enum.StrEnum):
    """The SDK's `time_period` values."""

    LAST_HOUR = "last_hour"
    LAST_6_HOURS = "last_6_hours"
    LAST_24_HOURS = "last_24_hours"
    LAST_7_DAYS = "last_7_days"
    LAST_30_DAYS = "last_30_days"
    LAST_90_DAYS = "last_90_days"
    LAST_YEAR = "last_year"


SPANS = {
    TimePeriod.LAST_HOUR: HOUR,
    TimePeriod.LAST_6_HOURS: 6 * HOUR,
    TimePeriod.LAST_24_HOURS: DAY,
    TimePeriod.LAST_7_DAYS: 7 * DAY,
    TimePeriod.LAST_30_DAYS: 30 * DAY,
    TimePeriod.LAST_90_DAYS: 90 * DAY,
    TimePeriod.LAST_YEAR: 365 * DAY,
}
DEFAULT_PERIOD = TimePeriod.LAST_30_DAYS


@dataclass(frozen=True, slots=True)
class Window:
    """[start, end) in UTC, widened to whole hours (the roll-ups' finest grain)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Slice:
    """A part of a window read from one roll-up: daily or hourly buckets in [start, end)."""

    daily: bool
    start: datetime
    end: datetime


def floor_hour(moment: datetime) -> datetime:
    """The hour a moment falls in."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment: datetime) -> datetime:
    """The first hour boundary at or after a moment."""
    floored = floor_hour(moment)
    return floored if floored == moment else floored + HOUR


def floor_day(moment: datetime) -> datetime:
    """Midnight UTC of a moment's day."""
    return floor_hour(moment).replace(hour=0)


def ceil_day(moment: datetime) -> datetime:
    """The first midnight at or after a moment."""
    floored = floor_day(moment)
    return floored if floored == moment else floored + DAY


def parse_moment(value: str, field: str) -> datetime:
    """An ISO 8601 date or date-time (UTC when no zone is given); a 422 naming the field otherwise."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Unprocessable(
            f"{field}: '{value}' is not an ISO 8601 date or date-time",
            details={"field": field, "value": value},
            help="Use e.g. 2026-01-31 or 2026-01-31T12:00:00Z.",
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def resolve(time_period: str | None, start_date: str | None, end_date: str | None, now: datetime) -> Window:
    """The window a request asks for: `time_period`, or `start_date` (to `end_date` or now); 30 days by default."""
    if start_date or end_date:
        if not start_date:
            raise Unprocessable(
                "start_date: required with end_date", details={"field": "start_date"}, help="Give both dates."
            )
        start = parse_moment(start_date, "start_date")
        end = parse_moment(end_date, "end_date") if end_date else now
        if end <= start:
            raise Unprocessable(
                "end_date: must be after start_date",
                details={"field": "end_date", "start_date": start_date, "end_date": end_date},
            )
        return Window(floor_hour(start), ceil_hour(end))
    try:
        period = TimePeriod(time_period) if time_period else DEFAULT_PERIOD
    except ValueError:
        raise Unprocessable(
            f"time_period: '{time_period}' is not a known period",
            details={"field": "time_period", "allowed": [p.value for p in TimePeriod]},
            help="Use one of the listed periods, or start_date and end_date.",
        ) from None
    span = SPANS[period]
    if span >= 7 * DAY:
        # Periods of days are whole UTC days, today's (partial) day included: the daily roll-up alone answers them.
        today = floor_day(now)
        return Window(today - (span - DAY), today + DAY)
    # Periods of hours are whole hours, the current hour's bucket included (the roll-ups do not split an hour).
    return Window(floor_hour(now - span), floor_hour(now) + HOUR)


def slices(window: Window) -> list[Slice]:
    """Whole days from the daily roll-up, the ragged hours at either end from the hourly one."""
    first_day, last_day = ceil_day(window.start), floor_day(window.end)
    if first_day >= last_day:
        return [Slice(False, window.start, window.end)]
    parts = [Slice(True, first_day, last_day)]
    if window.start < first_day:
        parts.insert(0, Slice(False, window.start, first_day))
    if last_day < window.end:
        parts.append(Slice(False, last_day, window.end))
    return parts
