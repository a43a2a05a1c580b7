"""The run-walk programme's flag: a step down the engine proposes (pain above the programme's
limit during or after a run, pain worse the next morning, sharp pain), explained to the clinical
team in the same evaluation that sees the pain, until a clinician confirms or declines it on the
case page (``protocols.services.programmes.programme_step_down_decide``)."""

from __future__ import annotations

import datetime as dt

from monitoring.models import Flag
from protocols.engine.programme import snapshot_state
from protocols.engine.records import Snapshot


def programme_flags(snapshot: Snapshot, day: dt.date) -> dict[str, dict]:
    """The flag the programme calls for on ``day``, by kind (none without a programme or a
    proposal)."""
    state = snapshot_state(snapshot, day)
    if state is None or state.step_down is None:
        return {}
    proposal = state.step_down
    return {
        Flag.Kind.PROGRAMME_STEP_DOWN: {
            "kinds": (),  # not a criterion of the phase: no "worse" notice of its own
            "title": f"Run-walk programme: step down to stage {proposal.to_stage} proposed",
            "message": proposal.sentence()
            + " The athlete is shown the lower stage until a clinician confirms or declines "
            "the step down on the case page.",
            # beside the phase's evaluation in the flag's ``evaluation`` (the API's readers)
            "detail": {
                "programme_step_down": {
                    "trigger": proposal.trigger.isoformat(),
                    "from_stage": proposal.from_stage,
                    "to_stage": proposal.to_stage,
                    "reasons": list(proposal.reasons),
                }
            },
        }
    }
