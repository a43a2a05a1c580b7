"""Demo bone health (``monitoring.demo.seed`` calls this once the demo cases exist): Jonas, a
man, screened with the REDs screen (yellow: impact held until a clinician decides, the
nutritionist asked to review); Lea made an adolescent (16) with her guardian's contact; Maya's
optional cycle log turned on with a year of entries. Written through the services; a second
run changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from athletes.models import Case, CycleConsent, PeriodStart, User
from monitoring.care import reds
from monitoring.care import services as care_services
from monitoring.models import Assessment


def seed_bone_health(case_ids: list[int], users: dict[str, User], today: dt.date) -> None:
    cases = {
        c.athlete.first_name: c
        for c in Case.objects.filter(pk__in=case_ids).select_related("athlete")
    }
    with transaction.atomic():
        if "Jonas" in cases:
            _jonas(cases["Jonas"], users["clinician"], today)
        if "Lea" in cases:
            _lea(cases["Lea"], today)
        if "Maya" in cases:
            _maya(cases["Maya"], users["athlete"], today)


def _jonas(case: Case, dana: User, today: dt.date) -> None:
    """A man's REDs screen two days ago: low energy availability measured and raised LDL (two
    secondary indicators), everything else absent: yellow."""
    if Assessment.objects.filter(case=case, test__in=["reds_screen", "reds_incomplete"]).exists():
        return
    answers = {k: False for k in reds.applicable(sex="male", under_18=False)}
    answers |= {"low_ea": True, "lipids": True}
    care_services.reds_cat2_record(
        case=case,
        by=dana,
        date=today - dt.timedelta(days=2),
        answers=answers,
        notes="Intake diary: about 28 kcal/kg FFM/day on training days. Testosterone normal.",
        today=today,
    )


def _lea(case: Case, today: dt.date) -> None:
    athlete = case.athlete
    if athlete.guardian_name:
        return
    # sixteen on any day the demo is made: her sixteenth birthday some hundred days ago
    athlete.date_of_birth = today.replace(
        year=today.year - 16, day=min(today.day, 28)
    ) - dt.timedelta(days=100)
    athlete.guardian_name = "Karin Fischer"
    athlete.guardian_relationship = "Mother"
    athlete.guardian_phone = "+44 20 7946 0077"
    athlete.guardian_email = "karin.fischer@demo.rehab.invalid"
    athlete.save()


def _maya(case: Case, maya: User, today: dt.date) -> None:
    athlete = case.athlete
    if athlete.user_id != maya.pk or CycleConsent.objects.filter(athlete=athlete).exists():
        return
    care_services.cycle_consent_set(athlete=athlete, by=maya, given=True)
    CycleConsent.objects.filter(athlete=athlete).update(since=today - dt.timedelta(days=400))
    PeriodStart.objects.bulk_create(
        [
            PeriodStart(athlete=athlete, started_on=today - dt.timedelta(days=4 + 31 * n))
            for n in range(11)
        ],
        ignore_conflicts=True,
    )
