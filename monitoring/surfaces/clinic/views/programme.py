"""A walk-run phase's run-walk programme: the clinician's page to choose and edit the phase's
copy (stages, sessions per stage, rest days, pain limit), and their decision on a step down the
programme proposes (confirm or decline, with why; the system only recommends)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.selectors import clinic_case_for_user
from monitoring.evaluation.programmes import phase_programme_state
from monitoring.ingest.checks import athlete_today
from monitoring.surfaces.clinic.programme_forms import (
    ProgrammeForm,
    StageFormSet,
    StepDownForm,
    show_errors,
    stages_from,
)
from monitoring.surfaces.clinic.views.common import case_url
from protocols.engine.programme import stages_of
from protocols.models import Plan, PlanPhase
from protocols.services import programmes as services
from rehab.errors import ApplicationError


def _phase(request, case_id: int, phase_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_decide_programme(request.user, case):
        raise PermissionDenied("Only the case's clinicians may change the programme.")
    phase = (
        PlanPhase.objects.select_related("plan")
        .filter(
            pk=phase_id,
            plan__case=case,
            plan__status__in=[Plan.Status.DRAFT, Plan.Status.ACTIVE],
        )
        .first()
    )
    if phase is None:
        raise Http404("No such phase.")
    return case, phase


def _forms(phase, shipped, data=None):
    programme = phase.programme or {}
    initial = {k: programme.get(k) for k in ("rest_days", "pain_limit")}
    stages = [dict(s) for s in programme.get("stages") or []]
    form = ProgrammeForm(data, initial=initial, shipped=shipped)
    formset = StageFormSet(data, initial=stages, prefix="stage")
    return form, formset


@login_required
def programme_edit(request, case_id: int, phase_id: int):
    case, phase = _phase(request, case_id, phase_id)
    shipped = services.shipped_programmes()
    form, formset = _forms(phase, shipped, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                services.phase_programme_set(
                    phase=phase,
                    edited_by=request.user,
                    slug=data["slug"] or None,
                    data=None
                    if data["slug"]
                    else {
                        **(phase.programme or {"name": "Clinic programme"}),
                        "rest_days": data["rest_days"],
                        "pain_limit": data["pain_limit"],
                        "stages": stages_from(formset),
                    },
                    reason=data["reason"],
                )
            except ApplicationError as exc:
                show_errors(exc, form, formset)
            else:
                messages.success(request, f"Run-walk programme of “{phase.name}” saved.")
                return redirect(case_url(case.pk, "run-programme"))
        status = 400
    stages = stages_of(phase.programme) if phase.programme else ()
    context = {"case": case, "phase": phase, "form": form, "formset": formset, "stages": stages}
    return render(request, "clinic/programme.html", context, status=status)


@login_required
@require_POST
def programme_decide(request, case_id: int, phase_id: int):
    case, phase = _phase(request, case_id, phase_id)
    form = StepDownForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why you confirm or decline the step down.")
        return redirect(case_url(case.pk, "run-programme"))
    state = phase_programme_state(phase, case.athlete_id, athlete_today(case.athlete))
    data = form.cleaned_data
    try:
        services.programme_step_down_decide(
            phase=phase,
            decided_by=request.user,
            decision=data["decision"],
            trigger=data["trigger"],
            proposal=state.step_down if state else None,
            reason=data["reason"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        word = "confirmed" if data["decision"] == "confirmed" else "declined"
        messages.success(request, f"Step down {word}.")
    return redirect(case_url(case.pk, "run-programme"))
