"""The athlete's sharing page (/me/sharing/): who on the care team sees their data, and consent
given or withdrawn per care-team role. Thin: ``athletes.services.consent_set`` writes,
``monitoring.sharing`` reads."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from athletes import permissions, services
from athletes.selectors import access_records
from monitoring import audit
from monitoring.sharing import sharing as sharing_page
from monitoring.surfaces.athlete.view_models import AthleteContext
from monitoring.surfaces.athlete.views import athlete_page
from rehab.errors import ApplicationError


class ConsentForm(forms.Form):
    role = forms.ChoiceField(choices=[(r, r) for r in sorted(permissions.CONSENT_ROLES)])
    given = forms.TypedChoiceField(choices=[("1", "Share"), ("0", "Stop sharing")], coerce=int)


@athlete_page
@never_cache
@require_http_methods(["GET", "POST"])
def sharing(request, ctx: AthleteContext):
    """The athlete gives or withdraws consent per care-team role (phone-first)."""
    status = 200
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                consent = services.consent_set(
                    athlete=ctx.athlete,
                    role=form.cleaned_data["role"],
                    given=bool(form.cleaned_data["given"]),
                    changed_by=request.user,
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
                status = 400
            else:
                group = audit.ROLE_PLURALS[consent.role]
                messages.success(
                    request,
                    f"Your data is shared with {group} again."
                    if consent.given
                    else f"Stopped: {group} no longer see your data.",
                )
                return redirect("athlete:sharing")
        else:
            messages.error(request, "Choose a role and whether to share with it.")
            status = 400
    page = sharing_page(ctx.athlete)
    context = {
        "ctx": ctx,
        "tab": "sharing",
        "today": ctx.today,
        "page": page,
        "access": access_records(athlete_id=ctx.athlete.pk),
    }
    return render(request, "athlete/sharing.html", context, status=status)
