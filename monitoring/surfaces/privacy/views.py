"""The clinic's consent and data rights pages, and the case's record of changes (the
athlete's own sharing page is ``monitoring.surfaces.athlete.sharing``).

Thin: every view finds the case through ``athletes.selectors.case_for_user`` (404 for a person who
is not on the care team, or whose role the athlete withdrew consent for), asks one predicate of
``athletes.permissions`` (404 again when it does not hold: the page does not exist for them),
then calls one service or reader.

- ``/clinic/cases/<id>/privacy/`` — the case page's panel (loaded into the page by htmx): who the
  athlete shares with, export / erase buttons, the latest changes.
- ``/clinic/cases/<id>/record/`` — the whole record of changes.
- ``/clinic/cases/<id>/export/`` (POST) — a zip of all of the athlete's data.
- ``/clinic/cases/<id>/erase/`` — confirm (type the athlete's name, say why), then erase.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from athletes import permissions, services
from athletes.selectors import access_records, case_for_user
from athletes.services.access import What, record_access
from monitoring import audit
from monitoring import sharing as privacy
from monitoring.navigation import clinic_nav_context
from rehab.errors import ApplicationError

PANEL_ENTRIES = 15
"""How many of the latest changes the case page shows; the record page shows all."""


def _case(request, case_id: int, predicate):
    if not permissions.can_use_clinic(request.user):  # the athlete's own page is /me/sharing/
        raise Http404("No such case.")
    case = case_for_user(request.user, case_id)
    if not predicate(request.user, case):
        raise Http404("No such case.")
    return case


def _may_open_panel(user, case) -> bool:
    return permissions.can_view_consent(user, case) or permissions.can_view_audit(user, case)


# --- the case page's panel and the record of changes -----------------------------------------


@login_required
@require_GET
def case_privacy(request, case_id: int):
    case = _case(request, case_id, _may_open_panel)
    user = request.user
    if not request.htmx:  # the case page's panel: the case page's own look is recorded
        record_access(request, case, What.PRIVACY)
    context = {
        "case": case,
        "can_audit": permissions.can_view_audit(user, case),
        "can_see_access": permissions.can_view_access_log(user, case),
        "can_export": permissions.can_export_athlete(user, case),
        "can_erase": permissions.can_erase_athlete(user, case),
        "is_athlete": permissions.is_own_case(user, case),
        "sharing": privacy.sharing(case.athlete),
    }
    if context["can_audit"]:
        record = audit.case_record(case)
        context.update(entries=record.latest(PANEL_ENTRIES), total=record.total)
    return render(request, "clinic/_privacy_panel.html", context)


@login_required
@require_GET
def case_record(request, case_id: int):
    case = _case(request, case_id, permissions.can_view_audit)
    record_access(request, case, What.RECORD)
    record = audit.case_record(case)
    context = {
        **clinic_nav_context(request.user),
        "case": case,
        "entries": record.entries,
        "total": record.total,
    }
    if permissions.can_view_access_log(request.user, case):
        context["access"] = access_records(case=case)
    return render(request, "clinic/record.html", context)


# --- data rights -------------------------------------------------------------------------------


@login_required
@require_POST
def case_export(request, case_id: int):
    case = _case(request, case_id, permissions.can_export_athlete)
    filename, content = services.athlete_export(case=case, exported_by=request.user)
    record_access(request, case, What.EXPORT)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class EraseForm(forms.Form):
    """Parses only: ``athlete_erase`` checks the name and the reason (both errors at once)."""

    confirm_name = forms.CharField(
        label="Type the athlete's full name", max_length=200, required=False
    )
    reason = forms.CharField(
        label="Why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example: the athlete asked for their data to be erased.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_erase(request, case_id: int):
    case = _case(request, case_id, permissions.can_erase_athlete)
    status = 200
    if request.method == "POST":
        form = EraseForm(request.POST)
        if form.is_valid():
            try:
                record = services.athlete_erase(
                    case=case,
                    erased_by=request.user,
                    confirm_name=form.cleaned_data["confirm_name"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                exc.add_to_form(form)
            else:
                messages.success(
                    request,
                    f"Athlete record #{record.former_athlete_id} erased: "
                    f"{sum(record.counts.values())} records. The erasure itself is recorded.",
                )
                return redirect(reverse("clinic:cases"))
        status = 400
    else:
        form = EraseForm()
    context = {
        **clinic_nav_context(request.user),
        "case": case,
        "form": form,
        "case_count": case.athlete.cases.count(),
    }
    return render(request, "clinic/erase.html", context, status=status)
