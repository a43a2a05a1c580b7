"""The case page's return-to-play decision (StARRT), readiness questionnaires and the
one-click involvement of the psychologist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.selectors import clinic_case_for_user
from monitoring.care import readiness_rules as rules
from monitoring.care.services.readiness import (
    clinic_psychologists,
    psychologist_involve,
    readiness_record,
)
from monitoring.ingest.checks import athlete_today
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.return_forms import ReadinessForm, ReturnDecisionForm
from monitoring.surfaces.clinic.views.case_page import render_case
from monitoring.surfaces.clinic.views.common import case_url
from protocols import services as plan_services
from rehab.errors import ApplicationError


def _failed(request, case, key: str, form, anchor: str):
    messages.error(request, f"Nothing was recorded: see the form under “{anchor}” below.")
    page = clinic.case_page(
        request.user, case, today=athlete_today(case.athlete), with_charts=False
    )
    return render_case(request, page, forms={key: form}, status=400)


@login_required
@require_POST
def return_decision(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_record_return_decision(request.user, case):
        raise PermissionDenied("Only the case's clinicians record the return-to-play decision.")
    form = ReturnDecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = plan_services.return_decision_record(
                case=case, by=request.user, data=form.cleaned_data, today=athlete_today()
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(
                request,
                f"Return-to-play decision recorded: {decision.get_decision_display().lower()}.",
            )
            return redirect(case_url(case.pk) + "#return-to-play")
    return _failed(request, case, "return_decision", form, "Return-to-play decision")


@login_required
@require_POST
def readiness(request, case_id: int, instrument: str):
    case = clinic_case_for_user(request.user, case_id)
    if instrument not in rules.INSTRUMENTS:
        raise Http404("No such questionnaire.")
    if not permissions.can_record_readiness(request.user, case):
        raise PermissionDenied("You may not record questionnaires on this case.")
    today = athlete_today(case.athlete)
    form = ReadinessForm(request.POST, instrument=instrument, today=today)
    if form.is_valid():
        try:
            answers = readiness_record(
                case=case,
                by=request.user,
                instrument=instrument,
                date=form.cleaned_data["date"],
                items=form.answers(),
                today=today,
            )
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            name = rules.INSTRUMENTS[instrument].name
            if answers.complete:
                messages.success(request, f"{name} recorded: total {answers.total:g}.")
            else:
                messages.warning(
                    request, f"{name} recorded as incomplete (items left blank): no total."
                )
            return redirect(case_url(case.pk) + "#readiness")
    return _failed(request, case, instrument, form, "Psychological readiness")


@login_required
@require_POST
def involve_psychologist(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_involve_psychologist(request.user, case):
        raise PermissionDenied("Only the case's clinicians change its care team.")
    chosen = {p.pk: p for p in clinic_psychologists(case)}.get(_int(request.POST.get("user_id")))
    if chosen is None:
        messages.error(request, "Choose a psychologist of your clinic.")
        return redirect(case_url(case.pk) + "#readiness")
    try:
        psychologist_involve(case=case, by=request.user, psychologist=chosen)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{chosen} is on the care team as the psychologist.")
    return redirect(case_url(case.pk) + "#readiness")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
