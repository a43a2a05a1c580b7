"""The road back to running in dates (issue 28, item 2): the pre-injury week computed from the
runs recorded before the injury, and the "% of pre-injury volume" criterion met, not met and
unknown.

Sources: Gallatin & Graver (2019), clinical.md §6: speed and hills at 50-60% of the pre-injury
mileage, normal training at 75-80% (clinic protocol); clinical.md §11: a week's volume is the
SUM of its sessions, several a day counted; unknown is never met.

The story: Ines, a 10 km runner, ran three times a week (8, 10 and 14 km: 32 km a week) from
20 Aug 2026 until her tibial stress injury was diagnosed on 1 Oct 2026.
"""

from __future__ import annotations

import datetime as dt

from protocols.engine import volume
from protocols.engine.criteria import evaluate
from protocols.engine.gating import PhaseSpec
from protocols.engine.gating import evaluate as gate
from protocols.engine.records import SessionEntry, Snapshot

DIAGNOSED = dt.date(2026, 10, 1)
FIRST_RUN = dt.date(2026, 8, 20)  # a Thursday


def run(day: dt.date, km: float | None, minutes: float | None = 50) -> SessionEntry:
    return SessionEntry(day, "run", minutes, rpe=4, distance_km=km)


def ines_before_the_injury() -> list[SessionEntry]:
    """Three runs a week (Thursday 8 km, Saturday 10 km, Tuesday 14 km) from 20 Aug to the
    diagnosis, with a bike ride and a walk-run that do not count as running."""
    sessions = []
    day = FIRST_RUN
    while day < DIAGNOSED:
        km = {3: 8.0, 5: 10.0, 1: 14.0}.get(day.weekday())
        if km is not None:
            sessions.append(run(day, km, minutes=km * 5))
        day += dt.timedelta(days=1)
    sessions.append(SessionEntry(dt.date(2026, 9, 6), "cycle", 90, distance_km=40))
    sessions.append(SessionEntry(dt.date(2026, 9, 13), "walk_run", 30, distance_km=4))
    return sessions


# --- the baseline computed from the runs before the injury ---------------------------------------


def test_the_baseline_is_the_mean_of_the_weeks_recorded_before_the_diagnosis():
    baseline = volume.baseline_from_sessions(ines_before_the_injury(), DIAGNOSED)
    # 20 Aug – 30 Sep is six whole weeks (42 days): 18 runs, 192 km, 960 minutes.
    assert baseline is not None
    assert (baseline.first_day, baseline.last_day, baseline.weeks) == (
        dt.date(2026, 8, 20),
        dt.date(2026, 9, 30),
        6,
    )
    assert baseline.sessions == 18
    assert baseline.km_week == 32.0
    assert baseline.runs_week == 3.0
    assert baseline.minutes_week == 160
    assert baseline.basis() == (
        "Mean of the 6 weeks 20 Aug 2026 – 30 Sep 2026: 18 running sessions (all with a distance)."
    )


def test_runs_before_the_eight_weeks_and_after_the_diagnosis_do_not_count():
    sessions = [
        *ines_before_the_injury(),
        run(dt.date(2026, 7, 1), 30.0),  # more than 8 weeks before
        run(DIAGNOSED, 5.0),  # the day of the diagnosis
    ]
    assert volume.baseline_from_sessions(sessions, DIAGNOSED).km_week == 32.0


def test_fewer_than_four_weeks_of_runs_give_no_baseline():
    recent = [s for s in ines_before_the_injury() if s.day >= dt.date(2026, 9, 10)]
    assert volume.baseline_from_sessions(recent, DIAGNOSED) is None


def test_a_run_without_a_distance_leaves_the_km_unknown_but_not_the_minutes():
    sessions = [*ines_before_the_injury(), run(dt.date(2026, 9, 20), None, minutes=40)]
    baseline = volume.baseline_from_sessions(sessions, DIAGNOSED)
    assert baseline.km_week is None
    assert baseline.sessions == 19 and baseline.with_distance == 18
    assert baseline.minutes_week == round((960 + 40) / 6)
    assert "18 with a distance" in baseline.basis()


# --- the criterion: this week's running as a % of the pre-injury week ----------------------------

TODAY = dt.date(2026, 12, 10)  # a Thursday, ten weeks into the return to running


def snapshot(sessions, **facts) -> Snapshot:
    return Snapshot(
        phase_started_on=dt.date(2026, 11, 20),
        sessions=tuple(sessions),
        facts={"pre_injury_km_week": None, "pre_injury_minutes_week": None, **facts},
    )


def this_week(*kms) -> list[SessionEntry]:
    """Runs on the days before TODAY (one a day), the first on 4 Dec."""
    return [run(dt.date(2026, 12, 4) + dt.timedelta(days=2 * i), km) for i, km in enumerate(kms)]


def test_half_of_the_pre_injury_week_opens_speed_and_hills_not_normal_training():
    # 5 + 5 + 6 km in the last 7 days against 32 km a week: exactly 50%.
    s = snapshot(this_week(5, 5, 6), pre_injury_km_week=32)
    speed = evaluate({"kind": "pre_injury_volume", "percent": 50}, s, TODAY)
    normal = evaluate({"kind": "pre_injury_volume", "percent": 75}, s, TODAY)
    assert speed.met is True and speed.observed == 50.0
    assert normal.met is False
    assert "16 km in 3 runs over the last 7 days: 50% of the pre-injury 32 km" in normal.sentence


def test_two_runs_on_one_day_are_summed():
    # Tuesday 8 Dec: 6 km in the morning and 6 km in the evening; 12 km more on Thursday.
    sessions = [run(dt.date(2026, 12, 8), 6), run(dt.date(2026, 12, 8), 6), run(TODAY, 12)]
    result = evaluate(
        {"kind": "pre_injury_volume", "percent": 75},
        snapshot(sessions, pre_injury_km_week=32),
        TODAY,
    )
    assert result.met is True and result.observed == 75.0  # 24 of 32 km


def test_runs_before_the_window_and_other_activities_do_not_count():
    sessions = [
        run(dt.date(2026, 12, 3), 20),  # eight days ago: outside the 7 days
        SessionEntry(dt.date(2026, 12, 8), "cycle", 60, distance_km=30),
        SessionEntry(dt.date(2026, 12, 9), "walk_run", 40, distance_km=6),
        run(TODAY, 8),
    ]
    result = evaluate(
        {"kind": "pre_injury_volume"}, snapshot(sessions, pre_injury_km_week=32), TODAY
    )
    assert result.met is False and result.observed == 25.0


def test_a_run_without_a_distance_makes_the_week_unknown_never_met():
    sessions = [*this_week(10, 10), run(dt.date(2026, 12, 9), None)]
    result = evaluate(
        {"kind": "pre_injury_volume"}, snapshot(sessions, pre_injury_km_week=32), TODAY
    )
    assert result.met is None
    assert "1 run in the last 7 days has no distance" in result.sentence


def test_without_a_baseline_the_criterion_is_unknown():
    result = evaluate({"kind": "pre_injury_volume"}, snapshot(this_week(10, 10)), TODAY)
    assert result.met is None
    assert "no pre-injury running volume" in result.sentence


def test_a_baseline_in_minutes_reads_the_runs_minutes():
    # An athlete who did not track distance: 200 minutes a week; 3 runs of 50 minutes = 75%.
    sessions = [run(d.day, None, minutes=50) for d in this_week(0, 0, 0)]
    result = evaluate(
        {"kind": "pre_injury_volume", "percent": 75},
        snapshot(sessions, pre_injury_minutes_week=200),
        TODAY,
    )
    assert result.met is True and result.observed == 75.0


def test_a_longer_window_scales_the_pre_injury_week():
    # 14 days against two pre-injury weeks (64 km): 32 km is 50%.
    sessions = [run(TODAY - dt.timedelta(days=d), 8) for d in (1, 4, 8, 12)]
    result = evaluate(
        {"kind": "pre_injury_volume", "window_days": 14},
        snapshot(sessions, pre_injury_km_week=32),
        TODAY,
    )
    assert result.met is True and result.observed == 50.0


def test_an_unknown_week_keeps_the_phase_from_being_ready():
    spec = PhaseSpec(
        name="Continuous running",
        min_days=1,
        advance_when=({"kind": "pre_injury_volume", "percent": 50},),
        regress_when=(),
    )
    known = gate(spec, snapshot(this_week(6, 6, 6), pre_injury_km_week=32), TODAY)
    unknown = gate(spec, snapshot(this_week(6, 6, 6)), TODAY)
    assert known.ready is True
    assert unknown.ready is False


def test_the_kind_has_words_for_the_clinician_the_athlete_and_the_coach():
    from protocols.engine.criteria import describe, get_kind

    kind = get_kind("pre_injury_volume")
    assert describe({"kind": "pre_injury_volume"}) == (
        "Running of the last 7 days at least 50% of the pre-injury volume (clinic protocol)."
    )
    assert kind.athlete_goal(kind.validate({"percent": 75}), "running") == (
        "Build your weekly running back up to 75% of your usual week before the injury"
    )
    assert "75%" in kind.coach_sentence(kind.validate({"percent": 75}))


def test_the_cadence_goal_band_is_five_to_ten_percent_above_the_step_rate():
    # Warden et al., Curr Osteoporos Rep 2021: +5-10% step rate lowers tibial load.
    assert volume.cadence_band(164, 5, 10) == (172, 180)
