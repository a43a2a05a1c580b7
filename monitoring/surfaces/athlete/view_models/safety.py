"""When the athlete must stop: severe pain with impact work on the day, an open red flag, the
stop notice with the clinical team to contact, and what the log page needs to say "stop" by
itself offline."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from athletes import permissions
from athletes.models import CareTeamMember, Case
from monitoring.evaluation.selectors import reviewed_red_flags
from monitoring.models import ActivitySession, DailyLog, Flag
from monitoring.surfaces.athlete.view_models.context import AthleteContext
from monitoring.surfaces.athlete.view_models.log import REST
from protocols.engine import criteria
from protocols.models import Impact, Plan, PlanPhase
from protocols.selectors import phase_spec


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


URGENT_CARE = (
    "If you cannot bear weight, or the pain is severe even at rest or keeps getting "
    "worse, seek urgent care."
)
"""What every stop adds."""


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
    ``criteria.impact_days`` counts them), the phase's one-day pain rules that are red flags for
    this case (``one_day_red_rules``) and the clinical team to contact."""

    red_limit: int
    impact_phase: bool
    non_impact: str  # space-separated activity codes, rest included
    contacts: list[Contact]
    # JSON: {"above": {pain field: limit}, "lasted_hours": hours or null}
    red_rules: str = '{"above": {}, "lasted_hours": null}'


# The log's own pain fields a pain rule may name ("next morning" is asked the day after).
_OFFLINE_PAIN_FIELDS = ("rest", "during", "after", "any")


def one_day_red_rules(phase: PlanPhase, high_risk_site: bool) -> dict:
    """The phase's regression rules that one day's log can fire and that are red flags for this
    case (at a high-risk site: pain above a limit, pain lasting after activity), as the phone
    judges them offline: the lowest limit of each pain field and the shortest time pain may
    last. Empty at a low-risk site, where they are regressions, not red flags."""
    above: dict[str, int] = {}
    hours: float | None = None
    for kind, p, _ in phase_spec(phase).compiled[1]:
        if not kind.is_red_flag(p, high_risk_site):
            continue
        if kind.kind == "pain_above" and p["field"] in _OFFLINE_PAIN_FIELDS:
            above[p["field"]] = min(p["above"], above.get(p["field"], 10))
        elif kind.kind == "pain_persisting":
            hours = p["hours"] if hours is None else min(hours, p["hours"])
    return {"above": above, "lasted_hours": hours}


def offline_stop(ctx: AthleteContext) -> OfflineStop | None:
    """The stop the log page shows by itself when a log is saved on the phone offline: severe
    pain with impact work, sharp pain or night pain, and at a high-risk site pain above the
    phase's limits or lasting too long (the evaluation's red flags from one day's log) cannot
    wait for the connection to come back. One query (the team)."""
    if ctx.plan is None or ctx.phase is None or ctx.case is None:
        return None
    rules = one_day_red_rules(ctx.phase, ctx.case.risk == Case.Risk.HIGH)
    return OfflineStop(
        red_limit=ctx.plan.red_pain_limit,
        impact_phase=ctx.phase.impact != Impact.NONE,
        non_impact=" ".join(sorted({*criteria.NON_IMPACT_ACTIVITIES, REST})),
        contacts=clinical_contacts(ctx.case),
        red_rules=json.dumps(rules, sort_keys=True),
    )


def has_open_red_flag(case: Case | None) -> bool:
    """Whether a red flag is unresolved on the case, whatever rule raised it (one query)."""
    if case is None:
        return False
    return Flag.objects.filter(
        case=case, kind=Flag.Kind.RED_FLAG, status__in=Flag.UNRESOLVED
    ).exists()


def _reviewed_since(case: Case, log: DailyLog, sessions: list[ActivitySession]) -> bool:
    """Whether a clinician resolved a red flag of the case after today's log and sessions were
    last written: they have reviewed what the athlete reported, and the plan stands again
    (the evaluation does not raise that finding again: ``flags.reconcile_flags``)."""
    written = max([log.updated_at, *(s.updated_at for s in sessions)])
    return reviewed_red_flags(case).filter(resolved_at__gte=written).exists()


REVIEW_SHOWN_DAYS = 2
"""For how many days Today says the team reviewed what the athlete reported."""


def reviewed_on(ctx: AthleteContext) -> dt.date | None:
    """The day (the athlete's) a clinician resolved a red flag of the case, in the last
    ``REVIEW_SHOWN_DAYS`` days, or None: Today then says the team has reviewed what the athlete
    reported, and the plan stands. What they wrote stays with the team. One query."""
    if ctx.case is None:
        return None
    zone = ctx.athlete.zone
    first = ctx.today - dt.timedelta(days=REVIEW_SHOWN_DAYS - 1)
    since = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    reviewed = reviewed_red_flags(ctx.case).filter(resolved_at__gte=since)
    at = reviewed.values_list("resolved_at", flat=True).first()
    return at.astimezone(zone).date() if at else None


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
        sessions = list(ActivitySession.objects.filter(athlete=ctx.athlete, date=ctx.today))
        found = severe_pain(ctx.plan, ctx.phase, log, sessions)
        if found is not None and not _reviewed_since(ctx.case, log, sessions):
            reason = (
                f"You reported pain of {found.pain}/10 with impact work today "
                f"(your plan's limit is {found.limit}/10)."
            )
    if not reason:
        return None
    return StopNotice(reason=reason, contacts=clinical_contacts(ctx.case))
