"""The demo clinic: a login per role, every kind of flag, and the same demo whatever day it runs."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from athletes.models import Case, User
from monitoring.models import ActivitySession, DailyLog, Flag
from protocols.models import Plan

# What the demo promises: who is where, and which flag each scenario raises.
SCENARIOS = {
    # athlete: (current phase, days since the plan started, the one open flag)
    "Maya": (4, 46, "ready_to_advance"),
    "Jonas": (2, 66, "red_flag"),
    "Lea": (4, 61, "regression"),
    "Tom": (2, 24, "missing_logs"),
    "Nina": (5, 102, "load_spike"),
}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def the_demo_relative_to_today() -> dict:
    """Everything the demo made, each date as days before today."""
    today = timezone.localdate()
    return {
        "logs": sorted(
            (log.athlete.first_name, (today - log.date).days, log.pain_rest, log.pain_during,
             log.pain_after, log.pain_next_morning, log.night_pain, log.fatigue, log.steps)
            for log in DailyLog.objects.select_related("athlete")
        ),
        "sessions": sorted(
            (s.athlete.first_name, (today - s.date).days, s.activity, s.minutes, s.rpe,
             s.pain_during)
            for s in ActivitySession.objects.select_related("athlete")
        ),
        "flags": sorted(
            (f.case.athlete.first_name, f.kind, f.status, f.title)
            for f in Flag.objects.select_related("case__athlete")
        ),
        "plans": sorted(
            (p.case.athlete.first_name, p.current_phase.order, (today - p.started_on).days)
            for p in Plan.objects.filter(status="active").select_related(
                "case__athlete", "current_phase"
            )
        ),  # Sofia's completed plan is the discharged case's (monitoring/demo_rtp.py)
    }  # fmt: skip


@pytest.mark.django_db
def test_seed_demo_creates_every_role_and_every_flag_kind():
    out = seed()
    for username in ("clinician", "physio", "coach", "athlete", "nutritionist", "psychologist"):
        assert username in out
        assert User.objects.get(username=username).check_password("rehab-demo")
    demo = the_demo_relative_to_today()
    assert [(name, order, days) for name, order, days in demo["plans"]] == sorted(
        (name, order, days) for name, (order, days, _) in SCENARIOS.items()
    )
    assert {(name, kind) for name, kind, status, _ in demo["flags"] if status == "open"} == {
        (name, kind) for name, (_, _, kind) in SCENARIOS.items()
    }
    # Every kind the evaluation raises; a bone-health flag is raised by a screen instead.
    assert {kind for _, kind, _, _ in demo["flags"]} == set(Flag.Kind.values) - {"bone_health"}
    assert all(f.message and f.evaluation for f in Flag.objects.all())
    # A log a day from the diagnosis (three days before the plan), none missed in the phase being
    # judged; Tom's last three days are the missing logs of his scenario.
    logs = DailyLog.objects.filter(athlete__first_name="Maya")
    assert logs.count() == 46
    assert logs.latest("date").date == timezone.localdate()
    assert DailyLog.objects.count() == 296
    # 404 of the plans' weeks, and Maya's 18 runs of the six weeks before her injury (her
    # pre-injury baseline and step rate are computed from them: monitoring/running/demo.py).
    assert ActivitySession.objects.count() == 404 + 18
    maya = Case.objects.get(athlete__first_name="Maya")
    assert (maya.pre_injury_km_week, maya.pre_injury_source) == (30, "computed")
    assert (maya.baseline_step_rate, maya.cadence_goal_low_percent) == (164, 5)
    assert maya.gait_checks.count() == 2
    tom = DailyLog.objects.filter(athlete__first_name="Tom").latest("date").date
    assert tom == timezone.localdate() - dt.timedelta(days=4)


@pytest.mark.django_db
def test_seed_demo_is_the_same_demo_whatever_day_it_runs():
    """Its random choices never depend on where today falls: the demo seeded on an ordinary
    Thursday, on 29 February and just after midnight on New Year's Day (London) is the same,
    date for date counted back from each day."""
    demos = []
    for moment in (
        dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC),
        dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 31, 0, 10, tzinfo=dt.UTC),
    ):
        with time_machine.travel(moment, tick=False), transaction.atomic():
            seed()
            demos.append(the_demo_relative_to_today())
            transaction.set_rollback(True)
    assert demos[0]["logs"]  # (the comparison below is not of empty demos)
    assert demos[1] == demos[0]
    assert demos[2] == demos[0]


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    seed()
    counts = (DailyLog.objects.count(), Flag.objects.count(), User.objects.count())
    seed()
    assert (DailyLog.objects.count(), Flag.objects.count(), User.objects.count()) == counts


@pytest.mark.django_db
def test_seed_demo_shows_the_return_decision_and_readiness():
    """A discharged case with a StARRT decision (the letter has it); Maya's TSK-11 and I-PRRS
    trend; Lea's TSK-11 above the clinic's threshold with no psychologist on her team yet."""
    from athletes.models import Case
    from monitoring.models import Assessment
    from protocols.models import ReturnDecision

    seed()
    sofia = Case.objects.get(athlete__first_name="Sofia")
    assert (sofia.status, sofia.outcome) == ("returned", "modified")
    decision = ReturnDecision.objects.get(case=sofia)
    assert decision.decision == "restricted" and decision.restrictions
    maya = Case.objects.get(athlete__first_name="Maya")
    trend = list(
        Assessment.objects.filter(case=maya, test="readiness_iprrs")
        .order_by("date")
        .values_list("value", flat=True)
    )
    assert trend == [28, 38, 46]
    lea = Case.objects.get(athlete__first_name="Lea")
    assert Assessment.objects.get(case=lea, test="tsk11").value == 39
    assert not lea.care_team.filter(role="psychologist").exists()
    seed()  # a second run adds nothing
    assert ReturnDecision.objects.count() == 1
