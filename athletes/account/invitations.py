"""Invitation pages: accept a link (anyone holding it), invite an athlete (their clinician)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.account.forms import AcceptForm, AthleteInvitationForm
from athletes.models import Athlete, Invitation, User
from athletes.services import invitations as service
from rehab.errors import ApplicationError

STAY_SIGNED_IN_SECONDS = 30 * 24 * 60 * 60
"""An athlete's "stay signed in on this phone": 30 days (staff keep SESSION_COOKIE_AGE)."""


def stay_signed_in(request: HttpRequest, user: User, wanted: bool) -> None:
    """Athletes may keep their phone signed in for 30 days (``permissions.may_stay_signed_in``);
    everyone else keeps what signing in gave them."""
    if wanted and permissions.may_stay_signed_in(user):
        request.session.set_expiry(STAY_SIGNED_IN_SECONDS)


@never_cache
@sensitive_post_parameters("password", "password_again")
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person sets a password; they land on their home, signed in."""
    invitation = service.invitation_for_token(token)
    reason = service.unusable_reason(invitation)
    if reason:
        return render(request, "account/invitation_unusable.html", {"reason": reason}, status=410)
    is_athlete = invitation.kind == User.Kind.ATHLETE
    form = AcceptForm(request.POST or None, athlete=is_athlete)
    if request.method == "POST" and form.is_valid():
        try:
            user = service.invitation_accept(
                token=token,
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data.get("first_name", ""),
                last_name=form.cleaned_data.get("last_name", ""),
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            if request.user.is_authenticated:
                logout(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            stay_signed_in(request, user, form.cleaned_data.get("stay_signed_in", False))
            messages.success(request, f"Welcome, {user.first_name or user.username}.")
            if permissions.can_share_contact(user):
                messages.info(
                    request,
                    "Share a phone or e-mail with your athletes under “Contact for athletes”: "
                    "an athlete told to stop and call sees it.",
                )
            return redirect("home")
    status = 400 if form.is_bound and form.errors else 200
    context = {"invitation": invitation, "form": form, "is_athlete": is_athlete}
    return render(request, "account/invitation_accept.html", context, status=status)


def _athlete_for(request: HttpRequest, athlete_id: int) -> Athlete:
    athlete = Athlete.objects.filter(pk=athlete_id).prefetch_related("cases").first()
    cases = list(athlete.cases.all()) if athlete else []
    if athlete is None or not permissions.can_invite_athlete(request.user, athlete, cases):
        raise Http404("No such athlete.")
    athlete.case_list = cases
    return athlete


def _qr(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


@never_cache
@login_required
def athlete_invite(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """Give an athlete a login: e-mail the link and show it as a code for the phone in the room."""
    athlete = _athlete_for(request, athlete_id)
    issued = None
    form = AthleteInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = service.invitation_create(
                email=form.cleaned_data["email"],
                kind=User.Kind.ATHLETE,
                invited_by=request.user,
                athlete=athlete,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
    return _athlete_page(request, athlete, form, issued)


@never_cache
@login_required
@require_POST
def athlete_invite_resend(request: HttpRequest, athlete_id: int, invitation_id: int):
    """A new link and code (the old ones stop working), e-mailed again."""
    athlete = _athlete_for(request, athlete_id)
    invitation = Invitation.objects.filter(pk=invitation_id, athlete=athlete).first()
    if invitation is None:
        raise Http404("No such invitation.")
    issued = None
    try:
        issued = service.invitation_resend(invitation=invitation, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return _athlete_page(request, athlete, AthleteInvitationForm(), issued)


def _athlete_page(request, athlete, form, issued) -> HttpResponse:
    waiting = [
        i
        for i in Invitation.objects.filter(athlete=athlete, accepted_at=None, revoked_at=None)
        if not issued or i.pk != issued.invitation.pk
    ]
    context = {
        "athlete": athlete,
        "form": form,
        "issued": issued,
        "qr": _qr(issued.url) if issued else None,
        "waiting": waiting,
        "cases": [c for c in athlete.case_list if permissions.can_view_case(request.user, c)],
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "account/athlete_invite.html", context, status=status)
