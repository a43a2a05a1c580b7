"""Exercise panels other pages include with one line: the athlete's exercises on Today (ticks),
their adherence on Progress and the clinician's case card (the coach's percentage is in
the coach's athlete view, ``monitoring.surfaces.coach.athlete_view``). Each tag
asks ``athletes.permissions`` and costs a fixed number of queries, whatever the number of
exercises or ticks."""

from __future__ import annotations

from django import template

from athletes import permissions
from monitoring.exercises import selectors
from monitoring.ingest.checks import athlete_today

register = template.Library()


@register.inclusion_tag("athlete/_exercises.html", takes_context=True)
def athlete_exercises(context, ctx, stop=None):
    """Today's exercises with their diagrams, doses, how-tos and ticks. Two queries."""
    user = context["request"].user
    case = ctx.case
    if case is None or ctx.phase is None or not permissions.can_view_exercises(user, case):
        return {"show": False}
    summary = selectors.phase_exercises(case, ctx.phase, ctx.today)
    return {
        "show": summary is not None,
        "summary": summary,
        "stop": stop,
        "today": ctx.today,
        "can_tick": permissions.can_tick_exercise(user, case),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("athlete/_exercise_adherence.html", takes_context=True)
def athlete_exercise_adherence(context, ctx):
    """Progress: done ÷ prescribed this week and over the phase. One query."""
    user = context["request"].user
    if ctx.case is None or not permissions.can_view_exercise_adherence(user, ctx.case):
        return {"show": False}
    found = selectors.adherence_for(ctx.case, ctx.phase, ctx.today)
    return {"show": found is not None, "week": found and found[0], "phase": found and found[1]}


@register.inclusion_tag("clinic/_exercises.html", takes_context=True)
def case_exercises(context, case, phase):
    """The case page: the current phase's exercises with this week's ticks and adherence (two
    queries) for clinical readers; the percentage alone for anyone else on the case (one).
    None when the phase prescribes no exercises."""
    if phase is None or not phase.exercises:
        return {"show": False}
    user = context["request"].user
    today = athlete_today(case.athlete)
    if permissions.can_view_exercises(user, case):
        summary = selectors.phase_exercises(case, phase, today)
        return {"show": summary is not None, "summary": summary, "case": case, "detail": True}
    if permissions.can_view_exercise_adherence(user, case):
        found = selectors.adherence_for(case, phase, today)
        return {"show": found is not None, "week": found and found[0], "phase": found and found[1]}
    return {"show": False}
