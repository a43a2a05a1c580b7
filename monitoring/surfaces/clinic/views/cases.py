"""The clinic's list pages: my cases, the red-flag inbox, the navigation's counts, and the
contact a clinician shares with athletes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from athletes import permissions
from athletes.models import Case
from monitoring.care.workup import open_tasks_for
from monitoring.ingest.checks import athlete_today
from monitoring.navigation import red_flag_count
from monitoring.surfaces.clinic import view_models as clinic
from monitoring.surfaces.clinic.forms import (
    CaseFilterForm,
    ContactForm,
)
from monitoring.surfaces.clinic.views.common import clinic_page, render_page
from rehab.errors import ApplicationError

# --- my cases ------------------------------------------------------------------------------------


@clinic_page
@require_GET
def cases(request):
    teams = list(clinic.teams_of(request.user))
    form = CaseFilterForm(request.GET, teams=teams)
    filters = form.filters()
    rows = clinic.case_rows(request.user, today=athlete_today(), **filters)
    filtered = bool(filters["search"] or filters["flag_kind"] or filters["team_id"]) or (
        filters["status"] != Case.Status.ACTIVE
    )
    context = {
        "rows": rows,
        "form": form,
        "filtered": filtered,
        "teams": teams,
        "may_open_case": permissions.can_open_case(request.user),
    }
    if request.htmx and request.htmx.target == "case-table":
        return render(request, "clinic/_case_table.html", context)
    return render_page(request, "clinic/cases.html", context)


@clinic_page
@require_GET
def nav_counts(request):
    """The section's red-flag count, for pages that do not compute it themselves (htmx)."""
    return render(request, "clinic/_nav_count.html", {"count": red_flag_count(request.user)})


# --- the red-flag inbox ------------------------------------------------------------------------


@clinic_page
@require_GET
def inbox(request):
    """The worklist: every open flag of the user's cases, red flags first; reviews overdue and
    due; flags resolved in the last week with who resolved them."""
    work = clinic.worklist(request.user, timezone.now())
    tasks = open_tasks_for(request.user)  # the bone-health work-up assigned to the user's role
    return render_page(
        request,
        "clinic/inbox.html",
        {"work": work, "workup_tasks": tasks, "workup_today": timezone.localdate()},
    )


@clinic_page
def contact(request):
    """The phone and e-mail a clinician shares with the athletes of their cases (shown with the
    stop message of an athlete's Today page)."""
    if not permissions.can_share_contact(request.user):
        raise Http404("No such page.")
    user = request.user
    initial = {"contact_phone": user.contact_phone, "contact_email": user.contact_email}
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                clinic.contact_update(
                    user=user,
                    phone=form.cleaned_data["contact_phone"],
                    email=form.cleaned_data["contact_email"],
                )
            except ApplicationError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, "Saved: athletes will see what you share.")
                return redirect("clinic:contact")
        status = 400
    else:
        form = ContactForm(initial=initial)
    return render_page(request, "clinic/contact.html", {"form": form}, status=status)
