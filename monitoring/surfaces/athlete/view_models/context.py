"""Who the athlete is and what they are on: the logged-in user's athlete profile, their current
case and its active plan (``AthleteContext``), and the days they may still log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Prefetch
from django.http import Http404

from athletes import permissions
from athletes.models import Athlete, Case, User
from athletes.selectors import cases_for_user
from monitoring.ingest.checks import athlete_today
from protocols.models import Plan, PlanPhase

EDITABLE_DAYS = 7
"""Today and the 6 days before: the days an athlete may still add or change a log."""


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

    @cached_property
    def discharged(self) -> Case | None:
        """With no active case: the athlete's latest discharge, whose summary they keep."""
        if self.case is not None:
            return None
        return (
            Case.objects.filter(athlete=self.athlete, status=Case.Status.RETURNED)
            .exclude(outcome="")
            .order_by("-returned_on", "-id")
            .first()
        )

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
    athlete = athlete_for_user(user)
    today = today or athlete_today(athlete)
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
    """Whether the log of ``day`` may still be added or changed (``EDITABLE_DAYS``)."""
    return today - dt.timedelta(days=EDITABLE_DAYS - 1) <= day <= today
