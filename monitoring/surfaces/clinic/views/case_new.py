"""The new athlete and case form, and its preview of what the risk factors imply."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from athletes import permissions
from athletes.forms import NewCaseForm
from athletes.services import athlete_create, case_open
from monitoring.care.services.workup import workup_sync
from monitoring.ingest.checks import athlete_today
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.views.common import clinic_page, render_page, url_or_none
from rehab.errors import ApplicationError

# --- new athlete and case ----------------------------------------------------------------------


def _new_case_form(request, data=None) -> NewCaseForm:
    return NewCaseForm(
        data,
        athletes=clinic.athletes_of(request.user),
        teams=clinic.teams_for_new_athlete(request.user),
        today=athlete_today(),
    )


@clinic_page
def case_new(request):
    if not permissions.can_open_case(request.user):
        raise PermissionDenied("Only clinicians and physiotherapists open cases.")
    implications = None
    status = 200
    if request.method == "POST":
        form = _new_case_form(request, request.POST)
        if "preview" in request.POST:
            implications = clinic.case_implications(request.POST)
            form.errors.clear()  # a preview is not a submission: show no errors yet
        elif form.is_valid():
            try:
                case = _open_case(request, form)
            except ApplicationError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, f"Case opened for {case.athlete}.")
                builder = url_or_none("plans:builder", case_id=case.pk)
                return redirect(builder or reverse("clinic:case", kwargs={"case_id": case.pk}))
        if form.is_bound and form.errors:
            status = 400
            implications = clinic.case_implications(request.POST)
    else:
        form = _new_case_form(request)
    return render_page(
        request,
        "clinic/case_new.html",
        {"form": form, "implications": implications},
        status=status,
    )


def _open_case(request, form: NewCaseForm):
    """The athlete (when new) and the case in one transaction: nothing is half-saved."""
    with transaction.atomic():
        athlete = form.cleaned_data["existing_athlete"] or athlete_create(
            **form.athlete_data(), clinic=request.user.clinic
        )
        case = case_open(
            athlete=athlete,
            site=form.cleaned_data["site"],
            diagnosed_on=form.cleaned_data["diagnosed_on"],
            created_by=request.user,
            **form.case_data(),
        )
        workup_sync(case=case, today=athlete_today(athlete))  # the bone-health work-up due
        return case


@clinic_page
@require_GET
def case_implications(request):
    """What the chosen site and risk factors imply (htmx, as the form is filled in)."""
    # the new-case form's helper, for its users only
    if not permissions.can_open_case(request.user):
        raise PermissionDenied("Only clinicians and physiotherapists open cases.")
    return render(
        request,
        "clinic/_implications.html",
        {"implications": clinic.case_implications(request.GET)},
    )
