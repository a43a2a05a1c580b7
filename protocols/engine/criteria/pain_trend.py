"""Criterion kinds that compare pain over time: this week's average against last week's (not
rising, rising) and the next morning against the day before.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from protocols.engine import series
from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param, field_param, regress_days_param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.criteria.text import (
    PAIN_TEXT,
    cap,
    day_words,
    num,
    pain_words,
    period,
    plural,
    points,
)
from protocols.engine.criteria.vocabulary import EPS, MIN_LOGS_PER_WEEK
from protocols.engine.criteria.windows import Window, pain_value
from protocols.engine.records import Snapshot


def _weekly_pain(snapshot: Snapshot, today: date, which: str) -> tuple[list[float], list[float]]:
    """Known pain values of this week (the last 7 days) and of the 7 days before, in phase."""
    start = snapshot.began_on

    def week(end: date) -> list[float]:
        logs = snapshot.logs_between(series.window_start(end, 7, start), end)
        return [v for log in logs if (v := pain_value(log, which)) is not None]

    return week(today), week(today - timedelta(days=7))


def _weeks_unknown(what: str, this_week: Sequence[float], last_week: Sequence[float]) -> str:
    return (
        f"Not enough data: {plural(len(this_week), 'log')} of {what} this week and "
        f"{len(last_week)} last week; {MIN_LOGS_PER_WEEK} needed in each."
    )


class PainNotRising(Kind):
    kind = "pain_not_rising"
    label = "Pain not rising"
    role = "advance"
    params = (
        field_param("during"),
        Param(
            "tolerance",
            "float",
            "Tolerance (points)",
            default=0.0,
            min=0,
            max=10,
            help="How far this week's mean may exceed last week's.",
        ),
    )
    help = "Compares the mean of the last 7 days with the 7 before; each week needs 3 logs."

    def sentence(self, p: Mapping[str, Any]) -> str:
        what = PAIN_TEXT[p["field"]]
        above = "" if p["tolerance"] == 0 else f" by more than {points(p['tolerance'])}"
        return (
            f"Average {what} this week not above last week's{above} "
            f"(at least {MIN_LOGS_PER_WEEK} logs each week)."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        what = PAIN_TEXT[p["field"]]
        this_week, last_week = _weekly_pain(snapshot, today, p["field"])
        if min(len(this_week), len(last_week)) < MIN_LOGS_PER_WEEK:
            why = _weeks_unknown(what, this_week, last_week)
            above = "" if p["tolerance"] == 0 else f" + {num(p['tolerance'])}"
            return Measure(None, None, f"last week's average{above}", why, "/10")
        now = sum(this_week) / len(this_week)
        before = sum(last_week) / len(last_week)
        limit = before + p["tolerance"]
        why = (
            f"Average {what} was {num(now)}/10 this week against {num(before)}/10 last week; "
            f"the limit is {num(limit)}/10."
        )
        return Measure(now <= limit + EPS, round(now, 2), round(limit, 2), why, "/10")

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        return f"{cap(pain_words(p['field'], noun))} not rising from one week to the next"

    def athlete_progress(self, result: CriterionResult) -> str:
        return "It rose this week" if result.met is False else super().athlete_progress(result)


class PainRising(Kind):
    kind = "pain_rising"
    label = "Pain rising week over week"
    role = "regress"
    athlete_warning = "Your pain has been rising this week"
    athlete_red_warning = "Pain rising this week"
    params = (
        field_param("during"),
        Param(
            "by",
            "float",
            "Rise (points)",
            default=1.0,
            min=0.5,
            max=10,
            help="Fires when this week's mean exceeds last week's by this much or more.",
        ),
    )
    help = "Compares the mean of the last 7 days with the 7 before; each week needs 3 logs."

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Fires when average {PAIN_TEXT[p['field']]} this week is {points(p['by'])} "
            f"or more above last week's."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return p["field"] == "rest" or high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        what = PAIN_TEXT[p["field"]]
        this_week, last_week = _weekly_pain(snapshot, today, p["field"])
        if min(len(this_week), len(last_week)) < MIN_LOGS_PER_WEEK:
            why = _weeks_unknown(what, this_week, last_week)
            return Measure(None, None, p["by"], why, "points")
        now = sum(this_week) / len(this_week)
        before = sum(last_week) / len(last_week)
        rise = now - before
        verb = "rose" if rise > EPS else "fell" if rise < -EPS else "did not change"
        amount = "" if verb == "did not change" else f" by {points(abs(rise))}"
        why = (
            f"Average {what} {verb}{amount} week over week ({num(now)}/10 against "
            f"{num(before)}/10); it fires at a rise of {points(p['by'])} or more."
        )
        return Measure(rise >= p["by"] - EPS, round(rise, 2), p["by"], why, "points")


class NextMorningWorse(Kind):
    kind = "next_morning_worse"
    label = "Worse the next morning"
    role = "regress"
    athlete_warning = "Your pain was worse the next morning"
    athlete_red_warning = "Pain worse the next morning"
    params = (
        Param(
            "by",
            "float",
            "Rise (points)",
            default=1.0,
            min=0.5,
            max=10,
            help="Fires when next-morning pain exceeds that day's pain at rest by this much.",
        ),
        regress_days_param(),
    )
    help = "A day's log holds the pain at rest of that day and the pain on the following morning."

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Fires when next-morning pain is {points(p['by'])} or more above the previous "
            f"day's pain at rest, {period(p['days'])}."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        logs = snapshot.logs_between(w.start, w.end)
        rises = [
            (log.pain_next_morning - log.pain_rest, log)
            for log in logs
            if log.pain_next_morning is not None and log.pain_rest is not None
        ]
        if not rises:
            why = f"Not enough data: no log {w.text()} has both pain at rest and next-morning pain."
            return Measure(None, None, p["by"], why, "points")
        rise, log = max(rises, key=lambda pair: (pair[0], pair[1].day))
        text = (
            f"Pain the morning after {day_words(log.day)} was {num(log.pain_next_morning)}/10 "
            f"against {num(log.pain_rest)}/10 at rest that day"
        )
        why = f"{text}, a change of {num(rise)}; it fires at a rise of {points(p['by'])} or more."
        return Measure(rise >= p["by"] - EPS, rise, p["by"], why, "points")

    def athlete_rule(self, p: Mapping[str, Any], noun: str) -> str:
        return "Pain should not be worse the next morning than it was the day before."
