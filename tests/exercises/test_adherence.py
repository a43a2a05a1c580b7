"""Adherence in a dated story: done ÷ prescribed, each exercise counting at most its times a
week, the phase's first (short) week scaled down. Clinic convention (monitoring.exercises)."""

from __future__ import annotations

import datetime as dt

from monitoring.exercises.adherence import Adherence, adherence

D = dt.date


def test_a_phase_from_a_sunday_to_the_friday_three_weeks_later():
    # The phase starts on Sunday 1 November 2026; today is Friday 20 November.
    # Calf raises 3 a week: the first week has one day in the phase (target 1), then 3, 3, 3.
    # Balance 5 a week: 1 (ceil 5/7), then 5, 5, 5.
    per_week = {"calf": 3, "balance": 5}
    done = {
        "calf": [
            D(2026, 11, 1),  # week 1: 1 of 1
            D(2026, 11, 2), D(2026, 11, 4), D(2026, 11, 6), D(2026, 11, 7),  # 4 done: 3 count
            D(2026, 11, 10),  # week 3: 1 of 3
            D(2026, 11, 16), D(2026, 11, 18),  # this week: 2 of 3 so far
        ],
        "balance": [D(2026, 10, 31)],  # before the phase: does not count
    }  # fmt: skip
    week, phase = adherence(per_week, done, start=D(2026, 11, 1), today=D(2026, 11, 20))
    assert week == Adherence(2, 8) and week.percent == 25
    assert phase == Adherence(1 + 3 + 1 + 2, 10 + 16) and phase.percent == 27


def test_nothing_prescribed_is_unknown_not_perfect():
    week, phase = adherence({}, {}, start=D(2026, 11, 1), today=D(2026, 11, 20))
    assert week.percent is None and phase.percent is None


def test_a_tick_after_today_or_before_the_start_counts_nothing():
    week, _ = adherence(
        {"calf": 3}, {"calf": [D(2026, 11, 21)]}, start=D(2026, 11, 16), today=D(2026, 11, 20)
    )
    assert week == Adherence(0, 3)
