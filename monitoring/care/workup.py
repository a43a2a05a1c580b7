"""Reads of the bone-health work-up: a case's facts for the triggers, its tasks, results and
energy-availability records (a constant number of queries), and the tasks open for a person
across their cases (the clinic worklist)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from athletes import permissions
from athletes.models import Case, User
from athletes.sites import TRABECULAR_SITES
from monitoring.care import bone_results
from monitoring.care import bone_rules as rules
from monitoring.models import Assessment, BoneHealthResult, EnergyAvailability, WorkupTask
from protocols.engine.criteria.case_facts import REDS_INCOMPLETE_TEST, REDS_TEST


def facts_for(
    case: Case,
    today: dt.date,
    latest_ea: Decimal | None,
    reds: rules.RedsAnswers | None = None,
) -> rules.Facts:
    """The recorded facts the triggers read (the case's athlete must be loaded), with the latest
    REDs CAT2 screen's answers (``latest_reds``)."""
    athlete = case.athlete
    return rules.Facts(
        sex=athlete.sex,
        age=rules.age_on(athlete.date_of_birth, today),
        trabecular_site=case.site in TRABECULAR_SITES,
        prior_bsi_count=case.prior_bsi_count,
        periods_last_12_months=case.periods_last_12_months,
        menstrual_status=case.menstrual_status if athlete.sex != "male" else "",
        height_cm=case.height_cm,
        weight_kg=case.weight_kg,
        eating_history=case.eating_history,
        latest_ea=latest_ea,
        reds=reds,
    )


def latest_reds(case: Case) -> rules.RedsAnswers | None:
    """The answers of the case's latest REDs CAT2 screen, complete or not. One query."""
    row = (
        Assessment.objects.filter(
            case=case, test__in=[REDS_TEST, REDS_INCOMPLETE_TEST], answers__isnull=False
        )
        .order_by("-date", "-id")
        .values_list("date", "answers")
        .first()
    )
    return rules.RedsAnswers.of(*row) if row else None


def latest_reds_screen_date(case: Case) -> dt.date | None:
    """The date of the case's latest complete REDs screen (the review an energy-availability
    assessment goes with). One query."""
    return (
        Assessment.objects.filter(case=case, test=REDS_TEST)
        .order_by("-date", "-id")
        .values_list("date", flat=True)
        .first()
    )


def latest_ea(case: Case) -> Decimal | None:
    return (
        EnergyAvailability.objects.filter(case=case)
        .order_by("-date", "-id")
        .values_list("ea", flat=True)
        .first()
    )


@dataclass
class Workup:
    """What the case page's bone-health panel shows. Three queries (tasks, results, EA)."""

    triggers: list[rules.Trigger]
    tasks: list[WorkupTask]
    results: list[BoneHealthResult]
    energy: list[EnergyAvailability]
    missing_tasks: list[str] = field(default_factory=list)  # due by the triggers, not created
    # due by the triggers, answered by a recent result: task kind → (result kind, date)
    on_file: dict[str, tuple[tuple[str, dt.date], ...]] = field(default_factory=dict)

    @property
    def met(self) -> list[rules.Trigger]:
        return [t for t in self.triggers if t.status == rules.MET]

    @property
    def unknown(self) -> list[rules.Trigger]:
        return [t for t in self.triggers if t.status == rules.UNKNOWN]

    @property
    def latest_ea(self) -> EnergyAvailability | None:
        return self.energy[-1] if self.energy else None


def latest_dates(
    results: list[tuple[str, dt.date]],
    energy_dates: list[dt.date],
    reds_on: dt.date | None = None,
) -> dict[str, dt.date]:
    """Each result kind's latest date, the latest energy-availability record's as "ea" and the
    latest complete REDs screen's as "reds"."""
    latest: dict[str, dt.date] = {}
    for kind, day in results:
        latest[kind] = max(day, latest.get(kind, day))
    if energy_dates:
        latest["ea"] = max(energy_dates)
    if reds_on is not None:
        latest["reds"] = reds_on
    return latest


def due_tasks(
    case: Case, today: dt.date, found: list[rules.Trigger], latest: dict[str, dt.date]
) -> tuple[list[rules.TaskDue], dict[str, tuple[tuple[str, dt.date], ...]]]:
    """The tasks the met triggers ask for, less those a recent result already answers (and
    those answers)."""
    due = rules.tasks_due(found, sex=case.athlete.sex)
    answered = rules.on_file(due, latest, today)
    return [d for d in due if d.kind not in answered], answered


def workup_for_case(case: Case, today: dt.date) -> Workup:
    """Five queries whatever the number of rows (tasks, results, EA, the latest REDs screen)."""
    tasks = list(WorkupTask.objects.filter(case=case).select_related("closed_by"))
    results = list(BoneHealthResult.objects.filter(case=case).select_related("recorded_by"))
    energy = list(EnergyAvailability.objects.filter(case=case).select_related("recorded_by"))
    found = rules.triggers(
        facts_for(case, today, energy[-1].ea if energy else None, latest_reds(case))
    )
    latest = latest_dates(
        [(r.kind, r.measured_on) for r in results],
        [e.date for e in energy],
        latest_reds_screen_date(case),
    )
    due, answered = due_tasks(case, today, found, latest)
    have = {t.kind for t in tasks}
    return Workup(
        found,
        tasks,
        results,
        energy,
        [d.kind for d in due if d.kind not in have],
        {k: v for k, v in answered.items() if k not in have},
    )


def open_tasks_for(user: User) -> list[WorkupTask]:
    """The open work-up tasks assigned to the user's role on their cases (physician tasks for
    the lead clinician and clinicians, the nutritionist's for the nutritionist), earliest due
    first. One query."""
    if not user.is_authenticated:
        return []
    members = permissions.members_with_consent().filter(case=OuterRef("case_id"), user=user)
    wanted = Q()
    for assignee, roles in permissions.TASK_ROLES.items():
        wanted |= Q(Exists(members.filter(role__in=roles)), assignee_role=assignee)
    return list(
        WorkupTask.objects.filter(wanted, status=WorkupTask.Status.OPEN)
        .select_related("case__athlete")
        .order_by("due_on", "pk")[:100]
    )


def review_initial(case: Case, today: dt.date) -> dict:
    """What the work-up already knows, as the Triad review's starting answers (the reviewer
    checks and changes them): the BMD item from the latest scan's lowest Z-score, the menses
    item from the periods counted (> 9 / 6–9 / < 6; De Souza 2014) and the latest 25(OH)D if
    it is recent (the work-up's 90 days: an older one is asked for again, not a current value).
    Two queries."""
    initial: dict = {}
    scans = list(
        BoneHealthResult.objects.filter(case=case, kind__in=bone_results.BMD_KINDS)
        .order_by("-measured_on")
        .values_list("measured_on", "value")[:3]
    )
    if scans:
        latest = scans[0][0]
        initial["bmd"] = bone_results.bmd_points(min(v for day, v in scans if day == latest))
    periods = case.periods_last_12_months
    if periods is not None and case.athlete.sex == "female":
        initial["menses"] = 0 if periods > 9 else 1 if periods >= 6 else 2
    vitamin_d = (
        BoneHealthResult.objects.filter(
            case=case,
            kind="vitamin_d",
            measured_on__gte=today - dt.timedelta(days=rules.TASKS["vitamin_d"].fresh_days),
            measured_on__lte=today,
        )
        .order_by("-measured_on", "-id")
        .values_list("value", flat=True)
        .first()
    )
    if vitamin_d is not None:
        initial["vitamin_d_nmol_l"] = vitamin_d.quantize(Decimal("0.1"))
    return initial
