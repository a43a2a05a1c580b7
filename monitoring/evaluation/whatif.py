"""What if: a case's projection timeline, criteria replayed over its stored logs, and template
drafts tried on past cases (docs/whatif.md).

Reads load what they need in a constant number of queries; the days are evaluated by
``protocols.engine.replay``, which calls ``protocols.engine.gating.evaluate`` — the function the
live evaluation calls — on snapshots built from the same columns as ``selectors.case_snapshot``.
Nothing here changes a plan, except ``replay_save``, which records a ``PlanEdit`` with a reason
through ``protocols.services``. Template drafts tried on past cases are
``monitoring.evaluation.whatif_trials``'s; its request and summary are named here too, for the
what-if pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q

from athletes.models import Athlete, Case, User
from athletes.sites import BY_CODE
from monitoring import schema
from monitoring.evaluation.batteries import case_symmetry
from monitoring.evaluation.queue import request_evaluation
from monitoring.evaluation.selectors import LOAD_HISTORY_DAYS, case_facts
from monitoring.evaluation.sql import (
    ASSESSMENT_COLUMNS,
    LOG_COLUMNS,
    LOG_READ,
    SESSION_COLUMNS,
    SESSION_READ,
)
from monitoring.models import ActivitySession, Assessment, DailyLog
from protocols import services as plan_services
from protocols.engine.criteria.case_facts import SCREEN_TESTS
from protocols.engine.gating import PhaseSpec
from protocols.engine.projection import Timeline, return_ranges, timeline
from protocols.engine.records import (
    RED_PAIN_LIMIT,
    AssessmentEntry,
    LogEntry,
    SessionEntry,
    Snapshot,
)
from protocols.engine.replay import Comparison, compare
from protocols.models import Impact, PhaseTransition, Plan, PlanEdit, PlanPhase
from protocols.selectors import phase_spec
from rehab.errors import ApplicationError

NOT_A_PREDICTION = (
    "This is a projection from the plan's rules and the data already logged, not a prediction "
    "of how the bone heals. A clinician decides every phase change."
)


# --- the projection timeline -------------------------------------------------------------------


def case_timeline(
    case: Case, phases: Sequence[PlanPhase], plan: Plan | None, *, today: dt.date
) -> Timeline | None:
    """The timeline of a case's active plan (no query: phases come loaded)."""
    if plan is None or plan.status != Plan.Status.ACTIVE or not phases:
        return None
    site = BY_CODE.get(case.site)
    ranges = return_ranges(
        site_label=site.label if site else case.get_site_display(),
        typical_days=site.typical_return_days if site else None,
        ci=site.return_days_ci if site else None,
        grade=case.grade,
        grading_system=case.grading_system,
    )
    return timeline(
        phases,
        today=today,
        start=plan.started_on,
        diagnosed_on=case.diagnosed_on,
        ranges=ranges,
        returned_on=case.returned_on,
    )


# --- the periods spent in each phase ------------------------------------------------------------


def phase_periods(
    transitions: Iterable[PhaseTransition], plan: Plan, today: dt.date
) -> list[tuple[int, dt.date, dt.date]]:
    """(phase id, first day, last day) of each stretch the plan spent in a phase, in order, from
    its transitions (a phase entered again after a step back has a stretch again). The day of a
    change counts in both phases: the clinician decided on it with the old phase's evaluation."""
    out: list[tuple[int, dt.date, dt.date]] = []
    current: tuple[int, dt.date] | None = None
    for t in sorted(
        (t for t in transitions if t.plan_id == plan.pk), key=lambda t: (t.effective_on, t.pk)
    ):
        if t.kind == PhaseTransition.Kind.HOLD:
            continue
        if current is not None:
            out.append((current[0], current[1], max(t.effective_on, current[1])))
            current = None
        if t.to_phase_id is not None:
            current = (t.to_phase_id, t.effective_on)
    if current is not None:
        end = plan.ended_on or today
        out.append((current[0], current[1], max(min(end, today), current[1])))
    return out


def signed_in(phase: PlanPhase, start: dt.date, end: dt.date) -> dt.date | None:
    signed = phase.signed_off_on
    return signed if signed is not None and start <= signed <= end else None


# --- the data of cases --------------------------------------------------------------------------


def log_entry(row: tuple) -> LogEntry:
    """A row of ``LOG_COLUMNS`` as the engine reads it (as ``selectors`` builds it for the live
    evaluation; tests/whatif prove the two give the same evaluations), field by field by name."""
    values = dict(zip(LOG_COLUMNS, row, strict=True))
    return LogEntry(
        day=values["date"], **{f.record: schema.as_read(f, values[f.name]) for f in LOG_READ}
    )


def session_entry(row: tuple) -> SessionEntry:
    """A row of ``SESSION_COLUMNS`` as the engine reads it, field by field by name."""
    values = dict(zip(SESSION_COLUMNS, row, strict=True))
    return SessionEntry(
        day=values["date"], **{f.record: schema.as_read(f, values[f.name]) for f in SESSION_READ}
    )


def _assessment_entry(row: tuple) -> AssessmentEntry:
    _, day, test, value, pain = row
    return AssessmentEntry(day=day, test=test, value=value, pain=pain)


def load_snapshots(
    cases: Sequence[Case],
    starts: Mapping[int, dt.date],
    end: dt.date,
    red_pain_limits: Mapping[int, int] | None = None,
) -> dict[int, Snapshot]:
    """Each case's logs, sessions, assessments and test batteries from its start (less the load
    history) to ``end``, in four queries, as a snapshot to be re-dated per phase;
    ``red_pain_limits`` are the plans' red pain limits by case id (default 5/10)."""
    if not cases:
        return {}
    earliest = min(starts.values()) - dt.timedelta(days=LOAD_HISTORY_DAYS)
    athlete_ids = {c.athlete_id for c in cases}
    logs: dict[int, list[tuple]] = defaultdict(list)
    for row in DailyLog.objects.filter(
        athlete_id__in=athlete_ids, date__gte=earliest, date__lte=end
    ).values_list(*LOG_COLUMNS):
        logs[row[0]].append(row)
    sessions: dict[int, list[tuple]] = defaultdict(list)
    for row in ActivitySession.objects.filter(
        athlete_id__in=athlete_ids, date__gte=earliest, date__lte=end
    ).values_list(*SESSION_COLUMNS):
        sessions[row[0]].append(row)
    assessments: dict[int, list[tuple]] = defaultdict(list)
    # In the order recorded: of two results of a test on one day, the later one counts.
    for row in (
        Assessment.objects.filter(case_id__in=[c.pk for c in cases], date__lte=end)
        .filter(Q(date__gte=earliest) | Q(test__in=sorted(SCREEN_TESTS)))
        .order_by("date", "pk")
        .values_list(*ASSESSMENT_COLUMNS)
    ):
        assessments[row[0]].append(row)
    symmetry = case_symmetry([c.pk for c in cases], earliest, end)
    # The athlete's sex is a case fact; read only for cases loaded without their athlete.
    unread = {c.athlete_id for c in cases if not Case.athlete.is_cached(c)}
    sexes = dict(Athlete.objects.filter(pk__in=unread).values_list("pk", "sex")) if unread else {}
    out = {}
    for case in cases:
        first = starts[case.pk] - dt.timedelta(days=LOAD_HISTORY_DAYS)
        out[case.pk] = Snapshot(
            phase_started_on=starts[case.pk],
            logs=tuple(log_entry(r) for r in logs[case.athlete_id] if r[1] >= first),
            sessions=tuple(session_entry(r) for r in sessions[case.athlete_id] if r[1] >= first),
            assessments=tuple(_assessment_entry(r) for r in assessments[case.pk]),
            high_risk_site=case.risk == Case.Risk.HIGH,
            red_pain_limit=(red_pain_limits or {}).get(case.pk, RED_PAIN_LIMIT),
            facts=case_facts(case, sexes.get(case.athlete_id)),  # cached athlete: no query
            symmetry=symmetry.get(case.pk, ()),
        )
    return out


def _redate(
    base: Snapshot, start: dt.date, signed_off_on: dt.date | None, *, impact_phase: bool
) -> Snapshot:
    first = start - dt.timedelta(days=LOAD_HISTORY_DAYS)
    return Snapshot(
        phase_started_on=start,
        logs=tuple(e for e in base.logs if e.day >= first),
        sessions=tuple(e for e in base.sessions if e.day >= first),
        assessments=base.assessments,
        symmetry=base.symmetry,
        signed_off_on=signed_off_on,
        high_risk_site=base.high_risk_site,
        red_pain_limit=base.red_pain_limit,
        facts=base.facts,
        impact_phase=impact_phase,
    )


# --- replaying a criterion change on one case ---------------------------------------------------


@dataclass(frozen=True)
class ReplayPhase:
    phase: PlanPhase
    start: dt.date
    end: dt.date
    current: bool

    @property
    def label(self) -> str:
        when = "under way" if self.current else f"until {self.end:%-d %b}"
        return f"{self.phase.order}. {self.phase.name} (from {self.start:%-d %b}, {when})"


@dataclass
class ReplayContext:
    """A case's plan and the phases that can be replayed (those it has spent days in)."""

    case: Case
    plan: Plan
    phases: list[PlanPhase]
    choices: list[ReplayPhase]
    chosen: ReplayPhase | None = None
    snapshot: Snapshot | None = None

    @property
    def editable(self) -> bool:
        return self.plan.status in {Plan.Status.ACTIVE, Plan.Status.DRAFT}

    @property
    def spec(self) -> PhaseSpec:
        assert self.chosen is not None
        return phase_spec(self.chosen.phase)


def replay_context(case: Case, *, today: dt.date, phase_id: int | None = None) -> ReplayContext:
    """The case's active plan (else its last completed one), the phases it spent days in, and
    for the chosen one (default: the current phase) its data. Five queries: the plan, its
    phases, its transitions, then logs, sessions and assessments; raises ``ApplicationError``
    when the case has no plan that has started."""
    plans = list(
        Plan.objects.filter(
            case=case,
            status__in=[Plan.Status.ACTIVE, Plan.Status.COMPLETED],
            started_on__isnull=False,
        )
        .prefetch_related(Prefetch("phases", queryset=PlanPhase.objects.order_by("order")))
        .order_by("-started_on", "-pk")
    )
    plan = next((p for p in plans if p.status == Plan.Status.ACTIVE), None) or next(
        iter(plans), None
    )
    if plan is None:
        raise ApplicationError("This case has no plan under way or completed to replay.")
    phases = list(plan.phases.all())
    by_id = {p.pk: p for p in phases}
    transitions = list(
        PhaseTransition.objects.filter(plan=plan).only(
            "id", "plan_id", "kind", "to_phase_id", "effective_on"
        )
    )
    last: dict[int, ReplayPhase] = {}
    for phase_pk, start, end in phase_periods(transitions, plan, today):
        if phase_pk in by_id:
            current = plan.current_phase_id == phase_pk and plan.status == Plan.Status.ACTIVE
            last[phase_pk] = ReplayPhase(by_id[phase_pk], start, end, current)
    current_phase = plan.current_phase_id
    if current_phase in by_id and current_phase not in last and by_id[current_phase].started_on:
        started = by_id[current_phase].started_on
        last[current_phase] = ReplayPhase(by_id[current_phase], started, max(today, started), True)
    choices = sorted(last.values(), key=lambda r: r.phase.order)
    ctx = ReplayContext(case=case, plan=plan, phases=phases, choices=choices)
    if phase_id is None:
        phase_id = (
            current_phase if current_phase in last else (choices[-1].phase.pk if choices else None)
        )
    ctx.chosen = last.get(phase_id) if phase_id is not None else None
    if ctx.chosen is None:
        raise ApplicationError(
            "Choose a phase the case has spent days in.", {"phase": "Choose a phase from the list."}
        )
    base = load_snapshots(
        [case], {case.pk: ctx.chosen.start}, ctx.chosen.end, {case.pk: plan.red_pain_limit}
    )[case.pk]
    ctx.snapshot = _redate(
        base,
        ctx.chosen.start,
        signed_in(ctx.chosen.phase, ctx.chosen.start, ctx.chosen.end),
        impact_phase=ctx.chosen.phase.impact != Impact.NONE,
    )
    return ctx


def replay_compare(ctx: ReplayContext, changed: PhaseSpec) -> Comparison:
    """The chosen phase as it is and as changed, every day of its stretch."""
    assert ctx.chosen is not None and ctx.snapshot is not None
    return compare(
        ctx.spec,
        changed,
        ctx.snapshot,
        ctx.chosen.start,
        ctx.chosen.end,
        missing_log_days=settings.REHAB_MISSING_LOG_DAYS,
    )


CHANGEABLE = ("min_days", "advance_when", "regress_when")


@transaction.atomic
def replay_save(
    *, ctx: ReplayContext, changed: Mapping[str, Any], edited_by: User, reason: str
) -> PlanEdit | None:
    """Save the replayed change to the plan: ``protocols.services.plan_phases_update`` checks
    who may, validates and records a ``PlanEdit`` with the reason. None when nothing changed."""
    assert ctx.chosen is not None
    if not ctx.editable:
        raise ApplicationError("A finished plan cannot be changed.")
    if not reason.strip():
        raise ApplicationError("Say why the plan changes.", {"reason": "A reason is required."})
    phases = []
    for phase in ctx.phases:
        data: dict[str, Any] = {"id": phase.pk, **phase.spec_fields()}
        if phase.pk == ctx.chosen.phase.pk:
            for key in CHANGEABLE:
                if key in changed:
                    data[key] = changed[key]
            data["typical_days"] = max(data["typical_days"], int(data["min_days"]))
        phases.append(data)
    edit = plan_services.plan_phases_update(
        plan=ctx.plan, phases=phases, edited_by=edited_by, reason=reason.strip()
    )
    if edit is not None and ctx.plan.status == Plan.Status.ACTIVE:
        request_evaluation([ctx.case.pk])
    return edit


def visible_case_ids(user: User, case_ids: Iterable[int]) -> set[int]:
    """Of these cases, those whose clinical record the user may see (1 query): the others are
    shown without the athlete's name."""
    from athletes import permissions
    from athletes.selectors import cases_for_user

    return {
        case.pk
        for case in cases_for_user(user).filter(pk__in=list(case_ids))
        if permissions.can_view_clinical(user, case)
    }
