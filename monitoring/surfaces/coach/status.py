"""How an athlete's return is going, as a coach sees it: the status light, the flags a coach may
know of, the usual return range for the injury and how sure the projected return is.

Pure rules (no ORM, no clock): every date comes in as an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from athletes.sites import BY_CODE
from monitoring.models import Flag
from protocols.engine.criteria.text import day_words

STEPPED_BACK_DAYS = 14
"""A step back (a regress transition) keeps the light red for this many days."""

GREEN, AMBER, RED = "green", "amber", "red"
LIGHT_ORDER = {RED: 0, AMBER: 1, GREEN: 2}

RED_FLAG_KINDS = (Flag.Kind.RED_FLAG, Flag.Kind.REGRESSION)
AMBER_FLAG_KINDS = (
    Flag.Kind.BONE_HEALTH,
    Flag.Kind.LOAD_SPIKE,
    Flag.Kind.MISSING_LOGS,
    Flag.Kind.READY_TO_ADVANCE,
    Flag.Kind.PROGRAMME_STEP_DOWN,
)

DEFAULT_COACH_MESSAGES = {
    Flag.Kind.RED_FLAG: "Under review by the medical team; no impact training until cleared.",
    Flag.Kind.REGRESSION: "The medical team is considering a step back.",
    Flag.Kind.READY_TO_ADVANCE: "May be ready for the next phase, pending clinician review.",
    Flag.Kind.MISSING_LOGS: "Daily logs are missing.",
    Flag.Kind.LOAD_SPIKE: "Training load rose sharply; check the plan with the medical team.",
    Flag.Kind.PROGRAMME_STEP_DOWN: "Run-walk programme: a lower stage is being considered.",
    Flag.Kind.BONE_HEALTH: "Under review by the medical team; impact work does not progress "
    "until the medical team decides.",
}
"""Used when a flag has no coach message of its own (never the clinical message)."""


WAITS_FOR_DECISION = "Impact work waits for a medical-team decision."


@dataclass(frozen=True)
class CoachFlag:
    """What a coach may know of an open flag: its kind and its coach message."""

    kind: str
    coach_message: str = ""

    @property
    def text(self) -> str:
        return self.coach_message or DEFAULT_COACH_MESSAGES.get(self.kind, "")

    @property
    def label(self) -> str:
        return Flag.neutral_label(self.kind)


@dataclass(frozen=True)
class Light:
    """The status light of an athlete: its colour, its label and the reasons, most important
    first."""

    colour: str  # green | amber | red
    label: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""

    @property
    def order(self) -> int:
        return LIGHT_ORDER[self.colour]


def status_light(
    *,
    today: dt.date,
    flags: Sequence[CoachFlag] = (),
    step_backs: Sequence[tuple[dt.date, str]] = (),
    has_plan: bool = True,
    phase_started_on: dt.date | None = None,
    typical_days: int | None = None,
    last_log_on: dt.date | None = None,
    missing_log_days: int = 3,
    waits_for_decision: bool = False,
) -> Light:
    """Green on track; amber needs attention; red stepped back or under review.

    - red, "Under review": an open red flag or regression flag (its coach message);
    - red, "Stepped back": a regress transition in the last ``STEPPED_BACK_DAYS`` days
      (``step_backs`` are (effective date, phase name) pairs);
    - amber: a bone-health review (named neutrally) or impact waiting for the medical team's
      decision (``waits_for_decision``), a load spike, missing logs (a flag, or no
      log for ``missing_log_days`` days, the engine's own rule), ready to advance awaiting
      review, running past the phase's typical days, or no plan started yet;
    - green otherwise. Reasons come most important first.
    """
    kinds = {f.kind: f for f in flags}
    review = [kinds[k].text for k in RED_FLAG_KINDS if k in kinds]
    red = review + stepped_back_reasons(today, step_backs)
    if red:
        return Light(RED, "Under review" if review else "Stepped back", tuple(red))
    amber: list[str] = []
    if not has_plan:
        amber.append("The medical team has not started a return plan yet.")
    amber.extend(
        kinds[k].text
        for k in (Flag.Kind.BONE_HEALTH, Flag.Kind.LOAD_SPIKE, Flag.Kind.MISSING_LOGS)
        if k in kinds
    )
    if has_plan and phase_started_on is not None:
        if Flag.Kind.MISSING_LOGS not in kinds:
            amber.extend(
                missing_log_reasons(today, phase_started_on, last_log_on, missing_log_days)
            )
        amber.extend(overdue_reasons(today, phase_started_on, typical_days))
    if waits_for_decision and Flag.Kind.BONE_HEALTH not in kinds:
        amber.append(WAITS_FOR_DECISION)
    if Flag.Kind.READY_TO_ADVANCE in kinds:
        amber.append(kinds[Flag.Kind.READY_TO_ADVANCE].text)
    if amber:
        return Light(AMBER, "Attention", tuple(amber))
    return Light(GREEN, "On track", ("Progressing as planned.",))


def stepped_back_reasons(today: dt.date, step_backs: Sequence[tuple[dt.date, str]]) -> list[str]:
    """The latest step back of the last ``STEPPED_BACK_DAYS`` days, in words (or none)."""
    recent = [s for s in step_backs if 0 <= (today - s[0]).days <= STEPPED_BACK_DAYS]
    if not recent:
        return []
    day, name = max(recent, key=lambda s: s[0])
    return [f"Stepped back to “{name}” on {day_words(day)}."]


def missing_log_reasons(
    today: dt.date, phase_started_on: dt.date, last_log_on: dt.date | None, missing_log_days: int
) -> list[str]:
    """No daily log for ``missing_log_days`` days (counted from the phase's start when there
    is no log at all), in words (or none)."""
    if last_log_on is not None:
        without = (today - last_log_on).days
    else:
        without = max(0, (today - phase_started_on).days + 1)
    if without < missing_log_days:
        return []
    if last_log_on:
        return [f"No daily log since {day_words(last_log_on)}."]
    return ["No daily log in this phase yet."]


def overdue_reasons(
    today: dt.date, phase_started_on: dt.date, typical_days: int | None
) -> list[str]:
    """Running past the phase's typical number of days, in words (or none)."""
    day = (today - phase_started_on).days + 1
    if not typical_days or day <= typical_days:
        return []
    return [f"Taking longer than usual in this phase: day {day}, typically {typical_days}."]


# --- the projected return and its confidence ----------------------------------------------------


@dataclass(frozen=True)
class PooledRange:
    """The literature's usual return for this kind of injury, as dates from the diagnosis
    (Hoenig et al., BJSM 2023). Shown without naming the injury."""

    low: dt.date
    typical: dt.date
    high: dt.date


@dataclass(frozen=True)
class Confidence:
    """How sure the projected return is: a level and a note saying why."""

    level: str  # high | medium | low
    note: str

    @property
    def label(self) -> str:
        return f"{self.level.capitalize()} confidence"


def pooled_range(site: str, diagnosed_on: dt.date | None) -> PooledRange | None:
    info = BY_CODE.get(site)
    if info is None or info.typical_return_days is None or diagnosed_on is None:
        return None
    low, high = info.return_days_ci or (info.typical_return_days, info.typical_return_days)
    return PooledRange(
        diagnosed_on + dt.timedelta(days=low),
        diagnosed_on + dt.timedelta(days=info.typical_return_days),
        diagnosed_on + dt.timedelta(days=high),
    )


def return_confidence(
    *, light: Light, has_plan: bool, typical_return: dt.date | None, pooled: PooledRange | None
) -> Confidence:
    """How sure the projected return is, in words a coach can plan with."""
    if not has_plan or typical_return is None:
        return Confidence("low", "No return plan has started yet.")
    if light.colour == RED:
        return Confidence("low", "Dates may move while the medical team reviews the plan.")
    if pooled is not None and typical_return > pooled.high:
        return Confidence("medium", "Later than most recoveries from this kind of injury.")
    if light.colour == AMBER:
        return Confidence("medium", "Dates depend on the points that need attention.")
    if pooled is None:
        return Confidence("medium", "Based on the plan's usual phase lengths only.")
    return Confidence("high", "On track and within the usual range for this kind of injury.")


UNDER_REVIEW = CoachFlag(
    Flag.Kind.RED_FLAG, "Under review by the medical team; no impact training until cleared."
)
"""What a coach sees while the current evaluation fires a red-flag rule with no red flag open
(a clinician resolved it, the report is still in the window): the status follows the
evaluation, not only the flag."""


def with_evaluation(flags: Sequence[CoachFlag], fires_red: bool) -> list[CoachFlag]:
    """The coach's flags, with "under review" when the current evaluation fires a red-flag
    rule and no red flag is open: resolving a flag does not make the athlete "On track"."""
    flags = list(flags)
    if fires_red and not any(f.kind == Flag.Kind.RED_FLAG for f in flags):
        flags.insert(0, UNDER_REVIEW)
    return flags
