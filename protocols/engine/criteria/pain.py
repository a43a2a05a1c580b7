"""Criterion kinds that read pain ratings (0–10 NRS) day by day: pain limits to move on and to
stop at, pain-free streaks and pain that lasts after activity. Pain over the weeks is in
``pain_trend``, severe pain with impact work in ``impact``.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from protocols.engine import series
from protocols.engine.criteria.base import Kind, PainLimit
from protocols.engine.criteria.params import Param, days_param, field_param, regress_days_param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.criteria.text import (
    PAIN_TEXT,
    cap,
    count,
    day_words,
    logs_so_far,
    num,
    pain_words,
    period,
    plain_number,
    plural,
)
from protocols.engine.criteria.windows import Window, latest_peak, pain_pairs
from protocols.engine.records import Snapshot


def pain_max_logs_needed(p: Mapping[str, Any]) -> int:
    """Logs a `pain_max` window needs in full: the clinician's minimum, and never more than one
    missing day in seven (clinical.md §11, completeness)."""
    return max(p["min_logs"], p["days"] - p["days"] // 7)


class PainMax(Kind):
    kind = "pain_max"
    label = "Pain at most"
    role = "advance"
    params = (
        field_param(None),
        Param(
            "max",
            "int",
            "Pain maximum",
            required=True,
            min=0,
            max=10,
            help="Highest acceptable rating on the 0–10 scale.",
        ),
        days_param(7),
        Param(
            "min_logs",
            "int",
            "Minimum logs",
            min=1,
            max=90,
            help="Logs needed in the window; defaults to 70% of the days, rounded up.",
        ),
    )

    def complete(self, cleaned: dict[str, Any]) -> dict[str, str]:
        if cleaned["min_logs"] is None:
            cleaned["min_logs"] = (7 * cleaned["days"] + 9) // 10  # 70%, rounded up
        if cleaned["min_logs"] > cleaned["days"]:
            return {"min_logs": "Minimum logs cannot be more than the number of days."}
        return {}

    def sentence(self, p: Mapping[str, Any]) -> str:
        where = "today" if p["days"] == 1 else f"on every logged day of the last {p['days']} days"
        return (
            f"{cap(PAIN_TEXT[p['field']])} at most {p['max']}/10 {where}, "
            f"with at least {plural(pain_max_logs_needed(p), 'log')}."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        pairs = pain_pairs(snapshot.logs_between(w.start, w.end), p["field"])
        what = PAIN_TEXT[p["field"]]
        day, peak = latest_peak(pairs) if pairs else (None, None)
        if day is not None and peak is not None and peak > p["max"]:
            why = (
                f"{cap(what)} peaked at {num(peak)}/10 on {day_words(day)}, "
                f"{w.text()}; the limit is {p['max']}/10."
            )
            return Measure(False, peak, p["max"], why, "/10")
        # Judged pain-free only when logged: the clinician's minimum, and never more than one
        # missing day in seven (clinical.md §11).
        needed = max(p["min_logs"], w.needed)
        if len(pairs) < needed or not pairs:
            why = (
                f"Not enough data: {what} logged on {len(pairs)} of {plural(w.length, 'day')} "
                f"{w.text()}, {needed} needed; the limit is {p['max']}/10."
            )
            if needed > w.length:  # a window clipped at the phase's start: too young to judge
                why = (
                    f"Not enough data yet: {what} logged on {len(pairs)} of "
                    f"{plural(w.length, 'day')} {w.text()}; {plural(needed, 'logged day')} "
                    f"are needed, so it can be judged once the phase has run that long; the "
                    f"limit is {p['max']}/10."
                )
            return Measure(None, None, p["max"], why, "/10", len(pairs), needed)
        why = (
            f"{cap(what)} peaked at {num(peak)}/10 {w.text()} "
            f"({len(pairs)} of {plural(w.length, 'day')} logged); the limit is {p['max']}/10."
        )
        return Measure(True, peak, p["max"], why, "/10")

    def earliest_met(self, p, snapshot, today, result):
        if result.met is not False:
            return None
        w = Window.ending(snapshot, today, p["days"])
        pairs = pain_pairs(snapshot.logs_between(w.start, w.end), p["field"])
        over = [day for day, v in pairs if v > p["max"]]
        # The window must have moved past the last day above the limit.
        return max(over) + timedelta(days=p["days"]) if over else None

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        what = cap(pain_words(p["field"], noun))
        if p["days"] == 1:
            return f"{what} at {p['max']}/10 or below today"
        return (
            f"{what} at {p['max']}/10 or below on every day you log for "
            f"{p['days']} days (at least {count(pain_max_logs_needed(p), 'log')})"
        )

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.observed is None:
            return super().athlete_progress(result)
        if result.met is None:
            if result.threshold is None:
                return super().athlete_progress(result)
            return logs_so_far(result.observed, result.threshold)
        return f"Your pain reached {plain_number(result.observed)}/10 recently"

    def athlete_pain_limit(self, p: Mapping[str, Any]) -> PainLimit:
        return PainLimit(p["field"], keep=p["max"])


class PainFreeStreak(Kind):
    kind = "pain_free_streak"
    label = "Pain-free days in a row"
    role = "advance"
    params = (
        field_param("any"),
        days_param(None, "Pain-free days", "Consecutive logged days at 0/10.", 365),
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        what = "pain" if p["field"] == "any" else PAIN_TEXT[p["field"]]
        return f"No {what} (0/10) on each of the last {plural(p['days'], 'day')}, all logged."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        what = PAIN_TEXT[p["field"]]
        phase_logs = snapshot.logs_between(snapshot.began_on, today)
        pairs = pain_pairs(phase_logs, p["field"])
        zero_days = [day for day, v in pairs if v == 0]
        run = series.streak(zero_days, today, not_before=snapshot.began_on)
        needed = p["days"]
        if run >= needed:
            why = f"No {what} for {plural(run, 'day')} in a row; {needed} needed."
            return Measure(True, run, needed, why, "days")
        in_window = [(day, v) for day, v in pairs if w.start <= day <= w.end]
        painful = [(day, v) for day, v in in_window if v > 0]
        if painful:
            day, value = painful[-1]
            why = (
                f"{cap(what)} was {num(value)}/10 on {day_words(day)}: the pain-free streak "
                f"is {plural(run, 'day')}, {needed} needed."
            )
            return Measure(False, run, needed, why, "days")
        if w.clipped:
            why = (
                f"The phase began {plural(w.length, 'day')} ago: the pain-free streak is "
                f"{plural(run, 'day')}, {needed} needed."
            )
            return Measure(False, run, needed, why, "days")
        missing = w.length - len(in_window)
        why = (
            f"Not enough data: {missing} of the last {needed} days have no log of {what} "
            f"({len(in_window)} of {needed} days logged); the pain-free streak is "
            f"{plural(run, 'day')}, {needed} needed."
        )
        return Measure(None, None, needed, why, "days")

    def earliest_met(self, p, snapshot, today, result):
        if result.met is not False:
            return None
        pairs = pain_pairs(snapshot.logs_between(snapshot.began_on, today), p["field"])
        zero_days = [day for day, v in pairs if v == 0]
        run = series.streak(zero_days, today, not_before=snapshot.began_on)
        return today + timedelta(days=p["days"] - run)

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        what = "pain" if p["field"] == "any" else pain_words(p["field"], noun)
        return f"No {what} for {count(p['days'], 'day')} in a row"

    def athlete_progress(self, result: CriterionResult) -> str:
        if result.met is None or result.observed is None:
            return super().athlete_progress(result)
        return f"{count(result.observed, 'pain-free day')} in a row so far"

    def athlete_rule(self, p: Mapping[str, Any], noun: str) -> str:
        return f"Aim for {count(p['days'], 'day')} in a row with no pain at all."


class PainAbove(Kind):
    kind = "pain_above"
    label = "Pain above"
    role = "regress"
    athlete_warning = "Your pain is above your plan's limit"
    athlete_red_warning = "Pain above your plan's limit"
    params = (
        field_param(None),
        Param(
            "above",
            "int",
            "Pain limit",
            required=True,
            min=0,
            max=9,
            help="Fires when a rating is above this value (0–10 scale).",
        ),
        regress_days_param(),
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return f"Fires when {PAIN_TEXT[p['field']]} is above {p['above']}/10 {period(p['days'])}."

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        what = PAIN_TEXT[p["field"]]
        pairs = pain_pairs(snapshot.logs_between(w.start, w.end), p["field"])
        if not pairs:
            why = f"Not enough data: no log of {what} {w.text()}."
            return Measure(None, None, p["above"], why, "/10")
        day, peak = latest_peak(pairs)
        if peak > p["above"]:
            why = (
                f"{cap(what)} reached {num(peak)}/10 on {day_words(day)}, "
                f"above the limit of {p['above']}/10."
            )
            return Measure(True, peak, p["above"], why, "/10")
        why = f"{cap(what)} peaked at {num(peak)}/10 {w.text()}; the limit is {p['above']}/10."
        return Measure(False, peak, p["above"], why, "/10")

    def athlete_pain_limit(self, p: Mapping[str, Any]) -> PainLimit:
        return PainLimit(p["field"], stop=p["above"])


class PainPersisting(Kind):
    kind = "pain_persisting"
    label = "Pain lasting after activity"
    role = "regress"
    athlete_warning = "Your pain after exercise is lasting too long"
    athlete_red_warning = "Pain lasting too long after exercise"
    params = (
        Param(
            "hours",
            "float",
            "Hours",
            default=24.0,
            min=1,
            max=168,
            help="Fires when pain after activity lasted this long or longer.",
        ),
        regress_days_param(),
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Fires when pain after activity lasted {num(p['hours'])} hours or more "
            f"{period(p['days'])}."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        logs = snapshot.logs_between(w.start, w.end)
        pairs = [
            (log.day, log.pain_lasted_hours) for log in logs if log.pain_lasted_hours is not None
        ]
        limit = p["hours"]
        if not pairs:
            why = f"Not enough data: no log records how long pain lasted {w.text()}."
            return Measure(None, None, limit, why, "hours")
        day, longest = latest_peak(pairs)
        if longest >= limit:
            why = (
                f"Pain after activity lasted {num(longest)} hours on {day_words(day)}; "
                f"the limit is {num(limit)} hours."
            )
            return Measure(True, longest, limit, why, "hours")
        why = (
            f"Pain after activity lasted at most {num(longest)} hours {w.text()}; "
            f"the limit is {num(limit)} hours."
        )
        return Measure(False, longest, limit, why, "hours")

    def athlete_rule(self, p: Mapping[str, Any], noun: str) -> str:
        hours = plain_number(p.get("hours", 24))
        return f"Any pain after exercise should settle within {hours} hours."
