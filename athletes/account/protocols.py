"""The clinic page's protocol settings (administrators): the TSK-11 threshold that suggests
the psychologist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.services.clinic_settings import clinic_tsk11_threshold_set
from rehab.errors import ApplicationError


@login_required
@require_POST
def clinic_protocols(request: HttpRequest) -> HttpResponse:
    if not permissions.can_administer_clinic(request.user) or request.user.clinic is None:
        raise Http404("No such page.")
    try:
        clinic = clinic_tsk11_threshold_set(
            clinic=request.user.clinic,
            by=request.user,
            value=request.POST.get("tsk11_psychology_threshold"),
        )
    except ApplicationError as exc:
        errors = "; ".join(m for ms in exc.errors.values() for m in ms) or exc.message
        messages.error(request, f"Not changed: {errors}")
    else:
        messages.success(request, f"TSK-11 threshold set to {clinic.tsk11_psychology_threshold}.")
    return redirect(reverse("account:clinic") + "#protocols")
