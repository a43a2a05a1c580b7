"""What a coach sees: the team board, the restrictions card, the athlete view and the export.

Coaches plan training around injured athletes. They see what an athlete may do now, how the
return is going and when to expect them; never diagnoses, imaging, pain diaries, assessments,
notes or the bone-health screen. Which facts a person may see is decided in one place,
``athletes.permissions.visible_case_fields``; every builder here fills a fact only when the
viewer may see it, and the CSV keeps a column only when every row's viewer may see its field.

Three layers:

- pure rules (no ORM, no clock): the status light, the return confidence, the restrictions
  derived from a phase, the coach wording of an intensity, the sparkline, CSV-safe cells;
- scoped reads (``coach_cases``, ``coach_case``; for the board, plain rows from
  ``board_cases``, ``board_plans`` and ``board_flags``): a constant number of queries whatever
  the number of athletes;
- view models (``board_facts``, ``restrictions_card``, ``athlete_view``) built from those reads,
  every one through ``case_facts``; the board's rows are printed by ``board_row_html``.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import BigIntegerField, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.http import Http404
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from athletes import permissions
from athletes.models import Case, User
from athletes.selectors import cases_for_user
from athletes.sites import BY_CODE
from monitoring import charts, metrics
from monitoring.models import ActivitySession, CaseEvaluation, DailyLog, Flag
from protocols.engine import projection
from protocols.engine.records import SessionEntry
from protocols.models import Activity, Impact, PhaseTransition, Plan, PlanPhase, WeightBearing
from protocols.wording import intensity_without_pain
from rehab.db import any_of

Role = permissions.Role

STEPPED_BACK_DAYS = 14
"""A step back (a regress transition) keeps the light red for this many days."""

SPARK_WEEKS = 4
CHART_MAX_DAYS = 182
"""The athlete view's load chart shows the plan since it started, at most half a year."""
ACWR_HISTORY_DAYS = 28
"""Load before the chart's first day that the acute:chronic ratio needs to settle."""

# --- pure rules: impact and restrictions --------------------------------------------------------

IMPACT_RANK = {Impact.NONE: 0, Impact.LOW: 1, Impact.MODERATE: 2, Impact.HIGH: 3}

ACTIVITY_IMPACT: dict[str, str] = {
    Activity.CYCLE: Impact.NONE,
    Activity.SWIM: Impact.NONE,
    Activity.AQUA_JOG: Impact.NONE,
    Activity.STRENGTH: Impact.NONE,
    Activity.ELLIPTICAL: Impact.LOW,
    Activity.ANTI_GRAVITY_RUN: Impact.LOW,
    Activity.WALK: Impact.LOW,
    Activity.WALK_RUN: Impact.MODERATE,
    Activity.RUN: Impact.MODERATE,
    Activity.PLYOMETRICS: Impact.HIGH,
    Activity.SPORT_SPECIFIC: Impact.HIGH,
}
"""The bone load of each activity; ``other`` has none here (it could be anything)."""

NOT_ALLOWED_WORDS: dict[str, str] = {
    Activity.WALK: "Walking for exercise (everyday walking is fine)",
    Activity.ELLIPTICAL: "Elliptical trainer",
    Activity.ANTI_GRAVITY_RUN: "Anti-gravity treadmill running",
    Activity.WALK_RUN: "Walk-run intervals or jogging",
    Activity.RUN: "Continuous running",
    Activity.PLYOMETRICS: "Jumping, hopping, bounding or plyometrics",
    Activity.SPORT_SPECIFIC: "Sport drills, sprints, training games or matches",
}

IMPACT_WORDS = {
    Impact.NONE: "No impact: nothing where the foot strikes the ground repeatedly.",
    Impact.LOW: "Low impact only: walking pace, no running or jumping.",
    Impact.MODERATE: "Moderate impact: walk-run or easy running only as prescribed; no jumping "
    "or sprinting.",
    Impact.HIGH: "High impact allowed as prescribed, building up gradually.",
}

WEIGHT_BEARING_WORDS = {
    WeightBearing.NWB: "No weight on the injured leg. Crutches for every step; no standing drills.",
    WeightBearing.TDWB: "Toes may touch the ground for balance only, on crutches.",
    WeightBearing.PWB: "Partial weight on the injured leg, with crutches.",
    WeightBearing.BOOT: "Walking boot for all walking and standing.",
    WeightBearing.FWB: "No limit on standing and walking in daily life.",
}

PAIN_FREE_RULE = (
    "Train only while pain-free at the injury site: no pushing through pain.",
    "If pain appears during or after a session, stop that activity and tell the medical team "
    "the same day.",
    "Sharp pain, pain at night or a limp: stop all impact training until the medical team "
    "has seen the athlete.",
    "Change one thing at a time: longer or harder, never both in the same week.",
)
"""The pain rule in coach language. No pain numbers: those belong to the clinical record."""

coach_intensity = intensity_without_pain  # the API's summary view words it the same way


def _words(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return str(value or "")


@dataclass(frozen=True)
class AllowedActivity:
    activity: str
    label: str
    minutes: int | None
    sessions_per_week: int | None
    intensity: str
    impact: str | None
    on_hold: bool = False  # an impact activity while the athlete is under review


@dataclass(frozen=True)
class Restrictions:
    """What the current phase allows and rules out, derived from the phase (never retyped)."""

    impact: str
    impact_label: str
    impact_words: str
    weight_bearing: str
    weight_bearing_label: str
    weight_bearing_words: str
    crutches: bool
    allowed: tuple[AllowedActivity, ...]
    not_allowed: tuple[str, ...]
    pain_rule: tuple[str, ...] = PAIN_FREE_RULE
    hold_message: str = ""  # set while the medical team reviews the athlete

    @property
    def minutes_per_week(self) -> int:
        return sum((a.minutes or 0) * (a.sessions_per_week or 0) for a in self.allowed)


def restrictions_for(phase: Any, *, hold_message: str = "") -> Restrictions:
    """The restrictions of a phase (a ``PlanPhase`` or anything with its fields).

    Not allowed: every activity of higher impact than the phase allows, and every impact
    activity the phase does not prescribe. With ``hold_message`` (an open red flag) every
    prescribed impact activity is on hold until the medical team clears the athlete.
    """
    impact = phase.impact if phase.impact in IMPACT_RANK else Impact.HIGH
    rank = IMPACT_RANK[impact]
    allowed = []
    prescribed = set()
    for rx in phase.prescriptions or ():
        activity = rx.get("activity", "other")
        prescribed.add(activity)
        act_impact = ACTIVITY_IMPACT.get(activity)
        allowed.append(
            AllowedActivity(
                activity=activity,
                label=_words(Activity, activity),
                minutes=rx.get("minutes"),
                sessions_per_week=rx.get("sessions_per_week"),
                intensity=coach_intensity(rx.get("intensity")),
                impact=act_impact,
                on_hold=bool(hold_message)
                and act_impact is not None
                and IMPACT_RANK[act_impact] > 0,
            )
        )
    not_allowed = []
    for activity, words in NOT_ALLOWED_WORDS.items():
        if activity in prescribed:
            continue
        act_rank = IMPACT_RANK[ACTIVITY_IMPACT[activity]]
        if act_rank > rank:
            not_allowed.append(words)
        elif act_rank >= 2:  # running within the phase's impact, yet not in its plan
            not_allowed.append(f"{words} (not in this phase yet)")
    weight_bearing = phase.weight_bearing or WeightBearing.FWB
    if weight_bearing in {WeightBearing.NWB, WeightBearing.TDWB, WeightBearing.PWB}:
        not_allowed.insert(0, "Any training standing on the injured leg unless prescribed")
    return Restrictions(
        impact=impact,
        impact_label=_words(Impact, impact),
        impact_words=IMPACT_WORDS[impact],
        weight_bearing=weight_bearing,
        weight_bearing_label=_words(WeightBearing, weight_bearing),
        weight_bearing_words=WEIGHT_BEARING_WORDS.get(weight_bearing, ""),
        crutches=bool(phase.crutches),
        allowed=tuple(allowed),
        not_allowed=tuple(not_allowed),
        hold_message=hold_message,
    )


def phase_words(phase: Any) -> str:
    """A phase in a few plain words: its impact and, when not full, its weight bearing."""
    parts = [_words(Impact, phase.impact)]
    if phase.weight_bearing and phase.weight_bearing != WeightBearing.FWB:
        parts.append(_words(WeightBearing, phase.weight_bearing).lower())
    if phase.crutches:
        parts.append("crutches")
    return " · ".join(parts)


# --- pure rules: the status light ---------------------------------------------------------------

GREEN, AMBER, RED = "green", "amber", "red"
LIGHT_ORDER = {RED: 0, AMBER: 1, GREEN: 2}

RED_FLAG_KINDS = (Flag.Kind.RED_FLAG, Flag.Kind.REGRESSION)
AMBER_FLAG_KINDS = (Flag.Kind.LOAD_SPIKE, Flag.Kind.MISSING_LOGS, Flag.Kind.READY_TO_ADVANCE)

DEFAULT_COACH_MESSAGES = {
    Flag.Kind.RED_FLAG: "Under review by the medical team; no impact training until cleared.",
    Flag.Kind.REGRESSION: "The medical team is considering a step back.",
    Flag.Kind.READY_TO_ADVANCE: "May be ready for the next phase, pending clinician review.",
    Flag.Kind.MISSING_LOGS: "Daily logs are missing.",
    Flag.Kind.LOAD_SPIKE: "Training load rose sharply; check the plan with the medical team.",
}
"""Used when a flag has no coach message of its own (never the clinical message)."""


@dataclass(frozen=True)
class CoachFlag:
    """What a coach may know of an open flag: its kind and its coach message."""

    kind: str
    coach_message: str = ""

    @property
    def text(self) -> str:
        return self.coach_message or DEFAULT_COACH_MESSAGES.get(self.kind, "")

    @property
    def label(self) -> str:
        return _words(Flag.Kind, self.kind)


@dataclass(frozen=True)
class Light:
    colour: str  # green | amber | red
    label: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""

    @property
    def order(self) -> int:
        return LIGHT_ORDER[self.colour]


def status_light(
    *,
    today: dt.date,
    flags: Sequence[CoachFlag] = (),
    step_backs: Sequence[tuple[dt.date, str]] = (),
    has_plan: bool = True,
    phase_started_on: dt.date | None = None,
    typical_days: int | None = None,
    last_log_on: dt.date | None = None,
    missing_log_days: int = 3,
) -> Light:
    """Green on track; amber needs attention; red stepped back or under review.

    - red, "Under review": an open red flag or regression flag (its coach message);
    - red, "Stepped back": a regress transition in the last ``STEPPED_BACK_DAYS`` days
      (``step_backs`` are (effective date, phase name) pairs);
    - amber: a load spike, missing logs (a flag, or no log for ``missing_log_days`` days, the
      engine's own rule), ready to advance awaiting review, running past the phase's typical
      days, or no plan started yet;
    - green otherwise. Reasons come most important first.
    """
    kinds = {f.kind: f for f in flags}
    red: list[str] = []
    review = [kinds[k].text for k in RED_FLAG_KINDS if k in kinds]
    red.extend(review)
    recent = sorted(
        (s for s in step_backs if 0 <= (today - s[0]).days <= STEPPED_BACK_DAYS),
        key=lambda s: s[0],
        reverse=True,
    )
    if recent:
        day, name = recent[0]
        red.append(f"Stepped back to “{name}” on {day:%d %b}.")
    if red:
        return Light(RED, "Under review" if review else "Stepped back", tuple(red))

    amber: list[str] = []
    if not has_plan:
        amber.append("The medical team has not started a return plan yet.")
    for kind in (Flag.Kind.LOAD_SPIKE, Flag.Kind.MISSING_LOGS):
        if kind in kinds:
            amber.append(kinds[kind].text)
    if Flag.Kind.MISSING_LOGS not in kinds and has_plan and phase_started_on is not None:
        if last_log_on is not None:
            without = (today - last_log_on).days
        else:
            without = max(0, (today - phase_started_on).days + 1)
        if without >= missing_log_days:
            amber.append(
                f"No daily log since {last_log_on:%d %b}."
                if last_log_on
                else "No daily log in this phase yet."
            )
    if has_plan and phase_started_on is not None and typical_days:
        day = (today - phase_started_on).days + 1
        if day > typical_days:
            amber.append(
                f"Taking longer than usual in this phase: day {day}, typically {typical_days}."
            )
    if Flag.Kind.READY_TO_ADVANCE in kinds:
        amber.append(kinds[Flag.Kind.READY_TO_ADVANCE].text)
    if amber:
        return Light(AMBER, "Attention", tuple(amber))
    return Light(GREEN, "On track", ("Progressing as planned.",))


# --- pure rules: projected return and its confidence --------------------------------------------


@dataclass(frozen=True)
class PooledRange:
    """The literature's usual return for this kind of injury, as dates from the diagnosis
    (Hoenig et al., BJSM 2023). Shown without naming the injury."""

    low: dt.date
    typical: dt.date
    high: dt.date


@dataclass(frozen=True)
class Confidence:
    level: str  # high | medium | low
    note: str

    @property
    def label(self) -> str:
        return f"{self.level.capitalize()} confidence"


def pooled_range(site: str, diagnosed_on: dt.date | None) -> PooledRange | None:
    info = BY_CODE.get(site)
    if info is None or info.typical_return_days is None or diagnosed_on is None:
        return None
    low, high = info.return_days_ci or (info.typical_return_days, info.typical_return_days)
    return PooledRange(
        diagnosed_on + dt.timedelta(days=low),
        diagnosed_on + dt.timedelta(days=info.typical_return_days),
        diagnosed_on + dt.timedelta(days=high),
    )


def return_confidence(
    *, light: Light, has_plan: bool, typical_return: dt.date | None, pooled: PooledRange | None
) -> Confidence:
    """How sure the projected return is, in words a coach can plan with."""
    if not has_plan or typical_return is None:
        return Confidence("low", "No return plan has started yet.")
    if light.colour == RED:
        return Confidence("low", "Dates may move while the medical team reviews the plan.")
    if pooled is not None and typical_return > pooled.high:
        return Confidence("medium", "Later than most recoveries from this kind of injury.")
    if light.colour == AMBER:
        return Confidence("medium", "Dates depend on the points that need attention.")
    if pooled is None:
        return Confidence("medium", "Based on the plan's usual phase lengths only.")
    return Confidence("high", "On track and within the usual range for this kind of injury.")


# --- pure rules: sparkline and CSV cells -------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _day_month(day: dt.date) -> str:
    """``03 Nov``, escaped (every row of a board has the same weeks: strftime once each)."""
    return html.escape(f"{day:%d %b}")


def sparkline_svg(weeks: Sequence[tuple[dt.date, float]], *, width: int = 96, height: int = 28):
    """A small bar chart of weekly load, server-rendered (no script, no query), labelled for
    screen readers with the numbers it shows."""
    if not weeks:
        return ""
    top = max(v for _, v in weeks) or 1.0
    gap = 4
    bar = (width - gap * (len(weeks) - 1)) / len(weeks)
    bars = []
    # Built with f-strings (format_html per bar costs more than the rest of a board row): every
    # number is formatted here and every text is escaped.
    for i, (start, value) in enumerate(weeks):
        h = max(1.5, (value / top) * (height - 2)) if value else 1.5
        css = "spark-bar" if value else "spark-bar spark-empty"
        title = f"Week of {_day_month(start)}: {html.escape(f'{value:.0f}')} AU"
        bars.append(
            f'<rect x="{i * (bar + gap):.1f}" y="{height - h:.1f}" width="{bar:.1f}" '
            f'height="{h:.1f}" rx="1.5" class="{css}"><title>{title}</title></rect>'
        )
    summary = "Weekly training load, last {} weeks: {} AU".format(
        len(weeks), ", ".join(f"{v:.0f}" for _, v in weeks)
    )
    return mark_safe(  # noqa: S308 (every value above is a formatted number or escaped)
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{html.escape(summary)}">{"".join(bars)}</svg>'
    )


CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection): text starting with
    = + - @ (or a tab or carriage return) gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGEROUS) else text


# --- scoped reads -------------------------------------------------------------------------------


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
    for athlete_id, day, activity, minutes, rpe in _session_rows(athlete_ids, start, end):
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


def _session_rows(athlete_ids: Iterable[int], start: dt.date, end: dt.date):
    """(athlete, day, activity, minutes, RPE) of the athletes' sessions between two days, in the
    model's order (never a session's pain rating or notes: those are clinical)."""
    return ActivitySession.objects.filter(
        athlete_id__in=list(athlete_ids), date__gte=start, date__lte=end
    ).values_list("athlete_id", "date", "activity", "minutes", "rpe")


# --- view models --------------------------------------------------------------------------------


def _plan(case: Case) -> Plan | None:
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


UNDER_REVIEW = CoachFlag(
    Flag.Kind.RED_FLAG, "Under review by the medical team; no impact training until cleared."
)
"""What a coach sees while the current evaluation fires a red-flag rule with no red flag open
(a clinician resolved it, the report is still in the window): the status follows the
evaluation, not only the flag."""


def with_evaluation(flags: Sequence[CoachFlag], fires_red: bool) -> list[CoachFlag]:
    """The coach's flags, with "under review" when the current evaluation fires a red-flag
    rule and no red flag is open: resolving a flag does not make the athlete "On track"."""
    flags = list(flags)
    if fires_red and not any(f.kind == Flag.Kind.RED_FLAG for f in flags):
        flags.insert(0, UNDER_REVIEW)
    return flags


def _coach_flags(case: Case) -> list[CoachFlag]:
    flags = sorted(case.open_flags, key=lambda f: Flag.SEVERITY.get(f.kind, 9))
    coach = [CoachFlag(f.kind, f.coach_message) for f in flags]
    return with_evaluation(coach, bool(getattr(case, "evaluation_red", False)))


class PhaseRow(NamedTuple):
    """A plan phase as the board reads it: what ``case_facts`` and the projection use, never
    the phase's gates, prescriptions, citations or notes."""

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
    """What ``case_facts`` reads of a case's active plan (one whose current phase is set)."""

    started_on: dt.date | None
    phase: Any  # the current phase: a PlanPhase, or a PhaseRow on the board
    phases: Sequence[Any]  # every phase of the plan, in order
    step_backs: Sequence[tuple[dt.date, str]]  # (effective date, phase stepped back to)


def _plan_inputs(case: Case) -> PlanInputs | None:
    """The active plan of a case loaded by ``coach_cases`` (no query)."""
    plan = _plan(case)
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


@dataclass
class CaseFacts:
    """The facts of one case a coach page may show; a fact the viewer may not see stays None."""

    case_id: int
    visible: frozenset[str]
    athlete: str | None = None
    first_name: str = ""
    last_name: str = ""
    sport: str | None = None
    team_id: int | None = None
    team: str | None = None
    has_plan: bool = False
    phase: Any = None  # a PlanPhase (a PhaseRow on the board)
    phase_name: str | None = None
    phase_words: str | None = None
    phase_number: int | None = None
    phase_count: int | None = None
    day_in_phase: int | None = None
    light: Light | None = None
    flags: tuple[CoachFlag, ...] = ()
    last_log_on: dt.date | None = None
    last_log_days: int | None = None  # days since the last log (0: today)
    weeks: list[tuple[dt.date, float]] = field(default_factory=list)
    projection: projection.Projection | None = None
    earliest_return: dt.date | None = None
    typical_return: dt.date | None = None
    pooled: PooledRange | None = None
    confidence: Confidence | None = None
    next_review: dt.date | None = None

    @property
    def this_week_load(self) -> float | None:
        return self.weeks[-1][1] if self.weeks else None

    @property
    def load_change_percent(self) -> float | None:
        if len(self.weeks) < 2 or not self.weeks[-2][1]:
            return None
        return (self.weeks[-1][1] - self.weeks[-2][1]) / self.weeks[-2][1] * 100

    @property
    def sparkline(self) -> str:
        return sparkline_svg(self.weeks)

    @property
    def phase_progress(self) -> str:
        if self.phase_number is None:
            return ""
        return f"Phase {self.phase_number} of {self.phase_count}"

    @property
    def under_review(self) -> bool:
        return any(f.kind == Flag.Kind.RED_FLAG for f in self.flags)

    def shows(self, name: str) -> bool:
        return name in self.visible


def case_facts(
    user: User,
    case: Case,
    *,
    today: dt.date,
    last_log_on: dt.date | None,
    weeks: Sequence[tuple[dt.date, float]],
    plan: PlanInputs | None,
    flags: Sequence[CoachFlag],
    keep_projection: bool = True,
) -> CaseFacts:
    """The coach facts of a case (its athlete and team loaded with it), its weekly training
    loads (``metrics.weekly_loads`` of the last ``SPARK_WEEKS``), its active plan and its open
    flags (most severe first); no query. Without ``keep_projection`` the phase-by-phase
    projection (the athlete view's ladder) is left out, the return dates kept."""
    visible = permissions.visible_case_fields(user, case)
    facts = CaseFacts(case_id=case.pk, visible=visible)

    def can(name: str) -> bool:
        if name not in permissions.ALL_CASE_FIELDS:
            raise ValueError(name)
        return name in visible

    athlete = case.athlete
    if can("athlete"):
        facts.athlete = athlete.full_name
        facts.first_name, facts.last_name = athlete.first_name, athlete.last_name
    if can("sport"):
        facts.sport = athlete.sport or (athlete.team.sport if athlete.team else "")
    if can("team"):
        facts.team_id = athlete.team_id
        facts.team = athlete.team.name if athlete.team else None
    phase = plan.phase if plan else None
    facts.has_plan = phase is not None
    phases = plan.phases if plan else []
    coach_flags = list(flags) if can("flag_kinds") else []
    if can("flag_kinds"):
        facts.flags = tuple(coach_flags)
    if phase is not None and can("phase"):
        facts.phase = phase
        facts.phase_name = phase.name
        facts.phase_words = phase_words(phase)
    if phase is not None and can("phase_progress"):
        facts.phase_number = next(i for i, p in enumerate(phases, 1) if p.pk == phase.pk)
        facts.phase_count = len(phases)
        if phase.started_on:
            facts.day_in_phase = (today - phase.started_on).days + 1
    if can("last_log_on"):
        facts.last_log_on = last_log_on
        facts.last_log_days = (today - last_log_on).days if last_log_on else None
    if can("status_light"):
        facts.light = status_light(
            today=today,
            flags=coach_flags,
            step_backs=plan.step_backs if plan else (),
            has_plan=facts.has_plan,
            phase_started_on=phase.started_on if phase else None,
            typical_days=phase.typical_days if phase else None,
            last_log_on=last_log_on,
            missing_log_days=settings.REHAB_MISSING_LOG_DAYS,
        )
    if can("training_load"):
        facts.weeks = list(weeks)
    if plan is not None and (can("projected_return") or can("phase_dates")):
        facts.projection = projection.project(phases, today=today, start=plan.started_on)
        current = facts.projection.for_order(phase.order)
        facts.next_review = current.typical_end if current else None
        if can("projected_return"):
            facts.earliest_return = facts.projection.earliest_return
            facts.typical_return = facts.projection.typical_return
        if not can("phase_dates") or not keep_projection:
            facts.projection = None
    if can("pooled_return_range"):
        facts.pooled = pooled_range(case.site, case.diagnosed_on)
    if can("return_confidence") and facts.light is not None:
        facts.confidence = return_confidence(
            light=facts.light,
            has_plan=facts.has_plan,
            typical_return=facts.typical_return,
            pooled=facts.pooled,
        )
    return facts


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
)
"""The columns of a case, its athlete and team that ``case_facts`` reads."""


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


def _resolved(user: User) -> User:
    """The user behind a request's lazy ``request.user``: a board asks the permissions about
    every row, each question reading the user's attributes through the lazy object's proxy."""
    if isinstance(user, SimpleLazyObject):
        user.pk  # noqa: B018 (loads the user if the request has not yet)
        return user._wrapped
    return user


def board_facts(user: User, *, today: dt.date) -> list[CaseFacts]:
    """Every board row of the coach, in a constant number of queries, all read as plain rows
    but the cases: 1. the cases with athlete and team (``board_cases``), 2.-4. their plans,
    phases and step backs (``board_plans``), 5. their unresolved flags, 6. the last log dates
    and 7. the sessions of the last four weeks."""
    user = _resolved(user)
    cases = list(board_cases(user))
    if not cases:
        return []
    case_ids = [c.pk for c in cases]
    plans = board_plans(case_ids, today=today)
    flags = board_flags(case_ids)
    athlete_ids = {c.athlete_id for c in cases}
    last_logs = last_log_dates(athlete_ids)
    loads = weekly_session_loads(athlete_ids, today, SPARK_WEEKS)
    no_load = metrics.weekly_totals({}, today, SPARK_WEEKS)
    return [
        case_facts(
            user,
            case,
            today=today,
            last_log_on=last_logs.get(case.athlete_id),
            weeks=loads.get(case.athlete_id, no_load),
            plan=plans.get(case.pk),
            flags=with_evaluation(flags.get(case.pk, ()), case.evaluation_red),
            keep_projection=False,  # the board shows the return dates, not the ladder
        )
        for case in cases
    ]


# --- the board: filters, sorting, groups, CSV --------------------------------------------------

SORTS = {
    "status": "Status (red first)",
    "name": "Name",
    "return": "Projected return",
    "phase": "Phase",
    "last_log": "Last log (oldest first)",
}
LIGHT_FILTERS = {
    RED: "Red: stepped back or under review",
    AMBER: "Amber: attention",
    GREEN: "Green",
}
_FAR = dt.date.max


def _sort_key(sort: str):
    def name(r: CaseFacts):
        return ((r.last_name or "").lower(), (r.first_name or "").lower(), r.case_id)

    keys = {
        "status": lambda r: (r.light.order if r.light else 9, *name(r)),
        "name": name,
        "return": lambda r: (r.typical_return or _FAR, *name(r)),
        "phase": lambda r: (
            (r.phase_number or 0) / (r.phase_count or 1) if r.has_plan else -1,
            *name(r),
        ),
        "last_log": lambda r: (r.last_log_on or dt.date.min, *name(r)),
    }
    return keys.get(sort, keys["status"])


@dataclass(frozen=True)
class BoardFilters:
    team: int | None = None
    light: str = ""
    q: str = ""
    sort: str = "status"

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> BoardFilters:
        """Read GET parameters; anything unknown is ignored, never an error page."""
        team_raw = (params.get("team") or "").strip()
        team = int(team_raw) if team_raw.isdigit() else None
        light = params.get("light", "")
        sort = params.get("sort", "status")
        return cls(
            team=team,
            light=light if light in LIGHT_FILTERS else "",
            q=(params.get("q") or "").strip()[:80],
            sort=sort if sort in SORTS else "status",
        )

    @property
    def active(self) -> bool:
        return bool(self.team or self.light or self.q)


def filter_and_sort(rows: Iterable[CaseFacts], filters: BoardFilters) -> list[CaseFacts]:
    out = list(rows)
    if filters.team:
        out = [r for r in out if r.team_id == filters.team]
    if filters.light:
        out = [r for r in out if r.light and r.light.colour == filters.light]
    if filters.q:
        needle = filters.q.lower()
        out = [r for r in out if needle in (r.athlete or "").lower()]
    return sorted(out, key=_sort_key(filters.sort))


def group_by_team(rows: Sequence[CaseFacts]) -> list[tuple[str, list[CaseFacts]]]:
    """Rows in sections by team (teams by name, athletes without a team last), order kept."""
    groups: dict[str, list[CaseFacts]] = {}
    for row in rows:
        groups.setdefault(row.team or "", []).append(row)
    named = sorted((k for k in groups if k), key=str.lower)
    out = [(k, groups[k]) for k in named]
    if "" in groups:
        out.append(("No team", groups[""]))
    return out


def light_counts(rows: Iterable[CaseFacts]) -> dict[str, int]:
    counts = {RED: 0, AMBER: 0, GREEN: 0}
    for row in rows:
        if row.light:
            counts[row.light.colour] += 1
    return counts


# --- the board's rows, printed ------------------------------------------------------------------
# A board row is printed here, not by the template: through the template engine a row's two
# dozen lookups and filters cost about 0.3 ms, more than the rest of the page with 200 athletes.
# The markup fits templates/coach/board.html around it, whitespace included, and the status
# light is that of templates/coach/_light.html; every value is escaped as the template would
# (``_esc``), numbers and dates are formatted by the template filters' own functions (``date``,
# ``floatformat``, ``localize``).


def _esc(value: Any) -> str:
    """``value`` as the template prints it: safe strings as they are, anything else escaped."""
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class _CaseUrl:
    """The URL of a coach page of a case, reversed once per page, not once per row."""

    MARK = 987654321

    def __init__(self, name: str):
        self.name = name
        parts = reverse(name, args=[self.MARK]).split(str(self.MARK))
        self.parts = parts if len(parts) == 2 else None

    def __call__(self, case_id: int) -> str:
        if self.parts is None:
            return reverse(self.name, args=[case_id])
        return f"{self.parts[0]}{case_id}{self.parts[1]}"


@functools.lru_cache(maxsize=4096)
def _date_text(value: dt.date, fmt: str, language: str | None) -> str:
    """``{{ value|date:fmt }}`` escaped, in a language (month names): boards print the same
    few hundred dates (last logs, return dates, usual ranges) request after request."""
    return _esc(date_filter(value, fmt))


_ONE = Decimal(1)


class BoardFormat:
    """What the rows of one page share: the links, and each date and number formatted once."""

    def __init__(self):
        self.athlete_url = _CaseUrl("coach:athlete")
        self.card_url = _CaseUrl("coach:restrictions")
        self.language = translation.get_language()
        self._numbers: dict[int | None, str] = {}
        self._rounded: dict[int, str] = {}

    def date(self, value: dt.date, fmt: str) -> str:
        """As the template's ``{{ value|date:fmt }}``."""
        return _date_text(value, fmt, self.language)

    def number(self, value: int | None) -> str:
        """As the template's ``{{ value }}`` of a whole number (day counts: few distinct)."""
        if value not in self._numbers:
            self._numbers[value] = _esc(formats.localize(value))
        return self._numbers[value]

    def rounded(self, value: float | None) -> str:
        """As the template's ``{{ value|floatformat:0 }}``. The filter's text depends only on
        the value rounded half up to a whole number (its own ``Decimal(str(value))`` rounding;
        -0 prints as 0), so it is made once per whole number (load changes in percent: a few
        dozen distinct on a board)."""
        try:
            key = int(Decimal(str(value)).quantize(_ONE, ROUND_HALF_UP))
        except (InvalidOperation, ValueError, OverflowError):  # None, or not a finite number
            return _esc(floatformat(value, 0))
        if key not in self._rounded:
            self._rounded[key] = _esc(floatformat(value, 0))
        return self._rounded[key]

    def whole(self, value: float | None) -> str:
        """As the template's ``{{ value|floatformat:0 }}``; a whole value (the usual weekly
        load) the way that filter prints one, as the localized integer."""
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return self.number(int(value))
        return self.rounded(value)


def board_row_html(r: CaseFacts, fmt: BoardFormat) -> str:
    """One ``<tr>`` of the board (with the whitespace around it in the template's loop)."""
    e = _esc
    light = r.light
    sport = f'<span class="muted sub">{e(r.sport)}</span>' if r.sport else ""
    card = (
        f'<a class="card-link" href="{e(fmt.card_url(r.case_id))}">Restrictions card</a>'
        if r.has_plan
        else ""
    )
    if r.has_plan:
        day = f" · day {fmt.number(r.day_in_phase)}" if r.day_in_phase else ""
        words = f'<span class="muted sub small">{e(r.phase_words)}</span>' if r.phase_words else ""
        phase = (
            f'\n          <strong class="phase-name">{e(r.phase_name)}</strong>'
            f'\n          <span class="sub">{e(r.phase_progress)}{day}</span>'
            f"\n          {words}\n          "
        )
    else:
        phase = '<span class="muted">No plan yet</span>'
    badge = (
        f'<span class="light light-{e(light.colour)}"><span class="dot" aria-hidden="true">'
        f"</span>{e(light.label)}</span>"
        if light
        else ""
    )
    more = (
        f'<span class="muted sub small">+ {e(" ".join(light.reasons[1:]))}</span>'
        if light and len(light.reasons) > 1
        else ""
    )
    if r.last_log_on:
        days = r.last_log_days
        ago = "today" if days == 0 else "yesterday" if days == 1 else f"{fmt.number(days)} days ago"
        last = (
            f"{fmt.date(r.last_log_on, 'j M')}"
            f'\n          <span class="muted sub small">{ago}</span>\n          '
        )
    else:
        last = '<span class="muted">None yet</span>'
    load = ""
    if "training_load" in r.visible:
        change, change_html = r.load_change_percent, ""
        if change is not None:
            css = "change-up" if change > 30 else "muted"
            sign = "+" if change >= 0 else ""
            change_html = f'\n            <span class="{css}">({sign}{fmt.rounded(change)}%)</span>'
        load = (
            f"\n          {e(r.sparkline)}"
            f'\n          <span class="sub small">{fmt.whole(r.this_week_load)} AU this '
            f"week{change_html}</span>\n          "
        )
    if r.typical_return:
        earliest = (
            f'<span class="sub small">earliest {fmt.date(r.earliest_return, "j M")}</span>'
            if r.earliest_return and r.earliest_return != r.typical_return
            else ""
        )
        ret = (
            f"\n          <strong>{fmt.date(r.typical_return, 'j M Y')}</strong>"
            f"\n          {earliest}\n          "
        )
    else:
        ret = '<span class="muted">Not yet known</span>'
    c, p = r.confidence, r.pooled
    confidence = (
        f'<span class="conf conf-{e(c.level)}" title="{e(c.note)}">{e(c.label)}</span>' if c else ""
    )
    pooled = (
        f'<span class="muted sub small">Usual range {fmt.date(p.low, "j M")} – '
        f"{fmt.date(p.high, 'j M')}</span>"
        if p
        else ""
    )
    return (
        f'\n      <tr class="row-{e(light.colour) if light else ""}">'
        '\n        <th scope="row" data-label="Athlete">'
        f'\n          <a class="athlete-name" href="{e(fmt.athlete_url(r.case_id))}">'
        f"{e(r.athlete)}</a>"
        f"\n          {sport}"
        f"\n          {card}"
        "\n        </th>"
        '\n        <td data-label="Phase">'
        f"\n          {phase}"
        "\n        </td>"
        '\n        <td data-label="Status">'
        f"\n          {badge}\n"  # and the newline that ends coach/_light.html
        f'\n          <span class="reason">{e(light.reason) if light else ""}</span>'
        f"\n          {more}"
        "\n        </td>"
        '\n        <td data-label="Last log">'
        f"\n          {last}"
        "\n        </td>"
        '\n        <td data-label="Load, 4 weeks" class="load">'
        f"\n          {load}"
        "\n        </td>"
        '\n        <td data-label="Projected return">'
        f"\n          {ret}"
        f"\n          {confidence}"
        f"\n          {pooled}"
        "\n        </td>"
        "\n      </tr>"
        "\n    "
    )


def board_groups(rows: Sequence[CaseFacts]) -> list[tuple[str, list[SafeString]]]:
    """The board's sections (``group_by_team``), each with its rows printed."""
    fmt = BoardFormat()
    return [
        (team, [mark_safe(board_row_html(r, fmt)) for r in team_rows])  # noqa: S308 (escaped)
        for team, team_rows in group_by_team(rows)
    ]


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the permissions field the column shows
    value: Any  # CaseFacts -> cell


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


BOARD_COLUMNS: tuple[Column, ...] = (
    Column("Athlete", "athlete", lambda r: r.athlete),
    Column("Team", "team", lambda r: r.team or ""),
    Column("Sport", "sport", lambda r: r.sport or ""),
    Column("Phase", "phase", lambda r: r.phase_name or "No plan yet"),
    Column("Phase number", "phase_progress", lambda r: r.phase_number or ""),
    Column("Phases in plan", "phase_progress", lambda r: r.phase_count or ""),
    Column("Day in phase", "phase_progress", lambda r: r.day_in_phase or ""),
    Column("Status", "status_light", lambda r: r.light.colour if r.light else ""),
    Column("Status in words", "status_light", lambda r: r.light.label if r.light else ""),
    Column("Reason", "status_light", lambda r: " ".join(r.light.reasons) if r.light else ""),
    Column("Open flags", "flag_kinds", lambda r: "; ".join(f.label for f in r.flags)),
    Column("Last log", "last_log_on", lambda r: _date(r.last_log_on)),
    Column(
        "Load this week (AU)",
        "training_load",
        lambda r: "" if r.this_week_load is None else f"{r.this_week_load:.0f}",
    ),
    Column(
        "Weekly load, last 4 weeks (AU)",
        "training_load",
        lambda r: " / ".join(f"{v:.0f}" for _, v in r.weeks),
    ),
    Column("Earliest return", "projected_return", lambda r: _date(r.earliest_return)),
    Column("Typical return", "projected_return", lambda r: _date(r.typical_return)),
    Column(
        "Usual range from",
        "pooled_return_range",
        lambda r: _date(r.pooled.low if r.pooled else None),
    ),
    Column(
        "Usual range to",
        "pooled_return_range",
        lambda r: _date(r.pooled.high if r.pooled else None),
    ),
    Column("Confidence", "return_confidence", lambda r: r.confidence.level if r.confidence else ""),
)


def csv_table(rows: Sequence[CaseFacts]) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the board export: a column only when every row may show its field
    (the permission decision, made per case), every cell safe against CSV injection."""
    columns = [c for c in BOARD_COLUMNS if all(r.shows(c.field) for r in rows)]
    header = [csv_safe(c.header) for c in columns]
    return header, [[csv_safe(c.value(r)) for c in columns] for r in rows]


# --- the restrictions card and the athlete view -------------------------------------------------


@dataclass
class WeekItem:
    """One prescription line against what was logged this week."""

    allowed: AllowedActivity
    done_sessions: int
    done_minutes: int


@dataclass(frozen=True)
class LadderStep:
    phase: projection.PhaseProjection  # status done / current / upcoming, actual or expected dates
    words: str  # impact and weight bearing in plain words


@dataclass
class CoachCaseView:
    facts: CaseFacts
    restrictions: Restrictions | None
    ladder: list[LadderStep] = field(default_factory=list)
    week_start: dt.date | None = None
    week_end: dt.date | None = None
    week: list[WeekItem] = field(default_factory=list)
    other_sessions: int = 0
    chart: str = ""


def _restrictions(facts: CaseFacts) -> Restrictions | None:
    if facts.phase is None or not facts.shows("restrictions"):
        return None
    hold = next((f.text for f in facts.flags if f.kind == Flag.Kind.RED_FLAG), "")
    return restrictions_for(facts.phase, hold_message=hold)


def restrictions_card(user: User, case_id: Any, *, today: dt.date) -> CoachCaseView:
    """The printable card: queries as in ``coach_cases`` plus the last log date (no sessions)."""
    case = coach_case(user, case_id, today=today)
    last = last_log_dates([case.athlete_id]).get(case.athlete_id)
    facts = case_facts(
        user,
        case,
        today=today,
        last_log_on=last,
        weeks=metrics.weekly_loads([], today, SPARK_WEEKS),
        plan=_plan_inputs(case),
        flags=_coach_flags(case),
    )
    return CoachCaseView(facts=facts, restrictions=_restrictions(facts))


def _phase_periods(phases: Sequence[PlanPhase], start: dt.date, end: dt.date):
    periods = []
    for phase in phases:
        if phase.started_on is None:
            continue
        stop = phase.ended_on or end + dt.timedelta(days=1)
        if stop <= start or phase.started_on > end:
            continue
        periods.append(charts.PhasePeriod(phase.name, max(phase.started_on, start), stop))
    return periods


def athlete_view(user: User, case_id: Any, *, today: dt.date) -> CoachCaseView:
    """Phase ladder, training load over time with the phase periods, and this week's
    availability. Queries as in ``coach_cases`` plus the last log date and one for sessions."""
    case = coach_case(user, case_id, today=today)
    plan = _plan(case)
    chart_start = today - dt.timedelta(days=55)
    if plan is not None and plan.started_on:
        chart_start = max(min(plan.started_on, today), today - dt.timedelta(days=CHART_MAX_DAYS))
    history_start = chart_start - dt.timedelta(days=ACWR_HISTORY_DAYS)
    sessions = session_entries([case.athlete_id], history_start, today).get(case.athlete_id, [])
    last = last_log_dates([case.athlete_id]).get(case.athlete_id)
    facts = case_facts(
        user,
        case,
        today=today,
        last_log_on=last,
        weeks=metrics.weekly_loads(sessions, today, SPARK_WEEKS),
        plan=_plan_inputs(case),
        flags=_coach_flags(case),
    )
    view = CoachCaseView(facts=facts, restrictions=_restrictions(facts))
    if facts.projection is not None and plan is not None:
        words = {p.order: phase_words(p) for p in plan.phases.all()}
        view.ladder = [LadderStep(p, words.get(p.order, "")) for p in facts.projection.phases]
    week_start = today - dt.timedelta(days=today.weekday())
    view.week_start, view.week_end = week_start, week_start + dt.timedelta(days=6)
    if facts.shows("training_load"):
        this_week = [s for s in sessions if week_start <= s.day <= today]
        if view.restrictions is not None:
            seen = set()
            for allowed in view.restrictions.allowed:
                done = [s for s in this_week if s.activity == allowed.activity]
                seen.add(allowed.activity)
                view.week.append(
                    WeekItem(allowed, len(done), int(sum(s.minutes or 0 for s in done)))
                )
            view.other_sessions = sum(1 for s in this_week if s.activity not in seen)
        days = metrics.days(chart_start, today)
        flags = []
        if facts.shows("flag_kinds"):
            for flag in case.open_flags:
                day = timezone.localdate(flag.raised_at)
                if chart_start <= day <= today:
                    text = CoachFlag(flag.kind, flag.coach_message).text
                    flags.append(charts.FlagMark(day, flag.kind, text))
        view.chart = charts.load_chart(
            days,
            metrics.daily_load(sessions, chart_start, today),
            metrics.acwr_series(sessions, chart_start, today),
            phases=_phase_periods(list(plan.phases.all()), chart_start, today) if plan else (),
            flags=flags,
        )
    return view
