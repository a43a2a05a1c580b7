"""The coach pages: thin views over the coach view models (``board``, ``export`` and
``athlete_view`` of this package).

Every page answers the cases on which the user is the coach: a case they coach is a 200, any
other case a 404 (``monitoring.surfaces.coach.queries.coach_case``), whatever their role
elsewhere.
"""

from __future__ import annotations

import csv
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from athletes import permissions
from athletes.models import Team
from monitoring.surfaces.coach import athlete_view as pages
from monitoring.surfaces.coach import board as coach_board
from monitoring.surfaces.coach import export
from monitoring.surfaces.coach.return_outcome import return_outcome


def _board(request):
    today = timezone.localdate()
    filters = coach_board.BoardFilters.from_query(request.GET)
    everyone = coach_board.board_facts(request.user, today=today)
    rows = coach_board.filter_and_sort(everyone, filters)
    return today, filters, everyone, rows


def coach_page(view):
    """Log-in required; a person who is not a coach (``athletes.permissions.can_use_coach_pages``)
    is sent to their own home."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_use_coach_pages(request.user):
            return redirect("home")
        return view(request, *args, **kwargs)

    return wrapper


@coach_page
@require_GET
def board(request):
    today, filters, everyone, rows = _board(request)
    team_ids = {r.team_id for r in everyone if r.team_id}
    # The coach's teams (Team.staff) and the teams of the athletes they coach: one query.
    teams = Team.objects.filter(staff=request.user) | Team.objects.filter(pk__in=team_ids)
    context = {
        "today": today,
        "filters": filters,
        "rows": rows,
        "groups": coach_board.board_groups(rows),
        "total": len(everyone),
        "counts": coach_board.light_counts(everyone),
        "teams": list(teams.distinct().order_by("name")),
        "sorts": coach_board.SORTS,
        "lights": coach_board.LIGHT_FILTERS,
        "query": request.GET.urlencode(),
    }
    return render(request, "coach/board.html", context)


@coach_page
@require_GET
def board_csv(request):
    today, _filters, _everyone, rows = _board(request)
    header, cells = export.csv_table(rows)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="team-board-{today:%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(cells)
    return response


@login_required
@require_GET
def restrictions(request, case_id: int):
    today = timezone.localdate()
    view = pages.restrictions_card(request.user, case_id, today=today)
    return render(request, "coach/restrictions.html", {"view": view, "today": today})


@login_required
@require_GET
def athlete(request, case_id: int):
    today = timezone.localdate()
    view = pages.athlete_view(request.user, case_id, today=today)
    context = {
        "view": view,
        "today": today,
        "return_outcome": return_outcome(request.user, case_id),
    }
    return render(request, "coach/athlete.html", context)
