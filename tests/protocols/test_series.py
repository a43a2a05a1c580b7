"""Series arithmetic against values computed by hand."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.engine import series

D = date(2025, 3, 10)


def d(n: int) -> date:
    """The day `n` days after D (negative: before)."""
    return D + timedelta(days=n)


# --- days, windows, gaps ----------------------------------------------------------------------


def test_day_range_is_inclusive_and_empty_when_reversed():
    assert series.day_range(d(0), d(2)) == [d(0), d(1), d(2)]
    assert series.day_range(d(0), d(0)) == [d(0)]
    assert series.day_range(d(1), d(0)) == []


def test_window_start_counts_today_and_is_clipped():
    assert series.window_start(d(6), 7) == d(0)
    assert series.window_start(d(6), 1) == d(6)
    assert series.window_start(d(6), 7, not_before=d(4)) == d(4)
    assert series.window_start(d(6), 7, not_before=d(-3)) == d(0)
    with pytest.raises(ValueError):
        series.window_start(d(6), 0)


def test_daily_series_keeps_gaps_as_none_and_last_value_wins():
    values = [(d(0), 2), (d(2), 5), (d(2), 3), (d(9), 1)]
    assert series.daily_series(values, d(0), d(3)) == [
        (d(0), 2),
        (d(1), None),
        (d(2), 3),
        (d(3), None),
    ]


def test_window_values_skip_gaps_and_honour_not_before():
    values = [(d(0), 1), (d(1), None), (d(3), 4), (d(6), 2), (d(7), 9)]
    assert series.window_values(values, d(6), 7) == [1, 4, 2]
    assert series.window_values(values, d(6), 7, not_before=d(2)) == [4, 2]


# --- streaks ----------------------------------------------------------------------------------


def test_streak_stops_at_the_first_gap():
    days = [d(0), d(1), d(2), d(4), d(5), d(6)]
    assert series.streak(days, d(6)) == 3
    assert series.streak(days, d(2)) == 3
    assert series.streak(days, d(3)) == 0  # the end day itself is missing


def test_streak_never_counts_before_not_before():
    days = [d(i) for i in range(10)]
    assert series.streak(days, d(9)) == 10
    assert series.streak(days, d(9), not_before=d(7)) == 3


def test_runs_and_longest_streak_with_gaps_and_duplicates():
    days = [d(5), d(0), d(1), d(1), d(2), d(6), d(7), d(8), d(9), d(12)]
    assert series.runs(days) == [(d(0), d(2)), (d(5), d(9)), (d(12), d(12))]
    assert series.longest_streak(days) == 5
    assert series.longest_streak([]) == 0


# --- weekly windows ---------------------------------------------------------------------------


def test_weekly_mean_and_sum_by_hand():
    # d(0)..d(6): 2, gap, 4, gap, 0, 3, gap -> mean (2 + 4 + 0 + 3) / 4 = 2.25, sum 9
    values = [(d(0), 2), (d(2), 4), (d(4), 0), (d(5), 3), (d(-1), 10)]
    assert series.weekly_mean(values, d(6)) == pytest.approx(2.25)
    assert series.weekly_sum(values, d(6)) == 9
    assert series.weekly_mean([], d(6)) is None
    assert series.weekly_sum([], d(6)) == 0
    assert series.weekly_mean(values, d(6), days=3) == pytest.approx(1.5)  # d(4), d(5)


def test_week_over_week_change_in_percent():
    # last week (d(0)..d(6)) 100 + 200 = 300; this week (d(7)..d(13)) 150 + 300 = 450: +50 %
    values = [(d(0), 100), (d(6), 200), (d(7), 150), (d(13), 300)]
    assert series.week_over_week_change(values, d(13)) == pytest.approx(50.0)
    falling = [(d(0), 400), (d(7), 300)]
    assert series.week_over_week_change(falling, d(13)) == pytest.approx(-25.0)


def test_week_over_week_change_is_none_from_nothing():
    assert series.week_over_week_change([(d(8), 300)], d(13)) is None
    # Clipping the earlier week away leaves nothing to compare with.
    values = [(d(0), 100), (d(8), 300)]
    assert series.week_over_week_change(values, d(13), not_before=d(7)) is None


# --- load -------------------------------------------------------------------------------------


def test_session_load_is_rpe_times_minutes():
    assert series.session_load(6, 50) == 300
    assert series.session_load(None, 50) is None
    assert series.session_load(4, None) is None


def test_daily_loads_add_up_sessions_and_fill_rest_days_with_zero():
    loads = [(d(0), 300), (d(0), 100), (d(2), 250), (d(2), None), (d(5), 40)]
    assert series.daily_loads(loads, d(0), d(3)) == [400, 0, 250, 0]


def test_ewma_lambda_values():
    assert series.ewma_lambda(7) == 0.25
    assert series.ewma_lambda(28) == pytest.approx(2 / 29)
    with pytest.raises(ValueError):
        series.ewma_lambda(0)


def test_ewma_acute_by_hand():
    # λ = 0.25; EWMA_0 = L_0 = 100; 0.25·0 + 0.75·100 = 75; 0.25·200 + 0.75·75 = 106.25
    assert series.ewma([100, 0, 200], 7) == pytest.approx([100, 75, 106.25])


def test_ewma_chronic_by_hand():
    # λ = 2/29: 100; 27/29·100 = 2700/29; 2/29·200 + 27/29·2700/29 = 84500/841
    assert series.ewma([100, 0, 200], 28) == pytest.approx([100, 2700 / 29, 84500 / 841])


def test_ewma_with_an_explicit_seed():
    # Seeded at 0: 0.25·100 = 25; 0.75·25 = 18.75; 0.25·200 + 0.75·18.75 = 64.0625
    assert series.ewma([100, 0, 200], 7, seed=0) == pytest.approx([25, 18.75, 64.0625])


def test_acwr_ewma_by_hand_and_flat_load():
    assert series.acwr_ewma([100, 0, 200]) == pytest.approx(106.25 / (84500 / 841))
    assert series.acwr_ewma([300] * 40) == pytest.approx(1.0)
    assert series.acwr_ewma([]) is None
    assert series.acwr_ewma([0, 0, 0]) is None
    # Seeded with a zero day: acute 0.25·100 = 25, chronic 2/29·100; 25 / (200/29) = 3.625
    assert series.acwr_ewma_series([0, 100]) == [None, pytest.approx(3.625)]


def test_acwr_ewma_rises_after_a_spike():
    ratio = series.acwr_ewma([100] * 28 + [400] * 7)
    assert ratio is not None and ratio > 1.5


def test_load_series_starts_at_the_first_known_load_and_runs_to_end():
    loads = [(d(2), 100), (d(0), None), (d(4), 50), (d(9), 70)]
    assert series.load_series(loads, d(5)) == [100, 0, 50, 0]
    assert series.load_series([(d(9), 70)], d(5)) == []


def test_foster_monotony_and_strain_with_the_population_sd():
    week = [500, 0, 300, 400, 0, 600, 200]
    # sum 2000, mean 2000/7; population variance = 900000/7 - (2000/7)^2 = 2300000/49
    # monotony = (2000/7) / (sqrt(2300000)/7) = 2000/sqrt(2300000) ≈ 1.3188
    expected = 2000 / math.sqrt(2_300_000)
    assert series.monotony(week) == pytest.approx(expected)
    assert series.monotony(week) == pytest.approx(1.3188, abs=1e-4)
    assert series.strain(week) == pytest.approx(2000 * expected)  # ≈ 2637.5
    sample_sd = math.sqrt(2_300_000 / 49 * 7 / 6)
    assert series.monotony(week) != pytest.approx((2000 / 7) / sample_sd)


def test_monotony_is_undefined_without_variation():
    assert series.monotony([300] * 7) is None
    assert series.monotony([300]) is None
    assert series.strain([300] * 7) is None


# --- adherence --------------------------------------------------------------------------------


def test_adherence_counts_distinct_days_in_the_window():
    days = [d(0), d(1), d(1), d(3), d(6), d(7), d(-5)]
    assert series.adherence(days, d(6), 7) == 4  # d(0), d(1), d(3), d(6)
    assert series.adherence(days, d(6), 7, not_before=d(2)) == 2
    assert series.adherence([], d(6), 7) == 0


# --- the one-pass ratio the load-spike warning uses -------------------------------------------

_LOADS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=120).map(d),
        st.one_of(st.none(), st.floats(min_value=0, max_value=3000, allow_nan=False)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_LOADS, st.integers(min_value=0, max_value=130))
def test_acwr_ewma_on_is_load_series_then_acwr_ewma_float_for_float(loads, offset):
    expected_loads = series.load_series(loads, d(offset))
    expected = (len(expected_loads), series.acwr_ewma(expected_loads))
    assert series.acwr_ewma_on(loads, d(offset)) == expected


def test_acwr_ewma_on_counts_history_from_the_first_known_load():
    loads = [(d(0), None), (d(2), 300.0), (d(40), 50.0)]
    history, ratio = series.acwr_ewma_on(loads, d(9))
    assert history == 8  # days 2 to 9; the session of day 40 is after the end
    assert ratio is not None and ratio < 1  # the acute average decays faster than the chronic
    assert series.acwr_ewma_on([(d(0), None)], d(0)) == (0, None)
