"""The athlete's optional cycle log (/me/cycle/): turn it on or off (off by default), log the
day a period started in a couple of taps, see and remove entries. Thin: ``care_services``
writes, ``monitoring.care.cycle`` reads. A day saved without signal waits on the phone
(``static/js/athlete-cycle.js``) and is sent again: the same day twice is one entry."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from athletes.permissions import cycle_consent_given
from monitoring.care import services as care_services
from monitoring.care.cycle import cycle_summary, period_starts
from monitoring.surfaces.athlete.view_models import AthleteContext
from monitoring.surfaces.athlete.views import athlete_page
from rehab.errors import ApplicationError


class ConsentForm(forms.Form):
    given = forms.TypedChoiceField(choices=[("1", "On"), ("0", "Off")], coerce=int)


class PeriodForm(forms.Form):
    started_on = forms.DateField(label="The day your period started")
    remove = forms.BooleanField(required=False)

    def __init__(self, *args, today: dt.date, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["started_on"].widget = forms.DateInput(
            attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d"
        )
        self.fields["started_on"].initial = today


def _consent(request, ctx: AthleteContext):
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose on or off.")
        return None
    try:
        consent = care_services.cycle_consent_set(
            athlete=ctx.athlete, by=request.user, given=bool(form.cleaned_data["given"])
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(
        request,
        "Cycle log on: only your clinical team sees it."
        if consent.given
        else "Cycle log off: your entries are hidden and no longer used.",
    )
    return redirect("athlete:cycle")


def _period(request, ctx: AthleteContext, form: PeriodForm):
    if not form.is_valid():
        return None
    day = form.cleaned_data["started_on"]
    try:
        if form.cleaned_data["remove"]:
            care_services.period_start_delete(athlete=ctx.athlete, by=request.user, started_on=day)
            messages.success(request, f"Removed: {day:%-d %b %Y}.")
        else:
            care_services.period_start_record(
                athlete=ctx.athlete, by=request.user, started_on=day, today=ctx.today
            )
            messages.success(request, f"Saved: period started {day:%-d %b %Y}.")
    except ApplicationError as exc:
        exc.add_to_form(form)
        return None
    return redirect("athlete:cycle")


@athlete_page
@never_cache
@require_http_methods(["GET", "POST"])
def cycle(request, ctx: AthleteContext):
    form = PeriodForm(today=ctx.today)
    status = 200
    if request.method == "POST":
        if "given" in request.POST:
            done = _consent(request, ctx)
        else:
            form = PeriodForm(request.POST, today=ctx.today)
            done = _period(request, ctx, form)
        if done is not None:
            return done
        status = 400
    athlete = ctx.athlete
    summary = cycle_summary(athlete, ctx.today)
    context = {
        "ctx": ctx,
        "tab": "cycle",
        "today": ctx.today,
        "yesterday": ctx.today - dt.timedelta(days=1),
        "on": cycle_consent_given(athlete),
        "summary": summary,
        "starts": period_starts(athlete),
        "form": form,
    }
    return render(request, "athlete/cycle.html", context, status=status)
