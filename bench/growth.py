"""Growth: whether a case costs the nightly evaluation more when there are more of them.

The database grows as a deployment's does: seeded with a fifth of the cases, whose nights are
timed, then with the other four fifths (the same kind of data, from another seed), after which
the nights of all of them are timed. Each size's figure is a next night (every case evaluated
again, its flags already open), the best of ``NIGHTS`` after an untimed first night; the
figure is the seconds per case at the larger size over the seconds per case at the smaller.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings

from monitoring.evaluation import tasks

from .data import generate
from .report import Figure, Report

GOAL = 1.25
NIGHTS = 5  # a night of 2,000 cases lasts a second or two: a moment of other load moves it
SMALL_SHARE = 5  # the smaller size is a fifth of the larger


def seconds_per_case(cases: int, today: dt.date) -> float:
    """Seconds per case of a next night: an untimed first night opens the flags, then the
    best of ``NIGHTS`` nights evaluating every active case again."""
    tasks.evaluate_active_cases(today.isoformat())
    best = float("inf")
    for _ in range(NIGHTS):
        began = time.perf_counter()
        evaluated = tasks.evaluate_active_cases(today.isoformat())
        best = min(best, time.perf_counter() - began)
        assert evaluated == cases, (evaluated, cases)
    return best / cases


def run_growth(report: Report, *, scale: float, days: int, today: dt.date) -> None:
    """The ``nightly.growth`` figure on a database holding no case yet: ``10,000 × scale``
    cases against a fifth of them (at scale 1, 10,000 against 2,000)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from rehab.celery import app

    app.conf.task_always_eager = True
    large = max(SMALL_SHARE, round(10_000 * scale))
    small = large // SMALL_SHARE
    began = time.perf_counter()
    generate(cases=small, days=days, today=today, team_name="Growth team")
    small_s = seconds_per_case(small, today)
    generate(cases=large - small, days=days, today=today, seed=8, team_name="Growth team 2")
    large_s = seconds_per_case(large, today)
    ratio = large_s / small_s
    report.add(
        Figure(
            "nightly.growth",
            ratio,
            "ratio",
            f"<= {GOAL}",
            ratio <= GOAL,
            f"next night: {large_s * 1000:.3f} ms per case of {large}, "
            f"{small_s * 1000:.3f} ms per case of {small}; "
            f"{time.perf_counter() - began:.0f} s with the seeding",
        )
    )
