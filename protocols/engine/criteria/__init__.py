"""The criteria language: a registry of typed criterion kinds (see docs/criteria.md).

The registry and the kinds that read logs, sessions and assessments live in ``base``; the kinds
that read the case's facts and bone-health screens in ``case_facts``. Importing this package
registers every family, then makes the kind lists by role.
"""

from protocols.engine.criteria import case_facts
from protocols.engine.criteria.base import (
    ASSESSMENT_TESTS,
    NON_IMPACT_ACTIVITIES,
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
    impact_days,
    is_impact_activity,
    kinds_for,
    pain_max_logs_needed,
    pain_value,
    register,
    validate,
    validate_list,
)

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
    "case_facts",
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
