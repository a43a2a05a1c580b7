"""Coaches, their athletes and a case full of clinical detail a coach must never see.

"Today" is pinned to ``TODAY`` for every test here except the browser test (it seeds the demo
clinic, which is built around the real today).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from athletes.models import CareTeamMember
from monitoring.models import (
    ActivitySession,
    Assessment,
    CaseEvaluation,
    DailyLog,
    Flag,
)
from protocols import services as plan_services
from tests.factories import AthleteFactory, CaseFactory, TeamFactory, UserFactory
from tests.plans import published_template, running_plan

TODAY = dt.date(2026, 11, 20)
D0 = TODAY - dt.timedelta(days=12)  # the plan starts here, in its walk-run phase (phase 2)
NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def pinned_today(request):
    if request.node.get_closest_marker("browser"):
        yield None
        return
    with time_machine.travel(NOON, tick=False):
        yield TODAY


@pytest.fixture
def team(case):
    """The case's athlete's team; the coach is on its staff."""
    return case.athlete.team


@pytest.fixture
def coached(case, clinician, coach, athlete_user, team):
    """The case's active plan, in its walk-run phase since D0; the coach is on the team staff."""
    team.name = "Riverside Athletics"
    team.save()
    team.staff.add(coach)
    return running_plan(case, clinician, started_on=D0, phase=2)


@pytest.fixture
def other_coach(db):
    """A coach on another case of another team, never on this one."""
    user = UserFactory(username="bo", kind="coach")
    other = CaseFactory(athlete=AthleteFactory(first_name="Ola", last_name="Other"))
    CareTeamMember.objects.create(case=other, user=user, role="coach")
    return user


# --- a case full of clinical detail (each marker belongs to one clinical field) -----------------

# field -> strings or regular expressions (prefixed "re:") that must never reach a coach
CLINICAL_MARKERS: dict[str, tuple[str, ...]] = {
    "site": ("navicular", "Navicular"),
    "side": ("bilateral", "Bilateral"),
    "risk": ("High risk", "high-risk", "high_risk", "Low risk"),
    "grade": (r"re:(?i)\bgrade\b",),
    "grading_system": ("Fredericson", "Arendt", "Kaeding"),
    "imaging": (r"re:\bMRI\b", r"re:\bCT\b", "X-ray", "Bone scan"),
    "imaging_on": ("2026-08-03", "3 Aug", "03 Aug"),
    "diagnosed_on": ("2026-08-05", "5 Aug", "05 Aug"),
    "bone_health": (
        "RED-S",
        "Triad",
        "25(OH)D",
        "41.7",
        "Oligomenorrh",
        "prior bone stress",
        "Bone-health screen",  # the flag kind's own name says a screen was positive
    ),  # fmt: skip
    "pain": (
        r"re:\b\d{1,2}\s*/\s*10\b",
        r"re:(?i)pain\W{0,3}(at rest|during|after|next)?\W{0,3}\d",
        "pain_rest",
        "pain_during",
        "pain_after",
        "pain_next_morning",
        r"re:\bNRS\b",  # the scale's name, not three letters of a random token
    ),
    "symptoms": ("swelling", "Swelling", "localized", "pain_character", "night_pain", "lasted"),
    "wellbeing": (
        r"re:\bHooper\s+(index|scale|items?)\b",  # the scale; not a factory's surname Hooper
        "fatigue",
        "Fatigue",
        "sleep_quality",
        "soreness",
        "Soreness",
    ),
    "log_notes": ("ZEBRA-LOG-NOTE", "ZEBRA-SESSION-NOTE", "ZEBRA-LOCATION"),
    "assessments": (
        "ZEBRA-ASSESSMENT",
        "tenderness",
        "Tenderness",
        "Single-leg hop",
        "single_leg_hop",
    ),
    "evaluation": ("ZEBRA-EVALUATION", "peaked at", "criteria met", "Unknown"),
    "criteria": ("pain_max", "min_days_in_phase", "advance_when", "regress_when", "pain_above"),
    "flag_message": ("ZEBRA-FLAG-TITLE", "ZEBRA-FLAG-MESSAGE"),
    "transition_reason": ("ZEBRA-TRANSITION-REASON",),
    "phase_notes": ("ZEBRA-PHASE-NOTE", "zebra2024"),
    "prescription_notes": ("ZEBRA-RX-NOTE",),
    "plan_name": ("ZEBRA-PLAN-NAME", "Test tibia protocol"),
}

COACH_MESSAGE = "Under review by the medical team; no impact training until cleared."


@pytest.fixture
def clinical_case(case, clinician, physio, coach, athlete_user, team):
    """The case, coached, with every kind of clinical detail recorded, a step back a week ago
    and an open red flag. Returns the plan."""
    team.staff.add(coach)
    case.site = "navicular"
    case.side = "bilateral"
    case.risk = "high"
    case.grade = 3
    case.grading_system = "fredericson"
    case.imaging = "ct"
    case.imaging_on = dt.date(2026, 8, 3)
    case.diagnosed_on = dt.date(2026, 8, 5)
    case.prior_bsi_count = 2
    case.red_s_screen = "positive"
    case.menstrual_status = "oligomenorrhea"
    case.vitamin_d_nmol_l = Decimal("41.7")
    case.save()
    template = published_template(
        clinician, slug="navicular-test", risk="high", sites=["navicular"]
    )
    plan = running_plan(case, clinician, started_on=D0, phase=2, template=template)
    plan.name = "ZEBRA-PLAN-NAME"
    plan.save()
    phases = list(plan.phases.order_by("order"))
    for phase in phases:
        phase.notes = "ZEBRA-PHASE-NOTE"
        phase.citations = ["zebra2024"]
        phase.prescriptions = [
            {**rx, "notes": "ZEBRA-RX-NOTE", "intensity": "easy, pain 0 of 10"}
            for rx in phase.prescriptions
        ]
        phase.save()
    # A step back a week ago (with a clinical reason), then forward again.
    plan_services.transition_decide(
        plan=plan,
        kind="regress",
        decided_by=clinician,
        reason="ZEBRA-TRANSITION-REASON",
        effective_on=TODAY - dt.timedelta(days=7),
        to_phase=phases[0],
    )
    plan.refresh_from_db()
    plan_services.transition_decide(
        plan=plan,
        kind="advance",
        decided_by=clinician,
        reason="ZEBRA-TRANSITION-REASON",
        effective_on=TODAY - dt.timedelta(days=4),
        to_phase=phases[1],
    )
    plan.refresh_from_db()
    athlete = case.athlete
    for n in range(10):
        day = TODAY - dt.timedelta(days=n)
        DailyLog.objects.create(
            athlete=athlete,
            date=day,
            pain_rest=7,
            pain_during=8,
            pain_after=9,
            pain_next_morning=6,
            pain_character="sharp",
            localized=True,
            pain_location="ZEBRA-LOCATION",
            night_pain=True,
            swelling=True,
            pain_lasted_hours=Decimal("30"),
            fatigue=6,
            sleep_quality=6,
            stress=6,
            mood=6,
            soreness=6,
            note="ZEBRA-LOG-NOTE",
        )
        ActivitySession.objects.create(
            athlete=athlete,
            date=day,
            activity="walk_run",
            minutes=30,
            rpe=4,
            pain_during=8,
            note="ZEBRA-SESSION-NOTE",
        )
    Assessment.objects.create(
        case=case,
        date=TODAY - dt.timedelta(days=1),
        test="tenderness",
        value=1,
        pain=7,
        notes="ZEBRA-ASSESSMENT",
        assessed_by=physio,
    )
    Assessment.objects.create(
        case=case,
        date=TODAY - dt.timedelta(days=1),
        test="single_leg_hop",
        value=12,
        pain=3,
        notes="ZEBRA-ASSESSMENT",
        assessed_by=physio,
    )
    evaluation = {"summary": "ZEBRA-EVALUATION", "sentence": "Pain during activity peaked at 8/10"}
    CaseEvaluation.objects.create(
        case=case,
        phase=plan.current_phase,
        evaluated_at=NOON,
        evaluated_for=TODAY,
        evaluation=evaluation,
    )
    Flag.objects.create(
        case=case,
        phase=plan.current_phase,
        kind="red_flag",
        title="ZEBRA-FLAG-TITLE",
        message="ZEBRA-FLAG-MESSAGE",
        coach_message=COACH_MESSAGE,
        evaluation=evaluation,
    )
    Flag.objects.create(  # a positive screen's flag: a coach sees it only as a review
        case=case,
        phase=plan.current_phase,
        kind="bone_health",
        title="ZEBRA-FLAG-TITLE",
        message="ZEBRA-FLAG-MESSAGE",
        coach_message="Under review by the medical team.",
        evaluation=evaluation,
    )
    return plan


# --- many coached athletes, for the query counts -----------------------------------------------


@pytest.fixture
def squad(db):
    """``squad(n)``: n athletes with an active plan in two teams, coached by "kim" (returned),
    each with four weeks of logs and sessions; every third with an open flag, every fifth with a
    step back."""

    def make(n: int):
        dana = UserFactory(username="dana-sq", kind="clinician")
        kim = UserFactory(username="kim", kind="coach")
        template = published_template(dana, slug="squad-template")
        teams = [TeamFactory(name="Squad A"), TeamFactory(name="Squad B")]
        teams[0].staff.add(kim)
        logs, sessions, flags = [], [], []
        for i in range(n):
            case = CaseFactory(athlete=AthleteFactory(team=teams[i % 2]))
            CareTeamMember.objects.create(case=case, user=dana, role="lead_clinician")
            CareTeamMember.objects.create(case=case, user=kim, role="coach")
            plan = running_plan(case, dana, started_on=D0, phase=2, template=template)
            if i % 5 == 0:
                phases = list(plan.phases.order_by("order"))
                plan_services.transition_decide(
                    plan=plan,
                    kind="regress",
                    decided_by=dana,
                    reason="Test",
                    effective_on=TODAY - dt.timedelta(days=2),
                    to_phase=phases[0],
                )
            for d in range(28):
                day = TODAY - dt.timedelta(days=d)
                logs.append(DailyLog(athlete=case.athlete, date=day, pain_during=d % 3))
                sessions.append(
                    ActivitySession(
                        athlete=case.athlete, date=day, activity="cycle", minutes=30, rpe=3 + i % 4
                    )
                )
            if i % 3 == 0:
                plan.refresh_from_db()
                flags.append(
                    Flag(
                        case=case,
                        phase=plan.current_phase,
                        kind=("load_spike", "missing_logs", "red_flag")[(i // 3) % 3],
                        title="t",
                        message="m",
                        coach_message="c",
                        evaluation={},
                    )
                )
        DailyLog.objects.bulk_create(logs)
        ActivitySession.objects.bulk_create(sessions)
        Flag.objects.bulk_create(flags)
        return kim

    return make
