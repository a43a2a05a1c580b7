"""The athlete's own pages: who they are, their plan in plain words, their log, their progress.

Reads (``athlete_for_user``, ``context_for``, ``progress_data`` ...) take the logged-in user and
never an athlete id, so an athlete can only ever reach their own data. The writes of these pages
(``log_day_record``, the reminder preference) wrap the ingest services of
``monitoring.evaluation.services``
in one transaction each. The plain-language texts rewrite the criteria language
(``protocols.engine.criteria``) for athletes: no jargon, no abbreviations, what to do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404

from athletes import permissions
from athletes.models import Athlete, CareTeamMember, Case, User
from athletes.selectors import cases_for_user
from monitoring import charts, metrics, schema
from monitoring.evaluation import selectors, services
from monitoring.models import ActivitySession, DailyLog, Flag, Source
from protocols.engine import criteria
from protocols.engine.gating import Evaluation, evaluate
from protocols.engine.projection import Projection, project
from protocols.engine.records import LogEntry, SessionEntry
from protocols.models import Activity, Impact, Plan, PlanPhase, WeightBearing

EDITABLE_DAYS = 7
"""Today and the 6 days before: the days an athlete may still add or change a log."""
HISTORY_DAYS = 28
"""The log history and the charts of the progress page."""
REST = "rest"
"""The form's 'no training today' choice: no session is recorded for the day."""


# --- who and what ---------------------------------------------------------------------------


def athlete_for_user(user: User) -> Athlete:
    """The logged-in user's own athlete profile, or 404: staff have no athlete pages."""
    if not user.is_authenticated:
        raise Http404("No athlete profile.")
    athlete = Athlete.objects.filter(user=user).first()
    if athlete is None:
        raise Http404("No athlete profile.")
    return athlete


@dataclass
class AthleteContext:
    """The athlete, their current case (the active one they are on) and its active plan."""

    user: User
    athlete: Athlete
    today: dt.date
    case: Case | None = None
    plan: Plan | None = None

    @property
    def phase(self) -> PlanPhase | None:
        return self.plan.current_phase if self.plan else None

    @property
    def phases(self) -> list[PlanPhase]:
        return list(self.plan.phases.all()) if self.plan else []

    @property
    def can_log(self) -> bool:
        return self.case is not None and permissions.can_log_for(self.user, self.case)

    @property
    def can_view_own(self) -> bool:
        return self.case is not None and permissions.can_view_clinical(self.user, self.case)

    @property
    def phase_number(self) -> int:
        phase = self.phase
        return 1 + sum(1 for p in self.phases if phase and p.order < phase.order)


def context_for(user: User, today: dt.date | None = None) -> AthleteContext:
    """The user's athlete context in four queries (athlete, cases, plans, phases).

    With several active cases, the one with an active plan and the latest diagnosis wins.
    """
    today = today or services.athlete_today()
    athlete = athlete_for_user(user)
    plans = Plan.objects.filter(status=Plan.Status.ACTIVE).select_related("current_phase")
    plans = plans.prefetch_related(Prefetch("phases", queryset=PlanPhase.objects.order_by("order")))
    cases = list(
        cases_for_user(user)
        .filter(athlete=athlete, status=Case.Status.ACTIVE)
        .order_by("-diagnosed_on", "-id")
        .prefetch_related(Prefetch("plans", queryset=plans, to_attr="active_plans"))
    )
    ctx = AthleteContext(user=user, athlete=athlete, today=today)
    own = [c for c in cases if permissions.is_own_case(user, c)]
    with_plan = [c for c in own if c.active_plans and c.active_plans[0].current_phase_id]
    chosen = (with_plan or own or [None])[0]
    if chosen is not None:
        ctx.case = chosen
        ctx.plan = chosen.active_plans[0] if chosen.active_plans else None
        if ctx.plan is not None and ctx.plan.current_phase_id is None:
            ctx.plan = None
    return ctx


def is_editable(day: dt.date, today: dt.date) -> bool:
    return today - dt.timedelta(days=EDITABLE_DAYS - 1) <= day <= today


# --- plain words ------------------------------------------------------------------------------

WEIGHT_BEARING_WORDS = {
    WeightBearing.NWB: "Keep all weight off the injured leg: use your crutches for every step.",
    WeightBearing.TDWB: (
        "Your foot may touch the ground for balance only: let the crutches take your weight."
    ),
    WeightBearing.PWB: "Put only part of your weight on the injured leg, with your crutches.",
    WeightBearing.FWB: "You may walk normally, with your full weight on the leg.",
    WeightBearing.BOOT: "Walk in your boot; take it off only as your clinician told you.",
}
IMPACT_WORDS = {
    Impact.NONE: "No running, jumping or hopping.",
    Impact.LOW: "Low-impact exercise only (such as walking, cycling or swimming): "
    "no running or jumping.",
    Impact.MODERATE: "Some impact, only as in today's plan (such as walk-jog): no sprinting, "
    "jumping or hills.",
    Impact.HIGH: "Running and jumping, as in today's plan.",
}
ACTIVITY_NOUNS = {
    "run": "running",
    "walk_run": "running",
    "anti_gravity_run": "running",
    "plyometrics": "hopping and jumping",
    "sport_specific": "training",
    "walk": "walking",
    "cycle": "cycling",
    "swim": "swimming",
    "aqua_jog": "aqua jogging",
    "elliptical": "the cross-trainer",
    "strength": "strength work",
}
_ACTIVITY_PRIORITY = (
    "run",
    "walk_run",
    "anti_gravity_run",
    "plyometrics",
    "sport_specific",
    "walk",
    "aqua_jog",
    "elliptical",
    "cycle",
    "swim",
    "strength",
)
_ACTIVITY_LABELS = dict(Activity.choices)


def main_activity_noun(phase: PlanPhase | None) -> str:
    """What 'pain during …' means in this phase: its highest-impact prescribed activity."""
    prescribed = {rx.get("activity") for rx in (phase.prescriptions if phase else [])}
    for activity in _ACTIVITY_PRIORITY:
        if activity in prescribed:
            return ACTIVITY_NOUNS[activity]
    return "exercise"


def _pain_words(field_name: str, noun: str) -> str:
    return {
        "rest": "pain at rest",
        "during": f"pain during {noun}",
        "after": f"pain after {noun}",
        "next_morning": "pain the next morning",
        "any": "any pain",
    }[field_name]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _plural(n: int | float, word: str, plural: str | None = None) -> str:
    n = int(n)
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _n(value: Any) -> str:
    """A number as people write it: 2, 2.5 (no trailing .0)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number == int(number) else f"{number:.1f}"


@dataclass(frozen=True)
class Prescription:
    activity: str
    dose: str
    intensity: str
    notes: str


def prescriptions(phase: PlanPhase | None) -> list[Prescription]:
    out = []
    for rx in phase.prescriptions if phase else []:
        parts = []
        if rx.get("minutes"):
            parts.append(f"{rx['minutes']} min")
        if rx.get("sessions_per_week"):
            times = rx["sessions_per_week"]
            parts.append("every day" if times >= 7 else f"{_plural(times, 'time')} a week")
        out.append(
            Prescription(
                activity=_ACTIVITY_LABELS.get(rx.get("activity"), "Exercise"),
                dose=", ".join(parts),
                intensity=rx.get("intensity") or "",
                notes=rx.get("notes") or "",
            )
        )
    return out


def allowed_today(phase: PlanPhase | None) -> list[str]:
    """Weight bearing, crutches and impact in plain words."""
    if phase is None:
        return []
    lines = [WEIGHT_BEARING_WORDS.get(phase.weight_bearing, "")]
    if phase.crutches and phase.weight_bearing in {WeightBearing.FWB, WeightBearing.BOOT}:
        lines.append("Keep using your crutches.")
    lines.append(IMPACT_WORDS.get(phase.impact, ""))
    return [line for line in lines if line]


def _lowest(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def _limit_line(what: str, keep: int | None, over: int | None) -> str | None:
    """One pain rule: ``keep`` is the level to stay at to move on (``pain_max``), ``over`` the
    level above which to stop (``pain_above``)."""
    if keep is None and over is None:
        return None
    if keep == 0 and not over:
        return f"You should have no {what.removeprefix('any ')} (0/10)."
    if over == 0:
        head = f"{_cap(what)} must stay at {keep}/10 or below to move on; any" if keep else "Any"
        return f"{head} {what.removeprefix('any ')}: stop and tell your clinician."
    if keep is not None and (over is None or over <= keep):
        return f"{_cap(what)} must stay at {keep if over is None else over}/10 or below."
    if keep is None:
        return (
            f"{_cap(what)} must stay at {over}/10 or below: if it goes higher, stop the session "
            "and take the rest of the day easy."
        )
    return (
        f"{_cap(what)} must stay at {keep}/10 or below to move on; above {over}/10, stop the "
        "session and take the rest of the day easy."
    )


def pain_limits(phase: PlanPhase | None, red_limit: int | None = None) -> list[str]:
    """The phase's pain rules as instructions: 'pain during running must stay at 2/10 or below'.

    Built from the advance items (``pain_max``: the level to stay at to move on) and the
    regression rules (``pain_above``: the level at which to stop), per pain measure; with
    ``red_limit`` (``Plan.red_pain_limit``) in a phase with impact, first the level of pain
    during or after it that means stop and contact the team.
    """
    if phase is None:
        return []
    noun = main_activity_noun(phase)
    if red_limit is not None and phase.impact != Impact.NONE:  # as criteria.impact_days
        red = [
            f"Pain of {red_limit}/10 or more during or after {noun}: stop and contact your "
            "clinical team, whatever the limits below say."
        ]
        return red + pain_limits(phase)
    goal: dict[str, int] = {}
    stop: dict[str, int] = {}
    kinds: dict[str, dict] = {}
    for item in phase.advance_when or []:
        if item.get("kind") == "pain_max":
            goal[item["field"]] = min(goal.get(item["field"], 10), item["max"])
        kinds.setdefault(item.get("kind"), item)
    for item in phase.regress_when or []:
        if item.get("kind") == "pain_above":
            stop[item["field"]] = min(stop.get(item["field"], 10), item["above"])
        kinds.setdefault(item.get("kind"), item)
    lines = []
    overall, overall_stop = goal.pop("any", None), stop.pop("any", None)
    fields = ("rest", "during", "after", "next_morning")
    if any(name in goal or name in stop for name in fields):
        for name in fields:
            keep, over = _lowest(goal.get(name), overall), _lowest(stop.get(name), overall_stop)
            line = _limit_line(_pain_words(name, noun), keep, over)
            if line:
                lines.append(line)
    else:
        line = _limit_line("any pain", overall, overall_stop)
        if line:
            lines.append(line)
    if "pain_free_streak" in kinds:
        days = kinds["pain_free_streak"]["days"]
        lines.append(f"Aim for {_plural(days, 'day')} in a row with no pain at all.")
    if "pain_persisting" in kinds:
        hours = kinds["pain_persisting"].get("hours", 24)
        lines.append(f"Any pain after exercise should settle within {_n(hours)} hours.")
    if "next_morning_worse" in kinds:
        lines.append("Pain should not be worse the next morning than it was the day before.")
    red = [k for k in ("sharp_pain", "night_pain") if k in kinds]
    if red:
        what = {"sharp_pain": "sharp pain", "night_pain": "pain that wakes you at night"}
        lines.append(
            _cap(" or ".join(what[k] for k in red))
            + ": stop and tell your clinician straight away."
        )
    if "swelling" in kinds:
        lines.append("If the injured area swells, take it easy and tell your clinician.")
    return lines


# --- what's next: the phase's criteria for athletes ------------------------------------------

_TEST_WORDS = {
    "single_leg_hop": "single-leg hops",
    "walk_test": "minutes of brisk walking without pain",
    "heel_raise": "single-leg heel raises",
    "foot_contacts": "pain-free foot contacts (hops and landings)",
}


def _assessment_goal(p: Mapping[str, Any]) -> str:
    test, low = p.get("test"), p.get("min")
    if test in _TEST_WORDS and low is not None:
        text = f"{_n(low)} {_TEST_WORDS[test]}"
        if p.get("max_pain") is not None:
            text += f" with pain at {_n(p['max_pain'])}/10 or less"
        return _cap(text) + ", checked by your clinician"
    return {
        "tenderness": "No tenderness when your clinician presses on the bone",
        "strength_symmetry": f"Strength of the injured leg at least {_n(low)}% of the other leg"
        if low is not None
        else "Strength of both legs checked by your clinician",
        "readiness_iprrs": "Feeling ready to return (readiness questionnaire with your team)",
        "tsk11": "Confidence in moving (a short questionnaire with your team)",
        "bone_health_cra": "A bone-health check with your team",
        "imaging_healing": "A scan showing the bone has healed",
    }.get(test, "A check with your clinician")


def _goal_text(kind: str, p: Mapping[str, Any], noun: str) -> str:
    if kind == "min_days_in_phase":
        return f"At least {_plural(p['days'], 'day')} in this stage"
    if kind == "pain_max":
        what = _pain_words(p["field"], noun)
        if p["days"] == 1:
            return f"{_cap(what)} at {p['max']}/10 or below today"
        return (
            f"{_cap(what)} at {p['max']}/10 or below on every day you log for "
            f"{p['days']} days (at least {_plural(criteria.pain_max_logs_needed(p), 'log')})"
        )
    if kind == "pain_free_streak":
        what = "pain" if p["field"] == "any" else _pain_words(p["field"], noun)
        return f"No {what} for {_plural(p['days'], 'day')} in a row"
    if kind == "pain_not_rising":
        return f"{_cap(_pain_words(p['field'], noun))} not rising from one week to the next"
    if kind == "no_sharp_pain":
        return f"No sharp pain for {_plural(p['days'], 'day')}"
    if kind == "no_night_pain":
        return f"No pain at night for {_plural(p['days'], 'day')}"
    if kind == "adherence":
        return f"A log on at least {p['min_logs']} of the last {p['days']} days"
    if kind == "assessment":
        return _assessment_goal(p)
    if kind == "weekly_load_increase":
        return (
            f"Build training gradually: at most {_n(p['max_percent'])}% more than the week before"
        )
    if kind == "clinician_signoff":
        return "Your clinician signs this stage off"
    return "A goal set by your clinician"


def _goal_status(
    kind: str,
    met: bool | None,
    observed: Any,
    threshold: Any,
    test: str | None = None,
    logged: tuple[int, int] | None = None,
) -> str:
    """How far along the athlete is, in a few words. ``logged``: the days logged in a window
    that must be logged, and the days it needs."""
    if met is True:
        return "Done"
    if met is None and logged is not None:
        have, need = logged
        return f"{_plural(have, 'day')} logged so far, {_n(need)} needed: keep logging"
    if kind == "min_days_in_phase" and observed is not None:
        left = int(threshold) - int(observed)
        done = _plural(int(observed), "day")
        return f"{done} done of {int(threshold)}: {_plural(left, 'day')} to go"
    if met is None:
        if kind in {"pain_max", "adherence"} and observed is not None and threshold is not None:
            return f"{_plural(observed, 'log')} so far, {_n(threshold)} needed: keep logging"
        if kind == "assessment":
            return "Not checked yet in this stage"
        if kind == "weekly_load_increase":
            return "Needs two weeks of sessions with an effort rating"
        return "Not enough logs yet to tell: keep logging"
    if kind == "pain_max" and observed is not None:
        return f"Your pain reached {_n(observed)}/10 recently"
    if kind == "pain_free_streak" and observed is not None:
        return f"{_plural(observed, 'pain-free day')} in a row so far"
    if kind == "adherence" and observed is not None:
        return f"{_plural(observed, 'log')} so far"
    if kind == "assessment":
        if test in _TEST_WORDS and observed is not None:
            return f"Not there yet: {_n(observed)} at the last check"
        return "Not there yet at the last check"
    if kind == "clinician_signoff":
        return "Not yet: your clinician will do this at a review"
    if kind in {"no_sharp_pain", "no_night_pain"}:
        return "Reported recently"
    if kind == "pain_not_rising":
        return "It rose this week"
    if kind == "weekly_load_increase" and observed is not None:
        return f"Up {_n(observed)}% this week"
    return "Not yet"


@dataclass(frozen=True)
class Goal:
    text: str
    status: str
    met: bool | None


@dataclass(frozen=True)
class Goals:
    open: list[Goal]
    met: list[Goal]


def goals(evaluation: Evaluation, phase: PlanPhase) -> Goals:
    """The advance criteria rewritten for the athlete: still open (not met or unknown), met."""
    noun = main_activity_noun(phase)
    open_, met = [], []
    for result in evaluation.advance:
        goal = Goal(
            text=_goal_text(result.kind, result.params, noun),
            status=_goal_status(
                result.kind,
                result.met,
                result.observed,
                result.threshold,
                result.params.get("test"),
                None if result.logged is None else (result.logged, result.needed or 0),
            ),
            met=result.met,
        )
        (met if result.met is True else open_).append(goal)
    return Goals(open=open_, met=met)


def evaluate_context(ctx: AthleteContext) -> Evaluation | None:
    """The current phase evaluated now, read-only (the Celery task raises the flags)."""
    if ctx.case is None or ctx.plan is None:
        return None
    snap = selectors.case_snapshot(ctx.case.pk, ctx.today)
    if snap is None:
        return None
    return evaluate(
        snap.spec, snap.snapshot, ctx.today, missing_log_days=settings.REHAB_MISSING_LOG_DAYS
    )


# --- messages after logging -------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    level: str  # "stop" | "caution" | "good" | "info"
    title: str
    text: str


_REGRESS_WORDS = {
    "pain_above": "Your pain is above your plan's limit",
    "pain_persisting": "Your pain after exercise is lasting too long",
    "pain_rising": "Your pain has been rising this week",
    "next_morning_worse": "Your pain was worse the next morning",
    "swelling": "You reported swelling",
}
_RED_WORDS = {
    "sharp_pain": "Sharp pain reported",
    "night_pain": "Pain at night reported",
    "pain_above": "Pain above your plan's limit",
    "pain_persisting": "Pain lasting too long after exercise",
    "pain_rising": "Pain rising this week",
    "next_morning_worse": "Pain worse the next morning",
    "severe_pain": "Severe pain with running or jumping",
}


def _stop_what(phase: PlanPhase | None) -> str:
    runs = main_activity_noun(phase) == "running" or (phase and phase.impact == Impact.HIGH)
    return "stop running" if runs else "rest from exercise that loads the leg"


@dataclass(frozen=True)
class SevereFinding:
    """Pain at or above the plan's red limit during or after impact work on one day."""

    day: dt.date
    pain: int
    limit: int


def severe_pain(
    plan: Plan | None,
    phase: PlanPhase | None,
    log: DailyLog | None,
    sessions: Iterable[ActivitySession],
) -> SevereFinding | None:
    """The day's severe pain with impact work, judged from what was just recorded.

    The day's pain during or after activity is the highest of its log and its sessions. Impact
    work is what the engine's severe-pain rule counts (`criteria.impact_days`): a session of an
    impact activity that day or, for the log's own "during / after" answers on a day without a
    session, a phase that prescribes weight-bearing work. The evaluation raises the red flag;
    this lets the athlete's pages say "stop" at once.
    """
    if plan is None:
        return None
    limit = plan.red_pain_limit
    sessions = list(sessions)
    impact_phase = phase is not None and phase.impact != Impact.NONE
    pains: list[int] = []
    if log is not None and (
        (impact_phase and not sessions)
        or any(criteria.is_impact_activity(s.activity) for s in sessions)
    ):
        pains += [v for v in (log.pain_during, log.pain_after) if v is not None]
    for s in sessions:
        if criteria.is_impact_activity(s.activity):
            pains += [v for v in (s.pain_during, s.pain_after) if v is not None]
    worst = max(pains, default=None)
    if worst is None or worst < limit:
        return None
    day = log.date if log is not None else sessions[0].date
    return SevereFinding(day=day, pain=worst, limit=limit)


def log_messages(
    evaluation: Evaluation | None,
    phase: PlanPhase | None,
    severe: SevereFinding | None = None,
    open_red_flag: bool = False,
) -> list[Message]:
    """What the evaluation has to say to the athlete right after a log, in plain words.

    ``severe`` (``severe_pain``) is the day's pain at or above the plan's red limit with impact
    work: a stop, whatever the evaluation (the red flag it raises may not be stored yet), never
    "take today easy". ``open_red_flag``: a red flag is open on the case (what Today shows as a
    stop): the answer keeps the stop, and never says "great work", until the clinical team has
    reviewed it, even when this log is calm.
    """
    if phase is None or (evaluation is None and severe is None):
        return []
    out: list[Message] = []
    red = list(evaluation.red_flags) if evaluation is not None else []
    if severe is not None:  # said once, with its number
        red = [r for r in red if r.kind != "severe_pain"]
    words = [_RED_WORDS.get(r.kind, "A warning sign") for r in red]
    if severe is not None:
        words.insert(0, f"Pain of {severe.pain}/10 with impact work")
    if not words and open_red_flag:
        out.append(
            Message(
                "stop",
                "Still a stop: your clinical team is reviewing what you reported",
                f"Something you reported is open with your clinical team. Please "
                f"{_stop_what(phase)} until they contact you. {URGENT_CARE}",
            )
        )
    if words:
        what = "; ".join(dict.fromkeys(words))
        out.append(
            Message(
                "stop",
                f"{what} — your clinician has been notified",
                f"Please {_stop_what(phase)} until they contact you. {URGENT_CARE}",
            )
        )
    if evaluation is None:
        return out
    plain = [r for r in evaluation.fired if not r.red_flag]
    if plain and not out:
        what = "; ".join(dict.fromkeys(_REGRESS_WORDS.get(r.kind, "A warning sign") for r in plain))
        out.append(
            Message(
                "caution",
                what,
                "Take today easy and repeat the previous stage; your clinician will review.",
            )
        )
    if not out and evaluation.ready:
        out.append(
            Message(
                "good",
                "Great work: you have met the goals your plan checks for this stage",
                "Your clinician will review the next step with you. Keep to your current plan "
                "until they do.",
            )
        )
    if any(r.kind == "load_spike" for r in evaluation.warnings):
        out.append(
            Message(
                "caution",
                "Your training has gone up quickly",
                "Stick to the plan and don't add extra sessions this week.",
            )
        )
    if not out:
        done = sum(1 for r in evaluation.advance if r.met is True)
        out.append(
            Message(
                "info",
                "Nothing to worry about today",
                f"You have met {done} of the {len(evaluation.advance)} goals of this stage. "
                "Keep going with today's plan.",
            )
        )
    return out


# --- stop: an open red flag -------------------------------------------------------------------

URGENT_CARE = "If you cannot bear weight or the pain is severe, seek urgent care."


@dataclass(frozen=True)
class Contact:
    """A member of the clinical team as the athlete may reach them: what they chose to share."""

    name: str
    role: str
    phone: str
    email: str


@dataclass(frozen=True)
class StopNotice:
    """Today's stop: no running prescription, who to contact and when to seek urgent care."""

    reason: str
    contacts: list[Contact]
    urgent: str = URGENT_CARE


_CONTACT_ORDER = {
    CareTeamMember.Role.LEAD_CLINICIAN: 0,
    CareTeamMember.Role.CLINICIAN: 1,
    CareTeamMember.Role.PHYSIO: 2,
}


def clinical_contacts(case: Case) -> list[Contact]:
    """The case's clinical team as the athlete sees it, in one query: names from the care team
    (the roles the athlete has not withdrawn consent for) and the phone or e-mail each chose to
    share with athletes (``User.contact_phone`` / ``contact_email``; the login e-mail never)."""
    members = (
        permissions.members_with_consent()
        .filter(case=case, role__in=permissions.CLINICAL_ROLES, user__is_active=True)
        .select_related("user")
    )
    labels = dict(CareTeamMember.Role.choices)
    rows = sorted(members, key=lambda m: (_CONTACT_ORDER.get(m.role, 9), m.pk))
    return [
        Contact(
            name=str(m.user),
            role=labels.get(m.role, m.role),
            phone=m.user.contact_phone,
            email=m.user.contact_email,
        )
        for m in rows
    ]


@dataclass(frozen=True)
class OfflineStop:
    """What the log page needs to say "stop" on the phone when a log is kept offline: the plan's
    red limit, whether the phase is weight-bearing, the activities without impact (as
    ``criteria.impact_days`` counts them) and the clinical team to contact."""

    red_limit: int
    impact_phase: bool
    non_impact: str  # space-separated activity codes, rest included
    contacts: list[Contact]


def offline_stop(ctx: AthleteContext) -> OfflineStop | None:
    """The stop the log page shows by itself when a log is saved on the phone offline: severe
    pain with impact work, sharp pain or night pain (the evaluation's red flags from one day's
    log) cannot wait for the connection to come back. One query (the team)."""
    if ctx.plan is None or ctx.phase is None or ctx.case is None:
        return None
    return OfflineStop(
        red_limit=ctx.plan.red_pain_limit,
        impact_phase=ctx.phase.impact != Impact.NONE,
        non_impact=" ".join(sorted({*criteria.NON_IMPACT_ACTIVITIES, REST})),
        contacts=clinical_contacts(ctx.case),
    )


def has_open_red_flag(case: Case | None) -> bool:
    """Whether a red flag is unresolved on the case, whatever rule raised it (one query)."""
    if case is None:
        return False
    return Flag.objects.filter(
        case=case, kind=Flag.Kind.RED_FLAG, status__in=Flag.UNRESOLVED
    ).exists()


def stop_notice(ctx: AthleteContext, log: DailyLog | None = None) -> StopNotice | None:
    """Today's stop message, or None: an unresolved red flag on the case (whatever rule raised
    it), or today's log reporting severe pain with impact work (the flag it raises may not be
    stored yet). Three queries at most, whatever the number of flags, sessions or team members.
    """
    if ctx.case is None:
        return None
    red = has_open_red_flag(ctx.case)
    reason = "Something you reported needs your clinical team's review." if red else ""
    if not red and log is not None and log.date == ctx.today and ctx.plan is not None:
        sessions = ActivitySession.objects.filter(athlete=ctx.athlete, date=ctx.today)
        found = severe_pain(ctx.plan, ctx.phase, log, sessions)
        if found is not None:
            reason = (
                f"You reported pain of {found.pain}/10 with impact work today "
                f"(your plan's limit is {found.limit}/10)."
            )
    if not reason:
        return None
    return StopNotice(reason=reason, contacts=clinical_contacts(ctx.case))


# --- projection and ladder --------------------------------------------------------------------


@dataclass(frozen=True)
class NextStep:
    name: str | None  # None: the current phase is the last one
    earliest: dt.date
    typical: dt.date
    assumptions: str


def _projection(ctx: AthleteContext) -> Projection | None:
    if ctx.plan is None:
        return None
    return project(ctx.phases, today=ctx.today, start=ctx.plan.started_on)


def next_step(ctx: AthleteContext) -> NextStep | None:
    proj, phase = _projection(ctx), ctx.phase
    if proj is None or phase is None:
        return None
    current = proj.for_order(phase.order)
    if current is None:
        return None
    later = [p for p in ctx.phases if p.order > phase.order]
    assumptions = (
        f"Earliest if every goal is met as soon as the minimum of "
        f"{_plural(phase.min_days, 'day')} allows; usual if this stage takes its typical "
        f"{_plural(phase.typical_days, 'day')}. "
        "Your clinician decides when you move on."
    )
    return NextStep(
        name=later[0].name if later else None,
        earliest=current.earliest_end,
        typical=current.typical_end,
        assumptions=assumptions,
    )


@dataclass(frozen=True)
class Rung:
    number: int
    name: str
    status: str  # done | current | upcoming
    started_on: dt.date | None
    ended_on: dt.date | None
    expected_start: dt.date
    expected_end: dt.date


def ladder(ctx: AthleteContext) -> list[Rung]:
    proj = _projection(ctx)
    if proj is None:
        return []
    return [
        Rung(
            number=i,
            name=p.name,
            status=p.status,
            started_on=p.started_on,
            ended_on=p.ended_on,
            expected_start=p.typical_start,
            expected_end=p.typical_end,
        )
        for i, p in enumerate(proj.phases, start=1)
    ]


# --- the log form's data ----------------------------------------------------------------------


def web_session_id(day: dt.date) -> str:
    """The external id of the session the daily form records: one per day, so a resend (an
    offline log sent twice, a double tap) updates it instead of adding a second."""
    return f"web-{day.isoformat()}-1"


@dataclass
class LogFormData:
    """What the log form of ``day`` needs: the day's log and web session, the day before."""

    day: dt.date
    log: DailyLog | None
    session: ActivitySession | None
    other_sessions: list[ActivitySession]
    previous: DailyLog | None
    previous_session: ActivitySession | None


def log_form_data(athlete: Athlete, day: dt.date) -> LogFormData:
    """Two queries: the logs of the day and the day before, and their sessions."""
    before = day - dt.timedelta(days=1)
    logs = {
        log.date: log for log in DailyLog.objects.filter(athlete=athlete, date__in=[day, before])
    }
    sessions = list(
        ActivitySession.objects.filter(athlete=athlete, date__in=[day, before]).order_by("id")
    )
    own_id = web_session_id(day)
    session = next(
        (s for s in sessions if s.source == Source.WEB and s.external_id == own_id), None
    )
    others = [s for s in sessions if s.date == day and s is not session]
    earlier = [s for s in sessions if s.date == before]
    return LogFormData(
        day=day,
        log=logs.get(day),
        session=session,
        other_sessions=others,
        previous=logs.get(before),
        previous_session=earlier[-1] if earlier else None,
    )


WELLBEING_FIELDS = schema.LOG_WELLBEING_FIELDS


def log_initial(data: LogFormData, phase: PlanPhase | None) -> dict[str, Any]:
    """The form's starting values: the day's own log when there is one; otherwise how the
    athlete slept and felt yesterday, and today's prescribed activity. Pain is never carried
    over: it is what the gating reads, so it is always asked afresh."""
    initial: dict[str, Any] = {}
    log = data.log
    if log is not None:
        for name in schema.LOG_FORM_FIELDS:
            initial[name] = getattr(log, name)
    elif data.previous is not None:
        for name in WELLBEING_FIELDS:
            initial[name] = getattr(data.previous, name)
    if data.previous is not None:
        initial["this_morning"] = data.previous.pain_next_morning
    if data.session is not None:
        initial.update(
            activity=data.session.activity, minutes=data.session.minutes, rpe=data.session.rpe
        )
    elif log is not None:
        initial["activity"] = REST
    else:
        rx = (phase.prescriptions if phase else None) or []
        if rx and rx[0].get("activity"):
            initial["activity"] = rx[0]["activity"]
            initial["minutes"] = rx[0].get("minutes")
        elif data.previous_session is not None:
            initial["activity"] = data.previous_session.activity
            initial["minutes"] = data.previous_session.minutes
        else:
            initial["activity"] = REST
    return {k: v for k, v in initial.items() if v not in (None, "")}


def log_day_record(
    *,
    athlete: Athlete,
    user: User,
    day: dt.date,
    log_fields: Mapping[str, Any],
    session_fields: Mapping[str, Any] | None,
    previous_morning: int | None = None,
    today: dt.date | None = None,
) -> DailyLog:
    """Record one day from the athlete's form, all or nothing (one transaction).

    - the day's log is upserted (a repeat edits it: ``services.daily_log_record``);
    - ``previous_morning`` ("this morning") is the next-morning pain of the day before, stored
      on that day's log when there is one (it never creates a log for a day not logged);
    - the session is the day's one web session (``web_session_id``): recorded or updated, and
      removed when the athlete says they rested.
    Raises ``ApplicationError`` with field errors; then nothing is saved.
    """
    today = today or services.athlete_today()
    with transaction.atomic():
        log, _ = services.daily_log_record(
            athlete=athlete, date=day, submitted_by=user, fields=log_fields, today=today
        )
        if previous_morning is not None:
            before = (
                DailyLog.objects.select_for_update()
                .filter(athlete=athlete, date=day - dt.timedelta(days=1))
                .first()
            )
            if before is not None and before.pain_next_morning != previous_morning:
                services.daily_log_record(
                    athlete=athlete,
                    date=before.date,
                    submitted_by=user,
                    source=before.source,
                    fields={"pain_next_morning": previous_morning},
                    today=today,
                )
        external_id = web_session_id(day)
        if session_fields:
            services.activity_session_record(
                athlete=athlete,
                date=day,
                submitted_by=user,
                fields=session_fields,
                source=Source.WEB,
                external_id=external_id,
                today=today,
            )
        else:
            existing = ActivitySession.objects.filter(
                athlete=athlete, source=Source.WEB, external_id=external_id
            ).first()
            if existing is not None:
                services.activity_session_delete(session=existing, deleted_by=user)
    return log


# --- today, progress --------------------------------------------------------------------------


def day_log(athlete: Athlete, day: dt.date) -> DailyLog | None:
    return DailyLog.objects.filter(athlete=athlete, date=day).first()


@dataclass(frozen=True)
class HistoryDay:
    day: dt.date
    log: DailyLog | None
    sessions: list[ActivitySession]
    editable: bool

    @property
    def pains(self) -> list[tuple[str, int]]:
        if self.log is None:
            return []
        names = (
            ("rest", "pain_rest"),
            ("during", "pain_during"),
            ("after", "pain_after"),
            ("next morning", "pain_next_morning"),
        )
        return [(label, v) for label, f in names if (v := getattr(self.log, f)) is not None]


@dataclass
class ProgressData:
    history: list[HistoryDay]
    pain_chart: str
    load_chart: str
    logged_days: int
    sessions: int = 0
    week_load: float = 0.0


def _log_entries(logs: Iterable[DailyLog]) -> list[LogEntry]:
    return [
        LogEntry(
            day=log.date,
            pain_rest=log.pain_rest,
            pain_during=log.pain_during,
            pain_after=log.pain_after,
            pain_next_morning=log.pain_next_morning,
        )
        for log in logs
    ]


def _session_entries(sessions: Iterable[ActivitySession]) -> list[SessionEntry]:
    return [
        SessionEntry(day=s.date, activity=s.activity, minutes=s.minutes, rpe=s.rpe)
        for s in sessions
    ]


def progress_data(ctx: AthleteContext, *, days: int = HISTORY_DAYS) -> ProgressData:
    """History and charts of the last ``days`` days in two queries (logs, sessions)."""
    end = ctx.today
    start = end - dt.timedelta(days=days - 1)
    logs = list(DailyLog.objects.filter(athlete=ctx.athlete, date__gte=start, date__lte=end))
    sessions = list(
        ActivitySession.objects.filter(
            athlete=ctx.athlete, date__gte=start, date__lte=end
        ).order_by("date", "id")
    )
    by_day: dict[dt.date, list[ActivitySession]] = defaultdict(list)
    for s in sessions:
        by_day[s.date].append(s)
    log_by_day = {log.date: log for log in logs}
    history = [
        HistoryDay(
            day=d,
            log=log_by_day.get(d),
            sessions=by_day.get(d, []),
            editable=is_editable(d, end),
        )
        for d in (end - dt.timedelta(days=n) for n in range(days))
    ]
    span = metrics.days(start, end)
    pain = metrics.pain_series(_log_entries(logs), start, end)
    loads = metrics.daily_load(_session_entries(sessions), start, end)
    phases = _phase_periods(ctx, start, end)
    limit = _during_limit(ctx.phase)
    return ProgressData(
        history=history,
        pain_chart=charts.pain_chart(span, pain, phases=phases, compact=True, limit=limit),
        load_chart=charts.load_chart(span, loads, phases=phases, compact=True),
        logged_days=len(logs),
        sessions=len(sessions),
        week_load=sum(loads[-7:]),
    )


def _during_limit(phase: PlanPhase | None) -> float | None:
    if phase is None:
        return None
    limits = [i["above"] for i in phase.regress_when or [] if i.get("kind") == "pain_above"]
    limits += [i["max"] for i in phase.advance_when or [] if i.get("kind") == "pain_max"]
    return float(min(limits)) if limits else None


def _phase_periods(ctx: AthleteContext, start: dt.date, end: dt.date) -> list[charts.PhasePeriod]:
    out = []
    for phase in ctx.phases:
        if phase.started_on is None or phase.started_on > end:
            continue
        stop = phase.ended_on or end + dt.timedelta(days=1)
        if stop < start:
            continue
        out.append(charts.PhasePeriod(phase.name, max(phase.started_on, start), stop))
    return out
