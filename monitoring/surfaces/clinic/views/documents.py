"""Print-ready documents of a case: the plan summary for the athlete, the clearance letter."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from athletes import permissions
from athletes.models import Case
from athletes.selectors import clinic_case_for_user
from athletes.services.access import What, record_access
from monitoring.ingest.checks import athlete_today
from monitoring.surfaces.clinic.view_models.documents import plan_summary
from protocols import services as plan_services


def _case(request, case_id: int) -> Case:
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_view_clinical(request.user, case):
        raise Http404("No such page.")
    return case


@login_required
@require_GET
def summary(request, case_id: int):
    case = _case(request, case_id)
    record_access(request, case, What.PRINT)
    context = {"s": plan_summary(case), "case": case, "today": athlete_today()}
    return render(request, "clinic/documents/plan_summary.html", context)


@login_required
@require_GET
def letter(request, case_id: int):
    case = _case(request, case_id)
    if case.status != Case.Status.RETURNED or not case.outcome:
        raise Http404("A clearance letter is written on discharge.")
    record_access(request, case, What.PRINT)
    context = {
        "case": case,
        "today": athlete_today(),
        "return_decision": plan_services.latest_return_decision(case),
    }
    return render(request, "clinic/documents/clearance_letter.html", context)
