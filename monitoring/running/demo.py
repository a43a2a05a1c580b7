"""The demo's road back to running: Maya (the demo athlete with a login) ran three times a week
before her injury, with a watch, so her pre-injury week and step rate are computed from those
runs; her runs of the last days carry their distance, so her Today and Progress show the bar
and the cadence cue, and her case page a cadence goal and two gait checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from athletes.models import Case, User
from monitoring.models import ActivitySession, Source
from monitoring.running import services

PRE_INJURY_RUNS = ((0, 8, 162), (2, 12, 165), (4, 10, 164))  # (day of the week, km, cadence)


def seed_running(case_ids: list[int], users: dict[str, User], today: dt.date) -> None:
    with transaction.atomic():
        for case in Case.objects.filter(pk__in=case_ids, athlete__first_name="Maya"):
            _pre_injury_runs(case)
            _recent_distances(case, today)
            clinician = users["clinician"]
            services.running_baseline_accept_computed(case=case, by=clinician)
            services.cadence_goal_set(
                case=case,
                by=clinician,
                step_rate=None,
                low_percent=5,
                high_percent=10,
                computed=True,
            )
            _gait_checks(case, users["physio"], today)


def _pre_injury_runs(case: Case) -> None:
    """Six weeks of runs before the diagnosis (18, from the athlete's watch; no effort rating,
    so they add no training load)."""
    start = case.diagnosed_on - dt.timedelta(weeks=6)
    ActivitySession.objects.bulk_create(
        ActivitySession(
            athlete=case.athlete,
            date=start + dt.timedelta(days=7 * week + day),
            activity="run",
            minutes=km * 5,
            distance_km=Decimal(km),
            cadence=cadence,
            source=Source.IMPORT,
            external_id=f"demo-pre-injury-{week}-{day}",
        )
        for week in range(6)
        for day, km, cadence in PRE_INJURY_RUNS
    )


def _recent_distances(case: Case, today: dt.date) -> None:
    """The runs of the last two weeks at about 6 minutes a km, at a quicker step."""
    recent = ActivitySession.objects.filter(
        athlete=case.athlete, activity="run", date__gt=today - dt.timedelta(days=14)
    )
    for session in recent:
        session.distance_km = Decimal(round((session.minutes or 0) / 6, 1))
        session.cadence = 170
        session.save(update_fields=["distance_km", "cadence"])


def _gait_checks(case: Case, physio: User, today: dt.date) -> None:
    for days_ago, limp, pain, cadence, notes, seen in (
        (20, True, 2, 160, "Walking: slight limp on the left.", {"heel_strike": True}),
        (6, False, 0, 168, "Treadmill 10 km/h, filmed from the side.", {"overstriding": True}),
    ):
        services.gait_check_record(
            case=case,
            by=physio,
            date=today - dt.timedelta(days=days_ago),
            today=today,
            limp=limp,
            pain_free_gait=not limp,
            pain=pain,
            cadence=cadence,
            notes=notes,
            **seen,
        )
