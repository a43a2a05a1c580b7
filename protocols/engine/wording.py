"""Each criterion kind's words, gathered over a phase or an evaluation.

The clinician reads a kind's ``sentence``; the athlete reads what the kind answers in plain
words (``Kind.athlete_goal``, ``athlete_status``, ``athlete_warning``, ``athlete_red_warning``,
``athlete_advice``, ``athlete_pain_limit``, ``athlete_rule``, ``athlete_red_symptom``). This
module asks the kinds and puts their answers together: a phase's pain rules as instructions, an
advance result as a goal and how far along it is, the fired rules as warnings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from protocols.engine.criteria import REGISTRY, CriterionResult, PainLimit, get_kind
from protocols.engine.criteria.text import cap, pain_words

PAIN_MEASURES = ("rest", "during", "after", "next_morning")
"""The pain measures a phase's limits are told for, in order ('any' applies to each)."""


# --- a phase's pain rules -----------------------------------------------------------------------


def _items(advance_when: Iterable[Mapping], regress_when: Iterable[Mapping]) -> list[Mapping]:
    return [*advance_when, *regress_when]


def pain_levels(items: Iterable[Mapping[str, Any]]) -> list[PainLimit]:
    """The pain levels the items set (a ``pain_max`` to stay at, a ``pain_above`` to stop at)."""
    levels = []
    for item in items:
        kind = REGISTRY.get(item.get("kind"))
        level = kind.athlete_pain_limit(item) if kind is not None else None
        if level is not None:
            levels.append(level)
    return levels


def lowest_pain_level(
    advance_when: Iterable[Mapping[str, Any]], regress_when: Iterable[Mapping[str, Any]]
) -> float | None:
    """The lowest pain level a phase's items set, on any measure; None when they set none."""
    levels = pain_levels(_items(advance_when, regress_when))
    known = [v for level in levels for v in (level.stop, level.keep) if v is not None]
    return float(min(known)) if known else None


def _lowest(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def limit_line(what: str, keep: int | None, over: int | None) -> str | None:
    """One pain rule: ``keep`` is the level to stay at to move on (``pain_max``), ``over`` the
    level above which to stop (``pain_above``)."""
    if keep is None and over is None:
        return None
    if keep == 0 and not over:
        return f"You should have no {what.removeprefix('any ')} (0/10)."
    if over == 0:
        head = f"{cap(what)} must stay at {keep}/10 or below to move on; any" if keep else "Any"
        return f"{head} {what.removeprefix('any ')}: stop and tell your clinician."
    if keep is not None and (over is None or over <= keep):
        return f"{cap(what)} must stay at {keep if over is None else over}/10 or below."
    if keep is None:
        return (
            f"{cap(what)} must stay at {over}/10 or below: if it goes higher, stop the session "
            "and take the rest of the day easy."
        )
    return (
        f"{cap(what)} must stay at {keep}/10 or below to move on; above {over}/10, stop the "
        "session and take the rest of the day easy."
    )


def _limit_lines(levels: Iterable[PainLimit], noun: str) -> list[str]:
    """The pain levels per measure as rules; a level on 'any' applies to each measure that has
    one of its own, or stands alone."""
    keep: dict[str, int] = {}
    stop: dict[str, int] = {}
    for level in levels:
        if level.keep is not None:
            keep[level.field] = min(keep.get(level.field, 10), level.keep)
        if level.stop is not None:
            stop[level.field] = min(stop.get(level.field, 10), level.stop)
    overall, overall_stop = keep.pop("any", None), stop.pop("any", None)
    if not any(name in keep or name in stop for name in PAIN_MEASURES):
        line = limit_line("any pain", overall, overall_stop)
        return [line] if line else []
    lines = []
    for name in PAIN_MEASURES:
        line = limit_line(
            pain_words(name, noun),
            _lowest(keep.get(name), overall),
            _lowest(stop.get(name), overall_stop),
        )
        if line:
            lines.append(line)
    return lines


def _rule_lines(first: Mapping[str, Mapping[str, Any]], noun: str) -> list[str]:
    """The other rules of the phase, the first item of each kind, in the registry's order; the
    symptoms to stop for at once told together, where the first of them comes."""
    lines: list[str] = []
    red: list[str] = []
    red_at = 0
    for name, kind in REGISTRY.items():
        if name not in first:
            continue
        if kind.athlete_red_symptom:
            red_at = red_at if red else len(lines)
            red.append(kind.athlete_red_symptom)
        elif line := kind.athlete_rule(first[name], noun):
            lines.append(line)
    if red:
        stop = cap(" or ".join(red)) + ": stop and tell your clinician straight away."
        lines.insert(red_at, stop)
    return lines


def pain_rules(
    advance_when: Iterable[Mapping[str, Any]], regress_when: Iterable[Mapping[str, Any]], noun: str
) -> list[str]:
    """A phase's pain rules as instructions: 'pain during running must stay at 2/10 or below'.

    Built from the levels of the advance items (the level to stay at to move on) and of the
    regression rules (the level at which to stop), per pain measure, then the other rules the
    kinds put in words (pain-free days, pain that lasts, symptoms to report). ``noun`` is what
    'pain during …' is about in the phase ('running').
    """
    items = _items(advance_when, regress_when)
    first: dict[str, Mapping[str, Any]] = {}
    for item in items:
        first.setdefault(item.get("kind"), item)
    return _limit_lines(pain_levels(items), noun) + _rule_lines(first, noun)


# --- an evaluation's results ----------------------------------------------------------------------


def athlete_goal(result: CriterionResult, noun: str) -> str:
    """An advance result as the athlete's goal."""
    return get_kind(result.kind).athlete_goal(result.params, noun)


def athlete_status(result: CriterionResult) -> str:
    """How far along the athlete is with the goal of an advance result."""
    return get_kind(result.kind).athlete_status(result)


def athlete_warnings(results: Iterable[CriterionResult], *, red: bool = False) -> list[str]:
    """What fired rules tell the athlete, each once: as red flags (``red``) or as cautions."""
    kinds = (get_kind(r.kind) for r in results)
    words = (k.athlete_red_warning if red else k.athlete_warning for k in kinds)
    return list(dict.fromkeys(words))


def athlete_advice(results: Iterable[CriterionResult]) -> list[tuple[str, str]]:
    """The title and advice of each fired warning that has some, each once."""
    advice = (get_kind(r.kind).athlete_advice for r in results)
    return list(dict.fromkeys(a for a in advice if a is not None))
