"""The case page's road-back forms: the pre-injury baseline, the cadence goal and a gait check.
Each is the clinical team's (403 otherwise; 404 off the case); bad input comes back as the case
page with the form's field errors (400)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.selectors import clinic_case_for_user
from monitoring.ingest.checks import athlete_today
from monitoring.running import services
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.running import BaselineForm, CadenceGoalForm, GaitCheckForm
from monitoring.surfaces.clinic.views.case_page import render_case
from monitoring.surfaces.clinic.views.common import case_url
from rehab.errors import ApplicationError


def _failed(request, case, name: str, form):
    page = clinic.case_page(request.user, case, today=athlete_today(case.athlete))
    return render_case(request, page, forms={f"running_{name}": form}, status=400)


@login_required
@require_POST
def baseline(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_record_running_baseline(request.user, case):
        raise PermissionDenied("Only the case's clinical team records the running baseline.")
    form = BaselineForm(request.POST)
    if "compute" in request.POST:
        form.full_clean()
        form.errors.clear()  # the typed values are not used
        try:
            services.running_baseline_accept_computed(case=case, by=request.user)
        except ApplicationError as exc:
            exc.add_to_form(form)
            return _failed(request, case, "baseline", form)
        messages.success(request, "Pre-injury running volume computed from the sessions.")
        return redirect(case_url(case.pk, "running"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.running_baseline_record(
                case=case,
                by=request.user,
                km_week=data["pre_injury_km_week"],
                runs_week=data["pre_injury_runs_week"],
                minutes_week=data["pre_injury_minutes_week"],
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, "Pre-injury running volume recorded.")
            return redirect(case_url(case.pk, "running"))
    return _failed(request, case, "baseline", form)


@login_required
@require_POST
def cadence_goal(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_set_cadence_goal(request.user, case):
        raise PermissionDenied("Only the case's clinical team sets a cadence goal.")
    form = CadenceGoalForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.cadence_goal_set(
                case=case,
                by=request.user,
                step_rate=data["baseline_step_rate"],
                low_percent=data["low_percent"],
                high_percent=data["high_percent"],
                computed="compute" in request.POST,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, "Cadence goal saved.")
            return redirect(case_url(case.pk, "running"))
    return _failed(request, case, "cadence", form)


@login_required
@require_POST
def gait_check(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_record_gait_check(request.user, case):
        raise PermissionDenied("Only the case's clinical team records gait checks.")
    today = athlete_today(case.athlete)
    form = GaitCheckForm(request.POST, today=today)
    if form.is_valid():
        try:
            services.gait_check_record(
                case=case,
                by=request.user,
                date=form.cleaned_data["date"],
                today=today,
                **form.values(),
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, "Gait check recorded.")
            return redirect(case_url(case.pk, "gait"))
    return _failed(request, case, "gait", form)
