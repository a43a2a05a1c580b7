"""Criterion kinds of the phase itself: time in the phase, logging adherence and the
clinician's sign-off.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from protocols.engine import series
from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param, days_param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.criteria.text import count, date_words, logs_so_far, period, plural
from protocols.engine.criteria.windows import Window
from protocols.engine.records import Snapshot


class MinDaysInPhase(Kind):
    kind = "min_days_in_phase"
    label = "Minimum days in phase"
    role = "advance"
    params = (Param("days", "int", "Minimum days", required=True, min=1, max=365),)

    def sentence(self, p: Mapping[str, Any]) -> str:
        return f"At least {plural(p['days'], 'day')} in this phase."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        spent = max(0, (today - snapshot.phase_started_on).days)
        why = (
            f"Day {spent + 1} of this phase, {plural(spent, 'day')} done; the minimum is "
            f"{plural(p['days'], 'day')}."
        )
        return Measure(spent >= p["days"], spent, p["days"], why, "days")

    def earliest_met(self, p, snapshot, today, result):
        return snapshot.phase_started_on + timedelta(days=p["days"])

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        return f"At least {count(p['days'], 'day')} in this stage"

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.observed is None:
            return super().athlete_progress(result)
        spent, needed = int(result.observed), int(result.threshold)
        return f"{count(spent, 'day')} done of {needed}: {count(needed - spent, 'day')} to go"


class Adherence(Kind):
    kind = "adherence"
    label = "Logging adherence"
    role = "advance"
    params = (
        Param("min_logs", "int", "Minimum logs", required=True, min=1, max=90),
        days_param(None),
    )

    def complete(self, cleaned: dict[str, Any]) -> dict[str, str]:
        if cleaned["min_logs"] > cleaned["days"]:
            return {"min_logs": "Minimum logs cannot be more than the number of days."}
        return {}

    def sentence(self, p: Mapping[str, Any]) -> str:
        return f"At least {plural(p['min_logs'], 'daily log')} {period(p['days'])}."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        days = (log.day for log in snapshot.logs)
        count = series.adherence(days, today, p["days"], not_before=snapshot.began_on)
        why = f"{plural(count, 'daily log')} {w.text()}; {p['min_logs']} needed."
        return Measure(count >= p["min_logs"], count, p["min_logs"], why, "logs")

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        return f"A log on at least {p['min_logs']} of the last {p['days']} days"

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.observed is None:
            return super().athlete_progress(result)
        if result.met is None:
            if result.threshold is None:
                return super().athlete_progress(result)
            return logs_so_far(result.observed, result.threshold)
        return f"{count(result.observed, 'log')} so far"


class ClinicianSignoff(Kind):
    kind = "clinician_signoff"
    label = "Clinician sign-off"
    role = "advance"
    params = ()

    def sentence(self, p: Mapping[str, Any]) -> str:
        return "A clinician has signed this phase off."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        signed = snapshot.signed_off_on
        if signed is not None and snapshot.phase_started_on <= signed <= today:
            iso = signed.isoformat()
            why = f"A clinician signed this phase off on {date_words(signed)}."
            return Measure(True, iso, "signed off", why)
        return Measure(False, None, "signed off", "No clinician has signed this phase off yet.")

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        return "Your clinician signs this stage off"

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.met is None:
            return super().athlete_progress(result)
        return "Not yet: your clinician will do this at a review"
