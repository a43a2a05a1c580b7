"""A phase's evaluation as the case page shows it, and the signed copy a decision records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core import signing

from athletes.models import Case
from protocols.engine import criteria
from protocols.engine.gating import Evaluation
from protocols.models import PlanPhase

EVALUATION_SALT = "clinic.decision.evaluation"
EVALUATION_MAX_AGE = 24 * 3600  # seconds a shown evaluation may be decided on


@dataclass(frozen=True)
class ResultRow:
    label: str
    met: bool | None
    observed: str
    threshold: str
    sentence: str
    red_flag: bool = False

    @property
    def status(self) -> str:
        return {True: "met", False: "not-met", None: "unknown"}[self.met]


@dataclass(frozen=True)
class EvaluationView:
    day: dt.date
    summary: str
    ready: bool
    advance: tuple[ResultRow, ...]
    fired: tuple[ResultRow, ...]
    quiet: tuple[ResultRow, ...]  # regression rules that did not fire (or are unknown)
    warnings: tuple[ResultRow, ...]
    met_count: int
    unknown_count: int
    missing_logs: bool
    days_without_log: int

    @property
    def red(self) -> bool:
        return any(r.red_flag for r in self.fired)


def kind_label(kind: str) -> str:
    """The criterion kind's label ("Pain during activity"), or the kind in words."""
    try:
        return criteria.get_kind(kind).label
    except criteria.CriterionError:
        return kind.replace("_", " ").capitalize()


def _row(result: Any) -> ResultRow:
    return ResultRow(
        label=kind_label(result.kind),
        met=result.met,
        # In the criterion's unit ("3/10", "0 reports", "7 days"); "—" when unknown.
        observed=criteria.format_value(result.observed, getattr(result, "unit", "")),
        threshold=criteria.format_value(result.threshold, getattr(result, "unit", "")),
        sentence=result.sentence,
        red_flag=result.red_flag,
    )


def evaluation_view(evaluation: Evaluation) -> EvaluationView:
    return EvaluationView(
        day=evaluation.day,
        summary=evaluation.summary,
        ready=evaluation.ready,
        advance=tuple(_row(r) for r in evaluation.advance),
        fired=tuple(_row(r) for r in evaluation.fired),
        quiet=tuple(_row(r) for r in evaluation.regress if r.met is not True),
        warnings=tuple(_row(r) for r in evaluation.warnings),
        met_count=sum(1 for r in evaluation.advance if r.met is True),
        unknown_count=len(evaluation.unknown),
        missing_logs=evaluation.missing_logs,
        days_without_log=evaluation.days_without_log,
    )


def stored_evaluation_view(data: Mapping[str, Any] | None) -> EvaluationView | None:
    """A stored evaluation (a transition's or a flag's) for reading, or None if unreadable."""
    if not data:
        return None
    try:
        return evaluation_view(Evaluation.from_dict(data))
    except (KeyError, TypeError, ValueError):
        return None


def sign_evaluation(case: Case, phase: PlanPhase, evaluation: Evaluation) -> str:
    """The evaluation shown to the clinician, signed so that the decision records exactly it."""
    payload = {"case": case.pk, "phase": phase.pk, "evaluation": evaluation.to_dict()}
    return signing.dumps(payload, salt=EVALUATION_SALT, compress=True)


def unsign_evaluation(token: str, *, case: Case) -> tuple[int, dict[str, Any]]:
    """(phase id, evaluation dict) of a token from ``sign_evaluation`` for this case.

    Raises ``signing.BadSignature`` (``SignatureExpired`` after a day) for anything else.
    """
    payload = signing.loads(token, salt=EVALUATION_SALT, max_age=EVALUATION_MAX_AGE)
    if payload.get("case") != case.pk:
        raise signing.BadSignature("Evaluation of another case.")
    return int(payload["phase"]), dict(payload["evaluation"])
