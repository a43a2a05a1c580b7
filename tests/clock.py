"""The date of the whole test run (``pytest --today=…``) and the tests' view of it.

Every test must pass on any day of the year. ``--today`` makes the day a parameter: the clock
travels there (time-machine) before the first test module is imported, and ticks on from it, so
that "today", "yesterday", "this week" and a 7-day window fall where the run puts them: on 29
February, over New Year, on the two days the clinic's clocks change, just after midnight UTC.

What travels: this process, so the live server and the in-thread Celery worker of the browser and
worker tests (they are threads of it), and the browsers: every Playwright context is in the
clinic's time zone and, when travelling, has its clock installed at this process's now. What
cannot: a separate process a test starts runs on the machine's clock. Where such a process reads
no date (``pg_dump``, settings checks, the health check without a database, the benchmark's own
seeded run) the test runs as it is; where it would read one, the test passes the travelled date
to it explicitly or is marked ``skip_when_travelling`` with that reason.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo

import pytest

CLINIC_TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
DEFAULT_TIME = dt.time(10, 0)

_traveller = None
_moment: dt.datetime | None = None
_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?$")


def zone() -> ZoneInfo:
    return ZoneInfo(CLINIC_TIME_ZONE)


def parse_today(value: str) -> dt.datetime:
    """The moment ``--today`` names, aware and in UTC.

    ``2028-02-29`` is 10:00 in the clinic's time zone; ``2027-03-28T01:30`` is 01:30 there;
    ``2027-07-01T00:10Z`` and ``2027-07-01T00:10+02:00`` carry their own offset.
    """
    if not _PATTERN.match(value):
        raise ValueError(f"{value!r} is not YYYY-MM-DD, YYYY-MM-DDTHH:MM or one with Z or ±HH:MM")
    text = value.replace("Z", "+00:00")
    if "T" not in text:
        moment = dt.datetime.combine(dt.date.fromisoformat(text), DEFAULT_TIME)
    else:
        moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
        # A local time the clocks skip (01:30 on the spring-forward day) does not exist.
        round_trip = moment.astimezone(dt.UTC).astimezone(zone())
        if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
            raise ValueError(f"{value} does not exist in {CLINIC_TIME_ZONE} (the clocks skip it)")
    return moment.astimezone(dt.UTC)


def travel_to(moment: dt.datetime) -> None:
    """Move this process's clock to ``moment``; it ticks on from there."""
    global _traveller, _moment
    import time_machine

    travel_back()
    _traveller = time_machine.travel(moment, tick=True)
    _traveller.start()
    _moment = moment


def travel_back() -> None:
    global _traveller, _moment
    if _traveller is not None:
        _traveller.stop()
    _traveller, _moment = None, None


def travelled_to() -> dt.datetime | None:
    """The moment the run started at when ``--today`` was given, else None."""
    return _moment


def set_up_browsers() -> None:
    """Every Playwright context is in the clinic's time zone and, when the run travels, starts
    at this process's (travelled) now.

    Contexts are made by ``browser.new_context`` in many tests and by pytest-playwright's
    ``context`` fixture; wrapping the method reaches them all.
    """
    try:
        from playwright.sync_api._generated import Browser
    except ImportError:  # pragma: no cover — only the browser tests need it
        return
    if getattr(Browser.new_context, "_travels", False):
        return
    original = Browser.new_context

    def new_context(self, *args, **kwargs):
        kwargs.setdefault("timezone_id", CLINIC_TIME_ZONE)
        context = original(self, *args, **kwargs)
        if _moment is not None:
            context.clock.install(time=dt.datetime.now(dt.UTC))
        return context

    new_context._travels = True
    Browser.new_context = new_context


skip_when_travelling = pytest.mark.skipif(
    "config.getoption('--today') is not None",
    reason="runs a separate process on the machine's clock, which --today cannot move",
)
