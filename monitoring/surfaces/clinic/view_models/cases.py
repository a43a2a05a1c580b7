"""The clinic's list of cases (my cases) and the choices of its filters and of the new-case form.

The list loads in a constant number of queries, whatever the number of cases, flags and logs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from athletes import permissions
from athletes.models import Athlete, Case, Team, User
from athletes.selectors import cases_for_user
from monitoring.models import DailyLog, Flag
from monitoring.surfaces.clinic.view_models.common import (
    SEVERITY,
    day_in_phase,
    fields_shown,
    flag_sort_key,
    labelled,
)
from protocols.models import Plan, PlanPhase

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
                page=permissions.can_open_clinic_case_page(user, case),
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
    """The teams of the user's clinic (before clinics: the teams the user follows as staff or
    whose athletes they treat)."""
    if user.clinic_id is not None:
        return Team.objects.filter(clinic_id=user.clinic_id).order_by("name")
    return (
        Team.objects.filter(Q(staff=user) | Q(athletes__cases__care_team__user=user))
        .distinct()
        .order_by("name")
    )
