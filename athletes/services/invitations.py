"""Invitations: create, send, send again, revoke and accept.

The same rules hold for the pages and the API: an administrator invites staff of the clinic's
kinds to its teams; a clinician or physiotherapist on an athlete's case invites that athlete; an
integration account invites athletes of the teams it is granted. Accepting creates the login
(the e-mail address is the username), joins the teams, the athlete's cases or the named case,
and spends the link, in one transaction: a link works once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from athletes import permissions
from athletes.models import Athlete, CareTeamMember, Case, Clinic, Invitation, Team, User
from athletes.models.invitations import token_hash
from athletes.services.consent import consent_defaults_record
from rehab.errors import ApplicationError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Issued:
    """An invitation with the link that opens it (the link exists only here and in the e-mail)."""

    invitation: Invitation
    token: str
    emailed: bool

    @property
    def path(self) -> str:
        return invitation_path(self.token)

    @property
    def url(self) -> str:
        return settings.REHAB_BASE_URL.rstrip("/") + self.path


def invitation_path(token: str) -> str:
    return reverse("account:invitation", kwargs={"token": token})


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(
            "Enter a valid e-mail address.", {"email": "Enter a valid e-mail address."}
        ) from None
    return email


def _email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists() or (
        User.objects.filter(username__iexact=email).exists()
    )


def _check_case_role(invited_by: User, clinic: Clinic, kind: str, case: Case | None, role: str):
    if case is None:
        if role:
            raise ApplicationError("A role needs a case.", {"case": "Choose the case."})
        return
    if case.athlete.clinic_id != clinic.pk or not permissions.can_manage_care_team(
        invited_by, case
    ):
        raise ApplicationError("No such case.", {"case": "No such case."})
    if not role:
        raise ApplicationError("Choose the role on the case.", {"role": "Choose a role."})
    if role not in CareTeamMember.Role.values:
        raise ApplicationError("Unknown role.", {"role": "Choose a role from the list."})
    if kind not in CareTeamMember.KINDS_BY_ROLE[role]:
        allowed = ", ".join(
            str(CareTeamMember.Role(r).label).lower() for r in CareTeamMember.roles_for(kind)
        )
        message = (
            f"{User.Kind(kind).label} accounts cannot hold the role "
            f"{CareTeamMember.Role(role).label.lower()}; they may be: {allowed}."
        )
        raise ApplicationError(message, {"role": message})
    if role == CareTeamMember.Role.ATHLETE:
        raise ApplicationError(
            "An athlete is invited from their own case.", {"role": "Invite the athlete instead."}
        )


def _check_staff(invited_by: User, kind: str, teams: list[Team], case: Case | None):
    if kind not in permissions.STAFF_KINDS:
        raise ApplicationError(
            "Choose the kind of staff member.", {"kind": "Choose a kind from the list."}
        )
    # Staff come through the administrator, or through a case's clinician for that case.
    if not permissions.can_administer_clinic(invited_by) and case is None:
        raise PermissionDenied("Only the clinic's administrators invite staff to the clinic.")
    for team in teams:
        if not permissions.team_in_clinic(team, invited_by):
            raise ApplicationError("No such team.", {"teams": "No such team."})


def _check_athlete(invited_by: User, athlete: Athlete | None) -> Athlete:
    if athlete is not None:  # as it is now, and held until this invitation is made
        athlete = Athlete.objects.select_for_update().filter(pk=athlete.pk).first()
    if athlete is None or not permissions.same_clinic(invited_by, athlete.clinic_id):
        raise ApplicationError("No such athlete.", {"athlete": "No such athlete."})
    if not permissions.can_invite_athlete(invited_by, athlete):
        raise ApplicationError("No such athlete.", {"athlete": "No such athlete."})
    if athlete.user_id:
        raise ApplicationError(
            f"{athlete} already has a login.", {"athlete": f"{athlete} already has a login."}
        )
    now = timezone.now()
    Invitation.objects.filter(
        athlete=athlete, accepted_at=None, revoked_at=None, expires_at__lte=now
    ).update(revoked_at=now, revoked_by=invited_by, updated_at=now)
    waiting = Invitation.objects.filter(athlete=athlete, accepted_at=None, revoked_at=None).first()
    if waiting is not None:
        message = (
            f"{athlete.first_name} has an invitation waiting (sent to {waiting.email}): send it "
            "again, or revoke it first."
        )
        raise ApplicationError(message, {"athlete": message})
    return athlete


@transaction.atomic
def invitation_create(
    *,
    email: str,
    kind: str,
    invited_by: User,
    teams: Iterable[Team] = (),
    athlete: Athlete | None = None,
    case: Case | None = None,
    role: str = "",
    send: bool = True,
) -> Issued:
    """Invite ``email`` to the inviter's clinic as ``kind``; e-mail the link unless not ``send``."""
    clinic = invited_by.clinic
    if clinic is None or not invited_by.is_active:
        raise PermissionDenied("Only the staff of a clinic invite people to it.")
    email = _clean_email(email)
    teams = list(teams)
    if kind == User.Kind.ATHLETE:
        athlete = _check_athlete(invited_by, athlete)
        if case is not None or role:
            raise ApplicationError("An athlete joins all their cases.", {"case": "Leave empty."})
        if teams:
            raise ApplicationError(
                "An athlete's team is on their record.", {"teams": "Leave empty."}
            )
    else:
        if athlete is not None:
            raise ApplicationError("Only an athlete's invitation names an athlete.")
        _check_staff(invited_by, kind, teams, case)
        _check_case_role(invited_by, clinic, kind, case, role)
    if _email_taken(email):
        raise ApplicationError(
            f"{email} already has a login.", {"email": "This address already has a login."}
        )
    # An expired invitation of the same address makes way for the new one.
    now = timezone.now()
    Invitation.objects.filter(
        clinic=clinic, email=email, accepted_at=None, revoked_at=None, expires_at__lte=now
    ).update(revoked_at=now, revoked_by=invited_by, updated_at=now)
    token, hashed = _new_token()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                clinic=clinic,
                email=email,
                kind=kind,
                athlete=athlete,
                case=case,
                role=role,
                token_hash=hashed,
                created_by=invited_by,
                created_at=now,
                sent_at=now,
                expires_at=Invitation.expiry(now),
            )
    except IntegrityError:
        raise ApplicationError(
            f"{email} has an invitation waiting: send it again from the list.",
            {"email": "This address has an invitation waiting; send it again instead."},
        ) from None
    invitation.teams.set(teams)
    emailed = _send(invitation, token) if send else False
    return Issued(invitation, token, emailed)


def _send(invitation: Invitation, token: str) -> bool:
    """E-mail the link; a failure leaves the invitation (its link is on the inviter's page)."""
    url = settings.REHAB_BASE_URL.rstrip("/") + invitation_path(token)
    context = {"invitation": invitation, "url": url, "days": Invitation.VALID_DAYS}
    body = render_to_string("account/invitation_email.txt", context)
    subject = f"Your invitation to {invitation.clinic.name} on rehab"
    try:
        return bool(send_mail(subject[:200], body, None, [invitation.email], fail_silently=False))
    except Exception:  # the mail server is down: the inviter still has the link and the code
        log.exception("Invitation e-mail to invitation %s failed", invitation.pk)
        return False


def _open_invitation(invitation: Invitation, by: User) -> Invitation:
    if not permissions.same_clinic(by, invitation.clinic_id) or not may_manage(by, invitation):
        raise ApplicationError("No such invitation.")
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("athlete")
        .get(pk=invitation.pk)
    )
    if not locked.is_open:
        raise ApplicationError(f"This invitation is {locked.status_label.lower()}.")
    if locked.athlete_id and locked.athlete.user_id:
        raise ApplicationError(f"{locked.athlete} has a login already.")
    return locked


def may_manage(user: User, invitation: Invitation) -> bool:
    """Who re-sends and revokes an invitation: its author, or the clinic's administrators."""
    return invitation.created_by_id == user.pk or permissions.can_administer_clinic(user)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Issued:
    """A new link for seven days more; the old link stops working."""
    invitation = _open_invitation(invitation, by)
    token, hashed = _new_token()
    now = timezone.now()
    invitation.token_hash = hashed
    invitation.sent_at = now
    invitation.expires_at = Invitation.expiry(now)
    invitation.send_count += 1
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "send_count"])
    return Issued(invitation, token, _send(invitation, token))


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    invitation = _open_invitation(invitation, by)
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link opens, whatever its state (the page says why it cannot be used)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("clinic", "athlete")
        .filter(token_hash=token_hash(token))
        .first()
    )


def unusable_reason(invitation: Invitation | None) -> str | None:
    """Why a link cannot be used, in the words the invited person reads; None when it can."""
    if invitation is None:
        return (
            "This link is not valid. It may have been replaced by a newer one: use the link in "
            "the latest e-mail, or ask whoever invited you to send it again."
        )
    if invitation.is_open and invitation.athlete_id and invitation.athlete.user_id:
        return "This athlete has a login already. Sign in instead."
    return {
        Invitation.Status.ACCEPTED: "This link has been used already. Sign in instead.",
        Invitation.Status.REVOKED: "This invitation was withdrawn. Ask the clinic for a new one.",
        Invitation.Status.EXPIRED: (
            "This invitation has expired. Ask whoever invited you to send it again."
        ),
    }.get(invitation.status)


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Make the login, put it where the invitation says and spend the link (all or nothing)."""
    found = invitation_for_token(token)
    reason = unusable_reason(found)
    if reason:
        raise ApplicationError(reason)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    reason = unusable_reason(invitation)
    if reason:  # accepted by a concurrent request a moment ago
        raise ApplicationError(reason)
    if _email_taken(invitation.email):
        raise ApplicationError(
            "This address already has a login. Sign in instead, or reset its password."
        )
    athlete = invitation.athlete
    if athlete is not None:
        athlete = Athlete.objects.select_for_update().get(pk=athlete.pk)
        if athlete.user_id:
            raise ApplicationError("This athlete already has a login. Sign in instead.")
        first_name, last_name = athlete.first_name, athlete.last_name
    user = User(
        username=invitation.email,
        email=invitation.email,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
        kind=invitation.kind,
        clinic_id=invitation.clinic_id,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("Choose another password.", {"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    _join(invitation, user, athlete)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user


def _join(invitation: Invitation, user: User, athlete: Athlete | None) -> None:
    for team in invitation.teams.all():
        team.staff.add(user)
    if athlete is not None:
        athlete.user = user
        athlete.save(update_fields=["user"])
        Invitation.objects.filter(athlete=athlete, accepted_at=None, revoked_at=None).exclude(
            pk=invitation.pk
        ).update(revoked_at=timezone.now(), updated_at=timezone.now())
        for case in athlete.cases.exclude(status=Case.Status.CLOSED):
            CareTeamMember.objects.get_or_create(
                case=case,
                user=user,
                defaults={"role": CareTeamMember.Role.ATHLETE, "added_by": invitation.created_by},
            )
    if invitation.case_id and invitation.role:
        CareTeamMember.objects.get_or_create(
            case=invitation.case,
            user=user,
            defaults={"role": invitation.role, "added_by": invitation.created_by},
        )
        consent_defaults_record(case=invitation.case, recorded_by=invitation.created_by)
