"""The road back to running on the athlete's and the coach's pages: this week's running
against the pre-injury week (the athlete in km or minutes, a coach only as a %), and the
athlete's cadence cue. Each tag asks ``athletes.permissions`` and costs a query or two (said in
its docstring)."""

from __future__ import annotations

from django import template

from athletes import permissions
from athletes.selectors import cases_for_user
from monitoring.ingest.checks import athlete_today
from monitoring.running import selectors

register = template.Library()


@register.inclusion_tag("athlete/_road_back.html", takes_context=True)
def road_back_athlete(context, ctx, stopped=False):
    """Today/Progress: the bar and the cadence cue, for the athlete's own active case. No cue
    while the athlete is told to stop (``stopped``): no run is due to take it to."""
    user, case = context["request"].user, getattr(ctx, "case", None)
    if case is None or not permissions.can_view_road_back_amounts(user, case):
        return {"show": False}
    rb = selectors.road_back(case, ctx.today)
    goal = None if stopped else selectors.cadence_goal(case)
    return {"show": rb is not None or goal is not None, "rb": rb, "goal": goal}


@register.inclusion_tag("coach/_road_back.html", takes_context=True)
def road_back_coach(context, case_id):
    """The coach's athlete page: the bar as a % of the usual week (no km, no diagnosis). Two
    queries: the case with the viewer's role, the week's runs."""
    user = context["request"].user
    case = cases_for_user(user).filter(pk=case_id).select_related("athlete").first()
    if case is None or not permissions.can_view_road_back(user, case):
        return {"show": False}
    rb = selectors.road_back(case, athlete_today(case.athlete))
    amounts = permissions.can_view_road_back_amounts(user, case)
    return {"show": rb is not None, "rb": rb, "amounts": amounts}
