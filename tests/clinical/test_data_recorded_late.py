"""Data recorded late are judged as on their own day: a regression rule whose window ends today
(today and yesterday, by default) would otherwise never see a painful run recorded three days
after it, from a phone that was offline or a watch that synced late.

Stories on fixed dates through the services the app uses, each write made at its own moment
(``time_machine``). Source: clinical.md §7 (no pain is expected at a bone injury; severe pain
with impact work means stop and contact the clinical team) and the brief's rule that every datum
recorded reaches every rule that concerns it.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from monitoring.evaluation import flags as flag_services
from monitoring.evaluation import windows as windows_read
from monitoring.models import ActivitySession, DailyLog, Flag
from monitoring.surfaces.athlete import view_models as athlete_pages
from protocols.engine.gating import PhaseSpec, evaluate
from protocols.engine.records import LogEntry, SessionEntry, Snapshot
from protocols.models import PlanPhase
from tests.clinical.test_the_rules_see_all_the_data import (
    day,
    evaluate_on,
    log,
    open_flags,
    result,
    session,
)
from tests.plans import running_plan

D0 = day(0)  # Monday 2 November 2026: the walk-run phase starts


def at(n: int, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day(n), dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def walk_run(case, clinician, physio, coach, athlete_user):
    """tests/plans's plan in its walk-run phase (impact work) since D0; the red pain limit is
    the plan's default, 5/10."""
    return running_plan(case, clinician, started_on=D0, phase=2)


def _logged_each_evening(case, user, days) -> None:
    for n in days:
        with time_machine.travel(at(n, 20), tick=False):
            log(case, user, n, pain_during=0, pain_after=0)


def test_a_painful_run_recorded_three_days_late_is_a_red_flag(walk_run, case, athlete_user):
    """Days 0 to 7 are logged each evening, pain-free. On the morning of day 8 the athlete's
    phone, back online, sends day 5's walk-run at 6/10 during it. Today's window (days 7 and 8)
    does not reach day 5; recorded late, day 5 is judged as on its own day: a red flag in the
    same evaluation, which says which day and that it came late, and the athlete is told to
    stop. Two days on the late write is old news for the rule, but the red flag stays open
    until a clinician resolves it."""
    _logged_each_evening(case, athlete_user, range(8))
    with time_machine.travel(at(8), tick=False):
        session(case, athlete_user, 5, activity="walk_run", pain_during=6)
        evaluation = evaluate_on(case, 8)
    severe = result(evaluation, "severe_pain")
    assert severe.met is True and severe.red_flag
    assert severe.sentence.startswith("Recorded late for 7 Nov: Pain reached 6/10")
    flag = open_flags(case)["red_flag"]
    assert "Recorded late for 7 Nov" in flag.message and "6/10" in flag.message
    phase = PlanPhase.objects.get(pk=walk_run.current_phase_id)
    first = athlete_pages.log_messages(evaluation, phase)[0]
    assert first.level == "stop" and "Severe pain" in first.title

    _logged_each_evening(case, athlete_user, (8, 9))
    with time_machine.travel(at(10), tick=False):
        later = evaluate_on(case, 10)
    assert result(later, "severe_pain").met is False
    assert Flag.objects.get(pk=flag.pk).status in Flag.UNRESOLVED


def test_a_painful_day_logged_late_without_a_session_is_a_red_flag(walk_run, case, athlete_user):
    """In a phase of impact work a daily log's pain during activity is pain with impact work
    even with no session recorded (clinical.md §7). Day 3's log, 7/10 after activity, is
    written on day 6: a red flag on day 6."""
    _logged_each_evening(case, athlete_user, (0, 1, 2, 4, 5))
    with time_machine.travel(at(6, 12), tick=False):
        log(case, athlete_user, 3, pain_during=2, pain_after=7)
        evaluation = evaluate_on(case, 6)
    assert [r.kind for r in evaluation.red_flags] == ["severe_pain"]
    assert "7/10" in open_flags(case)["red_flag"].message


def test_the_same_run_recorded_in_time_is_judged_once(walk_run, case, athlete_user, clinician):
    """The same 6/10 walk-run recorded on its own evening raises the red flag that day. Once a
    clinician has resolved it, day 8's evaluation does not raise it again: the day was judged
    when it was recorded."""
    _logged_each_evening(case, athlete_user, range(8))
    with time_machine.travel(at(5, 20), tick=False):
        session(case, athlete_user, 5, activity="walk_run", pain_during=6)
        assert [r.kind for r in evaluate_on(case, 5).red_flags] == ["severe_pain"]
    flag_services.flag_resolve(
        flag=open_flags(case)["red_flag"], by=clinician, resolution="Seen in clinic; imaging clear."
    )
    with time_machine.travel(at(8), tick=False):
        evaluation = evaluate_on(case, 8)
    assert result(evaluation, "severe_pain").met is False
    assert "red_flag" not in open_flags(case)


def test_the_nightly_read_finds_the_late_days_on_every_database(walk_run, case, athlete_user):
    """The database's cut (PostgreSQL) and the portable one find the same late days: a log and a
    session written late, a log written on its day, and a log of today."""
    _logged_each_evening(case, athlete_user, (0, 1, 2))
    with time_machine.travel(at(8), tick=False):
        log(case, athlete_user, 4, pain_during=1)
        session(case, athlete_user, 6, activity="walk_run")
        log(case, athlete_user, 8, pain_during=0)
    windows = [(case.pk, case.athlete_id, D0, D0 - dt.timedelta(days=28))]
    assert DailyLog.objects.filter(athlete=case.athlete).count() == 5
    assert ActivitySession.objects.filter(athlete=case.athlete).count() == 1
    _, _, late = windows_read.logs_and_sessions(windows, day(8))
    assert late == {case.pk: frozenset({day(4), day(6)})}
    assert windows_read.cut_windows(windows, day(8))[2] == late
    # Judged on a day long past, the writes made since are not "late" for it.
    assert windows_read.logs_and_sessions(windows, day(5))[2] == {}


def test_a_late_day_before_the_phase_is_judged_is_not_judged_again():
    """After a step back the phase is judged from a later day (``judged_from``): the pain that
    caused it, even recorded late, is not judged again (clinical.md §11)."""
    spec = PhaseSpec.from_dict({"name": "Walk-run", "regress_when": [{"kind": "severe_pain"}]})
    painful = (SessionEntry(day(3), "run", 30, 4, pain_during=8),)
    logs = tuple(LogEntry(day(n), pain_during=0) for n in range(9))
    snapshot = Snapshot(
        phase_started_on=D0, logs=logs, sessions=painful, recorded_late=frozenset({day(3)})
    )
    assert [r.kind for r in evaluate(spec, snapshot, day(8)).fired] == ["severe_pain"]
    after_step_back = Snapshot(
        phase_started_on=D0,
        logs=logs,
        sessions=painful,
        recorded_late=frozenset({day(3)}),
        judged_from=day(5),
    )
    assert not evaluate(spec, after_step_back, day(8)).fired


def test_a_day_sent_again_unchanged_is_not_judged_again(walk_run, case, athlete_user, clinician):
    """Day 5's log, 7/10 after activity in a phase of impact work, raised a red flag that
    evening; a clinician resolved it. On day 7 the phone's outbox sends day 5 again, unchanged:
    the stored log is left as it was, not "recorded late", and no red flag opens again. A
    changed value would be a new datum, judged on its day."""
    _logged_each_evening(case, athlete_user, (0, 1, 2, 3, 4, 6))
    with time_machine.travel(at(5, 20), tick=False):
        log(case, athlete_user, 5, pain_during=2, pain_after=7)
        assert [r.kind for r in evaluate_on(case, 5).red_flags] == ["severe_pain"]
    flag_services.flag_resolve(
        flag=open_flags(case)["red_flag"], by=clinician, resolution="Reviewed by phone."
    )
    with time_machine.travel(at(7), tick=False):
        log(case, athlete_user, 5, pain_during=2, pain_after=7)
        assert not evaluate_on(case, 7).red_flags
        assert "red_flag" not in open_flags(case)
        log(case, athlete_user, 5, pain_during=2, pain_after=8)
        assert [r.kind for r in evaluate_on(case, 7).red_flags] == ["severe_pain"]
