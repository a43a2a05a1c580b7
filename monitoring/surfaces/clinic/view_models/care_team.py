"""The case page's care team: who is on it, and for those who manage it, whom they may add (the
clinic's staff, each with the roles their kind may hold), the one-click referrals, and whether
the athlete has a login or an invitation waiting. Two queries for a manager, none more else."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from athletes import permissions
from athletes.models import CareTeamMember, Case, Invitation, User
from monitoring.surfaces.clinic.view_models.implications import referral_reasons

Role = CareTeamMember.Role
ADDABLE_ROLES = (Role.CLINICIAN, Role.PHYSIO, Role.COACH, Role.NUTRITIONIST, Role.PSYCHOLOGIST)
"""Roles one adds from the case page (the lead is handed over; the athlete joins by their own
login; an integration account is granted by an administrator)."""


@dataclass(frozen=True)
class Choice:
    value: str  # "<user id>:<role>"
    label: str


@dataclass(frozen=True)
class Referral:
    role: str  # "Nutritionist"
    why: str  # "" when no rule of the case asks for it
    offers: list[Choice]


@dataclass(frozen=True)
class MemberRow:
    member: CareTeamMember
    removable: bool
    may_take_lead: bool
    roles: tuple[Choice, ...]  # the roles this member's kind may change to


@dataclass
class CareTeamPanel:
    members: list[MemberRow]
    manage: bool = False
    is_lead: bool = False
    candidates: list[Choice] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    athlete_login: bool = False
    may_invite_athlete: bool = False
    invitation: Invitation | None = None  # the athlete's, waiting
    invited: list[Invitation] = field(default_factory=list)  # staff invited to this case
    invite_roles: tuple[Choice, ...] = ()


def _label(role: str) -> str:
    return str(Role(role).label).lower()


def care_team_panel(user: User, case: Case, members: list[CareTeamMember]) -> CareTeamPanel:
    manage = permissions.can_manage_care_team(user, case)
    is_lead = any(m.user_id == user.pk and m.role == Role.LEAD_CLINICIAN for m in members)
    rows = []
    for m in members:
        fixed = m.role in {Role.LEAD_CLINICIAN, Role.ATHLETE} or m.user_id == case.athlete.user_id
        roles = tuple(
            Choice(r, str(Role(r).label))
            for r in CareTeamMember.roles_for(m.user.kind)
            if r in ADDABLE_ROLES
        )
        rows.append(
            MemberRow(
                member=m,
                removable=manage and not fixed,
                may_take_lead=is_lead
                and not fixed
                and Role.LEAD_CLINICIAN in CareTeamMember.roles_for(m.user.kind),
                roles=roles if manage and not fixed and len(roles) > 1 else (),
            )
        )
    panel = CareTeamPanel(members=rows, manage=manage, is_lead=is_lead)
    panel.athlete_login = case.athlete.user_id is not None
    if not manage:
        return panel
    on_case = {m.user_id for m in members}
    staff = [
        u
        for u in User.objects.filter(
            clinic_id=case.athlete.clinic_id, is_active=True, kind__in=permissions.STAFF_KINDS
        ).order_by("last_name", "first_name", "username")
        if u.pk not in on_case
    ]
    panel.candidates = [
        Choice(f"{u.pk}:{r}", f"{u} — {_label(r)}")
        for u in staff
        for r in CareTeamMember.roles_for(u.kind)
        if r in ADDABLE_ROLES
    ]
    has = {m.role for m in members}
    reasons = referral_reasons(case)
    for role, why in (
        (Role.NUTRITIONIST, ("Because of " + ", ".join(reasons) + ".") if reasons else ""),
        (Role.PSYCHOLOGIST, ""),
    ):
        if role not in has:
            offers = [Choice(f"{u.pk}:{role}", str(u)) for u in staff if u.kind == role]
            if offers:
                panel.referrals.append(Referral(str(Role(role).label), why, offers))
    panel.invite_roles = tuple(Choice(r, str(Role(r).label)) for r in ADDABLE_ROLES)
    waiting = list(
        Invitation.objects.filter(
            Q(athlete_id=case.athlete_id) | Q(case=case), accepted_at=None, revoked_at=None
        ).order_by("created_at")
    )
    panel.invited = [i for i in waiting if i.case_id == case.pk]
    if not panel.athlete_login:
        panel.may_invite_athlete = permissions.can_invite_athlete(user, case.athlete, [case])
        panel.invitation = next((i for i in waiting if i.athlete_id == case.athlete_id), None)
    return panel
