"""Demo notes, reviews and goals for the demo clinic (``monitoring.demo.seed`` calls this once
the demo cases exist and have been evaluated). Written through the services, as people would."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.test import override_settings

from athletes.models import Case, User
from monitoring.care import services as care_services
from monitoring.models import Flag
from monitoring.models.care import Goal, Review
from protocols.models import Plan


def seed_care(case_ids: list[int], users: dict[str, User], today: dt.date) -> None:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with transaction.atomic():
            for case in Case.objects.filter(pk__in=case_ids).select_related("athlete"):
                _one(case, users, today)


def _one(case: Case, users: dict[str, User], today: dt.date) -> None:
    dana, sam, rosa = users["clinician"], users["physio"], users["nutritionist"]
    name = case.athlete.first_name
    plan = Plan.objects.filter(case=case, status="active").select_related("current_phase").first()
    phase = plan.current_phase if plan else None
    red = Flag.objects.filter(case=case, kind="red_flag", status__in=Flag.UNRESOLVED).first()
    if name == "Maya":
        care_services.note_create(
            case=case,
            author=dana,
            audience="clinical",
            body="Tibial tenderness resolved at today's review; hop test pain-free. Ready to "
            "discuss the next phase at the visit.",
        )
        care_services.note_create(
            case=case,
            author=dana,
            audience="team",
            body="Maya is doing well. Keep runs easy and on grass or track this week; no "
            "intervals until the review.",
            addressed_to=users["coach"],
        )
        care_services.note_create(
            case=case,
            author=sam,
            audience="athlete",
            body="Great work on the logs. Keep noting any pain the morning after a run: it is "
            "the best signal we have.",
        )
        care_services.review_schedule(
            case=case, by=dana, kind="visit", due_on=today + dt.timedelta(days=3), today=today,
            note="Decide on the next phase.",
            coach_note="Clinic visit that morning: no training before it.",
        )  # fmt: skip
        if phase is not None:
            for text, done in (
                ("30 min brisk walk pain-free", True),
                ("10 single-leg hops without pain", True),
                ("Log every morning this week", False),
            ):
                goal = Goal.objects.create(case=case, phase=phase, text=text, set_by=dana)
                if done:
                    care_services.goal_tick(goal=goal, by=users["athlete"])
    elif name == "Jonas":
        care_services.note_create(
            case=case,
            author=dana,
            audience="clinical",
            body="Called Jonas about the night pain: started two nights ago, dull, at the "
            "navicular. Back to the boot; MRI requested.",
            addressed_to=sam,
            flag=red,
        )
        care_services.note_create(
            case=case,
            author=dana,
            audience="team",
            body="Jonas is on hold from all impact until the medical team has reviewed him.",
        )
        Review.objects.create(
            case=case, kind="imaging", due_on=today - dt.timedelta(days=2), scheduled_by=dana,
            note="MRI of the navicular.", coach_note="Appointment in the morning; rest day.",
        )  # fmt: skip
    elif name == "Nina":
        Review.objects.create(
            case=case, kind="call", due_on=today + dt.timedelta(days=10), booster=True,
            repeat_weeks=6, scheduled_by=dana, note="Booster follow-up after return.",
        )  # fmt: skip
        care_services.note_create(
            case=case,
            author=rosa,
            audience="team",
            body="Energy availability reviewed: fuelling around long sessions agreed.",
        )
    elif name == "Lea":
        Review.objects.create(
            case=case, kind="call", due_on=today - dt.timedelta(days=1), scheduled_by=sam,
            note="Check how the step back is going.",
        )  # fmt: skip
