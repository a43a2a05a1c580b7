"""The records the engine reads: a case's daily logs, sessions and assessments, and the
`Snapshot` of them that criteria and the gating engine evaluate on a day.

Pure: no ORM, no clock, no I/O.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from operator import itemgetter
from typing import Any, NamedTuple

# The records are named tuples: a nightly run builds hundreds of thousands of them, and a tuple
# subclass is made from a database row in one C call (`tuple.__new__(LogEntry, row)`).


class LogEntry(NamedTuple):
    """One athlete's daily log. Pain ratings are 0–10 NRS; `pain_next_morning` is the pain on the
    morning after `day`; `pain_lasted_hours` is how long pain after activity lasted."""

    day: date
    pain_rest: float | None = None
    pain_during: float | None = None
    pain_after: float | None = None
    pain_next_morning: float | None = None
    pain_character: str | None = None  # "none", "dull", "sharp"
    localized: bool | None = None
    night_pain: bool | None = None
    swelling: bool | None = None
    pain_lasted_hours: float | None = None


class SessionEntry(NamedTuple):
    day: date
    activity: str
    minutes: float | None
    rpe: float | None = None  # CR-10
    pain_during: float | None = None
    pain_after: float | None = None
    distance_km: float | None = None  # for running volume (criteria.volume); None: not given

    @property
    def load(self) -> float | None:
        """Session-RPE load, rpe × minutes in AU (Foster et al. 2001); None when either is."""
        if self.rpe is None or self.minutes is None:
            return None
        return float(self.rpe) * float(self.minutes)


class AssessmentEntry(NamedTuple):
    day: date
    test: str
    value: float
    pain: float | None = None


# Pain at or above this (0–10) during or after impact work is a red flag, unless the plan sets
# its own limit (Plan.red_pain_limit; clinical.md §7: no pain is expected at a bone injury).
RED_PAIN_LIMIT = 5


def _worst(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a >= b else b


def merge_day_pain(logs: Iterable[LogEntry], sessions: Iterable[SessionEntry]) -> list[LogEntry]:
    """One log per day, by day, whose pain during and after activity is the worst of the day's
    daily log and its sessions' ratings (clinical.md §11: pain recorded with a session counts
    wherever a daily log's pain would). A session with a pain rating on a day without a daily
    log makes a log of that day holding only that pain. For a repeated log day the last wins."""
    chosen: dict[date, LogEntry] = {}
    for entry in logs:
        chosen[entry.day] = entry
    for s in sessions:
        if s.pain_during is None and s.pain_after is None:
            continue
        log = chosen.get(s.day)
        if log is None:
            chosen[s.day] = LogEntry(s.day, pain_during=s.pain_during, pain_after=s.pain_after)
            continue
        during, after = _worst(log.pain_during, s.pain_during), _worst(log.pain_after, s.pain_after)
        if during != log.pain_during or after != log.pain_after:
            chosen[s.day] = log._replace(pain_during=during, pain_after=after)
    return [chosen[day] for day in sorted(chosen)]


# The case's recorded facts that criteria may read (``Snapshot.facts``), by name: the
# snapshot builders read these fields of the case (with the athlete's sex) in the query that
# loads the plan, so every fact recorded reaches the rules that concern it.
CASE_FACTS: tuple[str, ...] = (
    "site",
    "side",
    "sex",
    "red_s_screen",
    "ortho_decision",
    "ortho_decision_on",
    "fracture_line_percent",
    "effusion",
    # the athlete's pre-injury weekly running volume (criteria.volume; clinical.md §6)
    "pre_injury_km_week",
    "pre_injury_minutes_week",
)


@dataclass(frozen=True)
class Snapshot:
    """What the engine may read for one case and phase. Records may come in any order and may
    include days after the evaluation day (they are ignored) or before the phase began (only
    load history reads them).

    `judged_from` (after a step back, PlanPhase.judged_from) is the first day whose data the
    phase's criteria read: the pain that caused the step back is not judged again
    (`began_on`)."""

    phase_started_on: date
    logs: tuple[LogEntry, ...] = ()
    sessions: tuple[SessionEntry, ...] = ()
    assessments: tuple[AssessmentEntry, ...] = ()
    signed_off_on: date | None = None  # a clinician's sign-off of this phase
    high_risk_site: bool = False
    judged_from: date | None = None
    red_pain_limit: int = RED_PAIN_LIMIT
    # The phase prescribes weight-bearing work (its impact is not "none"): a daily log's pain
    # during or after activity is pain with impact work even when no session was recorded.
    impact_phase: bool = False
    facts: Mapping[str, Any] = field(default_factory=dict)  # named in CASE_FACTS

    def __post_init__(self) -> None:
        for name in ("logs", "sessions", "assessments"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @classmethod
    def presorted(
        cls,
        *,
        phase_started_on: date,
        logs: tuple[LogEntry, ...],
        sessions: tuple[SessionEntry, ...],
        assessments: tuple[AssessmentEntry, ...] = (),
        signed_off_on: date | None = None,
        high_risk_site: bool = False,
        judged_from: date | None = None,
        red_pain_limit: int = RED_PAIN_LIMIT,
        impact_phase: bool = False,
        facts: Mapping[str, Any] | None = None,
    ) -> Snapshot:
        """A snapshot of records already in order: `logs` by day with one per day, `sessions`
        by day (as the database returns them with ``ORDER BY date``). The same snapshot as the
        constructor's, without sorting again what the database sorted."""
        snapshot = cls(
            phase_started_on=phase_started_on,
            logs=logs,
            sessions=sessions,
            assessments=assessments,
            signed_off_on=signed_off_on,
            high_risk_site=high_risk_site,
            judged_from=judged_from,
            red_pain_limit=red_pain_limit,
            impact_phase=impact_phase,
            facts=facts or {},
        )
        first = itemgetter(0)
        snapshot.__dict__["_daily_log_days"] = (list(map(first, logs)), list(logs))
        snapshot.__dict__["_session_days"] = (list(map(first, sessions)), list(sessions))
        return snapshot

    @property
    def began_on(self) -> date:
        """The first day the phase's criteria judge: the phase start, or after a step back the
        later `judged_from`."""
        judged = self.judged_from
        started = self.phase_started_on
        return judged if judged is not None and judged > started else started

    # Criteria ask for many windows of the same records: sort them once per snapshot
    # (cached_property writes to the instance dict, which a frozen dataclass allows).
    @cached_property
    def _daily_log_days(self) -> tuple[list[date], list[LogEntry]]:
        chosen: dict[date, LogEntry] = {}
        for entry in self.logs:
            chosen[entry.day] = entry
        days = sorted(chosen)
        return days, [chosen[day] for day in days]

    @cached_property
    def _log_days(self) -> tuple[list[date], list[LogEntry]]:
        """The daily logs with each day's session pain merged in (`merge_day_pain`)."""
        days, logs = self._daily_log_days
        rated = [s for s in self.sessions if s.pain_during is not None or s.pain_after is not None]
        if not rated:
            return days, logs
        merged = merge_day_pain(logs, rated)
        return [log.day for log in merged], merged

    @cached_property
    def _session_days(self) -> tuple[list[date], list[SessionEntry]]:
        ordered = sorted(self.sessions, key=lambda s: s.day)  # stable: same-day order kept
        return [s.day for s in ordered], ordered

    def logs_between(self, start: date, end: date) -> list[LogEntry]:
        """One log per day from `start` to `end` inclusive, by day, with the day's session pain
        merged in (`merge_day_pain`): what every pain rule reads."""
        days, logs = self._log_days
        return logs[bisect_left(days, start) : bisect_right(days, end)]

    def daily_logs_between(self, start: date, end: date) -> list[LogEntry]:
        """The daily logs themselves from `start` to `end` inclusive, by day (for a repeated
        day the last log given wins): what logging adherence counts."""
        days, logs = self._daily_log_days
        return logs[bisect_left(days, start) : bisect_right(days, end)]

    def sessions_between(self, start: date, end: date) -> list[SessionEntry]:
        """Every session from `start` to `end` inclusive, by day (several a day is normal)."""
        days, sessions = self._session_days
        return sessions[bisect_left(days, start) : bisect_right(days, end)]

    def assessments_between(self, start: date, end: date) -> list[AssessmentEntry]:
        """Assessments from `start` to `end` inclusive, by day; for the same test on the same
        day the last one given wins."""
        chosen: dict[tuple[date, str], AssessmentEntry] = {}
        for a in self.assessments:
            if start <= a.day <= end:
                chosen[(a.day, a.test)] = a
        return [chosen[key] for key in sorted(chosen)]

    def last_log_on(self, today: date) -> date | None:
        """The last day on or before `today` with a daily log."""
        days = self._daily_log_days[0]
        index = bisect_right(days, today)
        return days[index - 1] if index else None
