"""Today's run-walk programme session for the athlete: the stage to do as intervals, or a rest
day, with what the interval timer needs (static/js/run-timer.js) and the log it opens."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from monitoring.evaluation.programmes import phase_programme_state
from monitoring.surfaces.athlete.view_models.log import PROGRAMME_ACTIVITY
from protocols.engine.programme import COMPLETED, ProgrammeState


@dataclass(frozen=True)
class ProgrammeToday:
    state: ProgrammeState
    stage: int  # the stage offered today (the lower one while a step down waits)
    total: int
    label: str
    minutes: int
    intervals_json: str
    log_url: str
    rest_line: str  # "" on a run day
    pending: bool
    finished: bool


def _when(day: dt.date, today: dt.date) -> str:
    if day <= today + dt.timedelta(days=1):
        return "tomorrow" if day > today else "today"
    return f"on {day:%A} {day.day} {day:%B}"


def programme_today(ctx, stop: bool) -> ProgrammeToday | None:
    """None without a programme in the current phase, or when the athlete must stop."""
    if stop or ctx.phase is None:
        return None
    state = phase_programme_state(ctx.phase, ctx.athlete.pk, ctx.today)
    if state is None:
        return None
    stage = state.offered
    rest = ""
    if state.ran_today:
        rest = f"Today's run is done — next run {_when(state.next_run_on, ctx.today)}."
    elif not state.run_due:
        rest = f"Rest day — next run {_when(state.next_run_on, ctx.today)}."
    query = urlencode(
        {
            "activity": PROGRAMME_ACTIVITY,
            "minutes": stage.minutes,
            "programme_stage": state.offered_stage,
        }
    )
    return ProgrammeToday(
        state=state,
        stage=state.offered_stage,
        total=len(state.stages),
        label=stage.label(),
        minutes=stage.minutes,
        intervals_json=json.dumps(stage.intervals()),
        log_url=f"{reverse('athlete:log')}?{query}",
        rest_line=rest,
        pending=state.step_down is not None,
        finished=state.finished,
    )


__all__ = ["COMPLETED", "ProgrammeToday", "programme_today"]
