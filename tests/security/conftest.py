"""A case full of clinical detail with its whole care team, and a foreign case nobody here is on.

The clinical case and its markers come from the coach tests (``tests/coach/conftest.py``): each
clinical field has a distinctive value that must never reach a coach. The foreign case carries
markers of its own that must never reach anyone on the first case.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from monitoring.models import (
    ActivitySession,
    Assessment,
    BatteryResult,
    DailyLog,
    DeviceMetric,
    Flag,
    GaitCheck,
    TestBattery,
)
from tests.coach import conftest as coach
from tests.coach.conftest import TODAY
from tests.factories import AthleteFactory, CareTeamMemberFactory, CaseFactory, UserFactory
from tests.plans import published_template, running_plan
from tests.security.free_text import seed_clinical_text

# The coach tests' fixtures, used here too: "today" pinned, the team, the case full of clinical
# detail.
pinned_today = coach.pinned_today
team = coach.team
clinical_case = coach.clinical_case

FOREIGN_MARKERS = (
    "Xanthippe",
    "FOREIGN-LOG-NOTE",
    "FOREIGN-FLAG-MESSAGE",
    "FOREIGN-ASSESSMENT",
    "FOREIGN-TEXT",
    "TXTFOR",
    "foreign-invitee@example.org",
    "Foreign Sports Clinic",
)
"""Strings that appear only in the foreign case's data."""

OWN_TEXT = "TXTOWN"
"""The prefix of the markers seeded into the case's clinical free text (``free_text``), beside
the injury site's words: no one but the case's clinical roles and its athlete may read them."""


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters and lockouts live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def _rows(case, user, *, tag: str, note: str) -> dict:
    athlete = case.athlete
    day = TODAY - dt.timedelta(days=1)
    log = DailyLog.objects.filter(athlete=athlete, date=day).first() or DailyLog.objects.create(
        athlete=athlete, date=day, pain_during=2, note=note
    )
    session = ActivitySession.objects.create(
        athlete=athlete, date=day, activity="run", minutes=30, rpe=4, external_id=f"{tag}-s"
    )
    metric = DeviceMetric.objects.create(
        athlete=athlete,
        metric="steps",
        value=9000,
        unit="count",
        recorded_at=timezone.now(),
        date=day,
        source="watch",
        external_id=f"{tag}-m",
    )
    assessment = Assessment.objects.create(
        case=case, date=day, test="single_leg_hop", value=12, notes=note, assessed_by=user
    )
    battery = TestBattery.objects.create(
        case=case, date=day, involved_side="left", notes=note, assessed_by=user
    )
    BatteryResult.objects.create(
        battery=battery, test="hop_distance", unit="cm", left=101.5, right=123.5, pain=1
    )
    gait_check = GaitCheck.objects.create(
        case=case, date=day, limp=False, pain_free_gait=True, notes=note, recorded_by=user
    )
    return {
        "log": log,
        "session": session,
        "metric": metric,
        "assessment": assessment,
        "battery": battery,
        "gait_check": gait_check,
    }


def _care_rows(case, plan, user, *, note: str) -> dict:
    """A note for the clinical roles only, a review, a goal and a finished template trial."""
    from monitoring.models import ExerciseCompletion, ReadinessQuestionnaire
    from monitoring.models.care import CaseNote, Goal, Review
    from protocols.models import Exercise, ReturnDecision
    from protocols.whatif_models import TemplateTrial

    starrt = {f: note for f in ("symptoms", "tenderness", "function_tests", "planned_load")}
    exercise = Exercise.objects.get(key="plank")

    return {
        "return_decision": ReturnDecision.objects.create(
            case=case,
            sport="Running",
            level="club",
            season_timing="in",
            decision="restricted",
            cleared_from=TODAY,
            restrictions="No races for two weeks.",
            reasons=note,
            recorded_by=user,
            **starrt,
        ),  # fmt: skip
        "readiness": ReadinessQuestionnaire.objects.create(
            case=case, instrument="tsk11", date=TODAY, items=[4] * 11, total=44, recorded_by=user
        ),
        "note": CaseNote.objects.create(case=case, author=user, audience="clinical", body=note),
        "review": Review.objects.create(case=case, kind="call", due_on=TODAY, scheduled_by=user),
        "goal": Goal.objects.create(case=case, phase=plan.current_phase, text="Walk 30 minutes"),
        "exercise": exercise,
        "exercise-completion": ExerciseCompletion.objects.create(
            case=case, exercise=exercise, done_on=TODAY
        ),
        "trial": TemplateTrial.objects.create(
            template=plan.template, requested_by=user, status="done", risk=plan.template.risk
        ),
    }


def _bone_rows(case, user, *, note: str) -> dict:
    """A result, an energy-availability record and a physician's work-up task (clinical)."""
    from monitoring.models import BoneHealthResult, EnergyAvailability, WorkupTask

    return {
        "bone-result": BoneHealthResult.objects.create(
            case=case, kind="ferritin", value=18, unit="µg/L", entered_value=18,
            entered_unit="µg/L", measured_on=TODAY, note=note, recorded_by=user,
        ),
        "energy-availability": EnergyAvailability.objects.create(
            case=case, date=TODAY, intake_kcal=2100, exercise_kcal=950, ffm_kg=46, ea=25,
            note=note, recorded_by=user,
        ),
        "workup-task": WorkupTask.objects.create(
            case=case, kind="dxa", assignee_role="physician", due_on=TODAY, reasons=note
        ),
    }  # fmt: skip


BONE_OWN = "BONEWORKUP-OWN"
"""The case's work-up text (results, EA, tasks): for its clinical roles, its nutritionist and
its athlete; never a coach, a psychologist or an integration account."""


def _clinics(clinician, foreign_case, ffion):
    """Two clinics: the own case's people (its lead clinician administers it) and the foreign
    case's, each with an invitation waiting."""
    from athletes.models import Athlete, Clinic, Invitation, Team, User

    own, other = (
        Clinic.objects.create(name="Own Sports Clinic"),
        Clinic.objects.create(name="Foreign Sports Clinic"),
    )
    User.objects.update(clinic=own)
    User.objects.filter(pk=ffion.pk).update(clinic=other)
    Athlete.objects.update(clinic=own)
    Athlete.objects.filter(pk=foreign_case.athlete_id).update(clinic=other)
    Team.objects.update(clinic=own)
    User.objects.filter(pk=clinician.pk).update(is_clinic_admin=True)
    week = timezone.now() + dt.timedelta(days=7)
    return (
        Invitation.objects.create(
            clinic=own, email="own-invitee@example.org", kind="physio", token_hash="1" * 64,
            created_by=clinician, expires_at=week,
        ),
        Invitation.objects.create(
            clinic=other, email="foreign-invitee@example.org", kind="physio",
            token_hash="2" * 64, created_by=ffion, expires_at=week,
        ),
    )  # fmt: skip


def _webhooks(integration):
    """The integration account's webhook endpoint, and another integration account's."""
    from athletes.models import User
    from monitoring.models import WebhookEndpoint

    other = UserFactory(username="other-wearable", kind="integration")
    User.objects.filter(pk=other.pk).update(clinic=integration.clinic_id)
    return tuple(
        WebhookEndpoint.objects.create(
            owner=owner, url=f"https://hooks.example.org/{owner.username}",
            events=["flag.opened"], secret="whsec_" + "A" * 32,
        )
        for owner in (integration, other)
    )  # fmt: skip


@pytest.fixture
def world(clinical_case, case, clinician, physio, coach, athlete_user, nutritionist, psychologist):
    """Both cases with a running plan and one row of every kind; returns the objects by case."""
    from tests.conftest import _member

    integration = _member(case, "wearable", "integration", "integration")
    own = _rows(case, physio, tag="own", note="ZEBRA-LOG-NOTE")
    own["plan"] = clinical_case
    own["flag"] = Flag.objects.get(case=case, kind="red_flag")
    own["template"] = clinical_case.template
    own["member"] = case.care_team.get(role="coach")
    own.update(_care_rows(case, clinical_case, clinician, note="ZEBRA-LOG-NOTE"))
    own.update(_bone_rows(case, clinician, note=BONE_OWN))

    foreign_case = CaseFactory(athlete=AthleteFactory(first_name="Xanthippe", last_name="Vance"))
    ffion = UserFactory(username="ffion", kind="clinician")
    CareTeamMemberFactory(case=foreign_case, user=ffion, role="lead_clinician")
    template = published_template(ffion, slug="foreign-tibia")
    foreign_plan = running_plan(
        foreign_case, ffion, started_on=TODAY - dt.timedelta(days=10), template=template
    )
    foreign = _rows(foreign_case, ffion, tag="foreign", note="FOREIGN-LOG-NOTE")
    foreign["plan"] = foreign_plan
    foreign["flag"] = Flag.objects.create(
        case=foreign_case,
        phase=foreign_plan.current_phase,
        kind="missing_logs",
        title="No log for 3 days",
        message="FOREIGN-FLAG-MESSAGE",
        evaluation={},
    )
    foreign["template"] = template
    foreign["member"] = foreign_case.care_team.get()
    foreign.update(_care_rows(foreign_case, foreign_plan, ffion, note="FOREIGN-LOG-NOTE"))
    foreign.update(_bone_rows(foreign_case, ffion, note="FOREIGN-TEXT bone work-up"))
    assessment = foreign["assessment"]
    assessment.notes = "FOREIGN-ASSESSMENT"
    assessment.save()
    # Every clinical free-text field of both cases, in the site's words (issue: tests that read
    # text): the coach, the integration account, the nutritionist and the psychologist never
    # read the case's; nobody here reads the foreign case's.
    text = {
        "own": seed_clinical_text(case, "Navicular stress fracture of the navicular", OWN_TEXT),
        "foreign": seed_clinical_text(foreign_case, "FOREIGN-TEXT", "TXTFOR"),
    }
    own["invitation"], foreign["invitation"] = _clinics(clinician, foreign_case, ffion)
    own["webhook"], foreign["webhook"] = _webhooks(integration)
    return {
        "text": text,
        "cases": {"own": case, "foreign": foreign_case},
        "rows": {"own": own, "foreign": foreign},
        "users": {
            "clinician": clinician,
            "physio": physio,
            "coach": coach,
            "athlete": athlete_user,
            "nutritionist": nutritionist,
            "psychologist": psychologist,
            "integration": integration,
            "anonymous": None,
        },
    }
