"""Page-specific reads and view models of the clinic pages (my cases, case page, inbox).

Each builder loads what its page shows in a constant number of queries, whatever the number of
cases, logs, flags, assessments and transitions, and turns domain objects into plain rows the
templates render as they are (no JSON reaches a page). Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Case as When_
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models import When as WhenClause
from django.utils import timezone
from django.utils.timesince import timesince

from athletes import permissions
from athletes.models import Athlete, CareTeamMember, Case, Team, User
from athletes.selectors import cases_for_user
from athletes.sites import BY_CODE, HIGH, TRABECULAR_SITES, site_risk
from monitoring import charts, metrics
from monitoring.evaluation import selectors
from monitoring.models import ActivitySession, Assessment, DailyLog, Flag
from monitoring.models.care import CaseNote
from protocols.engine import criteria
from protocols.engine.gating import Evaluation, evaluate
from protocols.engine.projection import Projection, project
from protocols.engine.records import LogEntry, SessionEntry
from protocols.models import Impact, PhaseTransition, Plan, PlanEdit, PlanPhase, WeightBearing
from protocols.selectors import templates_for_case
from rehab.errors import ApplicationError

# How far back the case page's charts reach at most, and the load history before the chart's
# first day that the EWMA acute:chronic ratio needs to settle (its chronic window is 28 days).
CHART_MAX_DAYS = 365
CHART_LOAD_WARMUP_DAYS = 56
ASSESSMENTS_SHOWN = 100
EVALUATION_SALT = "clinic.decision.evaluation"
EVALUATION_MAX_AGE = 24 * 3600  # seconds a shown evaluation may be decided on

SEVERITY = Flag.SEVERITY
FLAG_TONE = {
    "red_flag": "red",
    "regression": "amber",
    "load_spike": "amber",
    "missing_logs": "grey",
    "ready_to_advance": "green",
    "bone_health": "amber",
}
FLAG_SHORT = {
    "red_flag": "Red flag",
    "regression": "Regression",
    "load_spike": "Load spike",
    "missing_logs": "Missing logs",
    "ready_to_advance": "Ready to advance",
    "bone_health": "Bone-health screen",
}


def flag_sort_key(flag: Flag) -> tuple:
    return (SEVERITY.get(flag.kind, 9), flag.raised_at)


def labelled(flags: Iterable[Flag]) -> list[Flag]:
    """Flags with ``short_label`` (chips say "Red flag", not the kind's long label) and
    ``since`` (how long ago it was raised, in words) set."""
    out = list(flags)
    now = timezone.now()
    for flag in out:
        flag.short_label = FLAG_SHORT.get(flag.kind, flag.get_kind_display())
        flag.since = raised_since(flag.raised_at, now)
    return out


def raised_since(raised_at: dt.datetime, now: dt.datetime) -> str:
    if (now - raised_at).total_seconds() < 60:
        return "just now"
    return timesince(raised_at, now) + " ago"


def red_flag_count(user: User) -> int:
    """Open (not yet acknowledged) red flags on the cases where the user has a clinical role."""
    if not user.is_authenticated:
        return 0
    return Flag.objects.filter(
        status=Flag.Status.OPEN,
        kind=Flag.Kind.RED_FLAG,
        case__in=permissions.members_with_consent()
        .filter(user=user, role__in=permissions.CLINICAL_ROLES)
        .values("case_id"),
    ).count()


def nav_context(user: User) -> dict[str, Any]:
    """What templates/clinic/base.html shows in the section's navigation (one query)."""
    return {"clinic_nav": {"red_count": red_flag_count(user)}}


OPENING_KINDS = frozenset({User.Kind.CLINICIAN, User.Kind.PHYSIO})


def may_open_case(user: User) -> bool:
    """Clinicians and physios open cases (and lead them). A stand-in until
    ``athletes.permissions`` has a predicate for it: no case exists yet to have a role on."""
    return user.is_authenticated and user.is_active and user.kind in OPENING_KINDS


def fields_shown(user: User, case: Case) -> dict[str, bool]:
    """For templates: ``show.risk``, ``show.flag_kinds``... as ``athletes.permissions`` decides
    (no query when the case came from ``cases_for_user``)."""
    visible = permissions.visible_case_fields(user, case)
    return {name: name in visible for name in permissions.ALL_CASE_FIELDS}


def may_open_case_page(user: User, case: Case) -> bool:
    """The clinic's case page is for those who see the clinical record (clinical roles, the
    athlete on their own case) and for those who record their own assessments there
    (nutritionist, psychologist). A coach has the coach pages; an integration the API."""
    return permissions.can_view_clinical(user, case) or permissions.can_record_assessment(
        user, case
    )


def day_in_phase(started_on: dt.date | None, today: dt.date) -> int | None:
    """Day 1 is the day the phase started."""
    if started_on is None:
        return None
    return max(0, (today - started_on).days) + 1


# --- my cases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    case: Case
    plan: Plan | None
    phase: PlanPhase | None
    phase_count: int
    day_in_phase: int | None
    flags: tuple[Flag, ...]
    last_log_on: dt.date | None
    days_since_log: int | None
    show: Mapping[str, bool] = field(default_factory=dict)
    page: bool = True  # may open the clinic's case page
    coach_view: bool = False  # follows the case on the coach pages instead

    @property
    def worst(self) -> int:
        return min((SEVERITY.get(f.kind, 9) for f in self.flags), default=99)


def case_rows(
    user: User,
    *,
    today: dt.date,
    status: str = "",
    flag_kind: str = "",
    team_id: int | None = None,
    search: str = "",
) -> list[CaseRow]:
    """The user's cases for the list, red-flagged first, then by athlete.

    Three queries whatever the number of cases, flags and logs:
    1. the cases with athlete, team, viewer role and last log date annotated;
    2. their active plans with the current phase and the number of phases;
    3. their unresolved flags.
    """
    cases = cases_for_user(user)
    if status:
        cases = cases.filter(status=status)
    if team_id:
        cases = cases.filter(athlete__team_id=team_id)
    for word in search.split()[:4]:
        cases = cases.filter(
            Q(athlete__first_name__icontains=word) | Q(athlete__last_name__icontains=word)
        )
    unresolved = Flag.objects.filter(case=OuterRef("pk"), status__in=Flag.UNRESOLVED)
    if flag_kind == "none":
        cases = cases.filter(~Exists(unresolved))
    elif flag_kind == "any":
        cases = cases.filter(Exists(unresolved))
    elif flag_kind in Flag.Kind.values:
        cases = cases.filter(Exists(unresolved.filter(kind=flag_kind)))
    last_log = DailyLog.objects.filter(athlete=OuterRef("athlete_id")).order_by("-date")
    cases = cases.annotate(last_log_on=Subquery(last_log.values("date")[:1])).prefetch_related(
        Prefetch(
            "plans",
            queryset=Plan.objects.filter(status=Plan.Status.ACTIVE)
            .select_related("current_phase")
            .annotate(phase_count=Count("phases")),
            to_attr="active_plans",
        ),
        Prefetch(
            "flags",
            queryset=Flag.objects.filter(status__in=Flag.UNRESOLVED),
            to_attr="unresolved_flags",
        ),
    )
    rows = []
    for case in cases:
        plan = case.active_plans[0] if case.active_plans else None
        phase = plan.current_phase if plan else None
        last = case.last_log_on
        rows.append(
            CaseRow(
                case=case,
                plan=plan,
                phase=phase,
                phase_count=plan.phase_count if plan else 0,
                day_in_phase=day_in_phase(phase.started_on, today) if phase else None,
                flags=tuple(labelled(sorted(case.unresolved_flags, key=flag_sort_key))),
                last_log_on=last,
                days_since_log=(today - last).days if last else None,
                show=fields_shown(user, case),
                page=may_open_case_page(user, case),
                coach_view=permissions.can_use_coach_view(user, case),
            )
        )
    rows.sort(key=lambda r: (r.worst, r.case.athlete.last_name, r.case.athlete.first_name))
    return rows


def teams_of(user: User) -> QuerySet[Team]:
    """Teams of the athletes on the user's cases (the list's team filter)."""
    mine = permissions.members_with_consent().filter(user=user).values("case_id")
    return Team.objects.filter(athletes__cases__in=mine).distinct().order_by("name")


def athletes_of(user: User) -> QuerySet[Athlete]:
    """Athletes with a case on whose care team the user is (to open another case for)."""
    mine = permissions.members_with_consent().filter(user=user).values("case_id")
    return Athlete.objects.filter(cases__in=mine).distinct().order_by("last_name", "first_name")


def teams_for_new_athlete(user: User) -> QuerySet[Team]:
    """Teams the user follows as staff or whose athletes they treat."""
    return (
        Team.objects.filter(Q(staff=user) | Q(athletes__cases__care_team__user=user))
        .distinct()
        .order_by("name")
    )


# --- red-flag inbox -----------------------------------------------------------------------------


def inbox_flags(user: User) -> list[Flag]:
    """Unresolved red flags, then regressions, oldest first, on the cases where the user has a
    clinical role. One query."""
    if not user.is_authenticated:
        return []
    mine = permissions.members_with_consent().filter(
        case=OuterRef("case_id"), user=user, role__in=permissions.CLINICAL_ROLES
    )
    return labelled(
        Flag.objects.filter(
            Exists(mine),
            status__in=Flag.UNRESOLVED,
            kind__in=[Flag.Kind.RED_FLAG, Flag.Kind.REGRESSION],
        )
        .select_related("case__athlete", "phase", "acknowledged_by", "proposed_phase")
        .annotate(
            severity=When_(
                WhenClause(kind=Flag.Kind.RED_FLAG, then=0),
                default=1,
                output_field=IntegerField(),
            )
        )
        .order_by("severity", "raised_at", "pk")
    )


# --- new case: what the risk factors imply --------------------------------------------------------


@dataclass(frozen=True)
class Implication:
    tone: str  # "red" | "amber" | "info"
    title: str
    detail: str


@dataclass(frozen=True)
class Implications:
    site_label: str
    risk: str  # "high" | "low" | ""
    risk_label: str
    typical_return: str
    items: tuple[Implication, ...]
    templates: tuple[Any, ...] = ()


def case_implications(data: Mapping[str, Any], *, suggest: bool = True) -> Implications | None:
    """What the chosen site and risk factors imply for the plan, in plain words.

    ``data`` holds the new-case form's values (cleaned or raw strings). Built on the model's own
    risk rules (``Case.bone_health_flags``, ``has_risk_factors``) and the template suggestions
    (``protocols.selectors.templates_for_case``), so the page says what the system will do.
    """
    site = str(data.get("site") or "")
    if site not in BY_CODE:
        return None
    info = BY_CODE[site]
    raised = str(data.get("raise_risk") or "").lower() in {"1", "true", "on", "yes"}
    risk = HIGH if raised else site_risk(site)
    case = Case(
        site=site,
        risk=risk,
        grade=_int(data.get("grade")),
        red_s_screen=str(data.get("red_s_screen") or Case.Screen.NOT_SCREENED),
        menstrual_status=str(data.get("menstrual_status") or Case.Menstrual.NOT_APPLICABLE),
        prior_bsi_count=_int(data.get("prior_bsi_count")) or 0,
        vitamin_d_nmol_l=_decimal(data.get("vitamin_d_nmol_l")),
    )
    items: list[Implication] = []
    # Whether a conservative variant exists for the site: only then is it "suggested first".
    candidates = templates_for_case(case)
    has_conservative = any(t.conservative for t in candidates)
    if risk == HIGH:
        why = "chosen by the clinician" if raised and info.risk != HIGH else "a high-risk site"
        items.append(
            Implication(
                "red",
                f"High risk for healing complications ({why})",
                "Protected loading first (offloading as the site needs), clinician sign-off "
                "gates before impact, and only high-risk templates are offered. Any regression "
                "rule that fires raises a red flag for review.",
            )
        )
    if site == "femoral_neck_tension":
        items.append(
            Implication(
                "red",
                "Tension-side femoral neck: non-weight-bearing and an urgent orthopaedic referral",
                "Refer today (displacement risk). No phase beyond touch-down weight bearing "
                "starts until the orthopaedic decision is recorded on the case; a fracture line "
                "over 50% of the neck or an effusion, once recorded, raises a red flag "
                "(clinical.md §11; Medscape).",
            )
        )
    grade = case.grade or 0
    bone = case.bone_health_flags
    if grade >= 3:
        items.append(
            Implication(
                "amber",
                f"Grade {grade}: a conservative template",
                "Higher grades take longer to return (grade 3: 12–16 weeks of relative rest "
                "before return; grade 4: 16 weeks or more). "
                + (
                    "The conservative variant is suggested first."
                    if has_conservative
                    else f"No conservative variant exists for the {info.label.lower()}: "
                    "lengthen the phases when you build the plan."
                ),
            )
        )
    positive = case.red_s_screen == Case.Screen.POSITIVE or case.menstrual_status in {
        Case.Menstrual.OLIGOMENORRHEA,
        Case.Menstrual.AMENORRHEA,
    }
    if bone:
        items.append(
            Implication(
                "amber",
                "Bone-health risk factors: a conservative plan",
                "; ".join(bone)
                + ". "
                + (
                    "The conservative variant is suggested first."
                    if has_conservative
                    else f"No conservative variant exists for the {info.label.lower()}: the "
                    "plan drafted adds a bone-health screen gate before impact (the latest "
                    "screen must clear)."
                ),
            )
        )
    low_vit_d = case.vitamin_d_nmol_l is not None and case.vitamin_d_nmol_l < 75
    if positive or low_vit_d or case.prior_bsi_count >= 2:
        reasons = []
        if case.red_s_screen == Case.Screen.POSITIVE:
            reasons.append("positive RED-S / Triad screen")
        if case.menstrual_status in {Case.Menstrual.OLIGOMENORRHEA, Case.Menstrual.AMENORRHEA}:
            reasons.append("menstrual dysfunction")
        if low_vit_d:
            reasons.append("25(OH)D below 75 nmol/L")
        if case.prior_bsi_count >= 2:
            reasons.append(f"{case.prior_bsi_count} prior bone stress injuries")
        items.append(
            Implication(
                "amber",
                "Refer to the nutritionist",
                "Because of " + ", ".join(reasons) + ": energy availability, calcium and "
                "vitamin D review (REDs). Add the nutritionist to the care team.",
            )
        )
    if site in TRABECULAR_SITES:
        items.append(
            Implication(
                "info",
                "Trabecular site: the bone-health screen is required",
                f"{info.label} is a trabecular site linked to low energy availability: it "
                "scores 2 points on the Triad assessment by itself, and the plan drafted gates "
                "impact on a bone-health screen (a complete Triad score for women, a REDs "
                "screen for men).",
            )
        )
    elif case.red_s_screen == Case.Screen.NOT_SCREENED and not positive:
        items.append(
            Implication(
                "info",
                "RED-S / Triad screen not done",
                "Screening before running resumes is recommended for every athlete with a "
                "bone stress injury.",
            )
        )
    if not items:
        items.append(
            Implication(
                "info",
                "Standard progression",
                "A low-risk site without risk factors: the standard template for the site.",
            )
        )
    typical = ""
    if info.typical_return_days:
        typical = f"Typical return for this site: {info.typical_return_days} days"
        if info.return_days_ci:
            typical += f" (95% CI {info.return_days_ci[0]}–{info.return_days_ci[1]})"
        typical += ", pooled data of Hoenig et al. 2023."
    templates = tuple(candidates[:3]) if suggest else ()
    return Implications(
        site_label=info.label,
        risk=risk,
        risk_label=Case.Risk(risk).label,
        typical_return=typical,
        items=tuple(items),
        templates=templates,
    )


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


# --- the case page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    label: str
    met: bool | None
    observed: str
    threshold: str
    sentence: str
    red_flag: bool = False

    @property
    def status(self) -> str:
        return {True: "met", False: "not-met", None: "unknown"}[self.met]


@dataclass(frozen=True)
class EvaluationView:
    day: dt.date
    summary: str
    ready: bool
    advance: tuple[ResultRow, ...]
    fired: tuple[ResultRow, ...]
    quiet: tuple[ResultRow, ...]  # regression rules that did not fire (or are unknown)
    warnings: tuple[ResultRow, ...]
    met_count: int
    unknown_count: int
    missing_logs: bool
    days_without_log: int

    @property
    def red(self) -> bool:
        return any(r.red_flag for r in self.fired)


def _label(kind: str) -> str:
    try:
        return criteria.get_kind(kind).label
    except criteria.CriterionError:
        return kind.replace("_", " ").capitalize()


def _row(result: Any) -> ResultRow:
    return ResultRow(
        label=_label(result.kind),
        met=result.met,
        # In the criterion's unit ("3/10", "0 reports", "7 days"); "—" when unknown.
        observed=criteria.format_value(result.observed, getattr(result, "unit", "")),
        threshold=criteria.format_value(result.threshold, getattr(result, "unit", "")),
        sentence=result.sentence,
        red_flag=result.red_flag,
    )


def evaluation_view(evaluation: Evaluation) -> EvaluationView:
    return EvaluationView(
        day=evaluation.day,
        summary=evaluation.summary,
        ready=evaluation.ready,
        advance=tuple(_row(r) for r in evaluation.advance),
        fired=tuple(_row(r) for r in evaluation.fired),
        quiet=tuple(_row(r) for r in evaluation.regress if r.met is not True),
        warnings=tuple(_row(r) for r in evaluation.warnings),
        met_count=sum(1 for r in evaluation.advance if r.met is True),
        unknown_count=len(evaluation.unknown),
        missing_logs=evaluation.missing_logs,
        days_without_log=evaluation.days_without_log,
    )


def stored_evaluation_view(data: Mapping[str, Any] | None) -> EvaluationView | None:
    """A stored evaluation (a transition's or a flag's) for reading, or None if unreadable."""
    if not data:
        return None
    try:
        return evaluation_view(Evaluation.from_dict(data))
    except (KeyError, TypeError, ValueError):
        return None


def sign_evaluation(case: Case, phase: PlanPhase, evaluation: Evaluation) -> str:
    """The evaluation shown to the clinician, signed so that the decision records exactly it."""
    payload = {"case": case.pk, "phase": phase.pk, "evaluation": evaluation.to_dict()}
    return signing.dumps(payload, salt=EVALUATION_SALT, compress=True)


def unsign_evaluation(token: str, *, case: Case) -> tuple[int, dict[str, Any]]:
    """(phase id, evaluation dict) of a token from ``sign_evaluation`` for this case.

    Raises ``signing.BadSignature`` (``SignatureExpired`` after a day) for anything else.
    """
    payload = signing.loads(token, salt=EVALUATION_SALT, max_age=EVALUATION_MAX_AGE)
    if payload.get("case") != case.pk:
        raise signing.BadSignature("Evaluation of another case.")
    return int(payload["phase"]), dict(payload["evaluation"])


@dataclass(frozen=True)
class HistoryItem:
    at: Any  # datetime, for ordering
    kind: str  # "transition" | "edit"
    title: str
    by: str
    reason: str
    effective_on: dt.date | None = None
    changes: tuple[str, ...] = ()
    evaluation: EvaluationView | None = None
    tone: str = ""


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
    assessments: list[Assessment] = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)
    last_decision: PhaseTransition | None = None
    """The plan's last phase decision when it can be undone (advance, step back, hold,
    complete)."""
    care_team: list[CareTeamMember] = field(default_factory=list)
    chart_start: dt.date | None = None
    periods: list[charts.PhasePeriod] = field(default_factory=list)
    marks: list[charts.FlagMark] = field(default_factory=list)
    charts_added: bool = False

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
        "own_assessments": permissions.role_on(user, case) in permissions.OWN_ASSESSMENT_TESTS,
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
    plans = list(
        Plan.objects.filter(case=case)
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
            page.day_in_phase = day_in_phase(page.phase.started_on, today)

    if page.plan is not None and page.phase is not None and can["clinical"]:
        ctx = selectors.case_snapshot(case.pk, today)
        if ctx is not None:
            page.evaluation = evaluate(
                ctx.spec, ctx.snapshot, today, missing_log_days=settings.REHAB_MISSING_LOG_DAYS
            )
            page.evaluation_view = evaluation_view(page.evaluation)
            page.evaluation_token = sign_evaluation(case, ctx.phase, page.evaluation)
    if shown is not None and shown.status == Plan.Status.ACTIVE:
        # The current phase ends no earlier than its criteria allow: today's evaluation when
        # there is one, else the latest stored (PlanPhase.ready_from).
        live = page.evaluation.ready_from if page.evaluation is not None else None
        page.projection = project(page.phases, today=today, start=shown.started_on, ready_from=live)

    start = _chart_start(case, shown, today)
    page.chart_start = start
    transitions: list[PhaseTransition] = []
    if can["clinical"]:
        transitions = list(
            PhaseTransition.objects.filter(plan__case=case)
            .select_related("from_phase", "to_phase", "decided_by", "plan")
            .order_by("decided_at", "pk")
        )
    flags: list[Flag] = []
    if page.show.get("flag_kinds"):
        flags = list(
            Flag.objects.filter(case=case)
            .filter(
                Q(status__in=Flag.UNRESOLVED)
                | Q(raised_at__gte=_start_of_day(start - dt.timedelta(days=1)))
            )
            .select_related("phase", "proposed_phase", "acknowledged_by")
        )
    page.flags = labelled(
        sorted((f for f in flags if f.status in Flag.UNRESOLVED), key=flag_sort_key)
    )
    page.periods = _phase_periods(transitions, shown, today) if shown else []
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
        edits = list(PlanEdit.objects.filter(plan__case=case).select_related("edited_by"))
        page.history = history(transitions, edits)
        own = [t for t in transitions if shown is not None and t.plan_id == shown.pk]
        if own and own[-1].kind in {"advance", "regress", "hold", "complete"}:
            page.last_decision = own[-1]
    if with_charts:
        add_charts(page)
    return page


def add_charts(page: CasePage) -> None:
    """The page's Plotly charts: pain for clinical viewers, load for those who see load.

    Two queries: the daily logs and the sessions of the chart's period (sessions from earlier,
    so that the acute:chronic ratio has its history).
    """
    case, start, today, can = page.case, page.chart_start, page.today, page.can
    days = metrics.days(start, today)
    if can["clinical"]:
        rows = list(
            DailyLog.objects.filter(
                athlete_id=case.athlete_id, date__gte=start, date__lte=today
            ).values_list("date", *metrics.PAIN_FIELDS, "sleep_hours")
        )
        logs = [
            LogEntry(day, pain_rest=r, pain_during=d, pain_after=a, pain_next_morning=m)
            for day, r, d, a, m, _ in rows
        ]
        pain = metrics.pain_series(logs, start, today)
        page.pain_chart = charts.pain_chart(
            days, pain, phases=page.periods, flags=page.marks, limit=_pain_limit(page.phase)
        )
        if can["sleep"]:
            # Sleep beside pain during activity, from the same logs (no query of its own).
            hours = {day: float(h) for day, *_, h in rows if h is not None}
            if hours:
                page.sleep_chart = charts.sleep_pain_chart(
                    days, [hours.get(day) for day in days], pain["pain_during"]
                )
    if can["load"]:
        sessions = [
            SessionEntry(day, activity, minutes, rpe)
            for day, activity, minutes, rpe in ActivitySession.objects.filter(
                athlete_id=case.athlete_id,
                date__gte=start - dt.timedelta(days=CHART_LOAD_WARMUP_DAYS),
                date__lte=today,
            ).values_list("date", "activity", "minutes", "rpe")
        ]
        page.load_chart = charts.load_chart(
            days,
            metrics.daily_load(sessions, start, today),
            metrics.acwr_series(sessions, start, today),
            phases=page.periods,
            flags=page.marks if can["clinical"] else (),
        )
    page.charts_added = True


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _chart_start(case: Case, plan: Plan | None, today: dt.date) -> dt.date:
    """From the plan's start (or the diagnosis), at most a year back, at least two weeks."""
    start = (plan.started_on if plan and plan.started_on else None) or case.diagnosed_on
    start = max(start, today - dt.timedelta(days=CHART_MAX_DAYS))
    return min(start, today - dt.timedelta(days=13))


def _pain_limit(phase: PlanPhase | None) -> float | None:
    """The current phase's limit for pain during activity, when it has one (a dotted line)."""
    for item in (phase.advance_when or []) if phase else []:
        if item.get("kind") == "pain_max" and item.get("field", "during") == "during":
            return float(item.get("max", 0))
    return None


def _phase_periods(
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


# --- history: transitions and plan edits, in words ------------------------------------------------

TRANSITION_TONE = {
    "start": "info",
    "advance": "green",
    "regress": "amber",
    "hold": "grey",
    "complete": "green",
    "stop": "grey",
}


def _transition_title(t: PhaseTransition) -> str:
    title = _transition_words(t)
    return f"{title} (override: against the evaluation)" if t.overridden else title


def _transition_words(t: PhaseTransition) -> str:
    label = t.get_kind_display()
    if t.kind == PhaseTransition.Kind.START and t.to_phase:
        return f"Plan started in “{t.to_phase.name}”"
    if t.from_phase and t.to_phase:
        return f"{label}: “{t.from_phase.name}” → “{t.to_phase.name}”"
    if t.from_phase:
        return f"{label} in “{t.from_phase.name}”" if t.kind == "hold" else label
    return label


def history(transitions: Iterable[PhaseTransition], edits: Iterable[PlanEdit]) -> list[HistoryItem]:
    """Transitions and plan edits, newest first, each in plain words."""
    items = [
        HistoryItem(
            at=t.decided_at,
            kind="transition",
            title=_transition_title(t),
            by=str(t.decided_by),
            reason=t.reason,
            effective_on=t.effective_on,
            evaluation=stored_evaluation_view(t.evaluation),
            tone="override" if t.overridden else TRANSITION_TONE.get(t.kind, ""),
        )
        for t in transitions
    ]
    items += [
        HistoryItem(
            at=e.edited_at,
            kind="edit",
            title="Plan edited",
            by=str(e.edited_by),
            reason=e.reason,
            changes=tuple(describe_changes(e.changes)),
            tone="info",
        )
        for e in edits
    ]
    items.sort(key=lambda i: i.at, reverse=True)
    return items


FIELD_LABELS = {
    "name": "name",
    "goal": "goal",
    "min_days": "minimum days",
    "typical_days": "typical days",
    "weight_bearing": "weight bearing",
    "crutches": "crutches",
    "impact": "impact",
    "prescriptions": "prescriptions",
    "advance_when": "criteria to advance",
    "regress_when": "regression rules",
    "warn_when": "warnings",
    "citations": "citations",
    "notes": "notes",
}
_CHOICES = {"weight_bearing": dict(WeightBearing.choices), "impact": dict(Impact.choices)}


def _describe_item(field_name: str, item: Any) -> str:
    if field_name in {"advance_when", "regress_when", "warn_when"}:
        try:
            return criteria.describe(item)
        except (criteria.CriterionError, TypeError, ValueError):
            kind = item.get("kind") if isinstance(item, Mapping) else None
            return _label(str(kind)) if kind else "a criterion"
    if field_name == "prescriptions" and isinstance(item, Mapping):
        return describe_prescription(item)
    return str(item)


def describe_prescription(item: Mapping[str, Any]) -> str:
    from protocols.models import Activity

    parts = [dict(Activity.choices).get(item.get("activity"), str(item.get("activity") or ""))]
    if item.get("minutes"):
        parts.append(f"{item['minutes']} min")
    if item.get("sessions_per_week"):
        parts.append(f"{item['sessions_per_week']}× a week")
    if item.get("intensity"):
        parts.append(str(item["intensity"]))
    if item.get("notes"):
        parts.append(str(item["notes"]))
    return ", ".join(p for p in parts if p)


def _value(field_name: str, value: Any) -> str:
    if field_name in _CHOICES:
        return _CHOICES[field_name].get(value, str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field_name in {"min_days", "typical_days"}:
        return f"{value} days"
    if value in (None, ""):
        return "(empty)"
    return f"“{value}”"


def describe_changes(changes: Any) -> list[str]:
    """A plan edit's recorded changes (``PlanEdit.changes``) as sentences."""
    out: list[str] = []
    for change in changes if isinstance(changes, list) else []:
        if not isinstance(change, Mapping):
            continue
        what = change.get("change")
        phase = change.get("phase", "")
        if what == "added":
            where = f" as phase {change['order']}" if change.get("order") else ""
            out.append(f"Added phase “{phase}”{where}.")
        elif what == "removed":
            out.append(f"Removed phase “{phase}”.")
        elif what == "reordered":
            before = ", ".join(change.get("before") or [])
            after = ", ".join(change.get("after") or [])
            out.append(f"Reordered phases: {before} → {after}.")
        elif what == "edited":
            out.extend(_describe_edit(phase, change.get("field", ""), change))
        elif what == "start_corrected":
            out.append(f"Start date corrected: {change.get('before')} → {change.get('after')}.")
        elif what == "decision_undone":
            label = dict(PhaseTransition.Kind.choices).get(change.get("kind"), "Decision")
            where = " → ".join(
                f"“{n}”" for n in (change.get("from_phase"), change.get("to_phase")) if n
            )
            out.append(
                f"Undone: {label} {where} effective {change.get('effective_on')}, decided by "
                f"{change.get('decided_by')} (their reason: {change.get('reason')})."
            )
    return out


def _describe_edit(phase: str, field_name: str, change: Mapping[str, Any]) -> list[str]:
    label = FIELD_LABELS.get(field_name, field_name.replace("_", " "))
    before, after = change.get("before"), change.get("after")
    if isinstance(before, list) or isinstance(after, list):
        old = [_describe_item(field_name, i) for i in before or []]
        new = [_describe_item(field_name, i) for i in after or []]
        removed = [x for x in old if x not in new]
        added = [x for x in new if x not in old]
        lines = []
        while removed and added:
            lines.append(f"“{phase}”, {label}: changed “{removed.pop(0)}” to “{added.pop(0)}”")
        lines += [f"“{phase}”, {label}: removed “{x}”" for x in removed]
        lines += [f"“{phase}”, {label}: added “{x}”" for x in added]
        if not lines:
            lines.append(f"“{phase}”: {label} reordered")
        return [line + "." for line in lines]
    return [f"“{phase}”: {label} {_value(field_name, before)} → {_value(field_name, after)}."]


# --- what a clinician shares with athletes --------------------------------------------------


def may_share_contact(user) -> bool:
    """Clinicians and physiotherapists: the people an athlete's stop message names."""
    return user.is_authenticated and user.kind in {User.Kind.CLINICIAN, User.Kind.PHYSIO}


def contact_update(*, user, phone: str, email: str):
    """Save the phone and e-mail a clinician shares with the athletes of their cases."""
    if not may_share_contact(user):
        raise ApplicationError("Only clinicians share a contact with athletes.")
    user.contact_phone = phone.strip()
    user.contact_email = email.strip()
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=["contact_phone", "contact_email"])
    return user
