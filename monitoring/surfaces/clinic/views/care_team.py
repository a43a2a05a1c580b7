"""The case page's care team: add a member of the clinic with a role their kind may hold,
change a role, remove a member, hand the lead over. Each change is recorded (the care team's
history, with who and why) and the person who joins is notified."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.models import CareTeamMember, User
from athletes.selectors import clinic_case_for_user
from athletes.services import care_team_add, care_team_hand_over_lead, care_team_remove, invitations
from monitoring.surfaces.clinic.view_models.care_team import ADDABLE_ROLES
from monitoring.surfaces.clinic.views.common import case_url
from rehab.errors import ApplicationError

TAG = "care-team"
"""Messages of the care team panel: shown in the panel, where the change was made."""


def _case(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_manage_care_team(request.user, case):
        raise Http404("No such page.")
    return case


def _person(case, user_id) -> User:
    """Someone of the case's clinic (anyone else does not exist, as far as this page says)."""
    try:
        person = User.objects.filter(pk=int(user_id)).first()
    except (TypeError, ValueError):
        person = None
    if person is None or not permissions.can_join_case(person, case):
        raise ApplicationError("No such person in your clinic.")
    return person


def _back(case):
    return redirect(case_url(case.pk, "care-team"))


@login_required
@require_POST
def member_add(request, case_id: int):
    """``member`` is "<user id>:<role>", as the page offers it."""
    case = _case(request, case_id)
    user_id, _, role = (request.POST.get("member") or "").partition(":")
    try:
        person = _person(case, user_id)
        member = care_team_add(case=case, user=person, role=role, added_by=request.user)
    except ApplicationError as exc:
        messages.error(request, _message(exc), extra_tags=TAG)
    else:
        role_label = str(CareTeamMember.Role(role).label).lower()
        if getattr(member, "unchanged", False):
            messages.info(request, f"{person} is a {role_label} here already.", extra_tags=TAG)
        else:
            messages.success(
                request, f"{person} joined the care team as {role_label}.", extra_tags=TAG
            )
    return _back(case)


@login_required
@require_POST
def member_invite(request, case_id: int):
    """Invite someone new to the clinic straight onto this case, in a role (their kind follows
    from it); they join the case when they accept."""
    case = _case(request, case_id)
    role = request.POST.get("role") or ""
    email = request.POST.get("email") or ""
    kinds = CareTeamMember.KINDS_BY_ROLE.get(role, frozenset())
    try:
        if role not in ADDABLE_ROLES or len(kinds) != 1:
            raise ApplicationError("Choose the role they take on this case.")
        issued = invitations.invitation_create(
            email=email, kind=next(iter(kinds)), invited_by=request.user, case=case, role=role
        )
    except ApplicationError as exc:
        messages.error(request, _message(exc), extra_tags=TAG)
    except PermissionDenied as exc:
        messages.error(request, str(exc), extra_tags=TAG)
    else:
        sent = "e-mailed to" if issued.emailed else "made (the e-mail failed) for"
        messages.success(
            request,
            f"Invitation {sent} {issued.invitation.email}: once they accept, they join this case "
            f"as {CareTeamMember.Role(role).label.lower()}. Their link: {issued.url}",
            extra_tags=TAG,
        )
    return _back(case)


@login_required
@require_POST
def member_role(request, case_id: int, user_id: int):
    case = _case(request, case_id)
    role = request.POST.get("role") or ""
    try:
        person = _person(case, user_id)
        if not case.care_team.filter(user=person).exists():
            raise ApplicationError(f"{person} is not on this care team.")
        if role == CareTeamMember.Role.LEAD_CLINICIAN:
            raise ApplicationError("The lead is handed over, not given as a role.")
        care_team_add(case=case, user=person, role=role, added_by=request.user)
    except ApplicationError as exc:
        messages.error(request, _message(exc), extra_tags=TAG)
    else:
        role_label = CareTeamMember.Role(role).label.lower()
        messages.success(request, f"{person} is now {role_label}.", extra_tags=TAG)
    return _back(case)


@login_required
@require_POST
def member_remove(request, case_id: int, user_id: int):
    case = _case(request, case_id)
    try:
        person = _person(case, user_id)
        care_team_remove(case=case, user=person, removed_by=request.user)
    except ApplicationError as exc:
        messages.error(request, _message(exc), extra_tags=TAG)
    else:
        messages.success(request, f"{person} left the care team.", extra_tags=TAG)
    return _back(case)


@login_required
@require_POST
def hand_over_lead(request, case_id: int, user_id: int):
    case = _case(request, case_id)
    try:
        person = _person(case, user_id)
        care_team_hand_over_lead(case=case, to=person, by=request.user)
    except ApplicationError as exc:
        messages.error(request, _message(exc), extra_tags=TAG)
    else:
        messages.success(request, f"{person} now leads this case.", extra_tags=TAG)
    return _back(case)


def _message(exc: ApplicationError) -> str:
    details = [m for messages_ in exc.errors.values() for m in messages_]
    return details[0] if details and exc.message.startswith(("Please", "Unknown")) else exc.message
