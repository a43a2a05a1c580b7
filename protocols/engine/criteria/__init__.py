"""The criteria language: a registry of typed criterion kinds (see docs/criteria.md).

``base`` holds the ``Kind`` class and the registry's functions; what kinds are made of is in
``vocabulary`` (roles, pain measures, tests), ``params`` (declared parameters), ``results``
(what judging gives), ``windows`` (the days judged) and ``text`` (how numbers and pain measures
are written, for clinicians and athletes). The kinds live by family in ``phase`` (time in phase,
logging, sign-off), ``pain`` (limits, streaks, pain that lasts), ``pain_trend`` (pain over the
weeks and the next morning), ``impact`` (severe pain with impact work), ``symptoms``,
``assessments``, ``load``, ``case_facts`` (the case's recorded facts and bone-health
screens) and ``volume`` (running against the pre-injury week). This package registers every
kind, in the order below, then makes the kind lists by role.
"""

from protocols.engine.criteria import (
    assessments,
    case_facts,
    impact,
    load,
    pain,
    pain_trend,
    phase,
    symptoms,
    volume,
)
from protocols.engine.criteria.base import (
    REGISTRY,
    CriterionError,
    Kind,
    PainLimit,
    describe,
    evaluate,
    get_kind,
    kinds_for,
    register,
    validate,
    validate_list,
)
from protocols.engine.criteria.impact import (
    NON_IMPACT_ACTIVITIES,
    SeverePain,
    impact_days,
    is_impact_activity,
)
from protocols.engine.criteria.pain import pain_max_logs_needed
from protocols.engine.criteria.params import Param
from protocols.engine.criteria.results import CriterionResult, Measure, format_value
from protocols.engine.criteria.vocabulary import (
    ASSESSMENT_TESTS,
    PAIN_CHARACTERS,
    PAIN_FIELDS,
    ROLES,
    Role,
)
from protocols.engine.criteria.windows import Window, pain_value

# Every kind, in the order forms offer them (within a role, the first is a new row's kind).
for _kind in (
    phase.MinDaysInPhase,
    pain.PainMax,
    pain.PainFreeStreak,
    pain_trend.PainNotRising,
    symptoms.NoSharpPain,
    symptoms.NoNightPain,
    phase.Adherence,
    assessments.Assessment,
    load.WeeklyLoadIncrease,
    phase.ClinicianSignoff,
    pain.PainAbove,
    pain.PainPersisting,
    pain_trend.PainRising,
    pain_trend.NextMorningWorse,
    symptoms.SharpPain,
    symptoms.NightPain,
    symptoms.Swelling,
    impact.SeverePain,
    load.LoadSpike,
    case_facts.OrthopaedicDecision,
    case_facts.FemoralNeckFindings,
    case_facts.BoneHealthScreen,
    volume.PreInjuryVolume,
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
    "PainLimit",
    "Param",
    "Role",
    "SeverePain",
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
