"""The clinic's page: its staff and their teams, invitations waiting, and the teams.

The first superuser names the clinic on first sign-in and administers it; administrators invite
staff, send invitations again and revoke them; clinicians and physiotherapists create teams.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.account.forms import (
    ClinicSetupForm,
    IntegrationForm,
    StaffInvitationForm,
    TeamForm,
)
from athletes.models import Clinic, Invitation, Team, User
from athletes.services import integrations
from athletes.services import invitations as service
from rehab.errors import ApplicationError


@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """A superuser without a clinic names it, and becomes its administrator."""
    if not permissions.needs_clinic_setup(request.user):
        return redirect("account:clinic")
    form = ClinicSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            clinic = Clinic.objects.create(name=form.cleaned_data["name"].strip())
            User.objects.filter(pk=request.user.pk).update(clinic=clinic, is_clinic_admin=True)
        messages.success(request, f"{clinic.name} is set up. Invite your staff next.")
        return redirect("account:clinic")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "account/clinic_setup.html", {"form": form}, status=status)


def _clinic_page_allowed(user: User) -> bool:
    return permissions.can_use_clinic_page(user)


@never_cache
@login_required
def clinic(request: HttpRequest) -> HttpResponse:
    user = request.user
    if permissions.needs_clinic_setup(user):
        return redirect("account:clinic_setup")
    if not _clinic_page_allowed(user):
        raise Http404("No such page.")
    return _clinic_page(request)


def _clinic_page(
    request,
    invite_form=None,
    team_form=None,
    issued=None,
    status=200,
    integration_form=None,
    issued_client=None,
):
    user = request.user
    admin = permissions.can_administer_clinic(user)
    staff = (
        User.objects.filter(clinic_id=user.clinic_id, is_active=True)
        .exclude(kind__in=[User.Kind.ATHLETE, User.Kind.INTEGRATION])
        .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
        .order_by("last_name", "first_name", "username")
    )
    invitations = []
    if admin:
        invitations = list(
            Invitation.objects.filter(clinic_id=user.clinic_id, accepted_at=None, revoked_at=None)
            .select_related("athlete", "created_by")
            .prefetch_related("teams")
        )
    teams = Team.objects.filter(clinic_id=user.clinic_id).prefetch_related("staff")
    clients = list(integrations.integrations_of_clinic(clinic_id=user.clinic_id)) if admin else []
    context = {
        "clinic": user.clinic,
        "admin": admin,
        "staff": staff,
        "invitations": invitations,
        "teams": teams,
        "may_manage_teams": permissions.can_manage_teams(user),
        "invite_form": invite_form or StaffInvitationForm(clinic_id=user.clinic_id),
        "team_form": team_form or TeamForm(),
        "issued": issued,
        "integrations": clients,
        "integration_form": integration_form or IntegrationForm(clinic_id=user.clinic_id),
        "issued_client": issued_client,
    }
    return render(request, "account/clinic.html", context, status=status)


@never_cache
@login_required
@require_POST
def invite_staff(request: HttpRequest) -> HttpResponse:
    if not permissions.can_administer_clinic(request.user):
        raise Http404("No such page.")
    form = StaffInvitationForm(request.POST, clinic_id=request.user.clinic_id)
    if form.is_valid():
        try:
            issued = service.invitation_create(
                email=form.cleaned_data["email"],
                kind=form.cleaned_data["kind"],
                teams=form.cleaned_data["teams"],
                invited_by=request.user,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            return _clinic_page(request, issued=issued)  # it says whether the e-mail went
    return _clinic_page(request, invite_form=form, status=400)


def _invitation(request, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.filter(
        pk=invitation_id, clinic_id=request.user.clinic_id
    ).first()
    if invitation is None or not service.may_manage(request.user, invitation):
        raise Http404("No such invitation.")
    return invitation


@never_cache
@login_required
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation(request, invitation_id)
    try:
        issued = service.invitation_resend(invitation=invitation, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("account:clinic")
    return _clinic_page(request, issued=issued)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = _invitation(request, invitation_id)
    try:
        service.invitation_revoke(invitation=invitation, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The invitation of {invitation.email} is revoked.")
    return redirect("account:clinic")


@login_required
@require_POST
def team_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_teams(request.user) or request.user.clinic_id is None:
        raise Http404("No such page.")
    form = TeamForm(request.POST)
    if (
        form.is_valid()
        and Team.objects.filter(
            clinic_id=request.user.clinic_id, name__iexact=form.cleaned_data["name"].strip()
        ).exists()
    ):
        form.add_error("name", "Your clinic has a team of that name.")
    if form.is_valid():
        try:
            with transaction.atomic():
                team = Team.objects.create(
                    clinic_id=request.user.clinic_id,
                    name=form.cleaned_data["name"].strip(),
                    sport=form.cleaned_data["sport"].strip(),
                )
                team.staff.add(request.user)
        except IntegrityError:
            form.add_error("name", "Your clinic has a team of that name.")
        else:
            messages.success(request, f"Team {team.name} created.")
            return redirect("account:clinic")
    return _clinic_page(request, team_form=form, status=400)


@never_cache
@login_required
@require_POST
def integration_create(request: HttpRequest) -> HttpResponse:
    """An integration account and its OAuth2 client; the client secret is shown once."""
    if not permissions.can_administer_clinic(request.user):
        raise Http404("No such page.")
    form = IntegrationForm(request.POST, clinic_id=request.user.clinic_id)
    if form.is_valid():
        try:
            issued = integrations.integration_create(
                name=form.cleaned_data["name"],
                teams=list(form.cleaned_data["teams"]),
                created_by=request.user,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            return _clinic_page(request, issued_client=issued)
    return _clinic_page(request, integration_form=form, status=400)


@login_required
@require_POST
def integration_revoke(request: HttpRequest, user_id: int) -> HttpResponse:
    if not permissions.can_administer_clinic(request.user):
        raise Http404("No such page.")
    account = User.objects.filter(
        pk=user_id, clinic_id=request.user.clinic_id, kind=User.Kind.INTEGRATION, is_active=True
    ).first()
    if account is None:
        raise Http404("No such integration.")
    try:
        integrations.integration_revoke(user=account, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{account} is revoked: its client and tokens no longer work.")
    return redirect("account:clinic")
