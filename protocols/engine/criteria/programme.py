"""The criterion kind of the run-walk programme: a stage reached (or finished) in the phase's
programme (``protocols.engine.programme``), to gate the next phase on it.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.programme import snapshot_state
from protocols.engine.records import Snapshot


class ProgrammeStage(Kind):
    kind = "programme_stage"
    label = "Run-walk programme stage reached"
    role = "advance"
    params = (
        Param("stage", "int", "Stage", required=True, min=1, max=20),
        Param(
            "finished",
            "bool",
            "Stage finished",
            default=False,
            help="Met only once the stage's pain-free sessions are done, not on reaching it.",
        ),
    )
    help = (
        "Met when the athlete has reached (or finished) this stage of the phase's run-walk "
        "programme, with no step down waiting for a decision; unknown without a programme."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        verb = "finished" if p["finished"] else "reached"
        return f"Stage {p['stage']} of the run-walk programme {verb}."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        state = snapshot_state(snapshot, today)
        want = p["stage"]
        if state is None:
            why = "Not enough data: this phase has no run-walk programme."
            return Measure(None, None, want, why, "stage")
        total = len(state.stages)
        done = state.stage > want or (state.stage == want and state.finished)
        met = done if p["finished"] else state.stage >= want
        why = (
            f"At stage {state.stage} of {total}, {state.sessions_done} of "
            f"{state.sessions_needed} pain-free sessions done"
        )
        if state.step_down is not None:
            why += f"; a step down to stage {state.step_down.to_stage} waits for a decision"
            met = False
        if want > total:
            why += f"; the programme has only {total} stages"
        return Measure(met, state.stage, want, why + ".", "stage")

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        verb = "Finish" if p["finished"] else "Reach"
        return f"{verb} stage {p['stage']} of your run-walk programme"

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.observed is None:
            return "Your clinician will set up your run-walk programme"
        return f"You are at stage {result.observed}: keep going"

    def coach_words(self, p: Mapping[str, Any]) -> str:
        """The gate as training information for a coach (no clinical detail)."""
        verb = "finished" if p["finished"] else "reached"
        return f"Next phase once run-walk stage {p['stage']} is {verb}"
