"""Reads of care-team communication: the notes a person may read, the case timeline, reviews
(next, overdue), goals and the education cards of a phase. Each builder loads what it shows in
a constant number of queries; who reads what is asked of ``athletes.permissions``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from athletes import permissions
from athletes.models import CareTeamMember, Case, User
from athletes.permissions.classification import can_read
from monitoring import charts, metrics
from monitoring.care import rules as care_rules
from monitoring.models import Assessment, DailyLog, Flag
from monitoring.models.care import CaseNote, EducationCard, Goal, Review
from protocols.engine.criteria.text import date_words
from protocols.models import PhaseTemplate, PhaseTransition, Plan, PlanPhase

TIMELINE_LIMIT = 200  # items of each kind, newest first
AUDIENCE_SHORT = {"clinical": "Clinical only", "team": "Care team", "athlete": "Team + athlete"}
AUDIENCE_TONE = {"clinical": "red", "team": "info", "athlete": "green"}


# --- notes --------------------------------------------------------------------------------------


def readable_notes(user: User, case: Case) -> QuerySet[CaseNote]:
    """The case's notes the user may read, newest first, with author, addressee and flag."""
    audiences = permissions.note_audiences_for(user, case)
    return (
        CaseNote.objects.filter(case=case, audience__in=sorted(audiences))
        .select_related("author", "addressed_to", "flag")
        .order_by("-created_at", "-id")
    )


def thread(case: Case):
    """The case's thread with the athlete: the notes for the "athlete" audience, oldest first."""
    return (
        CaseNote.objects.filter(case=case, audience=CaseNote.Audience.ATHLETE)
        .select_related("author", "reply_to__author")
        .order_by("created_at", "id")
    )


def thread_message(case: Case, pk: object) -> CaseNote | None:
    """One message of the case's thread with the athlete, by its id (None: not in the thread)."""
    if not str(pk or "").isdigit() or len(str(pk)) > 18:
        return None
    return thread(case).filter(pk=int(str(pk))).first()


def awaiting_reply(case: Case) -> bool:
    """Is the case's thread waiting for the team: its latest message is the athlete's?"""
    latest = thread(case).order_by("-created_at", "-id").values_list("author_id", flat=True)
    return bool(latest[:1]) and latest[0] == case.athlete.user_id


def notes_for_cases(user: User, cases: dict[int, Case]) -> QuerySet[CaseNote]:
    """Notes across several cases (the API), each filtered by the user's audiences on its case."""
    condition = Q(pk__in=[])
    by_audiences: dict[frozenset[str], list[int]] = {}
    for case in cases.values():
        audiences = permissions.note_audiences_for(user, case)
        if audiences:
            by_audiences.setdefault(audiences, []).append(case.pk)
    for audiences, ids in by_audiences.items():
        condition |= Q(case_id__in=ids, audience__in=sorted(audiences))
    return CaseNote.objects.filter(condition).select_related("author", "addressed_to", "flag")


# --- reviews ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NextReview:
    review: Review
    today: dt.date

    @property
    def overdue(self) -> bool:
        return care_rules.is_overdue(self.review.due_on, self.today)

    @property
    def days_overdue(self) -> int:
        return care_rules.days_overdue(self.review.due_on, self.today)

    @property
    def days_until(self) -> int:
        return (self.review.due_on - self.today).days


def next_review(case: Case | int, today: dt.date) -> NextReview | None:
    """The earliest scheduled review of the case (overdue ones first). One query."""
    case_id = case if isinstance(case, int) else case.pk
    review = (
        Review.objects.filter(case_id=case_id, status=Review.Status.SCHEDULED)
        .order_by("due_on", "id")
        .first()
    )
    return NextReview(review, today) if review else None


def overdue_reviews(user: User, today: dt.date) -> list[NextReview]:
    """Overdue reviews on the cases where the user has a clinical role, oldest first. One query."""
    if not user.is_authenticated:
        return []
    mine = CareTeamMember.objects.filter(
        case=OuterRef("case_id"), user=user, role__in=permissions.CLINICAL_ROLES
    )
    rows = (
        Review.objects.filter(Exists(mine), status=Review.Status.SCHEDULED, due_on__lt=today)
        .select_related("case__athlete")
        .order_by("due_on", "id")
    )
    return [NextReview(r, today) for r in rows]


def overdue_for_notice(today: dt.date) -> list[Review]:
    """Overdue reviews whose e-mail has not gone out (the periodic task). One query."""
    return list(
        Review.objects.filter(
            status=Review.Status.SCHEDULED, due_on__lt=today, overdue_notified_on__isnull=True
        )
        .select_related("case__athlete")
        .order_by("due_on", "id")
    )


# --- goals and education cards ----------------------------------------------------------------


@dataclass
class GoalProgress:
    goals: list[Goal]

    @property
    def done(self) -> int:
        return sum(1 for g in self.goals if g.done_at)

    @property
    def total(self) -> int:
        return len(self.goals)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def phase_goals(case: Case, phase: PlanPhase | None) -> GoalProgress:
    """The goals of the phase, open first in the order set. One query (none without a phase)."""
    if phase is None:
        return GoalProgress([])
    goals = list(Goal.objects.filter(case=case, phase=phase).select_related("set_by"))
    goals.sort(key=lambda g: (g.done_at is not None, g.created_at, g.pk))
    return GoalProgress(goals)


def cards_for_phase(plan: Plan | None, phase: PlanPhase | None) -> list[EducationCard]:
    """The education cards of the template phase the plan's current phase came from: the
    template phase of the same name, else of the same order. One query."""
    if plan is None or phase is None or plan.template_id is None:
        return []
    cards = list(
        EducationCard.objects.filter(phase__template_id=plan.template_id)
        .filter(Q(phase__name=phase.name) | Q(phase__order=phase.order))
        .select_related("phase")
        .order_by("order", "id")
    )
    named = [c for c in cards if c.phase.name == phase.name]
    return named or [c for c in cards if c.phase.order == phase.order]


def template_cards(template_id: int) -> list[tuple[PhaseTemplate, list[EducationCard]]]:
    """Each phase of a template with its cards (two queries)."""
    phases = list(PhaseTemplate.objects.filter(template_id=template_id).order_by("order"))
    cards: dict[int, list[EducationCard]] = {}
    for card in EducationCard.objects.filter(phase__template_id=template_id).order_by("order"):
        cards.setdefault(card.phase_id, []).append(card)
    return [(p, cards.get(p.pk, [])) for p in phases]


# --- the timeline -------------------------------------------------------------------------------


@dataclass
class TimelineItem:
    at: dt.datetime
    kind: str  # note | transition | flag | assessment | review
    title: str
    body: str = ""
    by: str = ""
    tone: str = ""
    audience: str = ""
    anchor: str = ""
    flag_id: int | None = None
    flag_title: str = ""
    addressed_to: str = ""
    reply_id: int | None = None  # a message of the thread with the athlete: reply to it here
    replying: bool = False  # this message answers an earlier one of the thread

    @property
    def audience_label(self) -> str:
        return AUDIENCE_SHORT.get(self.audience, "")


@dataclass
class Timeline:
    case: Case
    today: dt.date
    role: str | None
    items: list[TimelineItem] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    next_review: NextReview | None = None
    plan: Plan | None = None
    phase: PlanPhase | None = None
    maintenance: bool = False
    goals: GoalProgress = field(default_factory=lambda: GoalProgress([]))
    care_team: list[CareTeamMember] = field(default_factory=list)
    linkable_flags: list[Flag] = field(default_factory=list)
    sleep_chart: str = ""
    can: dict[str, Any] = field(default_factory=dict)

    @property
    def upcoming_reviews(self) -> list[Review]:
        return [r for r in self.reviews if r.status == Review.Status.SCHEDULED]

    @property
    def past_reviews(self) -> list[Review]:
        return [r for r in self.reviews if r.status != Review.Status.SCHEDULED][-5:][::-1]


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def can_for(user: User, case: Case) -> dict[str, Any]:
    audiences = permissions.note_audiences_for(user, case)
    writable = [a for a in CaseNote.Audience.values if permissions.can_write_note(user, case, a)]
    return {
        "audiences": audiences,
        "audience_list": [a for a in CaseNote.Audience.values if a in audiences],
        "write_note": bool(writable),
        "write_audiences": writable,
        "schedule": permissions.can_schedule_review(user, case),
        "reviews": permissions.can_view_reviews(user, case),
        "goals": permissions.can_view_goals(user, case),
        "set_goal": permissions.can_set_goal(user, case),
        "tick_goal": permissions.can_tick_goal(user, case),
        "bone_health": permissions.can_record_bone_health_review(user, case),
        "phase": permissions.can_view_field(user, case, "phase"),
        "reason": permissions.can_view_field(user, case, "transition_reason"),
        "flags": permissions.can_view_field(user, case, "flag_kinds"),
        "flag_message": permissions.can_view_field(user, case, "flag_message"),
        "clinical": permissions.can_view_clinical(user, case),
        "own_assessments": permissions.role_on(user, case) in permissions.OWN_ASSESSMENT_TESTS,
        "sleep": permissions.can_view_field(user, case, "wellbeing"),
        # a review's kind and clinical note (athletes.permissions.classification: clinical)
        "review_detail": can_read(user, case, "monitoring.Review", "note"),
    }


def timeline(user: User, case: Case, *, today: dt.date, with_chart: bool = True) -> Timeline:
    """The case's timeline for this viewer: notes, phase changes, flags, assessments and
    reviews done, newest first; with the next review, the current phase's goals and the forms'
    choices. ``case`` comes from ``athletes.selectors.case_for_user`` (role annotated).

    Queries, whatever the number of items: 1. notes (author, addressee, flag); 2. transitions;
    3. flags; 4. assessments; 5. reviews; 6. the active plan with its current phase; 7. the
    plan's last phase order; 8. the current phase's goals; 9. the care team; 10. the logs of
    the sleep chart. Each only when the viewer may see it.
    """
    can = can_for(user, case)
    page = Timeline(case=case, today=today, role=permissions.role_on(user, case), can=can)
    flags = _flags(case) if can["flags"] else []
    page.linkable_flags = [f for f in flags if f.status in Flag.UNRESOLVED] + [
        f for f in flags if f.status not in Flag.UNRESOLVED
    ][:10]
    items = [_flag_item(f, can) for f in flags]
    if can["audiences"]:
        flags_by_id = {f.pk: f for f in flags}
        items += [
            _note_item(n, flags_by_id, can) for n in readable_notes(user, case)[:TIMELINE_LIMIT]
        ]
    if can["phase"]:
        items += _transition_items(case, can)
    if can["clinical"] or can["own_assessments"]:
        items += _assessment_items(user, case, can)
    if can["reviews"]:
        page.reviews = list(
            Review.objects.filter(case=case).select_related("done_by").order_by("due_on", "id")
        )
        scheduled = [r for r in page.reviews if r.status == Review.Status.SCHEDULED]
        page.next_review = NextReview(scheduled[0], today) if scheduled else None
        items += [
            _review_item(r, can)
            for r in page.reviews
            if r.status == Review.Status.DONE and r.done_on
        ]
    items.sort(key=lambda i: i.at, reverse=True)
    page.items = items
    _add_phase_panels(page, case, can)
    if can["write_note"]:
        page.care_team = list(
            CareTeamMember.objects.filter(case=case)
            .exclude(role=CareTeamMember.Role.INTEGRATION)
            .select_related("user")
            .order_by("role", "user__last_name")
        )
    if with_chart and can["sleep"]:
        page.sleep_chart = sleep_chart(case, today)
    return page


def _flags(case: Case) -> list[Flag]:
    return list(
        Flag.objects.filter(case=case)
        .select_related("phase")
        .order_by("-raised_at")[:TIMELINE_LIMIT]
    )


def _flag_title(flag: Flag, can: dict[str, Any]) -> str:
    return flag.title if can["flag_message"] else Flag.neutral_label(flag.kind)


def _flag_body(f: Flag, can: dict[str, Any]) -> str:
    """The clinical explanation for a reader of flag messages. For a coach the coach message,
    which speaks of the flag while it is open ("no impact work until the medical team has
    reviewed it"): once resolved, that the medical team reviewed it, and when."""
    if can["flag_message"]:
        return f.message
    if f.status == Flag.Status.RESOLVED and f.resolved_at is not None:
        return f"Reviewed by the medical team on {date_words(timezone.localdate(f.resolved_at))}."
    return f.coach_message or ""


def _flag_item(f: Flag, can: dict[str, Any]) -> TimelineItem:
    return TimelineItem(
        at=f.raised_at,
        kind="flag",
        title=_flag_title(f, can),
        body=_flag_body(f, can),
        tone={"red_flag": "red", "regression": "amber"}.get(f.kind, "grey"),
        anchor=f"flag-{f.pk}",
        # the item stands at the flag's raising: its status now, said as such
        by=f"Raised; now {f.get_status_display().lower()}",
    )


def _note_item(n: CaseNote, flags_by_id: dict[int, Flag], can: dict[str, Any]) -> TimelineItem:
    flag = flags_by_id.get(n.flag_id) if n.flag_id else None
    return TimelineItem(
        at=n.created_at,
        kind="note",
        title="Note",
        body=n.body,
        by=str(n.author) if n.author else "A former team member",
        tone=AUDIENCE_TONE.get(n.audience, ""),
        audience=n.audience,
        anchor=f"note-{n.pk}",
        flag_id=n.flag_id if flag else None,
        flag_title=_flag_title(flag, can) if flag else "",
        addressed_to=str(n.addressed_to) if n.addressed_to else "",
        reply_id=n.pk if n.audience == CaseNote.Audience.ATHLETE else None,
        replying=n.reply_to_id is not None,
    )


def _transition_items(case: Case, can: dict[str, Any]) -> list[TimelineItem]:
    return [
        TimelineItem(
            at=t.decided_at,
            kind="transition",
            title=_transition_title(t),
            body=t.reason if can["reason"] else "",
            by=str(t.decided_by) if t.decided_by else "",
            tone={"advance": "green", "regress": "amber"}.get(t.kind, "info"),
        )
        for t in PhaseTransition.objects.filter(plan__case=case)
        .select_related("from_phase", "to_phase", "decided_by")
        .order_by("-decided_at")[:TIMELINE_LIMIT]
    ]


def _assessment_items(user: User, case: Case, can: dict[str, Any]) -> list[TimelineItem]:
    """Every assessment for the clinical team; otherwise only the viewer's own."""
    assessments = Assessment.objects.filter(case=case).select_related("assessed_by")
    if not can["clinical"]:
        assessments = assessments.filter(assessed_by=user)
    return [
        TimelineItem(
            at=a.created_at,
            kind="assessment",
            title=f"{a.get_test_display()}: {a.value:g}",
            body=a.notes,
            by=str(a.assessed_by) if a.assessed_by else "",
            tone="info",
        )
        for a in assessments.order_by("-created_at")[:TIMELINE_LIMIT]
    ]


def _review_item(r: Review, can: dict[str, Any]) -> TimelineItem:
    kind = r.get_kind_display().lower() if can["review_detail"] else "review"
    return TimelineItem(
        at=_start_of(r.done_on),
        kind="review",
        title=f"Review done: {kind}" + (" (booster)" if r.booster else ""),
        body=r.note if can["review_detail"] else r.coach_note,
        by=str(r.done_by) if r.done_by else "",
        tone="green",
    )


def _add_phase_panels(page: Timeline, case: Case, can: dict[str, Any]) -> None:
    """The active plan and its current phase, whether the case is in maintenance (for booster
    reviews) and the phase's goals, each as far as the viewer may see them."""
    if can["goals"] or can["schedule"]:
        page.plan = (
            Plan.objects.filter(case=case, status=Plan.Status.ACTIVE)
            .select_related("current_phase")
            .first()
        )
        page.phase = page.plan.current_phase if page.plan else None
    if can["schedule"]:
        last = (
            PlanPhase.objects.filter(plan=page.plan)
            .order_by("-order")
            .values_list("order", flat=True)
            if page.plan
            else []
        )
        page.maintenance = care_rules.in_maintenance(
            case.status == Case.Status.RETURNED, page.phase, next(iter(last[:1]), 0)
        )
    if can["goals"]:
        page.goals = phase_goals(case, page.phase)


def _transition_title(t: PhaseTransition) -> str:
    if t.kind == PhaseTransition.Kind.START and t.to_phase:
        return f"Plan started in “{t.to_phase.name}”"
    if t.from_phase and t.to_phase:
        return f"{t.get_kind_display()}: “{t.from_phase.name}” → “{t.to_phase.name}”"
    return t.get_kind_display()


SLEEP_DAYS = 28


def sleep_chart(case: Case, today: dt.date, *, compact: bool = False) -> str:
    """Sleep hours beside pain during activity over the last four weeks. One query."""
    start = today - dt.timedelta(days=SLEEP_DAYS - 1)
    rows = DailyLog.objects.filter(
        athlete_id=case.athlete_id, date__gte=start, date__lte=today
    ).values_list("date", "sleep_hours", "pain_during")
    by_day = {d: (s, p) for d, s, p in rows}
    days = metrics.days(start, today)
    sleep = [
        float(by_day[d][0]) if d in by_day and by_day[d][0] is not None else None for d in days
    ]
    pain = [by_day[d][1] if d in by_day else None for d in days]
    if not any(v is not None for v in sleep + pain):
        return ""
    return charts.sleep_pain_chart(days, sleep, pain, compact=compact)
