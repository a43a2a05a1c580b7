"""A clinician's phase decision, judged the same way from the case page and from the API.

The system recommends, a person decides (``protocols.services.transition_decide`` records the
decision). Moving on — advancing or completing the plan — against the recommendation needs an
explicit override with a reason: when the current evaluation is not "ready" (a criterion unmet or
unknown) or when a red flag is open or firing. The evaluation kept with the decision is the
current one, computed by the server, never one a client sends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from athletes.models import User
from monitoring.evaluation import selectors
from monitoring.models import Flag
from protocols import services as plan_services
from protocols.engine.gating import Evaluation, evaluate
from protocols.models import PhaseTransition, Plan, PlanPhase
from rehab.errors import ApplicationError

MOVING_ON = frozenset({PhaseTransition.Kind.ADVANCE, PhaseTransition.Kind.COMPLETE})


def current_evaluation(case_id: int, today: dt.date) -> Evaluation | None:
    """The case's current phase evaluated now (five queries), or None without an active plan."""
    ctx = selectors.case_snapshot(case_id, today)
    if ctx is None:
        return None
    return evaluate(ctx.spec, ctx.snapshot, today, missing_log_days=settings.REHAB_MISSING_LOG_DAYS)


def has_open_red_flag(case_id: int) -> bool:
    return Flag.objects.filter(
        case_id=case_id, kind=Flag.Kind.RED_FLAG, status__in=Flag.UNRESOLVED
    ).exists()


def override_needed(kind: str, evaluation: Evaluation | None, *, open_red_flag: bool) -> str | None:
    """Why moving on needs an override, or None when it does not (or the decision is a hold or
    a step back, which never needs one). Unknown is never "ready": no evaluation needs one."""
    if kind not in MOVING_ON:
        return None
    why = []
    if evaluation is None or not evaluation.ready:
        why.append("the evaluation does not recommend moving on")
    if open_red_flag or (evaluation is not None and evaluation.red_flags):
        why.append("a red flag is open")
    if not why:
        return None
    return _cap(" and ".join(why)) + ": confirm the override to decide so, with a reason."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def phase_decide(
    *,
    plan: Plan,
    kind: str,
    decided_by: User,
    reason: str,
    effective_on: dt.date,
    today: dt.date,
    override: bool = False,
    to_phase: PlanPhase | None = None,
    expected_phase_id: int | None = None,
    evaluation: Evaluation | None = None,
    open_red_flag: bool | None = None,
    shown_evaluation: Mapping[str, Any] | None = None,
    **extra: Any,
) -> PhaseTransition:
    """Judge and record a phase decision.

    ``evaluation`` and ``open_red_flag`` are the current ones when the caller already has them
    (the case page computes them for the same request); otherwise they are computed here.
    ``shown_evaluation`` is the evaluation the page showed (signed by the server): kept with
    the decision when given, else the current one. ``extra`` goes to the service as it is.
    Raises ``ApplicationError`` (field ``override``) when an override is needed and not given.
    """
    if evaluation is None:
        evaluation = current_evaluation(plan.case_id, today)
    if open_red_flag is None:
        open_red_flag = has_open_red_flag(plan.case_id)
    why = override_needed(kind, evaluation, open_red_flag=open_red_flag)
    if why and not override:
        raise ApplicationError(why, {"override": why})
    record = shown_evaluation
    if record is None and evaluation is not None:
        record = evaluation.to_dict()
    return plan_services.transition_decide(
        plan=plan,
        kind=kind,
        decided_by=decided_by,
        reason=reason,
        effective_on=effective_on,
        evaluation=record,
        to_phase=to_phase,
        expected_phase_id=expected_phase_id,
        overridden=why is not None,
        **extra,
    )
