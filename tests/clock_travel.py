"""`pytest --clock-at=2027-01-01T00:30:00+01:00` runs the tests as if the clock said that moment.

The clock is moved once for the whole session (before collection, so module-level dates agree)
and keeps ticking from there, so timeouts and expiries behave as they do on a real day. The
process's own time zone stays the server's (UTC), which is how a date taken from the wrong place
shows: between midnight in Warsaw and midnight UTC the two calendars disagree. `make test-dates`
runs the suite at the dates that have caught such mistakes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from portal import clock

_TRAVELLER = pytest.StashKey[time_machine.travel]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-at",
        metavar="MOMENT",
        default=None,
        help="run with the clock set to this ISO 8601 moment with its offset, e.g. 2027-03-28T01:30:00+01:00",
    )


def clock_moved(config: pytest.Config) -> bool:
    return config.getoption("clock_at") is not None


def pytest_configure(config: pytest.Config) -> None:
    text = config.getoption("clock_at")
    if text is None:
        return
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise pytest.UsageError(f"--clock-at {text!r}: {error}") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--clock-at {text!r} needs its offset, such as +01:00 for Warsaw in winter")
    traveller = time_machine.travel(moment.astimezone(UTC), tick=True)
    traveller.start()
    config.stash[_TRAVELLER] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str:
    if not clock_moved(config):
        return f"clock: real, Warsaw's day {clock.today().isoformat()}"
    return f"clock: moved to {config.getoption('clock_at')} (now {clock.now():%Y-%m-%d %H:%M} UTC, Warsaw's day {clock.today()})"
