"""Where an athlete stands in their phase's run-walk programme, read for the pages and the API
(the evaluation reads it from the case's snapshot): the run sessions and daily logs of the phase,
two queries, replayed by the engine (``protocols.engine.programme``)."""

from __future__ import annotations

import datetime as dt

from athletes import permissions
from monitoring.evaluation.windows import log_rows, session_rows
from protocols.engine.programme import ProgrammeState, programme_state
from protocols.engine.records import LogEntry, SessionEntry
from protocols.models import PlanPhase

_new = tuple.__new__


def phase_began(phase: PlanPhase, today: dt.date) -> dt.date:
    """The first day the phase's data are judged: its start or, after a step back, the later
    ``judged_from`` (as ``Snapshot.began_on``)."""
    started = phase.started_on or today
    judged = phase.judged_from
    return judged if judged is not None and judged > started else started


def phase_programme_state(
    phase: PlanPhase | None, athlete_id: int, today: dt.date
) -> ProgrammeState | None:
    """The athlete's place in the phase's programme on ``today``; None without a programme or
    before the phase has started."""
    if phase is None or not phase.programme or phase.started_on is None:
        return None
    began = phase_began(phase, today)
    sessions = [_new(SessionEntry, row[1:]) for row in session_rows([athlete_id], began, today)]
    logs = [_new(LogEntry, row[1:]) for row in log_rows([athlete_id], began, today)]
    return programme_state(phase.programme, sessions, logs, began, today)


def programme_stage_for(user, case, phase: PlanPhase | None, today: dt.date):
    """``phase_programme_state`` for a viewer who may see the programme's stage (a coach: the
    stage as training information), else None."""
    if phase is None or not permissions.can_view_programme_stage(user, case):
        return None
    return phase_programme_state(phase, case.athlete_id, today)
