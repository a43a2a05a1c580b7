"""Replay a phase's gates day by day over stored data: "what if the criteria had been these?".

Pure: no ORM, no clock, no I/O. Every day is evaluated by ``gating.evaluate``, the very function
the live evaluation calls, on the same snapshot, so a replay of an unchanged phase gives, day by
day, what the live evaluation gave (or would have given) on that day. A replay is a projection
over past data, not a prediction of healing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from protocols.engine.gating import Evaluation, PhaseSpec, evaluate
from protocols.engine.records import Snapshot
from protocols.engine.series import day_range


@dataclass(frozen=True)
class DayOutcome:
    day: dt.date
    ready: bool
    fired: tuple[str, ...]  # kinds of the regression rules that fired
    red_flag: bool
    met: int  # advance criteria met
    total: int
    summary: str

    @property
    def regressed(self) -> bool:
        return bool(self.fired)

    @property
    def state(self) -> str:
        """red | regressed | ready | waiting."""
        if self.red_flag:
            return "red"
        if self.fired:
            return "regressed"
        return "ready" if self.ready else "waiting"


def outcome(evaluation: Evaluation) -> DayOutcome:
    return DayOutcome(
        day=evaluation.day,
        ready=evaluation.ready,
        fired=tuple(r.kind for r in evaluation.fired),
        red_flag=bool(evaluation.red_flags),
        met=sum(1 for r in evaluation.advance if r.met is True),
        total=len(evaluation.advance),
        summary=evaluation.summary,
    )


def evaluations(
    spec: PhaseSpec,
    snapshot: Snapshot,
    start: dt.date,
    end: dt.date,
    *,
    missing_log_days: int = 3,
) -> list[Evaluation]:
    """The phase evaluated on every day from ``start`` to ``end`` inclusive."""
    return [
        evaluate(spec, snapshot, day, missing_log_days=missing_log_days)
        for day in day_range(start, end)
    ]


def replay(
    spec: PhaseSpec,
    snapshot: Snapshot,
    start: dt.date,
    end: dt.date,
    *,
    missing_log_days: int = 3,
) -> tuple[DayOutcome, ...]:
    return tuple(
        outcome(e)
        for e in evaluations(spec, snapshot, start, end, missing_log_days=missing_log_days)
    )


@dataclass(frozen=True)
class Run:
    """One replay summarised: the first day ready, regressions, days ready."""

    days: tuple[DayOutcome, ...]

    @property
    def first_ready(self) -> dt.date | None:
        return next((d.day for d in self.days if d.ready), None)

    @property
    def first_regression(self) -> dt.date | None:
        return next((d.day for d in self.days if d.regressed), None)

    @property
    def days_ready(self) -> int:
        return sum(1 for d in self.days if d.ready)

    @property
    def days_regressed(self) -> int:
        return sum(1 for d in self.days if d.regressed)


@dataclass(frozen=True)
class DayPair:
    day: dt.date
    before: DayOutcome
    after: DayOutcome

    @property
    def changed(self) -> bool:
        return self.before.state != self.after.state


@dataclass(frozen=True)
class Comparison:
    """A phase replayed as it is (``before``) and as changed (``after``) over the same days."""

    start: dt.date
    end: dt.date
    before: Run
    after: Run

    @property
    def pairs(self) -> list[DayPair]:
        return [
            DayPair(b.day, b, a) for b, a in zip(self.before.days, self.after.days, strict=True)
        ]

    @property
    def changed_days(self) -> int:
        return sum(1 for p in self.pairs if p.changed)

    @property
    def ready_shift(self) -> int | None:
        """Days the first ready day moves (negative: earlier); None unless both are ready."""
        b, a = self.before.first_ready, self.after.first_ready
        return (a - b).days if a and b else None

    @property
    def verdict(self) -> str:
        return ready_verdict(self.before.first_ready, self.after.first_ready, self.end)


def ready_verdict(before: dt.date | None, after: dt.date | None, end: dt.date) -> str:
    """In words: when the phase would have been ready under the change, against as it is."""
    if before is None and after is None:
        return f"Not ready on any day up to {end:%-d %b %Y}, with or without the change."
    if after is None:
        return (
            f"With the change, not ready on any day up to {end:%-d %b %Y} "
            f"(as it is: ready from {before:%-d %b %Y})."
        )
    if before is None:
        return (
            f"With the change, ready from {after:%-d %b %Y} "
            f"(as it is: not ready on any day up to {end:%-d %b %Y})."
        )
    shift = (after - before).days
    if shift == 0:
        return f"Ready from {after:%-d %b %Y} with or without the change."
    unit = "day" if abs(shift) == 1 else "days"
    way = "earlier" if shift < 0 else "later"
    return (
        f"With the change, ready from {after:%-d %b %Y}: {abs(shift)} {unit} {way} than as it "
        f"is ({before:%-d %b %Y})."
    )


def compare(
    before: PhaseSpec,
    after: PhaseSpec,
    snapshot: Snapshot,
    start: dt.date,
    end: dt.date,
    *,
    missing_log_days: int = 3,
) -> Comparison:
    kw = {"missing_log_days": missing_log_days}
    return Comparison(
        start,
        end,
        Run(replay(before, snapshot, start, end, **kw)),
        Run(replay(after, snapshot, start, end, **kw)),
    )


# --- a template draft over past cases ----------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A stretch of days a case spent in one phase of its plan."""

    order: int
    name: str
    spec: PhaseSpec
    start: dt.date
    end: dt.date
    signed_off_on: dt.date | None = None
    impact_phase: bool = False  # the phase prescribes weight-bearing work (Snapshot.impact_phase)


@dataclass(frozen=True)
class PhaseTrial:
    """One phase period of a past case under its own plan's phase and under the draft's."""

    order: int
    plan_phase: str
    draft_phase: str
    start: dt.date
    end: dt.date
    ready_as_was: dt.date | None
    ready_draft: dt.date | None
    regress_days_as_was: int
    regress_days_draft: int

    @property
    def shift(self) -> int | None:
        if self.ready_as_was and self.ready_draft:
            return (self.ready_draft - self.ready_as_was).days
        return None

    @property
    def ready_change(self) -> str:
        """earlier | later | same | never (not ready under the draft) | now (only the draft) |
        neither."""
        a, d = self.ready_as_was, self.ready_draft
        if a is None and d is None:
            return "neither"
        if d is None:
            return "never"
        if a is None:
            return "now"
        return "earlier" if d < a else "later" if d > a else "same"

    @property
    def regression_change(self) -> str:
        """new (fires only under the draft) | gone (fired only as it was) | both | none."""
        a, d = self.regress_days_as_was > 0, self.regress_days_draft > 0
        return "both" if a and d else "new" if d else "gone" if a else "none"

    def to_dict(self) -> dict:
        return {
            "order": self.order,
            "plan_phase": self.plan_phase,
            "draft_phase": self.draft_phase,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "ready_as_was": self.ready_as_was.isoformat() if self.ready_as_was else None,
            "ready_draft": self.ready_draft.isoformat() if self.ready_draft else None,
            "shift": self.shift,
            "ready_change": self.ready_change,
            "regress_days_as_was": self.regress_days_as_was,
            "regress_days_draft": self.regress_days_draft,
            "regression_change": self.regression_change,
        }


def trial_case(
    draft: Sequence[PhaseSpec],
    periods: Sequence[Period],
    base: Snapshot,
    *,
    missing_log_days: int = 3,
) -> list[PhaseTrial]:
    """Each period of a case replayed under its own phase and under the draft's phase of the
    same order (phases are matched by their place in the plan); periods past the draft's last
    phase are left out. ``base`` holds the case's data; its phase start and sign-off are
    replaced by each period's."""
    out = []
    for period in periods:
        if not 1 <= period.order <= len(draft):
            continue
        snapshot = Snapshot(
            phase_started_on=period.start,
            logs=base.logs,
            sessions=base.sessions,
            assessments=base.assessments,
            symmetry=base.symmetry,
            signed_off_on=period.signed_off_on,
            high_risk_site=base.high_risk_site,
            red_pain_limit=base.red_pain_limit,
            facts=base.facts,
            impact_phase=period.impact_phase,
        )
        spec = draft[period.order - 1]
        result = compare(
            period.spec,
            spec,
            snapshot,
            period.start,
            period.end,
            missing_log_days=missing_log_days,
        )
        out.append(
            PhaseTrial(
                order=period.order,
                plan_phase=period.name,
                draft_phase=spec.name,
                start=period.start,
                end=period.end,
                ready_as_was=result.before.first_ready,
                ready_draft=result.after.first_ready,
                regress_days_as_was=result.before.days_regressed,
                regress_days_draft=result.after.days_regressed,
            )
        )
    return out
