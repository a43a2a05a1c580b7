"""The athlete's shoes (/me/shoes/): name a pair, see the distance run in each, retire one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from monitoring.ingest.shoes import shoe_add, shoe_distances, shoe_retire
from monitoring.models import Shoe
from monitoring.surfaces.athlete.forms import ShoeForm
from monitoring.surfaces.athlete.views import athlete_page, base_context
from rehab.errors import ApplicationError


@athlete_page
def shoes(request, ctx):
    form = ShoeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                shoe = shoe_add(
                    athlete=ctx.athlete,
                    name=form.cleaned_data["name"],
                    km_before=form.cleaned_data["km_before"] or 0,
                )
            except ApplicationError as exc:
                exc.add_to_form(form)
            else:
                messages.success(request, f"Added “{shoe.name}”: pick it when you log a run.")
                return redirect("athlete:shoes")
        status = 400
    pairs = shoe_distances(ctx.athlete)
    context = base_context(
        ctx,
        "progress",
        form=form,
        in_use=[p for p in pairs if p.shoe.retired_on is None],
        retired=[p for p in pairs if p.shoe.retired_on is not None],
    )
    return render(request, "athlete/shoes.html", context, status=status)


@athlete_page
@require_POST
def shoe_state(request, ctx, shoe_id: int):
    """Retire a pair, or bring a retired one back: only the athlete's own (else a 404)."""
    shoe = get_object_or_404(Shoe, pk=shoe_id, athlete=ctx.athlete)
    retire = request.POST.get("retire") == "1"
    shoe_retire(shoe=shoe, on=ctx.today, retired=retire)
    messages.success(request, f"“{shoe.name}” {'retired' if retire else 'back in use'}.")
    return redirect("athlete:shoes")
