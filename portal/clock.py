"""The business's one clock: the instant it is now, and which calendar day that is in Warsaw.

Instants are stored as UTC; every decision about a *day* (due dates, "not in the past", order
numbers, the month a spending limit counts, what the demo calls "yesterday") takes the Polish
calendar day from here, never the server's own date (UTC on a server). Domain functions take
the day or instant as an argument where a caller may want another one; the rest ask this module,
which tests move through time (tests/clock_travel.py) rather than replace."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from portal.i18n import TIME_ZONE

BUSINESS_ZONE = ZoneInfo(TIME_ZONE)


def now() -> datetime:
    """The current instant, timezone-aware in UTC (as instants are stored)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's calendar day in Warsaw: between midnight in Warsaw and midnight UTC it is not UTC's."""
    return business_day(now())


def business_day(moment: datetime) -> date:
    """The Warsaw calendar day an instant falls on."""
    return moment.astimezone(BUSINESS_ZONE).date()


def month_start(moment: datetime) -> datetime:
    """The instant Warsaw's calendar month of `moment` began (midnight local time, as UTC)."""
    day = business_day(moment)
    return at(day.replace(day=1), time(0, 0))


def at(day: date, wall_time: time) -> datetime:
    """The UTC instant of a Warsaw wall-clock time on `day`. A time the spring change skips
    (02:30 on the last Sunday of March) lands an hour later, as a Warsaw clock shows it."""
    local = datetime.combine(day, wall_time, tzinfo=BUSINESS_ZONE)
    # Round-trip through UTC so a skipped wall time normalises to the one that exists.
    return local.astimezone(UTC)
