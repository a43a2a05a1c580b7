"""Metrics against hand-computed values."""

import datetime as dt

import pytest

from monitoring import charts, metrics
from protocols.engine.records import LogEntry, SessionEntry

D = dt.date(2026, 11, 1)


def d(n):
    return D + dt.timedelta(days=n)


def test_pain_series_keeps_gaps_as_gaps():
    logs = [LogEntry(day=d(0), pain_during=2), LogEntry(day=d(2), pain_during=1)]
    assert metrics.pain_series(logs, d(0), d(3))["pain_during"] == [2, None, 1, None]


def test_daily_load_adds_sessions_and_counts_rest_days_as_zero():
    sessions = [
        SessionEntry(day=d(0), activity="run", minutes=30, rpe=4),
        SessionEntry(day=d(0), activity="cycle", minutes=20, rpe=3),
        SessionEntry(day=d(2), activity="run", minutes=10, rpe=None),
    ]
    assert metrics.daily_load(sessions, d(0), d(2)) == [180.0, 0.0, 0.0]


def test_load_summary_by_hand():
    # Week 1: 100 AU on each of 7 days; week 2: 200 AU on days 7–13 except 0 on day 10.
    sessions = [SessionEntry(day=d(n), activity="cycle", minutes=20, rpe=5) for n in range(7)]
    sessions += [
        SessionEntry(day=d(n), activity="cycle", minutes=40, rpe=5) for n in range(7, 14) if n != 10
    ]
    summary = metrics.load_summary(sessions, d(13))
    assert summary.week_load == 1200
    assert summary.previous_week_load == 700
    assert summary.change_percent == pytest.approx(500 / 700 * 100)
    # mean 1200/7 = 171.43; population SD = sqrt(6·(200−171.43)² + 171.43²)/√7 = 69.99
    assert summary.monotony == pytest.approx(171.428571 / 69.985421, rel=1e-6)
    assert summary.strain == pytest.approx(1200 * summary.monotony)


def test_acwr_by_hand_for_two_days():
    # Day 0: load 100 (both EWMAs start at it); day 1: load 0.
    # acute = 0.25·0 + 0.75·100 = 75; chronic = (2/29)·0 + (27/29)·100 = 93.10; ratio 0.8056
    sessions = [SessionEntry(day=d(0), activity="run", minutes=20, rpe=5)]
    ratios = metrics.acwr_series(sessions, d(0), d(1))
    assert ratios[0] == pytest.approx(1.0)
    assert ratios[1] == pytest.approx(75 / (100 * 27 / 29))


def test_acwr_starts_from_earlier_history():
    sessions = [SessionEntry(day=d(n), activity="run", minutes=30, rpe=4) for n in range(20)]
    assert (
        metrics.acwr_series(sessions, d(19), d(19))
        == metrics.acwr_series(sessions, d(0), d(19))[-1:]
    )


def test_streak_adherence_trend():
    logs = [LogEntry(day=d(n), pain_during=0, pain_rest=0) for n in range(5)]
    logs.append(LogEntry(day=d(5), pain_during=1))
    logs += [LogEntry(day=d(n), pain_during=0) for n in range(6, 9)]
    assert metrics.pain_free_streak(logs, d(8)) == 3
    assert metrics.adherence(logs, d(8), 7) == 7
    assert metrics.adherence(logs, d(12), 7) == 3
    rising = [LogEntry(day=d(n), pain_during=1) for n in range(7)]
    rising += [LogEntry(day=d(n), pain_during=3) for n in range(7, 14)]
    assert metrics.pain_trend(rising, d(13)) == pytest.approx(2)
    assert metrics.pain_trend(rising[:3], d(13)) is None


def test_weekly_loads_oldest_first():
    sessions = [SessionEntry(day=d(n), activity="run", minutes=10, rpe=1) for n in range(14)]
    assert metrics.weekly_loads(sessions, d(13), 3) == [(d(-7), 0.0), (d(0), 70.0), (d(7), 70.0)]


def test_weekly_loads_count_every_session_of_a_day():
    sessions = [
        SessionEntry(day=d(1), activity="run", minutes=30, rpe=4),
        SessionEntry(day=d(1), activity="bike", minutes=20, rpe=3),  # twice that day
        SessionEntry(day=d(2), activity="swim", minutes=None, rpe=3),  # load unknown
    ]
    assert metrics.weekly_loads(sessions, d(6), 1) == [(d(0), 180.0)]
    assert metrics.weekly_loads(sessions, d(6), 1)[0][1] == sum(
        metrics.daily_load(sessions, d(0), d(6))
    )


def test_charts_render_without_a_cdn():
    days = metrics.days(d(0), d(6))
    html = charts.pain_chart(
        days,
        {f: [1] * 7 for f in metrics.PAIN_FIELDS},
        phases=[charts.PhasePeriod("Walk", d(0), d(7))],
        flags=[charts.FlagMark(d(3), "red_flag", "Night pain")],
    )
    assert "Plotly.newPlot" in html and "cdn." not in html.lower()
    assert "Night pain" in html
    html = charts.load_chart(days, [100] * 7, [1.0] * 7)
    assert "Acute:chronic ratio" in html
