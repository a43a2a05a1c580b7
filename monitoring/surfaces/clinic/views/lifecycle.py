"""The end of a case from its page: discharge on return to sport, close a case opened in error."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.selectors import clinic_case_for_user
from monitoring.care.services.lifecycle import case_close, case_discharge
from monitoring.ingest.checks import athlete_today
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.forms import CloseCaseForm, DischargeForm
from monitoring.surfaces.clinic.views.case_page import render_case
from monitoring.surfaces.clinic.views.common import case_url
from rehab.errors import ApplicationError


def _end(request, case_id: int, form_class, key: str, do):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_decide_transition(request.user, case):
        raise PermissionDenied("Only the case's clinicians and physiotherapists end a case.")
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message = do(case, form.cleaned_data)
        except ApplicationError as exc:
            if not exc.errors:  # the case ended meanwhile, or may not be ended by this person
                messages.error(request, exc.message)
                return redirect(case_url(case.pk))
            exc.add_to_form(form)
        else:
            messages.success(request, message)
            return redirect(case_url(case.pk))
    messages.error(request, "Nothing was recorded: see the form under “End the case” below.")
    page = clinic.case_page(
        request.user, case, today=athlete_today(case.athlete), with_charts=False
    )
    return render_case(request, page, forms={key: form}, status=400)


@login_required
@require_POST
def discharge(request, case_id: int):
    def do(case, data):
        case_discharge(
            case=case,
            by=request.user,
            returned_on=data["returned_on"],
            outcome=data["outcome"],
            summary=data["summary"],
            before_plan_end=data["before_plan_end"],
        )
        return f"{case.athlete} is discharged: the summary is on their phone."

    return _end(request, case_id, DischargeForm, "discharge", do)


@login_required
@require_POST
def close(request, case_id: int):
    def do(case, data):
        case_close(case=case, by=request.user, reason=data["reason"])
        return "The case is closed. Its plan, flags and reviews are ended."

    return _end(request, case_id, CloseCaseForm, "close", do)
