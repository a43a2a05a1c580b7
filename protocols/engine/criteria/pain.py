"""Criterion kinds that read pain ratings (0–10 NRS): pain limits, pain-free streaks, pain that
persists, rises or is worse the next morning, and severe pain with impact work.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from protocols.engine import series
from protocols.engine.criteria.base import (
    _EPS,
    _PAIN_TEXT,
    MIN_LOGS_PER_WEEK,
    Kind,
    Measure,
    Param,
    Window,
    _cap,
    _days,
    _field,
    _num,
    _pain_pairs,
    _peak,
    _period,
    _plural,
    _points,
    _regress_days,
    pain_value,
)
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
        _field(None),
        Param(
            "max",
            "int",
            "Pain maximum",
            required=True,
            min=0,
            max=10,
            help="Highest acceptable rating on the 0–10 scale.",
        ),
        _days(7),
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
            f"{_cap(_PAIN_TEXT[p['field']])} at most {p['max']}/10 {where}, "
            f"with at least {_plural(pain_max_logs_needed(p), 'log')}."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        pairs = _pain_pairs(snapshot.logs_between(w.start, w.end), p["field"])
        what = _PAIN_TEXT[p["field"]]
        day, peak = _peak(pairs) if pairs else (None, None)
        if day is not None and peak is not None and peak > p["max"]:
            why = (
                f"{_cap(what)} peaked at {_num(peak)}/10 on {day.isoformat()}, "
                f"{w.text()}; the limit is {p['max']}/10."
            )
            return Measure(False, peak, p["max"], why, "/10")
        # Judged pain-free only when logged: the clinician's minimum, and never more than one
        # missing day in seven (clinical.md §11).
        needed = max(p["min_logs"], w.needed)
        if len(pairs) < needed or not pairs:
            why = (
                f"Not enough data: {what} logged on {len(pairs)} of {_plural(w.length, 'day')} "
                f"{w.text()}, {needed} needed; the limit is {p['max']}/10."
            )
            if needed > w.length:  # a window clipped at the phase's start: too young to judge
                why = (
                    f"Not enough data yet: {what} logged on {len(pairs)} of "
                    f"{_plural(w.length, 'day')} {w.text()}; {_plural(needed, 'logged day')} "
                    f"are needed, so it can be judged once the phase has run that long; the "
                    f"limit is {p['max']}/10."
                )
            return Measure(None, None, p["max"], why, "/10", len(pairs), needed)
        why = (
            f"{_cap(what)} peaked at {_num(peak)}/10 {w.text()} "
            f"({len(pairs)} of {_plural(w.length, 'day')} logged); the limit is {p['max']}/10."
        )
        return Measure(True, peak, p["max"], why, "/10")

    def earliest_met(self, p, snapshot, today, result):
        if result.met is not False:
            return None
        w = Window.ending(snapshot, today, p["days"])
        pairs = _pain_pairs(snapshot.logs_between(w.start, w.end), p["field"])
        over = [day for day, v in pairs if v > p["max"]]
        # The window must have moved past the last day above the limit.
        return max(over) + timedelta(days=p["days"]) if over else None


class PainFreeStreak(Kind):
    kind = "pain_free_streak"
    label = "Pain-free days in a row"
    role = "advance"
    params = (_field("any"), _days(None, "Pain-free days", "Consecutive logged days at 0/10.", 365))

    def sentence(self, p: Mapping[str, Any]) -> str:
        what = "pain" if p["field"] == "any" else _PAIN_TEXT[p["field"]]
        return f"No {what} (0/10) on each of the last {_plural(p['days'], 'day')}, all logged."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        what = _PAIN_TEXT[p["field"]]
        phase_logs = snapshot.logs_between(snapshot.began_on, today)
        pairs = _pain_pairs(phase_logs, p["field"])
        zero_days = [day for day, v in pairs if v == 0]
        run = series.streak(zero_days, today, not_before=snapshot.began_on)
        needed = p["days"]
        if run >= needed:
            why = f"No {what} for {_plural(run, 'day')} in a row; {needed} needed."
            return Measure(True, run, needed, why, "days")
        in_window = [(day, v) for day, v in pairs if w.start <= day <= w.end]
        painful = [(day, v) for day, v in in_window if v > 0]
        if painful:
            day, value = painful[-1]
            why = (
                f"{_cap(what)} was {_num(value)}/10 on {day.isoformat()}: the pain-free streak "
                f"is {_plural(run, 'day')}, {needed} needed."
            )
            return Measure(False, run, needed, why, "days")
        if w.clipped:
            why = (
                f"The phase began {_plural(w.length, 'day')} ago: the pain-free streak is "
                f"{_plural(run, 'day')}, {needed} needed."
            )
            return Measure(False, run, needed, why, "days")
        missing = w.length - len(in_window)
        why = (
            f"Not enough data: {missing} of the last {needed} days have no log of {what} "
            f"({len(in_window)} of {needed} days logged); the pain-free streak is "
            f"{_plural(run, 'day')}, {needed} needed."
        )
        return Measure(None, None, needed, why, "days")

    def earliest_met(self, p, snapshot, today, result):
        if result.met is not False:
            return None
        pairs = _pain_pairs(snapshot.logs_between(snapshot.began_on, today), p["field"])
        zero_days = [day for day, v in pairs if v == 0]
        run = series.streak(zero_days, today, not_before=snapshot.began_on)
        return today + timedelta(days=p["days"] - run)


def _weekly_pain(snapshot: Snapshot, today: date, which: str) -> tuple[list[float], list[float]]:
    """Known pain values of this week (the last 7 days) and of the 7 days before, in phase."""
    start = snapshot.began_on

    def week(end: date) -> list[float]:
        logs = snapshot.logs_between(series.window_start(end, 7, start), end)
        return [v for log in logs if (v := pain_value(log, which)) is not None]

    return week(today), week(today - timedelta(days=7))


def _weeks_unknown(what: str, this_week: Sequence[float], last_week: Sequence[float]) -> str:
    return (
        f"Not enough data: {_plural(len(this_week), 'log')} of {what} this week and "
        f"{len(last_week)} last week; {MIN_LOGS_PER_WEEK} needed in each."
    )


class PainNotRising(Kind):
    kind = "pain_not_rising"
    label = "Pain not rising"
    role = "advance"
    params = (
        _field("during"),
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
        what = _PAIN_TEXT[p["field"]]
        above = "" if p["tolerance"] == 0 else f" by more than {_points(p['tolerance'])}"
        return (
            f"Average {what} this week not above last week's{above} "
            f"(at least {MIN_LOGS_PER_WEEK} logs each week)."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        what = _PAIN_TEXT[p["field"]]
        this_week, last_week = _weekly_pain(snapshot, today, p["field"])
        if min(len(this_week), len(last_week)) < MIN_LOGS_PER_WEEK:
            why = _weeks_unknown(what, this_week, last_week)
            above = "" if p["tolerance"] == 0 else f" + {_num(p['tolerance'])}"
            return Measure(None, None, f"last week's average{above}", why, "/10")
        now = sum(this_week) / len(this_week)
        before = sum(last_week) / len(last_week)
        limit = before + p["tolerance"]
        why = (
            f"Average {what} was {_num(now)}/10 this week against {_num(before)}/10 last week; "
            f"the limit is {_num(limit)}/10."
        )
        return Measure(now <= limit + _EPS, round(now, 2), round(limit, 2), why, "/10")


class PainAbove(Kind):
    kind = "pain_above"
    label = "Pain above"
    role = "regress"
    params = (
        _field(None),
        Param(
            "above",
            "int",
            "Pain limit",
            required=True,
            min=0,
            max=9,
            help="Fires when a rating is above this value (0–10 scale).",
        ),
        _regress_days(),
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return f"Fires when {_PAIN_TEXT[p['field']]} is above {p['above']}/10 {_period(p['days'])}."

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        what = _PAIN_TEXT[p["field"]]
        pairs = _pain_pairs(snapshot.logs_between(w.start, w.end), p["field"])
        if not pairs:
            why = f"Not enough data: no log of {what} {w.text()}."
            return Measure(None, None, p["above"], why, "/10")
        day, peak = _peak(pairs)
        if peak > p["above"]:
            why = (
                f"{_cap(what)} reached {_num(peak)}/10 on {day.isoformat()}, "
                f"above the limit of {p['above']}/10."
            )
            return Measure(True, peak, p["above"], why, "/10")
        why = f"{_cap(what)} peaked at {_num(peak)}/10 {w.text()}; the limit is {p['above']}/10."
        return Measure(False, peak, p["above"], why, "/10")


class PainPersisting(Kind):
    kind = "pain_persisting"
    label = "Pain lasting after activity"
    role = "regress"
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
        _regress_days(),
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Fires when pain after activity lasted {_num(p['hours'])} hours or more "
            f"{_period(p['days'])}."
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
        day, longest = _peak(pairs)
        if longest >= limit:
            why = (
                f"Pain after activity lasted {_num(longest)} hours on {day.isoformat()}; "
                f"the limit is {_num(limit)} hours."
            )
            return Measure(True, longest, limit, why, "hours")
        why = (
            f"Pain after activity lasted at most {_num(longest)} hours {w.text()}; "
            f"the limit is {_num(limit)} hours."
        )
        return Measure(False, longest, limit, why, "hours")


class PainRising(Kind):
    kind = "pain_rising"
    label = "Pain rising week over week"
    role = "regress"
    params = (
        _field("during"),
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
            f"Fires when average {_PAIN_TEXT[p['field']]} this week is {_points(p['by'])} "
            f"or more above last week's."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return p["field"] == "rest" or high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        what = _PAIN_TEXT[p["field"]]
        this_week, last_week = _weekly_pain(snapshot, today, p["field"])
        if min(len(this_week), len(last_week)) < MIN_LOGS_PER_WEEK:
            why = _weeks_unknown(what, this_week, last_week)
            return Measure(None, None, p["by"], why, "points")
        now = sum(this_week) / len(this_week)
        before = sum(last_week) / len(last_week)
        rise = now - before
        verb = "rose" if rise > _EPS else "fell" if rise < -_EPS else "did not change"
        amount = "" if verb == "did not change" else f" by {_points(abs(rise))}"
        why = (
            f"Average {what} {verb}{amount} week over week ({_num(now)}/10 against "
            f"{_num(before)}/10); the limit is a rise of {_num(p['by'])}."
        )
        return Measure(rise >= p["by"] - _EPS, round(rise, 2), p["by"], why, "points")


class NextMorningWorse(Kind):
    kind = "next_morning_worse"
    label = "Worse the next morning"
    role = "regress"
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
        _regress_days(),
    )
    help = "A day's log holds the pain at rest of that day and the pain on the following morning."

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Fires when next-morning pain is {_points(p['by'])} or more above the previous "
            f"day's pain at rest, {_period(p['days'])}."
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
            f"Pain the morning after {log.day.isoformat()} was {_num(log.pain_next_morning)}/10 "
            f"against {_num(log.pain_rest)}/10 at rest that day"
        )
        why = f"{text}, a change of {_num(rise)}; the limit is a rise of {_num(p['by'])}."
        return Measure(rise >= p["by"] - _EPS, rise, p["by"], why, "points")


# Activities that load bone little (protocols.models.Activity); any other is impact work.
NON_IMPACT_ACTIVITIES = frozenset({"cycle", "swim", "aqua_jog", "elliptical", "strength"})
"""Activities without impact on the bone. Every other one (walking, walk-run, running, the
anti-gravity treadmill, hopping, drills, "other") is impact work for the severe-pain rule."""


def is_impact_activity(activity: str) -> bool:
    return activity not in NON_IMPACT_ACTIVITIES


def impact_days(snapshot: Snapshot, start: date, end: date) -> dict[date, str]:
    """The days from ``start`` to ``end`` with impact work, each with the words for it: a session
    of an impact activity, or, in a phase that prescribes weight-bearing work
    (``Snapshot.impact_phase``), a day with no session recorded whose log rates pain during or
    after activity (the sessions, when there are any, say what the activity was). The one
    definition the severe-pain rule and the athlete's answer on submit both use."""
    days: dict[date, str] = {}
    with_sessions: set[date] = set()
    for s in snapshot.sessions_between(start, end):
        with_sessions.add(s.day)
        if is_impact_activity(s.activity):
            days.setdefault(s.day, s.activity.replace("_", " "))
    if snapshot.impact_phase:
        for log in snapshot.daily_logs_between(start, end):
            rated = log.pain_during is not None or log.pain_after is not None
            if rated and log.day not in with_sessions:
                days.setdefault(log.day, "activity in a weight-bearing phase")
    return days


class SeverePain(Kind):
    kind = "severe_pain"
    label = "Severe pain with impact work"
    role = "regress"
    params = (
        Param(
            "limit",
            "int",
            "Red pain limit",
            min=1,
            max=10,
            help="Fires when pain during or after activity reaches this (0–10) on a day with "
            "impact work; empty: the plan's red pain limit (5/10 by default).",
        ),
        _regress_days(),
    )
    help = (
        "A red flag in every phase: no pain is expected at a bone injury, and severe pain with "
        "impact work means stop and contact the clinical team (clinical.md §7)."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        limit = "the plan's red limit" if p["limit"] is None else f"{p['limit']}/10"
        return (
            f"Fires when pain during or after activity reaches {limit} on a day with impact "
            f"work, {_period(p['days'])}."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return True

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        limit = p["limit"] if p["limit"] is not None else snapshot.red_pain_limit
        w = Window.ending(snapshot, today, p["days"])
        impact = impact_days(snapshot, w.start, w.end)
        pairs = [
            (log.day, v)
            for log in snapshot.logs_between(w.start, w.end)
            if (v := max((x for x in (log.pain_during, log.pain_after) if x is not None),
                         default=None)) is not None
        ]  # fmt: skip
        on_impact = [(day, v) for day, v in pairs if day in impact]
        severe = [(day, v) for day, v in on_impact if v >= limit]
        if severe:
            day, peak = _peak(severe)
            why = (
                f"Pain reached {_num(peak)}/10 on {day.isoformat()}, a day with impact work "
                f"({impact[day]}); the red limit is {limit}/10: stop and "
                f"contact the clinical team."
            )
            return Measure(True, peak, limit, why, "/10")
        if not on_impact:
            why = (
                f"No pain rating during or after impact work {w.text()}; the red limit is "
                f"{limit}/10."
            )
            return Measure(None, None, limit, why, "/10")
        day, peak = _peak(on_impact)
        why = (
            f"Pain with impact work peaked at {_num(peak)}/10 {w.text()}; the red limit is "
            f"{limit}/10."
        )
        return Measure(False, peak, limit, why, "/10")
