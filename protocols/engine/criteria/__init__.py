"""The criteria language: a registry of typed criterion kinds (see docs/criteria.md).

``base`` holds what every kind shares (parameters, results, windows, the ``Kind`` class and the
registry's functions); the kinds live by family in ``phase`` (time in phase, logging, sign-off),
``pain``, ``symptoms``, ``assessments``, ``load`` and ``case_facts`` (the case's recorded facts
and bone-health screens). This package registers every kind, in the order below, then makes the
kind lists by role.
"""

from protocols.engine.criteria import assessments, case_facts, load, pain, phase, symptoms
from protocols.engine.criteria.base import (
    ASSESSMENT_TESTS,
    PAIN_CHARACTERS,
    PAIN_FIELDS,
    REGISTRY,
    ROLES,
    CriterionError,
    CriterionResult,
    Kind,
    Measure,
    Param,
    Role,
    Window,
    describe,
    evaluate,
    format_value,
    get_kind,
    kinds_for,
    pain_value,
    register,
    validate,
    validate_list,
)
from protocols.engine.criteria.pain import (
    NON_IMPACT_ACTIVITIES,
    impact_days,
    is_impact_activity,
    pain_max_logs_needed,
)

# Every kind, in the order forms offer them (within a role, the first is a new row's kind).
for _kind in (
    phase.MinDaysInPhase,
    pain.PainMax,
    pain.PainFreeStreak,
    pain.PainNotRising,
    symptoms.NoSharpPain,
    symptoms.NoNightPain,
    phase.Adherence,
    assessments.Assessment,
    load.WeeklyLoadIncrease,
    phase.ClinicianSignoff,
    pain.PainAbove,
    pain.PainPersisting,
    pain.PainRising,
    pain.NextMorningWorse,
    symptoms.SharpPain,
    symptoms.NightPain,
    symptoms.Swelling,
    pain.SeverePain,
    load.LoadSpike,
    case_facts.OrthopaedicDecision,
    case_facts.FemoralNeckFindings,
    case_facts.BoneHealthScreen,
):
    register(_kind)

ADVANCE_KINDS: tuple[str, ...] = tuple(k.kind for k in kinds_for("advance"))
REGRESS_KINDS: tuple[str, ...] = tuple(k.kind for k in kinds_for("regress"))
WARNING_KINDS: tuple[str, ...] = tuple(k.kind for k in kinds_for("warning"))

__all__ = [
    "ADVANCE_KINDS",
    "ASSESSMENT_TESTS",
    "NON_IMPACT_ACTIVITIES",
    "PAIN_CHARACTERS",
    "PAIN_FIELDS",
    "REGISTRY",
    "REGRESS_KINDS",
    "ROLES",
    "WARNING_KINDS",
    "CriterionError",
    "CriterionResult",
    "Kind",
    "Measure",
    "Param",
    "Role",
    "Window",
    "describe",
    "evaluate",
    "format_value",
    "get_kind",
    "impact_days",
    "is_impact_activity",
    "kinds_for",
    "pain_max_logs_needed",
    "pain_value",
    "register",
    "validate",
    "validate_list",
]
