"""The coach pages' reads: the cases a user coaches and what the pages show of them, in a
constant number of queries whatever the number of athletes.

``coach_cases`` and ``coach_case`` load model instances for one athlete's pages; the board reads
plain rows (``board_cases``, ``board_plans``, ``board_flags``). Neither ever reads a phase's
gates, citations or notes, a session's pain rating or notes, or a daily log's content.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.db.models import BigIntegerField, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.http import Http404

from athletes import permissions
from athletes.models import Case, User
from athletes.selectors import cases_for_user
from monitoring.models import ActivitySession, CaseEvaluation, DailyLog, Flag
from monitoring.surfaces.coach.status import STEPPED_BACK_DAYS, CoachFlag, with_evaluation
from protocols.engine.records import SessionEntry
from protocols.models import PhaseTransition, Plan, PlanPhase
from rehab.db import any_of

Role = permissions.Role

PHASE_CLINICAL_COLUMNS = ("advance_when", "regress_when", "warn_when", "citations", "notes", "goal")


def coach_cases(user: User, *, today: dt.date) -> QuerySet[Case]:
    """The active cases on which the user is the coach, with what the coach pages show.

    Queries (whatever the number of cases): 1. the cases with athlete and team (and the
    viewer's role annotated, so the permission predicates cost nothing); 2. their active plans
    with the current phase; 3. the plans' phases; 4. the plans' step backs of the last
    ``STEPPED_BACK_DAYS`` days with the phase stepped back to; 5. the cases' unresolved flags
    (kind and coach message only).
    """
    since = today - dt.timedelta(days=STEPPED_BACK_DAYS)
    # The coach pages never read a phase's gates, citations or clinical notes: leave those
    # JSON and text columns in the database (decoding them was most of the board's time).
    plans = (
        Plan.objects.filter(status=Plan.Status.ACTIVE)
        .select_related("current_phase")
        .defer(*(f"current_phase__{f}" for f in PHASE_CLINICAL_COLUMNS))
        .prefetch_related(
            Prefetch(
                "phases",
                queryset=PlanPhase.objects.order_by("order").defer(*PHASE_CLINICAL_COLUMNS),
            ),
            Prefetch(
                "transitions",
                queryset=PhaseTransition.objects.filter(
                    kind=PhaseTransition.Kind.REGRESS, effective_on__gte=since
                )
                .select_related("to_phase")
                .only("id", "plan_id", "kind", "effective_on", "to_phase", "to_phase__name"),
                to_attr="recent_step_backs",
            ),
        )
    )
    flags = Flag.objects.filter(status__in=Flag.UNRESOLVED).only(
        "id", "case_id", "kind", "coach_message", "raised_at", "status"
    )
    return (
        cases_for_user(user)
        .filter(viewer_role=Role.COACH, status=Case.Status.ACTIVE)
        .annotate(evaluation_red=evaluation_fires_red())
        .prefetch_related(
            Prefetch("plans", queryset=plans, to_attr="active_plans"),
            Prefetch("flags", queryset=flags, to_attr="open_flags"),
        )
        .order_by("athlete__last_name", "athlete__first_name", "pk")
    )


def coach_case(user: User, case_id: Any, *, today: dt.date) -> Case:
    """One case on which the user is the coach, or 404 (as for a case that does not exist)."""
    try:
        case = coach_cases(user, today=today).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None
    if not permissions.can_use_coach_view(user, case):  # the scope above already ensures it
        raise Http404("No such case.")
    return case


def last_log_dates(athlete_ids: Iterable[int]) -> dict[int, dt.date]:
    """Each athlete's last daily log date (one query; the log's content is never read)."""
    rows = (
        DailyLog.objects.filter(any_of(DailyLog, "athlete_id", list(athlete_ids)))
        .values("athlete_id")
        .annotate(last=Max("date"))
        .order_by()
    )
    return {r["athlete_id"]: r["last"] for r in rows}


def session_entries(
    athlete_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, list[SessionEntry]]:
    """Sessions of the athletes between two days, as load entries (one query). Only activity,
    minutes and effort are read: a session's pain rating and notes are clinical."""
    out: dict[int, list[SessionEntry]] = defaultdict(list)
    for athlete_id, day, activity, minutes, rpe in session_rows(athlete_ids, start, end):
        out[athlete_id].append(SessionEntry(day=day, activity=activity, minutes=minutes, rpe=rpe))
    return out


def weekly_session_loads(
    athlete_ids: Iterable[int], end: dt.date, weeks: int
) -> dict[int, list[tuple[dt.date, float]]]:
    """Each athlete's ``metrics.weekly_loads`` of the ``weeks`` 7-day weeks ending on ``end``,
    summed by the database (one query, one row per athlete with a session in those weeks).

    A session's load is RPE × minutes, both whole numbers, so every total is a whole number and
    the database's sum is the same float as adding the sessions day by day in Python. Athletes
    without a session in the weeks are left out (their weeks are all 0)."""
    first = end - dt.timedelta(days=7 * weeks - 1)
    load = Cast("rpe", BigIntegerField()) * Cast("minutes", BigIntegerField())
    starts = [first + dt.timedelta(days=7 * w) for w in range(weeks)]
    totals = {
        f"week_{w}": Sum(
            load,
            filter=Q(date__gte=start, date__lte=start + dt.timedelta(days=6)),
            default=0,
        )
        for w, start in enumerate(starts)
    }
    rows = (
        ActivitySession.objects.filter(
            any_of(ActivitySession, "athlete_id", list(athlete_ids)), date__gte=first, date__lte=end
        )
        .values("athlete_id")
        .annotate(**totals)
        .order_by()
        .values_list("athlete_id", *totals)
    )
    return {
        athlete_id: [(start, float(total)) for start, total in zip(starts, sums, strict=True)]
        for athlete_id, *sums in rows
    }


def session_rows(athlete_ids: Iterable[int], start: dt.date, end: dt.date):
    """(athlete, day, activity, minutes, RPE) of the athletes' sessions between two days, in the
    model's order (never a session's pain rating or notes: those are clinical)."""
    return ActivitySession.objects.filter(
        athlete_id__in=list(athlete_ids), date__gte=start, date__lte=end
    ).values_list("athlete_id", "date", "activity", "minutes", "rpe")


def active_plan(case: Case) -> Plan | None:
    """The active plan of a case loaded by ``coach_cases``, when its current phase is set."""
    plans = getattr(case, "active_plans", None)
    if plans is None:  # not from coach_cases: never guess, never query per case
        raise ValueError("Build coach rows from athletes loaded by coach_cases().")
    plan = plans[0] if plans else None
    if plan is None or plan.current_phase_id is None:
        return None
    return plan


def evaluation_fires_red() -> Exists:
    """Whether the case's latest evaluation, of its active plan's current phase, fires a
    red-flag rule (``CaseEvaluation.red_flags``): an annotation, no query of its own."""
    return Exists(
        CaseEvaluation.objects.filter(
            case=OuterRef("pk"),
            phase__plan__status=Plan.Status.ACTIVE,
            phase_id=F("phase__plan__current_phase_id"),
        ).exclude(red_flags="")
    )


def coach_flags(case: Case) -> list[CoachFlag]:
    """The open flags of a case loaded by ``coach_cases`` as a coach knows them, most severe
    first, with "under review" while its current evaluation fires a red-flag rule."""
    flags = sorted(case.open_flags, key=lambda f: Flag.SEVERITY.get(f.kind, 9))
    coach = [CoachFlag(f.kind, f.coach_message) for f in flags]
    return with_evaluation(coach, bool(getattr(case, "evaluation_red", False)))


class PhaseRow(NamedTuple):
    """A plan phase as the board reads it: what ``facts.case_facts`` and the projection use,
    never the phase's gates, prescriptions, citations or notes."""

    pk: int
    order: int
    name: str
    min_days: int
    typical_days: int
    started_on: dt.date | None
    ended_on: dt.date | None
    impact: str
    weight_bearing: str
    crutches: bool
    plan_id: int
    ready_from: dt.date | None  # the latest evaluation's earliest end (the projection reads it)


PHASE_ROW_COLUMNS = (
    "id",
    "order",
    "name",
    "min_days",
    "typical_days",
    "started_on",
    "ended_on",
    "impact",
    "weight_bearing",
    "crutches",
    "plan_id",
    "ready_from",
)


class PlanInputs(NamedTuple):
    """What ``facts.case_facts`` reads of a case's active plan (one whose current phase is
    set)."""

    started_on: dt.date | None
    phase: Any  # the current phase: a PlanPhase, or a PhaseRow on the board
    phases: Sequence[Any]  # every phase of the plan, in order
    step_backs: Sequence[tuple[dt.date, str]]  # (effective date, phase stepped back to)


def plan_inputs(case: Case) -> PlanInputs | None:
    """The active plan of a case loaded by ``coach_cases`` (no query)."""
    plan = active_plan(case)
    if plan is None:
        return None
    return PlanInputs(
        started_on=plan.started_on,
        phase=plan.current_phase,
        phases=list(plan.phases.all()),
        step_backs=[
            (t.effective_on, t.to_phase.name if t.to_phase else "an earlier phase")
            for t in plan.recent_step_backs
        ],
    )


BOARD_CASE_COLUMNS = (
    "id",
    "athlete_id",
    "site",
    "diagnosed_on",
    "athlete__first_name",
    "athlete__last_name",
    "athlete__sport",
    "athlete__user_id",
    "athlete__team_id",
    "athlete__team__name",
    "athlete__team__sport",
    "bone_health_hold_since",  # whether the return waits for a decision (never why)
    "bone_health_decision",
    "bone_health_decision_on",
)
"""The columns of a case, its athlete and team that ``facts.case_facts`` reads."""


def board_cases(user: User) -> QuerySet[Case]:
    """The active cases on which the user is the coach, with the athlete and team columns the
    board reads (one query; the viewer's role annotated as in ``coach_cases``)."""
    return (
        cases_for_user(user)
        .filter(viewer_role=Role.COACH, status=Case.Status.ACTIVE)
        .only(*BOARD_CASE_COLUMNS)
        .annotate(evaluation_red=evaluation_fires_red())
        .order_by("athlete__last_name", "athlete__first_name", "pk")
    )


def board_plans(case_ids: Sequence[int], *, today: dt.date) -> dict[int, PlanInputs]:
    """The active plans of the cases (those with a current phase), by case: three queries, as
    plain rows (1. the plans, 2. their phases, 3. their step backs of the last
    ``STEPPED_BACK_DAYS`` days with the name of the phase stepped back to)."""
    plans: dict[int, tuple[int, int, int | None, dt.date | None]] = {}
    for plan_id, case_id, current_id, started_on in Plan.objects.filter(
        any_of(Plan, "case_id", list(case_ids)), status=Plan.Status.ACTIVE
    ).values_list("id", "case_id", "current_phase_id", "started_on"):
        plans.setdefault(case_id, (plan_id, case_id, current_id, started_on))
    plan_ids = [p[0] for p in plans.values() if p[2] is not None]
    if not plan_ids:
        return {}
    phases: dict[int, list[PhaseRow]] = defaultdict(list)
    by_id: dict[int, PhaseRow] = {}
    rows = (
        PlanPhase.objects.filter(any_of(PlanPhase, "plan_id", plan_ids))
        .order_by("plan_id", "order")
        .values_list(*PHASE_ROW_COLUMNS)
    )
    for phase in map(PhaseRow._make, rows):
        phases[phase.plan_id].append(phase)
        by_id[phase.pk] = phase
    since = today - dt.timedelta(days=STEPPED_BACK_DAYS)
    step_backs: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for plan_id, effective_on, to_name in PhaseTransition.objects.filter(
        any_of(PhaseTransition, "plan_id", plan_ids),
        kind=PhaseTransition.Kind.REGRESS,
        effective_on__gte=since,
    ).values_list("plan_id", "effective_on", "to_phase__name"):
        step_backs[plan_id].append(
            (effective_on, to_name if to_name is not None else "an earlier phase")
        )
    out = {}
    for plan_id, case_id, current_id, started_on in plans.values():
        if current_id is None:
            continue
        out[case_id] = PlanInputs(
            started_on=started_on,
            phase=by_id[current_id],
            phases=phases[plan_id],
            step_backs=step_backs[plan_id],
        )
    return out


def board_flags(case_ids: Sequence[int]) -> dict[int, list[CoachFlag]]:
    """The unresolved flags of the cases as a coach knows them (kind and coach message only),
    most severe first, by case (one query)."""
    flags: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for case_id, kind, coach_message in Flag.objects.filter(
        any_of(Flag, "case_id", list(case_ids)), status__in=Flag.UNRESOLVED
    ).values_list("case_id", "kind", "coach_message"):
        flags[case_id].append((kind, coach_message))
    return {
        case_id: [
            CoachFlag(kind, message)
            for kind, message in sorted(rows, key=lambda f: Flag.SEVERITY.get(f[0], 9))
        ]
        for case_id, rows in flags.items()
    }
