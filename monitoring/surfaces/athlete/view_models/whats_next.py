"""What's next: the phase's advance criteria as the athlete's goals (each kind's words from
``protocols.engine.wording``), the next stage's expected start and the plan's ladder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from monitoring.evaluation import selectors
from monitoring.surfaces.athlete.view_models.context import AthleteContext
from monitoring.surfaces.athlete.view_models.today import main_activity_noun
from protocols.engine import wording
from protocols.engine.criteria.text import count
from protocols.engine.gating import Evaluation, evaluate
from protocols.engine.projection import Projection, project
from protocols.models import PlanPhase


@dataclass(frozen=True)
class Goal:
    """An advance criterion as the athlete's goal, and how far along they are."""

    text: str
    status: str
    met: bool | None


@dataclass(frozen=True)
class Goals:
    """The phase's goals still open (not met or unknown) and those met."""

    open: list[Goal]
    met: list[Goal]


def goals(evaluation: Evaluation, phase: PlanPhase) -> Goals:
    """The advance criteria rewritten for the athlete: still open (not met or unknown), met."""
    noun = main_activity_noun(phase)
    open_, met = [], []
    for result in evaluation.advance:
        goal = Goal(
            text=wording.athlete_goal(result, noun),
            status=wording.athlete_status(result),
            met=result.met,
        )
        (met if result.met is True else open_).append(goal)
    return Goals(open=open_, met=met)


def evaluate_context(ctx: AthleteContext) -> Evaluation | None:
    """The current phase evaluated now, read-only (the Celery task raises the flags)."""
    if ctx.case is None or ctx.plan is None:
        return None
    snap = selectors.case_snapshot(ctx.case.pk, ctx.today)
    if snap is None:
        return None
    return evaluate(
        snap.spec, snap.snapshot, ctx.today, missing_log_days=settings.REHAB_MISSING_LOG_DAYS
    )


@dataclass(frozen=True)
class NextStep:
    """The stage after the current one and when it may start."""

    name: str | None  # None: the current phase is the last one
    earliest: dt.date
    typical: dt.date
    assumptions: str


def projection(ctx: AthleteContext) -> Projection | None:
    """The plan's phases projected from today: when each is expected to start and end."""
    if ctx.plan is None:
        return None
    return project(ctx.phases, today=ctx.today, start=ctx.plan.started_on)


def next_step(ctx: AthleteContext) -> NextStep | None:
    """The next stage and when it may start, earliest and usual, with what that assumes."""
    proj, phase = projection(ctx), ctx.phase
    if proj is None or phase is None:
        return None
    current = proj.for_order(phase.order)
    if current is None:
        return None
    later = [p for p in ctx.phases if p.order > phase.order]
    assumptions = (
        f"Earliest if every goal is met as soon as the minimum of "
        f"{count(phase.min_days, 'day')} allows; usual if this stage takes its typical "
        f"{count(phase.typical_days, 'day')}. "
        "Your clinician decides when you move on."
    )
    return NextStep(
        name=later[0].name if later else None,
        earliest=current.earliest_end,
        typical=current.typical_end,
        assumptions=assumptions,
    )


@dataclass(frozen=True)
class Rung:
    """One stage of the plan's ladder."""

    number: int
    name: str
    status: str  # done | current | upcoming
    started_on: dt.date | None
    ended_on: dt.date | None
    expected_start: dt.date
    expected_end: dt.date


def ladder(ctx: AthleteContext) -> list[Rung]:
    """Every stage of the plan: done, current or upcoming, with its dates."""
    proj = projection(ctx)
    if proj is None:
        return []
    return [
        Rung(
            number=i,
            name=p.name,
            status=p.status,
            started_on=p.started_on,
            ended_on=p.ended_on,
            expected_start=p.typical_start,
            expected_end=p.typical_end,
        )
        for i, p in enumerate(proj.phases, start=1)
    ]
