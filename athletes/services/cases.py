"""Writes of athletes, cases and care teams."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from athletes import permissions
from athletes.audit import audited
from athletes.models import Athlete, CareTeamMember, Case, Team, User
from athletes.services.consent import consent_defaults_record
from athletes.sites import BY_CODE, HIGH, grading_errors, site_risk
from rehab.errors import ApplicationError


def athlete_create(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None = None,
    sex: str = Athlete.Sex.UNKNOWN,
    sport: str = "",
    team: Team | None = None,
    user: User | None = None,
) -> Athlete:
    athlete = Athlete(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        sport=sport,
        team=team,
        user=user,
    )
    _full_clean(athlete)
    athlete.save()
    return athlete


@transaction.atomic
@audited(by="created_by", reason="Case opened")
def case_open(
    *,
    athlete: Athlete,
    site: str,
    diagnosed_on: dt.date,
    created_by: User,
    creator_role: str = CareTeamMember.Role.LEAD_CLINICIAN,
    risk: str | None = None,
    **details,
) -> Case:
    """Open a case; the creator joins its care team, and so does the athlete's own login.

    The risk class follows the site; a clinician may raise a low-risk site to high, never
    lower a high-risk one.
    """
    if site not in BY_CODE:
        raise ApplicationError("Unknown injury site.", {"site": "Choose a site from the list."})
    errors = grading_errors(
        site, details.get("grading_system") or Case.GradingSystem.NONE, details.get("grade")
    )
    if errors:
        raise ApplicationError("The grading scale does not fit the site.", errors)
    default_risk = site_risk(site)
    if risk is None:
        risk = default_risk
    elif default_risk == HIGH and risk != HIGH:
        raise ApplicationError(
            "A high-risk site cannot be treated as low risk.",
            {"risk": f"{BY_CODE[site].label} is a high-risk site for healing complications."},
        )
    role_error = CareTeamMember.role_error(created_by, creator_role)
    if role_error:
        raise ApplicationError(role_error, {"role": role_error})
    case = Case(
        athlete=athlete,
        site=site,
        diagnosed_on=diagnosed_on,
        risk=risk,
        created_by=created_by,
        **details,
    )
    _full_clean(case)
    case.save()
    CareTeamMember.objects.create(
        case=case, user=created_by, role=creator_role, added_by=created_by
    )
    if athlete.user_id and athlete.user_id != created_by.pk:
        CareTeamMember.objects.create(
            case=case,
            user_id=athlete.user_id,
            role=CareTeamMember.Role.ATHLETE,
            added_by=created_by,
        )
    consent_defaults_record(case=case, recorded_by=created_by)
    return case


@audited(by="added_by", reason="Care team changed")
def care_team_add(*, case: Case, user: User, role: str, added_by: User) -> CareTeamMember:
    """Add a member or change their role. Only lead clinicians and clinicians may."""
    if not permissions.can_manage_care_team(added_by, case):
        raise ApplicationError("You may not change this care team.")
    if role not in CareTeamMember.Role.values:
        raise ApplicationError("Unknown role.", {"role": "Choose a role from the list."})
    role_error = CareTeamMember.role_error(user, role)
    if role_error:
        raise ApplicationError(role_error, {"role": role_error})
    if role == CareTeamMember.Role.ATHLETE and case.athlete.user_id != user.pk:
        raise ApplicationError(
            "Only the athlete's own login can hold the athlete role.", {"role": "Not this user."}
        )
    try:
        with transaction.atomic():
            member, _ = CareTeamMember.objects.update_or_create(
                case=case, user=user, defaults={"role": role, "added_by": added_by}
            )
    except IntegrityError:  # a concurrent add of the same person: theirs stands, then ours
        member = CareTeamMember.objects.get(case=case, user=user)
        member.role = role
        member.save(update_fields=["role"])
    case.__dict__.pop("_role_cache", None)
    consent_defaults_record(case=case, recorded_by=added_by)
    return member


@audited(by="removed_by", reason="Removed from the care team")
def care_team_remove(*, case: Case, user: User, removed_by: User) -> None:
    if not permissions.can_manage_care_team(removed_by, case):
        raise ApplicationError("You may not change this care team.")
    leads = CareTeamMember.objects.filter(case=case, role__in=permissions.TEAM_MANAGERS)
    if not leads.exclude(user=user).exists():
        raise ApplicationError("A case needs at least one clinician on its care team.")
    CareTeamMember.objects.filter(case=case, user=user).delete()
    case.__dict__.pop("_role_cache", None)


def _full_clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ApplicationError.from_django(exc) from exc
