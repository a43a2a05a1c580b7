"""Writes of athletes, cases and care teams."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from athletes import permissions
from athletes.audit import audited
from athletes.models import Athlete, CareTeamMember, Case, Clinic, Team, User
from athletes.services.consent import consent_defaults_record
from athletes.signals import care_team_changed
from athletes.sites import BY_CODE, HIGH, grading_errors, site_risk
from rehab.errors import ApplicationError

GUARDIAN_FIELDS = ("guardian_name", "guardian_relationship", "guardian_phone", "guardian_email")


def athlete_create(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: dt.date | None = None,
    sex: str = Athlete.Sex.UNKNOWN,
    sport: str = "",
    team: Team | None = None,
    user: User | None = None,
    clinic: Clinic | None = None,
    **guardian: str,
) -> Athlete:
    """A new athlete; ``guardian`` holds the guardian's contact fields (``guardian_name``,
    ``guardian_relationship``, ``guardian_phone``, ``guardian_email``) when given."""
    unknown = set(guardian) - set(GUARDIAN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown athlete fields: {sorted(unknown)}")
    if team is not None and clinic is not None and team.clinic_id != clinic.pk:
        raise ApplicationError("No such team.", {"team": "Choose a team of your clinic."})
    athlete = Athlete(
        clinic=clinic,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        sport=sport,
        team=team,
        user=user,
        **{name: (value or "").strip() for name, value in guardian.items()},
    )
    _full_clean(athlete)
    athlete.save()
    return athlete


@transaction.atomic
@audited(by="created_by", reason="Case opened")
def athlete_time_zone_set(*, athlete: Athlete, time_zone: str) -> bool:
    """Set the athlete's time zone (an IANA name; blank for the clinic's). True if it changed.

    Their today, reminders and missing-log checks follow it from the next request on."""
    time_zone = (time_zone or "").strip()
    if time_zone == athlete.time_zone:
        return False
    try:
        Athlete._meta.get_field("time_zone").clean(time_zone, athlete)
    except ValidationError as exc:
        raise ApplicationError("Not a time zone.", {"time_zone": exc.messages}) from exc
    athlete.time_zone = time_zone
    athlete.save(update_fields=["time_zone"])
    return True


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
    # A re-injury: the athlete's latest earlier case (one closed in error does not count) is
    # linked, and every earlier one counts among the prior bone stress injuries.
    earlier = (
        list(athlete.cases.exclude(status=Case.Status.CLOSED).order_by("-diagnosed_on", "-id"))
        if athlete.pk
        else []
    )
    if earlier:
        details.setdefault("previous_case", earlier[0])
        details["prior_bsi_count"] = max(details.get("prior_bsi_count") or 0, len(earlier))
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
    if not permissions.can_join_case(user, case):
        raise ApplicationError("No such person.", {"user": "No such person in your clinic."})
    role_error = CareTeamMember.role_error(user, role)
    if role_error:
        raise ApplicationError(role_error, {"role": role_error})
    if role == CareTeamMember.Role.LEAD_CLINICIAN:
        current = case.care_team.filter(role=role).exclude(user=user).first()
        if current is not None:
            raise ApplicationError(
                f"{current.user} leads this case: hand the lead over instead.",
                {"role": "The case has a lead clinician; hand the lead over instead."},
            )
    if role == CareTeamMember.Role.ATHLETE and case.athlete.user_id != user.pk:
        raise ApplicationError(
            "Only the athlete's own login can hold the athlete role.", {"role": "Not this user."}
        )
    existing = CareTeamMember.objects.filter(case=case, user=user).first()
    if existing is not None and existing.role == role:  # nothing changes: nothing to tell
        existing.unchanged = True
        return existing
    try:
        with transaction.atomic():
            member, created = CareTeamMember.objects.update_or_create(
                case=case, user=user, defaults={"role": role, "added_by": added_by}
            )
    except IntegrityError:  # a concurrent add of the same person: theirs stands, then ours
        member, created = CareTeamMember.objects.get(case=case, user=user), False
        member.role = role
        member.save(update_fields=["role"])
    case.__dict__.pop("_role_cache", None)
    consent_defaults_record(case=case, recorded_by=added_by)
    care_team_changed.send(
        sender=CareTeamMember,
        case=case,
        user=user,
        role=role,
        change="added" if created else "role",
        by=added_by,
    )
    return member


@transaction.atomic
@audited(by="by", reason="Lead handed over")
def care_team_hand_over_lead(*, case: Case, to: User, by: User) -> CareTeamMember:
    """Make ``to`` the case's lead clinician; the former lead stays on as clinician (or
    physiotherapist). The lead hands over, or a clinician of the case when it has no lead."""
    lead = (
        case.care_team.select_for_update().filter(role=CareTeamMember.Role.LEAD_CLINICIAN).first()
    )
    if lead is not None and lead.user_id != by.pk:
        raise ApplicationError("Only the lead clinician hands over the lead.")
    if lead is None and not permissions.can_manage_care_team(by, case):
        raise ApplicationError("You may not change this care team.")
    if lead is not None and lead.user_id == to.pk:
        raise ApplicationError(f"{to} already leads this case.")
    if not permissions.can_join_case(to, case):
        raise ApplicationError("No such person.", {"user": "No such person in your clinic."})
    role_error = CareTeamMember.role_error(to, CareTeamMember.Role.LEAD_CLINICIAN)
    if role_error:
        raise ApplicationError(role_error, {"user": role_error})
    if lead is not None:
        lead.role = (
            CareTeamMember.Role.PHYSIO
            if lead.user.kind == User.Kind.PHYSIO
            else CareTeamMember.Role.CLINICIAN
        )
        lead.save(update_fields=["role"])
    member, _ = CareTeamMember.objects.update_or_create(
        case=case,
        user=to,
        defaults={"role": CareTeamMember.Role.LEAD_CLINICIAN, "added_by": by},
    )
    case.__dict__.pop("_role_cache", None)
    consent_defaults_record(case=case, recorded_by=by)
    care_team_changed.send(
        sender=CareTeamMember, case=case, user=to, role=member.role, change="lead", by=by
    )
    return member


@audited(by="removed_by", reason="Removed from the care team")
def care_team_remove(*, case: Case, user: User, removed_by: User) -> None:
    if not permissions.can_manage_care_team(removed_by, case):
        raise ApplicationError("You may not change this care team.")
    leads = CareTeamMember.objects.filter(case=case, role__in=permissions.TEAM_MANAGERS)
    if not leads.exclude(user=user).exists():
        raise ApplicationError("A case needs at least one clinician on its care team.")
    if case.athlete.user_id == user.pk:
        raise ApplicationError("The athlete stays on their own case.")
    member = CareTeamMember.objects.filter(case=case, user=user).first()
    if member is not None and member.role == CareTeamMember.Role.LEAD_CLINICIAN:
        raise ApplicationError("Hand the lead over before the lead clinician leaves the case.")
    CareTeamMember.objects.filter(case=case, user=user).delete()
    case.__dict__.pop("_role_cache", None)
    if member is not None:
        care_team_changed.send(
            sender=CareTeamMember,
            case=case,
            user=user,
            role=member.role,
            change="removed",
            by=removed_by,
        )


def _full_clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ApplicationError.from_django(exc) from exc
