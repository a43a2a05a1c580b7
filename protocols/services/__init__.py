"""Writes of templates, plans and phase transitions. Every write validates before it saves.

One module per purpose: ``validation`` (phases and prescriptions), ``templates`` (the template
library), ``plans`` (a case's plan), ``transitions`` (phase decisions) and ``corrections`` (a
start date, an undone decision). Callers use ``from protocols import services`` and
``services.plan_create(...)``.

No code path here moves a plan to another phase without a person's decision: every phase change
is a ``PhaseTransition`` with who, when, why and the evaluation that was shown.
"""

from protocols.services.corrections import UNDOABLE, plan_start_correct, transition_undo
from protocols.services.exercises import (
    EXERCISE_KEYS,
    MAX_EXERCISES,
    exercises_clean,
    install_shipped_exercises,
    phase_exercises_update,
)
from protocols.services.plans import phase_sign_off, plan_create, plan_phases_update, plan_start
from protocols.services.return_to_play import (
    current_return_decision,
    latest_return_decision,
    require_return_decision,
    return_decision_record,
)
from protocols.services.templates import (
    install_shipped_templates,
    template_draft_create,
    template_draft_update,
    template_new_draft,
    template_publish,
)
from protocols.services.transitions import JUDGED_FROM_MAX_DAYS, transition_decide
from protocols.services.validation import (
    PHASE_FIELDS,
    PRESCRIPTION_KEYS,
    phase_clean,
    phases_clean,
    prescriptions_clean,
)

__all__ = [
    "EXERCISE_KEYS",
    "MAX_EXERCISES",
    "JUDGED_FROM_MAX_DAYS",
    "PHASE_FIELDS",
    "PRESCRIPTION_KEYS",
    "UNDOABLE",
    "current_return_decision",
    "latest_return_decision",
    "require_return_decision",
    "return_decision_record",
    "exercises_clean",
    "install_shipped_exercises",
    "install_shipped_templates",
    "phase_exercises_update",
    "phase_clean",
    "phase_sign_off",
    "phases_clean",
    "plan_create",
    "plan_phases_update",
    "plan_start",
    "plan_start_correct",
    "prescriptions_clean",
    "template_draft_create",
    "template_draft_update",
    "template_new_draft",
    "template_publish",
    "transition_decide",
    "transition_undo",
]
