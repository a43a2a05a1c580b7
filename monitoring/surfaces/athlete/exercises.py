"""The athlete's tick of an exercise on Today (POST /me/exercises/tick/).

With JavaScript the page posts in the background (``static/js/athlete-exercises.js``, which
keeps a tick made offline and sends it later) and gets JSON; without, the form posts and the
page comes back. The service makes a repeat harmless: one completion per exercise and day."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from monitoring.exercises import selectors
from monitoring.exercises.services import exercise_tick
from monitoring.surfaces.athlete import view_models as pages
from monitoring.surfaces.athlete.views import athlete_page
from rehab.errors import ApplicationError


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@athlete_page
@require_POST
def tick(request, ctx: pages.AthleteContext):
    key = str(request.POST.get("exercise") or "")
    try:
        day = dt.date.fromisoformat(str(request.POST.get("day") or ctx.today.isoformat()))
    except ValueError:
        day = None
    done = request.POST.get("done", "1") != "0"
    try:
        if ctx.case is None or day is None:
            raise ApplicationError("There is no such exercise to tick.")
        exercise_tick(case=ctx.case, exercise_key=key, by=request.user, on=day, done=done)
    except ApplicationError as exc:
        if _wants_json(request):
            return JsonResponse({"detail": exc.message, "errors": exc.errors}, status=400)
        messages.error(request, exc.message)
        return redirect("athlete:today")
    if _wants_json(request):
        summary = selectors.phase_exercises(ctx.case, ctx.phase, ctx.today)
        row = next((r for r in summary.rows if r.exercise.key == key), None) if summary else None
        return JsonResponse(
            {
                "exercise": key,
                "day": day.isoformat(),
                "done": done,
                "week_line": row.week_line if row else "",
                "done_this_week": row.done_this_week if row else 0,
                "week_done": summary.week.done if summary else 0,
                "week_prescribed": summary.week.prescribed if summary else 0,
            }
        )
    return redirect(reverse("athlete:today") + "#exercises")
