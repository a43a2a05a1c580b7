"""The run-walk programme's panels that other pages include: the clinician's case page (stages,
current stage, sessions at it, a pending step down with Confirm and Decline). Each asks
``athletes.permissions`` and costs two queries (the phase's sessions and logs) when the phase has
a programme, none otherwise."""

from __future__ import annotations

from django import template

from athletes import permissions
from monitoring.evaluation.programmes import phase_programme_state

register = template.Library()


def _state(case, phase, today):
    if phase is None or not phase.programme:
        return None
    return phase_programme_state(phase, case.athlete_id, today)


@register.inclusion_tag("clinic/_programme.html", takes_context=True)
def case_programme(context, page):
    """``{% case_programme page %}`` on the clinician's case page."""
    user, case, phase = context["request"].user, page.case, page.phase
    if phase is None or not permissions.can_view_programme_stage(user, case):
        return {"show": False}
    walk_run = [p for p in page.phases if p.programme]
    if not phase.programme and not walk_run:
        return {"show": False}
    return {
        "show": True,
        "case": case,
        "phase": phase,
        "programme": phase.programme,
        "state": _state(case, phase, page.today),
        # no run is due while a red flag is open (the athlete's Today says stop)
        "stopped": bool(page.open_red_flags),
        "walk_run_phases": walk_run,
        "detail": permissions.can_view_programme_detail(user, case),
        "can_decide": permissions.can_decide_programme(user, case),
        "csrf_token": context.get("csrf_token"),
    }
