"""The demo's run-walk programmes (``manage.py seed_demo``, one call from ``monitoring.demo``):
each demo athlete in a walk-run phase logs its runs as programme sessions, every other day.
The athlete with a login (Maya) has done two stages pain-free and is due her third stage's first
run today (the Today page shows it with the timer); an athlete whose runs hurt (the regression
scenario) has a step down waiting for a clinician on the case page."""

from __future__ import annotations

import datetime as dt

from monitoring.models import ActivitySession, DailyLog
from protocols.engine.programme import COMPLETED, stages_of
from protocols.models import Plan
from protocols.services.programmes import default_programme, install_shipped_programmes

RUN_DAYS = (1, 3, 5, 7)  # days into the phase: every other day, so today (day 9) is a run day


def seed_programmes(case_ids: list[int], today: dt.date) -> None:
    install_shipped_programmes()
    plans = Plan.objects.filter(case_id__in=case_ids, status=Plan.Status.ACTIVE).select_related(
        "current_phase", "template", "case__athlete"
    )
    for plan in plans:
        phase = plan.current_phase
        if phase is None or phase.started_on is None:
            continue
        if not any(rx.get("activity") == "walk_run" for rx in phase.prescriptions or []):
            continue
        if not phase.programme:
            phase.programme = default_programme(plan.template.slug if plan.template else None)
            phase.save(update_fields=["programme"])
        _runs(plan.case.athlete, phase, today)


def _runs(athlete, phase, today: dt.date) -> None:
    """Replace the phase's walk-run sessions with programme sessions every other day: pain-free
    ones step up (two a stage); an athlete whose logs report pain has it in the sessions too."""
    stages = stages_of(phase.programme)
    ActivitySession.objects.filter(
        athlete=athlete, date__gte=phase.started_on, activity="walk_run"
    ).delete()
    logs = {
        log.date: log
        for log in DailyLog.objects.filter(athlete=athlete, date__gte=phase.started_on)
    }
    stage, done = 1, 0
    for n in RUN_DAYS:
        day = phase.started_on + dt.timedelta(days=n)
        if day >= today:
            break
        log = logs.get(day)
        pain = log.pain_during if log is not None and (log.pain_during or 0) >= 3 else 0
        if not pain and log is not None and log.pain_during:
            log.pain_during = 0
            log.save(update_fields=["pain_during"])
        ActivitySession.objects.create(
            athlete=athlete,
            date=day,
            activity="walk_run",
            minutes=stages[stage - 1].minutes,
            rpe=4,
            surface="track",
            pain_during=pain,
            programme_stage=stage,
            completion=COMPLETED,
            source="import",
        )
        if pain:
            break  # a painful run: the programme proposes a step down, a clinician decides
        done += 1
        if done >= stages[stage - 1].sessions and stage < len(stages):
            stage, done = stage + 1, 0
