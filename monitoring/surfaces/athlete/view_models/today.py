"""Today's plan in plain words: ``protocols.phase_words``, the one home of a phase's words for
the athlete (the printed plan summary reads them too)."""

from protocols.phase_words import (
    ACTIVITY_NOUNS,
    IMPACT_WORDS,
    WEIGHT_BEARING_WORDS,
    Prescription,
    allowed_today,
    main_activity_noun,
    pain_limits,
    prescriptions,
)

__all__ = [
    "ACTIVITY_NOUNS",
    "IMPACT_WORDS",
    "WEIGHT_BEARING_WORDS",
    "Prescription",
    "allowed_today",
    "main_activity_noun",
    "pain_limits",
    "prescriptions",
]
