"""Acknowledging and resolving a case's flags, from the case page or the inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from athletes import permissions
from athletes.selectors import clinic_case_for_user
from monitoring.evaluation import flags as flag_actions
from monitoring.ingest.checks import athlete_today
from monitoring.models import Flag
from monitoring.navigation import red_flag_count
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.forms import (
    FlagResolveForm,
)
from monitoring.surfaces.clinic.views.case_page import render_case
from monitoring.surfaces.clinic.views.common import case_url, next_url
from rehab.errors import ApplicationError

# --- flags ----------------------------------------------------------------------------------


def _flag(request, case_id: int, flag_id: int):
    case = clinic_case_for_user(request.user, case_id)
    flag = get_object_or_404(Flag.objects.select_related("phase"), pk=flag_id, case=case)
    flag.case = case  # the viewer's role is annotated on it: no query to check it
    if not permissions.can_manage_flags(request.user, case):
        raise PermissionDenied("Only the case's clinicians may manage its flags.")
    return case, flag


def _back(request, case, level: int, text: str):
    """Back where the action came from (the case page's flags, or the page given as ``next``),
    saying what happened. On the case page the words stand in its flags' card, where the page
    opens (``#flags``), not above the fold at its top."""
    target = next_url(request, case_url(case.pk, "flags"))
    tags = FLAGS_TAG if target == case_url(case.pk, "flags") else ""
    messages.add_message(request, level, text, extra_tags=tags)
    return redirect(target)


FLAGS_TAG = "flags"
"""A message shown in the case page's flags card (templates/clinic/case.html)."""


@login_required
@require_POST
def flag_acknowledge(request, case_id: int, flag_id: int):
    case, flag = _flag(request, case_id, flag_id)
    try:
        flag_actions.flag_acknowledge(flag=flag, by=request.user)
    except ApplicationError as exc:
        said = (messages.ERROR, exc.message)
    else:
        said = (messages.SUCCESS, f"Acknowledged: {flag.title}.")
    if request.htmx and request.POST.get("row") == "inbox":
        (flag,) = clinic.labelled(
            [
                Flag.objects.select_related(
                    "case__athlete", "phase", "acknowledged_by", "proposed_phase"
                ).get(pk=flag.pk)
            ]
        )
        return render(
            request,
            "clinic/_inbox_row.html",
            {"flag": flag, "oob_count": red_flag_count(request.user)},
        )
    return _back(request, case, *said)


@login_required
@require_POST
def flag_resolve(request, case_id: int, flag_id: int):
    case, flag = _flag(request, case_id, flag_id)
    form = FlagResolveForm(request.POST, prefix=f"flag-{flag.pk}")
    if form.is_valid():
        try:
            flag_actions.flag_resolve(
                flag=flag, by=request.user, resolution=form.cleaned_data["resolution"]
            )
        except ApplicationError as exc:
            if flag.status == Flag.Status.RESOLVED:  # resolved meanwhile: nothing to correct
                return _back(request, case, messages.ERROR, exc.message)
            exc.add_to_form(form)
        else:
            return _back(request, case, messages.SUCCESS, f"Resolved: {flag.title}.")
    page = clinic.case_page(request.user, case, today=athlete_today(case.athlete))
    return render_case(request, page, forms={"resolve": (flag.pk, form)}, status=400)
