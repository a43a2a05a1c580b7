import datetime as dt

import pytest

from monitoring.ingest import items
from tests.plans import running_plan

D0 = dt.date(2026, 10, 1)  # the walk-run phase starts here


@pytest.fixture
def walk_run(case, clinician, physio, coach, athlete_user):
    """The case's plan, in its walk-run phase since D0 (see tests/plans/__init__.py)."""
    return running_plan(case, clinician, started_on=D0, phase=2)


def log_days(case, user, days, **fields):
    """One log a day for ``days`` (offsets from D0), with the same fields each day."""
    for offset in days:
        items.daily_log_record(
            athlete=case.athlete,
            date=D0 + dt.timedelta(days=offset),
            submitted_by=user,
            fields=fields,
            today=D0 + dt.timedelta(60),
        )
