"""The business clock: Warsaw's calendar day, whatever the server's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import time_machine

from portal import clock


def test_today_is_warsaws_day_while_utc_is_still_on_the_day_before() -> None:
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False):
        assert clock.today() == date(2027, 1, 1)
        assert clock.now() == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


def test_a_month_begins_at_midnight_in_warsaw() -> None:
    # 1 March 00:15 in Warsaw is still February in UTC: the spending month is March's.
    assert clock.month_start(datetime(2027, 2, 28, 23, 15, tzinfo=UTC)) == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    # In summer Warsaw is two hours ahead.
    assert clock.month_start(datetime(2027, 7, 15, 12, 0, tzinfo=UTC)) == datetime(2027, 6, 30, 22, 0, tzinfo=UTC)


def test_a_wall_time_the_spring_change_skips_lands_an_hour_later() -> None:
    night = date(2027, 3, 28)
    assert clock.at(night, time(1, 30)) == datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    assert clock.at(night, time(2, 30)) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 summer time
    assert clock.at(night, time(3, 30)) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
