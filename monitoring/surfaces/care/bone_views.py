"""The bone-health page of a case (/care/cases/<id>/bone-health/screens/): the REDs CAT2 screen
for every athlete, the hold on impact phases after a positive screen and the clinician's
decision that lifts it, the athlete's cycle summary (with their consent), the Triad items the
case's facts answer, the calcium reference for the athlete's age and the guardian contact,
which the clinical team corrects here (``/bone-health/guardian/``).

Clinical team and nutritionist only (``permissions.can_view_bone_health``); anyone else on the
case gets 404, the way every clinical page does; a nutritionist who posts a guardian gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from athletes import permissions
from athletes.forms import GuardianForm
from athletes.selectors import case_for_user
from athletes.services import guardian_update
from monitoring.care.bone_facts import bone_health_status, screen_row, visible_screens
from monitoring.care.growth import is_under_18
from monitoring.care.services import bone_health_decision_record, reds_cat2_record
from monitoring.ingest.checks import athlete_today
from monitoring.navigation import clinic_nav_context
from monitoring.surfaces.care.bone_forms import BoneHealthDecisionForm, RedsScreenForm
from rehab.errors import ApplicationError


def _case(request, case_id: int):
    case = case_for_user(request.user, case_id)
    if not permissions.can_view_bone_health(request.user, case):
        raise Http404("No such case.")
    return case


def _url(case_id: int) -> str:
    return reverse("care:bone_health", kwargs={"case_id": case_id})


def _render(request, case, *, reds_form=None, decision_form=None, guardian_form=None, status=200):
    today = athlete_today()
    page = bone_health_status(case, today)
    page.latest = visible_screens(request.user, case, page.latest)
    female = case.athlete.sex == "female"
    can_screen = permissions.can_record_bone_health_review(request.user, case)
    can_decide = permissions.can_record_bone_health_decision(request.user, case)
    if can_screen and reds_form is None:
        reds_form = RedsScreenForm(
            today=today,
            sex=case.athlete.sex,
            under_18=page.under_18,
            initial_answers=page.cycle.reds_suggestions() if page.cycle else None,
        )
    if can_decide and decision_form is None:
        decision_form = BoneHealthDecisionForm(today=today)
    can_edit_guardian = permissions.can_edit_guardian(request.user, case)
    if can_edit_guardian and guardian_form is None:
        guardian_form = GuardianForm(athlete=case.athlete)
    context = {
        **clinic_nav_context(request.user),
        "case": case,
        "page": page,
        "reds_form": reds_form if can_screen else None,
        "decision_form": decision_form if can_decide else None,
        "guardian": permissions.can_see_guardian(request.user, case),
        "guardian_form": guardian_form if can_edit_guardian else None,
        "show_reason": permissions.can_view_clinical(request.user, case),
        "cycle_visible": permissions.can_read_cycle(request.user, case),
        "screens": [screen_row(a) for a in page.latest],
        "triad": female,  # the Triad tool is validated in women only
    }
    return render(request, "care/bone_health.html", context, status=status)


@login_required
@require_GET
def bone_health(request, case_id: int):
    return _render(request, _case(request, case_id))


@login_required
@require_POST
def reds_screen_new(request, case_id: int):
    case = _case(request, case_id)
    if not permissions.can_record_bone_health_review(request.user, case):
        raise PermissionDenied("You may not record a bone-health screen on this case.")
    today = athlete_today()
    form = RedsScreenForm(
        request.POST,
        today=today,
        sex=case.athlete.sex,
        under_18=is_under_18(case.athlete.date_of_birth, today),
    )
    if form.is_valid():
        try:
            _, result = reds_cat2_record(
                case=case,
                by=request.user,
                date=form.cleaned_data["date"],
                answers=form.answers(),
                notes=form.cleaned_data["notes"],
                today=today,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            say = messages.success if result.complete and not result.positive else messages.warning
            say(request, f"REDs screen recorded: {result.label}.")
            return redirect(_url(case.pk))
    return _render(request, case, reds_form=form, status=400)


@login_required
@require_POST
def decision_new(request, case_id: int):
    case = _case(request, case_id)
    if not permissions.can_record_bone_health_decision(request.user, case):
        raise PermissionDenied("Only the case's clinicians record the bone-health decision.")
    today = athlete_today()
    form = BoneHealthDecisionForm(request.POST, today=today)
    if form.is_valid():
        try:
            bone_health_decision_record(
                case=case,
                by=request.user,
                decision=form.cleaned_data["decision"],
                decided_on=form.cleaned_data["decided_on"],
                reason=form.cleaned_data["reason"],
                today=today,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, "Bone-health clearance decision recorded.")
            return redirect(_url(case.pk))
    return _render(request, case, decision_form=form, status=400)


@login_required
@require_POST
def guardian_edit(request, case_id: int):
    """Correct the guardian's contact on the case's athlete (the athlete's, on all their cases);
    under 18 it keeps a name and a phone or an e-mail."""
    case = _case(request, case_id)
    if not permissions.can_edit_guardian(request.user, case):
        raise PermissionDenied("Only the case's clinical team corrects the guardian's contact.")
    form = GuardianForm(request.POST)
    if form.is_valid():
        try:
            guardian_update(athlete=case.athlete, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, "Guardian contact saved.")
            return redirect(_url(case.pk) + "#guardian")
    return _render(request, case, guardian_form=form, status=400)
