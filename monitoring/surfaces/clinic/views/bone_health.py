"""The case page's bone-health work-up: recording a result, an energy-availability record and
the facts the triggers read, changing a task, creating the tasks the triggers ask for.

A user not on the case gets 404; on it without ``can_record_bone_health`` a 403. Errors come
back as the case page with the form's field errors (400)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.selectors import clinic_case_for_user
from monitoring.care.services import workup as services
from monitoring.ingest.checks import athlete_today
from monitoring.models import WorkupTask
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.bone_forms import (
    BoneFactsForm,
    BoneResultForm,
    EnergyForm,
    TaskForm,
)
from monitoring.surfaces.clinic.views.case_page import render_case
from monitoring.surfaces.clinic.views.common import case_url
from rehab.errors import ApplicationError


def _case(request, case_id: int):
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_record_bone_health(request.user, case):
        raise PermissionDenied("Only the nutritionist and the case's physicians record this.")
    return case


def _submit(request, case, form, key: str, anchor: str, do):
    """Validate ``form``, run ``do(cleaned_data, today)``; on an error, the page with it."""
    today = athlete_today(case.athlete)
    if form.is_valid():
        try:
            message = do(form.cleaned_data, today)
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            messages.success(request, message)
            return redirect(case_url(case.pk, anchor))
    page = clinic.case_page(request.user, case, today=today, with_charts=False)
    return render_case(request, page, forms={key: form}, status=400)


@login_required
@require_POST
def bone_result_new(request, case_id: int):
    case = _case(request, case_id)
    form = BoneResultForm(request.POST, today=athlete_today(case.athlete))

    def do(data, today):
        result = services.bone_result_record(
            case=case,
            by=request.user,
            kind=data["kind"],
            value=data["value"],
            unit=data.get("unit") or "",
            measured_on=data["measured_on"],
            note=data.get("note") or "",
            today=today,
        )
        return f"Recorded: {result.get_kind_display()} {result.value:g} {result.unit}."

    return _submit(request, case, form, "bone_result", "bone-results", do)


@login_required
@require_POST
def energy_new(request, case_id: int):
    case = _case(request, case_id)
    form = EnergyForm(request.POST, today=athlete_today(case.athlete))

    def do(data, today):
        record = services.energy_availability_record(
            case=case,
            by=request.user,
            date=data["date"],
            intake_kcal=data["intake_kcal"],
            exercise_kcal=data["exercise_kcal"],
            ffm_kg=data["ffm_kg"],
            note=data.get("note") or "",
            today=today,
            replace=bool(data.get("replace")),
        )
        return f"Energy availability {record.ea} kcal/kg FFM/day recorded."

    return _submit(request, case, form, "energy", "energy-availability", do)


@login_required
@require_POST
def bone_facts(request, case_id: int):
    case = _case(request, case_id)
    form = BoneFactsForm(request.POST, prefix="facts")

    def do(data, today):
        services.bone_facts_update(case=case, by=request.user, today=today, **data)
        return "Bone-health facts saved; the triggers are up to date."

    return _submit(request, case, form, "bone_facts", "bone-workup", do)


@login_required
@require_POST
def workup_sync(request, case_id: int):
    case = _case(request, case_id)
    created = services.workup_sync(case=case, today=athlete_today(case.athlete))
    messages.success(request, f"{len(created)} work-up task(s) created.")
    return redirect(case_url(case.pk, "workup-tasks"))


@login_required
@require_POST
def workup_task(request, case_id: int, task_id: int):
    case = clinic_case_for_user(request.user, case_id)
    task = WorkupTask.objects.filter(case=case, pk=task_id).first()
    if task is None or not permissions.can_view_workup(request.user, case):
        raise Http404("No such task.")
    if not permissions.can_close_workup_task(request.user, case, task.assignee_role):
        raise PermissionDenied("This task is not yours to change.")
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.workup_task_update(
                task=task,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data.get("reason") or "",
                today=athlete_today(case.athlete),
            )
        except ApplicationError as exc:
            details = [m for msgs in exc.errors.values() for m in msgs]
            messages.error(request, " ".join([exc.message, *details]))
        else:
            messages.success(request, f"{task.get_kind_display()}: saved.")
    else:
        messages.error(request, "Choose a status.")
    return redirect(case_url(case.pk, "workup-tasks"))
