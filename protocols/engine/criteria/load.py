"""Criterion kinds that read training load (session-RPE): the weekly increase and the
acute:chronic load spike.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from protocols.engine import series
from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.criteria.text import num, plain_number, plural
from protocols.engine.criteria.vocabulary import EPS
from protocols.engine.records import Snapshot


def _session_loads(snapshot: Snapshot, start: date, end: date) -> list[tuple[date, float | None]]:
    return [(s.day, s.load) for s in snapshot.sessions_between(start, end)]


class WeeklyLoadIncrease(Kind):
    kind = "weekly_load_increase"
    label = "Weekly load increase at most"
    role = "advance"
    params = (
        Param(
            "max_percent",
            "float",
            "Maximum increase (%)",
            default=30.0,
            min=0,
            max=500,
            help="Session-RPE load of the last 7 days against the 7 before (clinic protocol; "
            "Nielsen et al. 2014 saw more injuries above 30%).",
        ),
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Training load (session RPE) of the last 7 days at most {num(p['max_percent'])}% "
            f"above the 7 days before."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        limit = p["max_percent"]
        first = today - timedelta(days=13)
        if snapshot.phase_started_on > first:
            began = max(0, (today - snapshot.phase_started_on).days)
            why = (
                f"Not enough data: the phase began {plural(began, 'day')} ago; two full weeks "
                f"of sessions are needed."
            )
            return Measure(None, None, limit, why, "%")
        loads = _session_loads(snapshot, first, today)
        unrated = sum(1 for _, load in loads if load is None)
        if unrated:
            why = (
                f"Not enough data: {plural(unrated, 'session')} in the last 14 days "
                f"{'has' if unrated == 1 else 'have'} no effort rating (RPE)."
            )
            return Measure(None, None, limit, why, "%")
        now = series.weekly_sum(loads, today)
        before = series.weekly_sum(loads, today - timedelta(days=7))
        if before == 0:
            if now == 0:
                why = "Not enough data: no sessions in the last 14 days."
                return Measure(None, None, limit, why, "%")
            why = (
                f"Training load rose from none to {now:,.0f} AU this week; "
                f"the limit is {num(limit)}%."
            )
            return Measure(False, None, limit, why, "%")
        change = (now - before) / before * 100
        verb = "rose" if change > 0 else "fell" if change < 0 else "changed"
        why = (
            f"Training load {verb} by {num(abs(change))}% week over week "
            f"({now:,.0f} against {before:,.0f} AU); the limit is {num(limit)}%."
        )
        return Measure(change <= limit + EPS, round(change, 1), limit, why, "%")

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        most = plain_number(p["max_percent"])
        return f"Build training gradually: at most {most}% more than the week before"

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.met is None:
            return "Needs two weeks of sessions with an effort rating"
        if result.observed is None:
            return super().athlete_progress(result)
        return f"Up {plain_number(result.observed)}% this week"


class LoadSpike(Kind):
    kind = "load_spike"
    label = "Training load spike"
    role = "warning"
    athlete_advice = (
        "Your training has gone up quickly",
        "Stick to the plan and don't add extra sessions this week.",
    )
    params = (
        Param(
            "ratio",
            "float",
            "Caution ratio",
            default=1.5,
            min=1,
            max=3,
            help="EWMA acute:chronic ratio at or above which to warn (Gabbett 2016: ≥ 1.5).",
        ),
        Param(
            "min_history_days",
            "int",
            "Days of history needed",
            default=21,
            min=7,
            max=365,
            help="Days from the first recorded session to today before the ratio is shown.",
        ),
    )
    help = (
        "A caution only, never a gate: the ratio predicts injury barely better than chance "
        "(Impellizzeri et al., Sports Med 2021)."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Warns when the acute:chronic training load ratio (EWMA, 7 and 28 days) is "
            f"{num(p['ratio'], 2)} or more."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        # Chronic load is history by definition: this reads every session of the snapshot up to
        # today, also those of earlier phases (docs/criteria.md).
        history, ratio = series.acwr_ewma_on([(s.day, s.load) for s in snapshot.sessions], today)
        ratio_limit = p["ratio"]
        if history < p["min_history_days"]:
            why = (
                f"Not enough data: {plural(history, 'day')} of training load history, "
                f"{p['min_history_days']} needed."
            )
            return Measure(None, None, ratio_limit, why)
        if ratio is None:
            return Measure(
                None, None, ratio_limit, "Not enough data: no chronic training load to compare."
            )
        why = (
            f"Acute:chronic load ratio (EWMA 7/28 days) is {num(ratio, 2)}; "
            f"the caution level is {num(ratio_limit, 2)}."
        )
        return Measure(ratio >= ratio_limit - EPS, round(ratio, 2), ratio_limit, why)
