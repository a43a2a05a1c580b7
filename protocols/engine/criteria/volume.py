"""The running-volume kind: this week's running as a % of the athlete's pre-injury week.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md). The pre-injury week is a
case fact (``pre_injury_km_week``, else ``pre_injury_minutes_week``); the week's running is
the SUM of its ``run`` sessions (several a day count, clinical.md §11; ``engine.volume``).
Unknown, never met: without a baseline, or when a running session of the window lacks the
baseline's unit (a run without a distance against a baseline in km).

Defaults (clinic protocol, Gallatin & Graver 2019; clinical.md §6): speed and hills from 50–60%
of the pre-injury volume, normal training from 75–80%.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from protocols.engine import volume
from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.criteria.text import num, plain_number, plural
from protocols.engine.criteria.vocabulary import EPS
from protocols.engine.records import Snapshot

_UNITS = {"km": ("km", "distance"), "minutes": ("min", "minutes")}


def baseline_of(snapshot: Snapshot) -> tuple[str, float] | None:
    """The case's pre-injury week as (unit, amount): in km when recorded, else in minutes;
    None when neither is (or it is 0)."""
    facts = snapshot.facts or {}
    km, minutes = facts.get("pre_injury_km_week"), facts.get("pre_injury_minutes_week")
    if km is not None and float(km) > 0:
        return "km", float(km)
    if minutes is not None and float(minutes) > 0:
        return "minutes", float(minutes)
    return None


class PreInjuryVolume(Kind):
    kind = "pre_injury_volume"
    label = "% of pre-injury running volume"
    role = "advance"
    params = (
        Param(
            "percent",
            "float",
            "At least (% of the pre-injury week)",
            default=float(volume.SPEED_AND_HILLS_PERCENT),
            min=1,
            max=200,
            help="Clinic protocol (Gallatin & Graver 2019): speed and hills from 50–60%, "
            "normal training from 75–80% of the pre-injury weekly volume.",
        ),
        Param(
            "window_days",
            "int",
            "Days summed",
            default=7,
            min=7,
            max=28,
            help="The running of the last this many days (today included), against the "
            "pre-injury volume for as many days.",
        ),
    )
    help = (
        "The athlete's running (run sessions summed, several a day counted) against the "
        "pre-injury weekly volume recorded on the case. Unknown without a baseline, or when a "
        "run lacks the baseline's unit. Clinic protocol (Gallatin & Graver 2019)."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Running of the last {plural(p['window_days'], 'day')} at least "
            f"{num(p['percent'])}% of the pre-injury volume (clinic protocol)."
        )

    def coach_sentence(self, p: Mapping[str, Any]) -> str:
        """The rule as a coach reads it: training information, no diagnosis."""
        return f"Weekly running back to {num(p['percent'])}% of the usual week before the break."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        target, days = p["percent"], p["window_days"]
        baseline = baseline_of(snapshot)
        if baseline is None:
            why = "Not enough data: no pre-injury running volume is recorded on the case."
            return Measure(None, None, target, why, "%")
        unit, amount = baseline
        amount *= days / 7
        week = volume.running_volume(
            snapshot.sessions_between(today - timedelta(days=days - 1), today),
            today - timedelta(days=days - 1),
            today,
        )
        done = week.km if unit == "km" else week.minutes
        if done is None:
            lacking = week.without_km if unit == "km" else week.without_minutes
            word, name = _UNITS[unit][1], "run"
            why = (
                f"Not enough data: {plural(lacking, name)} in the last {plural(days, 'day')} "
                f"{'has' if lacking == 1 else 'have'} no {word} (the baseline is in {unit})."
            )
            return Measure(None, None, target, why, "%")
        share = volume.percent_of(done, amount) or 0.0
        short = _UNITS[unit][0]
        why = (
            f"{num(done)} {short} in {plural(week.runs, 'run')} over the last "
            f"{plural(days, 'day')}: {num(share)}% of the pre-injury {num(amount)} {short} "
            f"(at least {num(target)}%)."
        )
        return Measure(share + EPS >= target, round(share, 1), target, why, "%")

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        share = plain_number(p["percent"])
        return f"Build your weekly running back up to {share}% of your usual week before the injury"

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.met is None:
            return "Needs your usual week before the injury, and the distance of each run"
        if result.observed is None:
            return super().athlete_progress(result)
        return f"At {plain_number(result.observed)}% this week"
