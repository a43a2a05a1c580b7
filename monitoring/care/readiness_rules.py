"""Pure rules of psychological readiness: the TSK-11 and I-PRRS items, their totals, and the
words an athlete reads about their own progress. No ORM, no clock.

- **TSK-11** (Tampa Scale of Kinesiophobia, 11-item short form; Woby et al., Pain
  2005;117:137-44): eleven statements answered 1 (strongly disagree) to 4 (strongly agree);
  the total 11-44, higher is more fear of movement and re-injury. A missing answer leaves the
  questionnaire incomplete: no total (clinical.md §11, "a partial screen is not a score").
- **I-PRRS** (Injury-Psychological Readiness to Return to Sport; Glazer, J Athl Train
  2009;44:185-9): six items rated 0-100; total = sum / 10, 0-60. Read by the clinician
  (≥ 50 is commonly read as ready); never shown to the athlete as a pass mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

TSK11 = "tsk11"
IPRRS = "readiness_iprrs"

# The statements are on the clinic's TSK-11 form (Woby et al. 2005); items are entered by number.
TSK11_ITEMS: tuple[str, ...] = tuple(f"Item {n}" for n in range(1, 12))
# clinical.md §9 (Glazer 2009).
IPRRS_ITEMS: tuple[str, ...] = (
    "Confidence to play, overall",
    "Confidence to play without pain",
    "Confidence to give 100% effort",
    "Confidence not to focus on the injury",
    "Confidence in the injured body part",
    "Confidence in skill level",
)


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    items: tuple[str, ...]
    low: int
    high: int
    divisor: int
    scale: str


INSTRUMENTS: dict[str, Instrument] = {
    TSK11: Instrument(
        TSK11, "TSK-11", TSK11_ITEMS, 1, 4, 1, "1 strongly disagree – 4 strongly agree"
    ),
    IPRRS: Instrument(IPRRS, "I-PRRS", IPRRS_ITEMS, 0, 100, 10, "0 no confidence – 100 utmost"),
}


@dataclass(frozen=True)
class Scored:
    items: list[int | None]
    total: float | None  # None: incomplete (an item unanswered)
    missing: list[int]  # 1-based numbers of the unanswered items


def score(instrument: str, answers: Sequence[Any]) -> Scored:
    """The answers checked and totalled. Raises ``ValueError`` with ``{field: message}`` as its
    argument for an answer out of range or not a whole number, or for the wrong number of
    answers; an unanswered item (None or "") makes the result incomplete, never a total."""
    spec = INSTRUMENTS[instrument]
    if len(answers) != len(spec.items):
        raise ValueError({"items": f"{spec.name} has {len(spec.items)} items."})
    items: list[int | None] = []
    errors: dict[str, str] = {}
    for number, answer in enumerate(answers, start=1):
        value = _whole(answer)
        if value is None and answer not in (None, ""):
            errors[f"item_{number}"] = "Enter a whole number."
        elif value is not None and not spec.low <= value <= spec.high:
            errors[f"item_{number}"] = f"From {spec.low} to {spec.high}."
        items.append(value)
    if errors:
        raise ValueError(errors)
    missing = [n for n, v in enumerate(items, start=1) if v is None]
    if missing:
        return Scored(items, None, missing)
    total = sum(v for v in items if v is not None) / spec.divisor
    return Scored(items, total, [])


def _whole(answer: Any) -> int | None:
    if answer is None or answer == "":
        return None
    if isinstance(answer, bool):
        return None
    if isinstance(answer, int):
        return answer
    try:
        number = float(str(answer).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def above_threshold(tsk11_total: float | None, threshold: int) -> bool:
    """A TSK-11 total above the clinic's threshold (clinic protocol): suggest the psychologist.
    An unknown total suggests nothing."""
    return tsk11_total is not None and tsk11_total > threshold


def athlete_progress(instrument: str, first: float, latest: float, times: int) -> str:
    """The athlete's own progress in words: their first and latest answers compared, never a
    cut-off, a pass mark or "ready"."""
    a, b = f"{first:g}", f"{latest:g}"
    if instrument == IPRRS:
        if times < 2:
            return f"Your confidence to return to sport: {b} out of 60 so far."
        if latest > first:
            return f"Your confidence has grown from {a} to {b} (on a scale from 0 to 60)."
        if latest < first:
            return (
                f"Your confidence was {a} and is {b} now: it goes up and down; talk it over "
                "with your team."
            )
        return f"Your confidence is steady at {b}."
    if times < 2:
        return f"Your worry about moving and re-injury: {b} (from 11, none, to 44) so far."
    if latest < first:
        return (
            f"Your worry about moving and re-injury has eased from {a} to {b} (from 11, none, "
            "to 44)."
        )
    if latest > first:
        return (
            f"Your worry about moving and re-injury was {a} and is {b} now: talk it over with "
            "your team."
        )
    return f"Your worry about moving and re-injury is steady at {b}."
