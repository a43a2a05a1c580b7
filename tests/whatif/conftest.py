"""Fixtures of the what-if tests: the clinic tests' case in its walk-run phase (2 of 4) since
1 Nov 2026, with the clock at noon on 20 Nov 2026, and its care team by role."""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring.models import DailyLog
from tests.clinic.conftest import STARTED, TODAY, frozen, plan, team  # noqa: F401 — fixtures

__all__ = ["STARTED", "TODAY", "pain_days"]


def pain_days(case, pains: dict[dt.date, float], **fields) -> None:
    """One daily log on each given day with that pain during activity (and at rest 0)."""
    DailyLog.objects.bulk_create(
        DailyLog(athlete=case.athlete, date=day, pain_during=pain, pain_rest=0, **fields)
        for day, pain in pains.items()
    )


@pytest.fixture
def walk_run_logs(case, plan):  # noqa: F811 — the plan fixture, needed first
    """Walk-run since 1 Nov: pain during 2 for ten days, then 1 every day to 20 Nov, and a
    single-leg hop test of 12 hops at pain 1 on 5 Nov.

    Under the phase's own gates (14 days minimum, pain during ≤ 2 over 7 days, hop test) it is
    ready from 15 Nov (day 14); with a pain limit of 1 it needs 7 days at ≤ 1 (11–17 Nov), so
    it is ready from 17 Nov."""
    from monitoring.models import Assessment

    pains = {STARTED + dt.timedelta(days=n): (2 if n < 10 else 1) for n in range(20)}
    pain_days(case, pains)
    Assessment.objects.create(
        case=case, date=dt.date(2026, 11, 5), test="single_leg_hop", value=12, pain=1
    )
    return pains
