"""Demo bone-health work-up (``monitoring.demo.seed`` calls this after the care demo): Nina
(femoral neck, a trabecular site, 7 periods in 12 months) with her work-up under way — the
vitamin D task done with its result, a DXA scan, two energy-availability records — and Lea (a
second bone stress injury) with facts still to ask. Written through the services."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from athletes.models import Case, User
from monitoring.care.services import workup as services


def seed_bone_health(case_ids: list[int], users: dict[str, User], today: dt.date) -> None:
    with transaction.atomic():
        cases = Case.objects.filter(pk__in=case_ids).select_related("athlete")
        for case in cases:
            if case.athlete.first_name == "Nina":
                _nina(case, users, today)
            elif case.athlete.first_name == "Lea":
                _lea(case, users, today)


def _nina(case: Case, users: dict[str, User], today: dt.date) -> None:
    dana, rosa = users["clinician"], users["nutritionist"]
    weeks = lambda n: today - dt.timedelta(weeks=n)  # noqa: E731
    services.bone_facts_update(
        case=case, by=rosa, today=weeks(6), height_cm="168", weight_kg="53.5",
        periods_last_12_months=7, eating_history="disordered",
    )  # fmt: skip
    services.energy_availability_record(
        case=case, by=rosa, date=weeks(6), intake_kcal=2050, exercise_kcal=850, ffm_kg="44.5",
        note="Three-day food and training diary.", today=weeks(6),
    )  # fmt: skip
    services.bone_result_record(
        case=case, by=dana, kind="vitamin_d", value="24", unit="ng/mL", measured_on=weeks(5),
        note="Winter; no supplement.", today=weeks(5),
    )  # fmt: skip
    for kind, value in (("ferritin", "28"), ("haemoglobin", "126"), ("tsh", "1.9")):
        services.bone_result_record(
            case=case, by=dana, kind=kind, value=value, measured_on=weeks(5), today=weeks(5)
        )
    services.bone_result_record(
        case=case, by=dana, kind="bmd_lumbar", value="-1.4", measured_on=weeks(3), today=weeks(3)
    )
    services.bone_result_record(
        case=case, by=dana, kind="bmd_hip", value="-1.1", measured_on=weeks(3), today=weeks(3)
    )
    services.energy_availability_record(
        case=case, by=rosa, date=weeks(1), intake_kcal=2400, exercise_kcal=850, ffm_kg="44.5",
        note="After the meal plan: breakfast and a recovery snack added.", today=weeks(1),
    )  # fmt: skip


def _lea(case: Case, users: dict[str, User], today: dt.date) -> None:
    case.prior_bsi_count = 1  # a second BSI: the work-up is due; her periods are not asked yet
    case.save(update_fields=["prior_bsi_count"])
    services.workup_sync(case=case, today=today)
