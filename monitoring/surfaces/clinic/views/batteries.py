"""Recording a test battery from the case page (one form, one submission)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.selectors import clinic_case_for_user
from monitoring.ingest.batteries import battery_record, involved_side_of
from monitoring.ingest.checks import athlete_today
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.battery_forms import BatteryForm
from monitoring.surfaces.clinic.views.case_page import render_case
from monitoring.surfaces.clinic.views.common import case_url
from rehab.errors import ApplicationError


@login_required
@require_POST
def battery_new(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_record_battery(request.user, case):
        raise PermissionDenied("You may not record test batteries on this case.")
    today = athlete_today(case.athlete)
    form = BatteryForm(request.POST, today=today, side_from_case=involved_side_of(case))
    if form.is_valid():
        data = form.cleaned_data
        results, keys = form.results()
        try:
            battery = battery_record(
                case=case,
                date=data["date"],
                results=results,
                involved_side=data.get("involved_side") or None,
                limb_length_left_cm=data["limb_length_left_cm"],
                limb_length_right_cm=data["limb_length_right_cm"],
                notes=data["notes"],
                assessed_by=request.user,
                today=today,
            )
        except ApplicationError as exc:
            form.add_service_errors(exc.errors, keys)
            if not exc.errors:
                form.add_error(None, exc.message)
        else:
            incomplete = sum(1 for r in battery.results.all() if not r.complete)
            note = f" {incomplete} test(s) incomplete: no symmetry for them." if incomplete else ""
            messages.success(request, f"Recorded: {battery}.{note}")
            return redirect(case_url(case.pk, "batteries"))
    page = clinic.case_page(request.user, case, today=today)
    return render_case(request, page, forms={"battery": form}, status=400)
