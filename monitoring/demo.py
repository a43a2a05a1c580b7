"""The demo clinic: people for every role, athletes at different sites and phases, and weeks
of realistic logs, sessions and assessments, chosen so that every kind of flag appears.

Used by ``manage.py seed_demo``. The same demo whatever day it runs: every date is counted back
from today and the random numbers are seeded by the athlete alone, drawn in the same order
whatever the calendar says, so the logs, sessions, flags and phases stand in the same place
relative to today (``tests/monitoring/test_demo.py`` holds it to exact counts on any day).
Idempotent: an athlete that already has a case is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, Value
from django.db.models.functions import Cast, Least
from django.test.utils import override_settings
from django.utils import timezone

from athletes.models import Athlete, CareTeamMember, Case, Clinic, Team, User
from athletes.services import athlete_create, case_open
from athletes.sites import grading_systems_for
from monitoring.demo_batteries import seed_batteries
from monitoring.demo_rtp import seed_return_to_play
from monitoring.evaluation import services
from monitoring.models import ActivitySession, Assessment, DailyLog, Source
from monitoring.programme_demo import seed_programmes
from protocols import services as plan_services
from protocols.models import Plan, ProtocolTemplate

DEMO_PASSWORD = "rehab-demo"  # noqa: S105 — a published demo login for local use only

Role = CareTeamMember.Role
DEMO_USERS = [
    ("clinician", "Dana", "Okafor", User.Kind.CLINICIAN),
    ("physio", "Sam", "Lindqvist", User.Kind.PHYSIO),
    ("coach", "Alex", "Moreau", User.Kind.COACH),
    ("athlete", "Maya", "Patel", User.Kind.ATHLETE),
    ("nutritionist", "Rosa", "Greene", User.Kind.NUTRITIONIST),
    ("psychologist", "Ike", "Tanaka", User.Kind.PSYCHOLOGIST),
]


@dataclass(frozen=True)
class DemoAthlete:
    first: str
    last: str
    sex: str
    sport: str
    site: str
    side: str
    grade: int
    template: str
    phase: int  # the current phase, 1-based
    days_in_phase: int
    scenario: str  # ready | red_flag | regression | missing_logs | load_spike
    login: bool = False
    red_s: str = Case.Screen.NEGATIVE


DEMO_ATHLETES = [
    DemoAthlete(
        "Maya",
        "Patel",
        "female",
        "Distance running",
        "posteromedial_tibia",
        "left",
        2,
        "tibia-low-risk",
        4,
        9,
        "ready",
        login=True,
    ),
    DemoAthlete(
        "Jonas",
        "Berg",
        "male",
        "Basketball",
        "navicular",
        "right",
        3,
        "navicular",
        2,
        10,
        "red_flag",
    ),
    DemoAthlete(
        "Lea",
        "Fischer",
        "female",
        "Middle distance",
        "metatarsal_shaft",
        "right",
        2,
        "metatarsal-shaft",
        4,
        12,
        "regression",
    ),
    DemoAthlete(
        "Tom",
        "Reyes",
        "male",
        "Football",
        "fibula",
        "left",
        1,
        "low-risk-general",
        2,
        9,
        "missing_logs",
    ),
    DemoAthlete(
        "Nina",
        "Kowalski",
        "female",
        "Triathlon",
        "femoral_neck_compression",
        "left",
        3,
        "femoral-neck",
        5,
        8,
        "load_spike",
        red_s=Case.Screen.POSITIVE,
    ),
]


DEMO_CLINIC = "Riverside Sports Clinic"


def seed(*, today: dt.date | None = None, stdout=None) -> dict[str, User]:
    today = today or timezone.localdate()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with transaction.atomic():
            plan_services.install_shipped_templates()  # present after migrate; made sure of
            clinic, _ = Clinic.objects.get_or_create(name=DEMO_CLINIC)
            users = _users()
            User.objects.filter(username__in=[*users, "admin"], clinic__isnull=True).update(
                clinic=clinic
            )
            # The demo's lead clinician administers the clinic too (invites staff, sees teams).
            User.objects.filter(username__in=["clinician", "admin"]).update(is_clinic_admin=True)
            for user in users.values():
                user.refresh_from_db(fields=["clinic", "is_clinic_admin"])
            team, _ = Team.objects.get_or_create(
                name="Riverside Athletics", clinic=clinic, defaults={"sport": "Mixed"}
            )
            team.staff.add(users["coach"])
            case_ids = []
            for spec in DEMO_ATHLETES:
                case = _case(spec, team, users, today)
                if case is not None:
                    case_ids.append(case.pk)
            seed_programmes(case_ids, today)  # run-walk programmes in progress
            _written_on_their_day(case_ids)
        if case_ids:
            services.cases_evaluate(case_ids=case_ids, today=today)
            from monitoring.care.bone_demo import seed_bone_health
            from monitoring.care.demo import seed_care
            from monitoring.care.demo_bone import seed_bone_health as seed_workup
            from monitoring.exercises.demo import seed_exercise_ticks

            seed_care(case_ids, users, today)  # notes, reviews and goals
            seed_batteries(case_ids, users, today)  # test batteries, symmetry improving
            seed_bone_health(case_ids, users, today)  # a man's REDs screen, a guardian, a cycle
            seed_workup(case_ids, users, today)  # the bone-health work-up
            from monitoring.running.demo import seed_running

            seed_running(case_ids, users, today)  # the road back: baseline, cadence, gait
            seed_exercise_ticks(case_ids, today)  # monitoring.exercises.demo
            _written_on_their_day(case_ids)
        with transaction.atomic():
            seed_return_to_play(users, today)  # StARRT decision, TSK-11 and I-PRRS
    return users


# The phone and e-mail the demo's clinicians chose to share with their athletes (a stop on an
# athlete's Today lists them); fictional numbers (Ofcom's range for drama, 020 7946 0xxx).
DEMO_SHARED_CONTACTS = {
    "clinician": ("+44 20 7946 0018", "sports.clinic@demo.rehab.invalid"),
    "physio": ("+44 20 7946 0042", ""),
}


def _users() -> dict[str, User]:
    users = {}
    for username, first, last, kind in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "kind": kind,
                "email": f"{username}@demo.rehab.invalid",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if username in DEMO_SHARED_CONTACTS:  # what /clinic/contact/ shares with athletes
                user.contact_phone, user.contact_email = DEMO_SHARED_CONTACTS[username]
            user.save()
        users[username] = user
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "first_name": "Clinic",
            "last_name": "Administrator",
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    return users


def _case(spec: DemoAthlete, team: Team, users: dict[str, User], today: dt.date) -> Case | None:
    athlete = Athlete.objects.filter(first_name=spec.first, last_name=spec.last).first()
    if athlete is not None and athlete.cases.exists():
        return None
    rng = random.Random(spec.last)  # noqa: S311 — demo data; never seeded by the date
    template = ProtocolTemplate.objects.get(slug=spec.template, status="published")
    phases = list(template.phases.order_by("order"))
    # Walk back from today: the current phase began days_in_phase ago; each earlier phase took
    # its typical days and a few more (as real ones do).
    starts = {spec.phase: today - dt.timedelta(days=spec.days_in_phase)}
    for order in range(spec.phase - 1, 0, -1):
        took = max(phases[order - 1].typical_days, 7) + rng.randint(3, 9)
        starts[order] = starts[order + 1] - dt.timedelta(days=took)
    plan_start = starts[1]
    if athlete is None:
        athlete = athlete_create(
            first_name=spec.first,
            last_name=spec.last,
            sex=spec.sex,
            sport=spec.sport,
            team=team,
            date_of_birth=today - dt.timedelta(days=365 * rng.randint(19, 28) + 100),
            user=users["athlete"] if spec.login else None,
            clinic=team.clinic,
        )
    clinician = users["clinician"]
    case = case_open(
        athlete=athlete,
        site=spec.site,
        side=spec.side,
        grade=spec.grade,
        grading_system=grading_systems_for(spec.site)[0],  # Fredericson at the tibia only
        diagnosed_on=plan_start - dt.timedelta(days=3),
        imaging_on=plan_start - dt.timedelta(days=4),
        created_by=clinician,
        red_s_screen=spec.red_s,
        menstrual_status=(
            Case.Menstrual.OLIGOMENORRHEA
            if spec.red_s == Case.Screen.POSITIVE
            else Case.Menstrual.REGULAR
            if spec.sex == "female"
            else Case.Menstrual.NOT_APPLICABLE
        ),
    )
    for username, role in (
        ("physio", Role.PHYSIO),
        ("coach", Role.COACH),
        ("nutritionist", Role.NUTRITIONIST),
        ("psychologist", Role.PSYCHOLOGIST),
    ):
        CareTeamMember.objects.get_or_create(
            case=case, user=users[username], defaults={"role": role, "added_by": clinician}
        )

    plan = plan_services.plan_create(case=case, template=template, created_by=clinician)
    plan_services.plan_start(
        plan=plan,
        started_by=clinician,
        started_on=plan_start,
        reason="Plan agreed with the athlete at the first review.",
    )
    plan_phases = list(plan.phases.order_by("order"))
    for order in range(2, spec.phase + 1):
        plan.refresh_from_db()
        plan_services.transition_decide(
            plan=plan,
            kind="advance",
            decided_by=clinician,
            effective_on=starts[order],
            to_phase=plan_phases[order - 1],
            reason="Criteria met and reviewed in clinic; progressing as planned.",
        )
    plan = Plan.objects.get(pk=plan.pk)
    _history(spec, case, plan_start, today, starts, plan_phases, rng)
    _scenario_extras(spec, case, plan, users, today, rng)
    return case


def _phase_on(day: dt.date, starts: dict[int, dt.date]) -> int:
    return max((order for order, start in starts.items() if start <= day), default=1)


def _history(spec, case, plan_start, today, starts, plan_phases, rng) -> None:
    """A log a day (with the odd missed day) and the phase's prescribed sessions."""
    logs, sessions = [], []
    current_start = starts[spec.phase]
    last_day = today - dt.timedelta(days=4) if spec.scenario == "missing_logs" else today
    day = case.diagnosed_on
    while day <= last_day:
        order = _phase_on(day, starts)
        in_current = order == spec.phase
        since_start = (day - case.diagnosed_on).days
        # Missed days now and then, never in the current phase (it is being judged).
        if not in_current and rng.random() < 0.08:
            day += dt.timedelta(days=1)
            continue
        rest = max(0, 3 - since_start // 4) if since_start < 12 else 0
        during = rng.choice([0, 0, 1]) if not in_current else rng.choice([0, 0, 0, 1])
        after = min(1, during + rng.choice([0, 0, 1])) if not in_current else during
        morning = 0
        if spec.scenario == "regression" and in_current:
            week = (day - current_start).days
            during = 1 if week < 6 else rng.choice([3, 3, 4])
            after = during + (1 if week >= 6 else 0)
            morning = 1 if week >= 6 else 0
        if spec.scenario == "red_flag" and day == today - dt.timedelta(days=1):
            rest, during, after, morning = 2, 2, 3, 2
        pains = (rest, during, after, morning)
        logs.append(
            DailyLog(
                athlete=case.athlete,
                date=day,
                pain_rest=rest,
                pain_during=during,
                pain_after=after,
                pain_next_morning=morning if day < today else None,
                pain_character="none" if not any(pains) else "dull",
                localized=None if not any(pains) else False,
                night_pain=spec.scenario == "red_flag" and day == today - dt.timedelta(days=1),
                swelling=False,
                fatigue=rng.randint(2, 4),
                sleep_hours=rng.choice([6.5, 7, 7.5, 8, 8.5]),
                sleep_quality=rng.randint(2, 4),
                stress=rng.randint(2, 4),
                mood=rng.randint(2, 3),
                soreness=rng.randint(2, 4),
                steps=rng.randint(5000, 11000),
                source=Source.IMPORT,
            )
        )
        for rx in plan_phases[order - 1].prescriptions:
            per_week = rx.get("sessions_per_week") or 3
            if rng.random() < per_week / 7 and rx.get("minutes"):
                minutes, rpe = rx["minutes"], rng.randint(3, 5)
                if spec.scenario == "load_spike":
                    minutes, rpe = (25, 3) if (today - day).days > 6 else (70, 7)
                sessions.append(
                    ActivitySession(
                        athlete=case.athlete,
                        date=day,
                        activity=rx["activity"],
                        minutes=minutes,
                        rpe=rpe,
                        source=Source.IMPORT,
                        surface="track" if rx["activity"] in {"run", "walk_run"} else "",
                        pain_during=during,
                    )
                )
        if (
            spec.scenario == "load_spike"
            and (today - day).days <= 6
            and not any(s.date == day for s in sessions)
        ):
            sessions.append(
                ActivitySession(
                    athlete=case.athlete,
                    date=day,
                    activity="cycle",
                    minutes=75,
                    rpe=7,
                    source=Source.IMPORT,
                )
            )
        day += dt.timedelta(days=1)
    DailyLog.objects.bulk_create(logs)
    ActivitySession.objects.bulk_create(sessions)


def _written_on_their_day(case_ids: list[int]) -> None:
    """Date the writing of the demo athletes' logs and sessions to each one's evening (never
    after now), as an athlete who logs each day: the demo's history is not recorded late (the
    evaluation would judge each of its days again as on that day, ``Snapshot.recorded_late``)."""
    evening = ExpressionWrapper(
        Cast("date", DateTimeField()) + Value(dt.timedelta(hours=20)),
        output_field=DateTimeField(),
    )
    now = Value(timezone.now(), output_field=DateTimeField())
    written = Least(evening, now)
    athletes = Case.objects.filter(pk__in=case_ids).values("athlete_id")
    for model in (DailyLog, ActivitySession):
        model.objects.filter(athlete_id__in=athletes).update(created_at=written, updated_at=written)


def _scenario_extras(spec, case, plan, users, today, rng) -> None:
    """Assessments (and a sign-off) so that the 'ready' athlete meets every criterion."""
    phase = plan.current_phase
    if spec.scenario != "ready":
        Assessment.objects.create(
            case=case,
            test="tenderness",
            value=1,
            date=today - dt.timedelta(days=5),
            assessed_by=users["physio"],
            notes="Still tender over the site.",
        )
        return
    for item in phase.advance_when:
        if item["kind"] == "assessment":
            value = item.get("min", item.get("max", 0))
            if item.get("min") is not None:
                value = item["min"] + (2 if item["min"] >= 10 else 0)
            Assessment.objects.create(
                case=case,
                test=item["test"],
                value=value,
                pain=0,
                date=today - dt.timedelta(days=1),
                assessed_by=users["physio"],
                notes="Demo assessment.",
            )
        if item["kind"] == "clinician_signoff":
            phase.signed_off_on = today
            phase.signed_off_by = users["clinician"]
            phase.save()
