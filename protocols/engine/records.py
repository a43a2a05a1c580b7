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
    programme_stage: int | None = None  # the run-walk programme's stage it was (1-based)
    completion: str | None = None  # "completed" or "stopped_early"

    @property
    def load(self) -> float | None:
        """Session-RPE load, rpe × minutes in AU (Foster et al. 2001); None when either is."""
        if self.rpe is None or self.minutes is None:
            return None
        return float(self.rpe) * float(self.minutes)


class AssessmentEntry(NamedTuple):
    """A test's result. ``value`` is None for a result the engine must treat as unknown: one
    derived from a test battery whose needed side was not recorded ("incomplete")."""

    day: date
    test: str
    value: float | None
    pain: float | None = None


class SymmetryEntry(NamedTuple):
    """One test of a test battery (left and right as the involved and the uninvolved limb).
    ``group`` is the muscle group of a dynamometer test ("" otherwise). A side not recorded is
    None: the test is "incomplete" and never has a limb symmetry index."""

    day: date
    test: str
    involved: float | None
    uninvolved: float | None
    pain: float | None = None
    group: str = ""

    @property
    def complete(self) -> bool:
        return self.involved is not None and self.uninvolved is not None

    @property
    def lsi(self) -> float | None:
        """Limb symmetry index, involved ÷ uninvolved × 100 (one decimal); None when a side is
        missing or the uninvolved side is 0 (no ratio to take)."""
        return limb_symmetry_index(self.involved, self.uninvolved)


def limb_symmetry_index(involved: float | None, uninvolved: float | None) -> float | None:
    """involved ÷ uninvolved × 100, to one decimal; None when either is missing or the
    uninvolved side is 0."""
    if involved is None or uninvolved is None or uninvolved <= 0:
        return None
    return round(float(involved) / float(uninvolved) * 100, 1)


BATTERY_STRENGTH_TEST = "isometric_strength"
BATTERY_COUNT_TESTS = {"hops_to_pain": "single_leg_hop", "calf_raises": "heel_raise"}
"""A battery's count tests and the assessment test each feeds with the involved side's count
(docs/criteria.md, "Test batteries")."""


def battery_assessments(entries: Iterable[SymmetryEntry]) -> list[AssessmentEntry]:
    """The assessment results a battery's tests give the existing ``assessment`` rules, so
    nothing is typed twice: the dynamometer's lowest limb symmetry index of the day's muscle
    groups as ``strength_symmetry`` (None, unknown, when a group of that day is incomplete);
    hops to pain and calf raises as the involved side's ``single_leg_hop`` and ``heel_raise``
    counts with the test's pain (None when the involved side was not recorded)."""
    out: list[AssessmentEntry] = []
    strength: dict[date, list[SymmetryEntry]] = {}
    for e in entries:
        if e.test == BATTERY_STRENGTH_TEST:
            strength.setdefault(e.day, []).append(e)
        elif e.test in BATTERY_COUNT_TESTS:
            out.append(AssessmentEntry(e.day, BATTERY_COUNT_TESTS[e.test], e.involved, e.pain))
    for day, groups in strength.items():
        indexes = [g.lsi for g in groups]
        lowest = None if None in indexes else min(indexes)  # type: ignore[type-var]
        pains = [g.pain for g in groups if g.pain is not None]
        out.append(AssessmentEntry(day, "strength_symmetry", lowest, max(pains, default=None)))
    return sorted(out, key=lambda a: a.day)


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
# The hold on impact after a positive bone-health screen and the clinician's decision.
BONE_HEALTH_FACTS = ("bone_health_hold_since", "bone_health_decision", "bone_health_decision_on")
CASE_FACTS: tuple[str, ...] = (
    "site",
    "side",
    "sex",
    "red_s_screen",
    "ortho_decision",
    "ortho_decision_on",
    "fracture_line_percent",
    "effusion",
    *BONE_HEALTH_FACTS,
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
    # The phase's run-walk programme (PlanPhase.programme; protocols.engine.programme), or None.
    programme: Mapping[str, Any] | None = None
    symmetry: tuple[SymmetryEntry, ...] = ()  # the case's test batteries, test by test
    # Days whose log or session was written late, after the day that followed it, and recently
    # (see `late_days`): the regression rules judge each of them as on its own day as well.
    recorded_late: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        for name in ("logs", "sessions", "assessments", "symmetry"):
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
        programme: Mapping[str, Any] | None = None,
        symmetry: tuple[SymmetryEntry, ...] = (),
        recorded_late: frozenset[date] = frozenset(),
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
            programme=programme,
            symmetry=symmetry,
            recorded_late=recorded_late,
        )
        first = itemgetter(0)
        snapshot.__dict__["_daily_log_days"] = (list(map(first, logs)), list(logs))
        snapshot.__dict__["_session_days"] = (list(map(first, sessions)), list(sessions))
        return snapshot

    def late_days(self, today: date) -> list[date]:
        """The days of `recorded_late` before `today` that the phase's criteria judge, latest
        first."""
        began = self.began_on
        return sorted((d for d in self.recorded_late if began <= d < today), reverse=True)

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
        """The daily logs with each day's session pain merged in (`merge_day_pain`) from the
        phase's start on: sessions before it are load history, and no rule judges pain
        before the phase (their merge was three quarters of this one's time, unread)."""
        days, logs = self._daily_log_days
        start = self.phase_started_on
        rated = [
            s
            for s in self.sessions
            if s.day >= start and (s.pain_during is not None or s.pain_after is not None)
        ]
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
        merged in (`merge_day_pain`) on the phase's days: what every pain rule reads (a
        window never starts before the phase, ``criteria.windows.Window``)."""
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
        day the last one given wins, and a test battery's results (``battery_assessments``)
        come after the typed ones."""
        chosen: dict[tuple[date, str], AssessmentEntry] = {}
        for a in (*self.assessments, *self._battery_assessments):
            if start <= a.day <= end:
                chosen[(a.day, a.test)] = a
        return [chosen[key] for key in sorted(chosen)]

    @cached_property
    def _battery_assessments(self) -> list[AssessmentEntry]:
        return battery_assessments(self.symmetry) if self.symmetry else []

    def symmetry_between(self, start: date, end: date) -> list[SymmetryEntry]:
        """Battery tests from `start` to `end` inclusive, by day (a day's in the order given)."""
        return sorted((e for e in self.symmetry if start <= e.day <= end), key=lambda e: e.day)

    def last_log_on(self, today: date) -> date | None:
        """The last day on or before `today` with a daily log."""
        days = self._daily_log_days[0]
        index = bisect_right(days, today)
        return days[index - 1] if index else None
