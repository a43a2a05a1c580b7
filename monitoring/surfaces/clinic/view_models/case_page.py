"""The clinic's case page: everything it shows, for its viewer, in a constant number of queries,
and its charts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import capfirst

from athletes import permissions
from athletes.models import CareTeamMember, Case, User
from athletes.sites import BY_CODE
from monitoring import charts, device_charts, metrics
from monitoring.evaluation import selectors
from monitoring.models import (
    ActivitySession,
    Assessment,
    DailyLog,
    DeviceMetric,
    Flag,
    ValueConflict,
)
from monitoring.models.care import CaseNote
from monitoring.surfaces.clinic.view_models.bone_health import BonePanel, bone_panel
from monitoring.surfaces.clinic.view_models.care_team import CareTeamPanel, care_team_panel
from monitoring.surfaces.clinic.view_models.common import (
    day_in_phase,
    fields_shown,
    flag_sort_key,
    labelled,
)
from monitoring.surfaces.clinic.view_models.evaluation import (
    EvaluationView,
    evaluation_view,
    sign_evaluation,
)
from monitoring.surfaces.clinic.view_models.history import HistoryItem, history
from protocols.engine import wording
from protocols.engine.gating import Evaluation, evaluate
from protocols.engine.projection import Projection, project
from protocols.engine.records import LogEntry, SessionEntry
from protocols.models import PhaseTransition, Plan, PlanEdit, PlanPhase

# How far back the case page's charts reach at most, and the load history before the chart's
# first day that the EWMA acute:chronic ratio needs to settle (its chronic window is 28 days).
CHART_MAX_DAYS = 365
CHART_LOAD_WARMUP_DAYS = 56
ASSESSMENTS_SHOWN = 100


@dataclass
class CasePage:
    case: Case
    role: str | None
    can: dict[str, bool]
    today: dt.date
    show: dict[str, bool] = field(default_factory=dict)
    plan: Plan | None = None
    draft_plan: Plan | None = None
    phases: list[PlanPhase] = field(default_factory=list)
    phase: PlanPhase | None = None
    phase_number: int | None = None
    day_in_phase: int | None = None
    projection: Projection | None = None
    evaluation: Evaluation | None = None
    evaluation_view: EvaluationView | None = None
    evaluation_token: str = ""
    flags: list[Flag] = field(default_factory=list)
    pain_chart: str = ""
    load_chart: str = ""
    sleep_chart: str = ""
    device_chart: str = ""
    conflicts: list[ValueConflict] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)
    last_decision: PhaseTransition | None = None
    """The plan's last phase decision when it can be undone (advance, step back, hold,
    complete)."""
    care_team: list[CareTeamMember] = field(default_factory=list)
    team: CareTeamPanel | None = None
    chart_start: dt.date | None = None
    periods: list[charts.PhasePeriod] = field(default_factory=list)
    marks: list[charts.FlagMark] = field(default_factory=list)
    charts_added: bool = False
    bone: BonePanel | None = None  # the bone-health work-up (its readers only)

    @property
    def phase_count(self) -> int:
        return len(self.phases)

    @property
    def earlier_phases(self) -> list[PlanPhase]:
        return [p for p in self.phases if self.phase and p.order < self.phase.order]

    @property
    def later_phases(self) -> list[PlanPhase]:
        return [p for p in self.phases if self.phase and p.order > self.phase.order]

    @property
    def proposed_phase(self) -> PlanPhase | None:
        """The phase a regression flag proposes to step back to, else the previous phase."""
        earlier = {p.pk: p for p in self.earlier_phases}
        for flag in self.flags:
            if flag.proposed_phase_id in earlier:
                return earlier[flag.proposed_phase_id]
        return self.earlier_phases[-1] if self.earlier_phases else None

    @property
    def open_red_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.kind == Flag.Kind.RED_FLAG]

    @cached_property
    def reviewed_red_flag(self) -> Flag | None:
        """While today's evaluation still finds a red flag that a clinician has resolved (it
        is not raised again from the same data), that resolution: who, when and what they
        wrote, shown with the evaluation. One query."""
        view = self.evaluation_view
        if view is None or self.phase is None:
            return None
        # asked whenever there is an evaluation, so that the page's queries do not depend on
        # what the evaluation finds (the benchmark compares them across histories)
        reviewed = selectors.reviewed_red_flags(self.case).filter(phase=self.phase)
        latest = reviewed.select_related("resolved_by").first()
        return latest if view.red and not self.open_red_flags else None

    @property
    def needs_signoff(self) -> bool:
        return bool(self.phase) and any(
            i.get("kind") == "clinician_signoff" for i in (self.phase.advance_when or [])
        )

    @property
    def site(self):
        return BY_CODE.get(self.case.site)


def permissions_for(user: User, case: Case) -> dict[str, bool]:
    return {
        "clinical": permissions.can_view_clinical(user, case),
        "load": permissions.can_view_load(user, case),
        "decide": permissions.can_decide_transition(user, case),
        "edit_plan": permissions.can_edit_plan(user, case),
        "flags": permissions.can_manage_flags(user, case),
        "assess": permissions.can_record_assessment(user, case),
        "own_assessments": permissions.can_view_own_assessments(user, case),
        "sleep": permissions.can_view_field(user, case, "wellbeing"),
        "write_note": any(
            permissions.can_write_note(user, case, audience)
            for audience in CaseNote.Audience.values
        ),
    }


def case_page(user: User, case: Case, *, today: dt.date, with_charts: bool = True) -> CasePage:
    """Everything the case page shows, for this viewer, in a constant number of queries.

    ``case`` comes from ``athletes.selectors.case_for_user`` (viewer role annotated). Queries:
    1. the care team with users; 2-3. the case's plans and their phases; for a clinical viewer
    with an active plan, 4-7. ``monitoring.evaluation.selectors.case_snapshot`` (plan, logs,
    sessions,
    assessments) for the read-only evaluation; 8. the transitions (clinical viewers);
    9. the unresolved flags and those raised in the charts' period (viewers who see flags);
    10. the assessments
    (clinical viewers, or the nutritionist's / psychologist's own); 11. the plan edits
    (clinical viewers); with ``with_charts``, 12-13. ``add_charts``.
    """
    can = permissions_for(user, case)
    page = CasePage(
        case=case,
        role=permissions.role_on(user, case),
        can=can,
        today=today,
        show=fields_shown(user, case),
    )
    page.care_team = list(
        CareTeamMember.objects.filter(case=case)
        .select_related("user")
        .order_by("role", "user__last_name")
    )
    page.team = care_team_panel(user, case, page.care_team)
    shown = _add_plans(page)
    if page.plan is not None and page.phase is not None and can["clinical"]:
        _add_evaluation(page)
    if shown is not None and shown.status == Plan.Status.ACTIVE:
        # The current phase ends no earlier than its criteria allow: today's evaluation when
        # there is one, else the latest stored (PlanPhase.ready_from).
        live = page.evaluation.ready_from if page.evaluation is not None else None
        page.projection = project(page.phases, today=today, start=shown.started_on, ready_from=live)

    start = _chart_start(case, shown, today)
    page.chart_start = start
    transitions = _transitions(case) if can["clinical"] else []
    flags = _flags(case, start) if page.show.get("flag_kinds") else []
    page.flags = labelled(
        sorted((f for f in flags if f.status in Flag.UNRESOLVED), key=flag_sort_key)
    )
    page.periods = phase_periods(transitions, shown, today) if shown else []
    page.marks = [
        charts.FlagMark(timezone.localdate(f.raised_at), f.kind, f.title)
        for f in flags
        if timezone.localdate(f.raised_at) >= start
    ]
    if can["clinical"] or can["own_assessments"]:
        assessments = Assessment.objects.filter(case=case).select_related("assessed_by")
        if not can["clinical"]:
            assessments = assessments.filter(assessed_by=user)
        page.assessments = list(assessments.order_by("-date", "-id")[:ASSESSMENTS_SHOWN])
    if can["clinical"]:
        _add_history(page, transitions, shown)
    page.bone = bone_panel(user, case, today)  # three queries, for its readers
    if with_charts:
        add_charts(page)
    return page


def _add_plans(page: CasePage) -> Plan | None:
    """The active and draft plans and the phases of the plan shown (the active one, else the
    completed one), which it returns. Two queries."""
    plans = list(
        Plan.objects.filter(case=page.case)
        .prefetch_related(Prefetch("phases", queryset=PlanPhase.objects.order_by("order")))
        .order_by("-created_at")
    )
    page.plan = next((p for p in plans if p.status == Plan.Status.ACTIVE), None)
    page.draft_plan = next((p for p in plans if p.status == Plan.Status.DRAFT), None)
    shown = page.plan or next((p for p in plans if p.status == Plan.Status.COMPLETED), None)
    if shown is not None:
        page.phases = list(shown.phases.all())
        page.phase = next((p for p in page.phases if p.pk == shown.current_phase_id), None)
        if page.phase is not None:
            page.phase_number = page.phases.index(page.phase) + 1
            page.day_in_phase = day_in_phase(page.phase.started_on, page.today)
    return shown


def _add_evaluation(page: CasePage) -> None:
    """Today's read-only evaluation of the current phase, and its signed copy for a decision."""
    ctx = selectors.case_snapshot(page.case.pk, page.today)
    if ctx is None:
        return
    page.evaluation = evaluate(
        ctx.spec, ctx.snapshot, page.today, missing_log_days=settings.REHAB_MISSING_LOG_DAYS
    )
    page.evaluation_view = evaluation_view(page.evaluation)
    page.evaluation_token = sign_evaluation(page.case, ctx.phase, page.evaluation)


def _transitions(case: Case) -> list[PhaseTransition]:
    return list(
        PhaseTransition.objects.filter(plan__case=case)
        .select_related("from_phase", "to_phase", "decided_by", "plan")
        .order_by("decided_at", "pk")
    )


def _flags(case: Case, start: dt.date) -> list[Flag]:
    """The unresolved flags and those raised in the charts' period."""
    return list(
        Flag.objects.filter(case=case)
        .filter(
            Q(status__in=Flag.UNRESOLVED)
            | Q(raised_at__gte=_start_of_day(start - dt.timedelta(days=1)))
        )
        .select_related("phase", "proposed_phase", "acknowledged_by")
    )


def _add_history(
    page: CasePage, transitions: Sequence[PhaseTransition], shown: Plan | None
) -> None:
    """The case history and the plan's last decision when it can be undone."""
    edits = list(PlanEdit.objects.filter(plan__case=page.case).select_related("edited_by"))
    page.history = history(transitions, edits)
    own = [t for t in transitions if shown is not None and t.plan_id == shown.pk]
    if own and own[-1].kind in {"advance", "regress", "hold", "complete"}:
        page.last_decision = own[-1]


CONFLICTS_SHOWN = 20


def _log_field_label(name: str) -> str:
    try:
        return str(DailyLog._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def add_charts(page: CasePage) -> None:
    """The page's Plotly charts: pain for clinical viewers, load for those who see load.

    Four queries: the daily logs (and the values other sources offered for them, not used)
    and the sessions of the chart's period (sessions from earlier,
    so that the acute:chronic ratio has its history), and the wearable samples of the device
    chart (steps, cadence, ground contact: charted, never gated).
    """
    case, start, today, can = page.case, page.chart_start, page.today, page.can
    days = metrics.days(start, today)
    if can["clinical"]:
        rows = list(
            DailyLog.objects.filter(
                athlete_id=case.athlete_id, date__gte=start, date__lte=today
            ).values_list("date", *metrics.PAIN_FIELDS, "sleep_hours", "night_pain")
        )
        logs = [
            LogEntry(day, pain_rest=r, pain_during=d, pain_after=a, pain_next_morning=m)
            for day, r, d, a, m, *_ in rows
        ]
        pain = metrics.pain_series(logs, start, today)
        page.pain_chart = charts.pain_chart(
            days,
            pain,
            phases=page.periods,
            flags=page.marks,
            limit=_pain_limit(page.phase),
            fields=("pain_rest", "pain_during", "pain_after", "pain_next_morning"),
            night=[row[0] for row in rows if row[-1]],
        )
        # Values a device or club system offered for days the athlete logged, not used (the
        # athlete's entry wins): the clinician may ask which is right. One query.
        page.conflicts = list(
            ValueConflict.objects.filter(
                athlete_id=case.athlete_id, date__gte=start, date__lte=today
            ).select_related("submitted_by")[:CONFLICTS_SHOWN]
        )
        for conflict in page.conflicts:
            conflict.label = capfirst(_log_field_label(conflict.field))
        if can["sleep"]:
            # Sleep beside pain during activity, from the same logs (no query of its own).
            hours = {row[0]: float(row[-2]) for row in rows if row[-2] is not None}
            if hours:
                page.sleep_chart = charts.sleep_pain_chart(
                    days, [hours.get(day) for day in days], pain["pain_during"]
                )
    if can["load"]:
        rows = list(
            ActivitySession.objects.filter(
                athlete_id=case.athlete_id,
                date__gte=start - dt.timedelta(days=CHART_LOAD_WARMUP_DAYS),
                date__lte=today,
            ).values_list("date", "activity", "minutes", "rpe", "cadence", "ground_contact_ms")
        )
        sessions = [SessionEntry(*row[:4]) for row in rows]
        _add_device_chart(page, days, [(r[0], r[4], r[5]) for r in rows if r[0] >= start])
        page.load_chart = charts.load_chart(
            days,
            metrics.daily_load(sessions, start, today),
            metrics.acwr_series(sessions, start, today),
            phases=page.periods,
            flags=page.marks if can["clinical"] else (),
        )
    page.charts_added = True


def _add_device_chart(page: CasePage, days: list[dt.date], sessions: list[tuple]) -> None:
    """Steps, cadence and ground contact beside load (one query, the samples): charted only."""
    samples = (
        DeviceMetric.objects.filter(
            athlete_id=page.case.athlete_id,
            metric__in=[device_charts.STEPS, device_charts.CADENCE, device_charts.CONTACT],
            date__gte=page.chart_start,
            date__lte=page.today,
        )
        .order_by()
        .values_list("date", "metric", "value")
    )
    series = device_charts.device_series(days, sessions, samples)
    if device_charts.has_data(series):
        page.device_chart = device_charts.device_chart(days, series, phases=page.periods)


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _chart_start(case: Case, plan: Plan | None, today: dt.date) -> dt.date:
    """From the plan's start (or the diagnosis), at most a year back, at least two weeks."""
    start = (plan.started_on if plan and plan.started_on else None) or case.diagnosed_on
    start = max(start, today - dt.timedelta(days=CHART_MAX_DAYS))
    return min(start, today - dt.timedelta(days=13))


def _pain_limit(phase: PlanPhase | None) -> float | None:
    """The current phase's limit for pain during activity, when it has one (a dotted line)."""
    for level in wording.pain_levels(phase.advance_when or []) if phase else []:
        if level.field == "during" and level.keep is not None:
            return float(level.keep)
    return None


def phase_periods(
    transitions: Sequence[PhaseTransition], plan: Plan, today: dt.date
) -> list[charts.PhasePeriod]:
    """The periods spent in each phase of the plan, from its transitions (a phase entered
    again after a step back appears again)."""
    out: list[charts.PhasePeriod] = []
    current: tuple[str, dt.date] | None = None
    end_of_chart = today + dt.timedelta(days=1)
    for t in transitions:
        if t.plan_id != plan.pk:
            continue
        if current is not None and t.kind != PhaseTransition.Kind.HOLD:
            name, began = current
            out.append(charts.PhasePeriod(name, began, max(t.effective_on, began)))
            current = None
        if t.to_phase is not None and t.kind != PhaseTransition.Kind.HOLD:
            current = (f"{t.to_phase.order}. {t.to_phase.name}", t.effective_on)
    if current is not None:
        name, began = current
        out.append(charts.PhasePeriod(name, began, max(end_of_chart, began)))
    return [p for p in out if p.end > p.start]
