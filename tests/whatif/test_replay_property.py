"""A replay is deterministic and, with nothing changed, gives on every day exactly what the live
evaluation gives (property tests over generated log histories).

Two levels: the pure replay against ``gating.evaluate`` on the snapshot the live evaluation
builds for that day; and the stored case, replayed through ``monitoring.evaluation.whatif``, against
``monitoring.evaluation.services.case_evaluate`` run for each day of the phase.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.conf import settings
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from monitoring.evaluation import services, whatif
from monitoring.evaluation.selectors import LOAD_HISTORY_DAYS
from monitoring.models import ActivitySession, Assessment, DailyLog
from protocols.engine.gating import PhaseSpec, evaluate
from protocols.engine.records import AssessmentEntry, LogEntry, SessionEntry, Snapshot
from protocols.engine.replay import evaluations, replay
from tests.plans import WALK_RUN

from .conftest import STARTED, TODAY

SPEC = PhaseSpec.from_dict(WALK_RUN)
START = dt.date(2026, 3, 1)
DAYS = 24

pain = st.one_of(st.none(), st.integers(0, 10))
flag = st.one_of(st.none(), st.booleans())
log_fields = st.fixed_dictionaries(
    {
        "pain_rest": pain,
        "pain_during": pain,
        "pain_after": pain,
        "pain_next_morning": pain,
        "pain_character": st.sampled_from(["", "none", "dull", "sharp"]),
        "night_pain": flag,
        "swelling": flag,
    }
)
# Day offsets from the phase start: some before it (load history), some missing.
history = st.dictionaries(st.integers(-20, DAYS), log_fields, max_size=DAYS + 20)
session_days = st.lists(
    st.tuples(st.integers(-40, DAYS), st.integers(10, 90), st.integers(1, 10)), max_size=30
)
# One hop test a day at most: of two on one day the engine takes the last given, so their order
# is part of the data (tested on its own below).
hop_tests = st.lists(
    st.tuples(st.integers(-5, DAYS), st.integers(0, 25), st.integers(0, 5)),
    max_size=4,
    unique_by=lambda t: t[0],
)
thresholds = st.fixed_dictionaries(
    {"max": st.integers(0, 4), "days": st.integers(3, 10), "above": st.integers(3, 8)}
)


def _spec(t: dict) -> PhaseSpec:
    data = {**WALK_RUN}
    data["advance_when"] = [
        {"kind": "min_days_in_phase", "days": 5},
        {"kind": "pain_max", "field": "during", "max": t["max"], "days": t["days"]},
        {"kind": "assessment", "test": "single_leg_hop", "min": 10, "max_pain": 2},
    ]
    data["regress_when"] = [
        {"kind": "pain_above", "field": "during", "above": t["above"]},
        *WALK_RUN["regress_when"][1:],
    ]
    return PhaseSpec.from_dict(data)


def _entries(logs: dict, sessions: list, hops: list, start: dt.date):
    def day(n: int) -> dt.date:
        return start + dt.timedelta(days=n)

    return (
        tuple(
            LogEntry(day(n), **{**f, "pain_character": f["pain_character"] or None})
            for n, f in logs.items()
        ),
        tuple(SessionEntry(day(n), "walk_run", m, r) for n, m, r in sessions),
        tuple(AssessmentEntry(day(n), "single_leg_hop", v, p) for n, v, p in hops),
    )


def _live_snapshot(logs, sessions, assessments, start: dt.date, today: dt.date) -> Snapshot:
    """What ``monitoring.evaluation.selectors.chunk_snapshots`` gives the live evaluation on
    ``today``."""
    first = min(start, today) - dt.timedelta(days=LOAD_HISTORY_DAYS)
    return Snapshot(
        phase_started_on=start,
        logs=tuple(e for e in logs if first <= e.day <= today),
        sessions=tuple(e for e in sessions if first <= e.day <= today),
        assessments=tuple(e for e in assessments if first <= e.day <= today),
    )


@hsettings(max_examples=60, deadline=None)
@given(history, session_days, hop_tests, thresholds, st.randoms(use_true_random=False))
def test_pure_replay_equals_the_live_evaluation_day_by_day(logs, sessions, hops, t, rnd):
    spec = _spec(t)
    log_entries, session_entries, assessment_entries = _entries(logs, sessions, hops, START)
    end = START + dt.timedelta(days=DAYS)
    stored = Snapshot(START, log_entries, session_entries, assessment_entries)
    replayed = evaluations(spec, stored, START, end)
    for e in replayed:
        live = _live_snapshot(log_entries, session_entries, assessment_entries, START, e.day)
        assert e.to_dict() == evaluate(spec, live, e.day).to_dict()
    # Deterministic: the same data in another order replays the same.
    shuffled = [list(log_entries), list(session_entries), list(assessment_entries)]
    for part in shuffled:
        rnd.shuffle(part)
    again = replay(spec, Snapshot(START, *shuffled), START, end)
    assert again == replay(spec, stored, START, end)


# --- the stored case against case_evaluate ----------------------------------------------------


@pytest.mark.django_db
@hsettings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history, session_days, hop_tests)
def test_stored_replay_equals_case_evaluate(case, plan, team, logs, sessions, hops):
    with transaction.atomic():
        _store(case, team["clinician"], logs, sessions, hops)
        ctx = whatif.replay_context(case, today=TODAY)
        assert ctx.chosen.phase.pk == plan.current_phase_id
        assert (ctx.chosen.start, ctx.chosen.end) == (STARTED, TODAY)
        replayed = evaluations(
            ctx.spec,
            ctx.snapshot,
            ctx.chosen.start,
            ctx.chosen.end,
            missing_log_days=settings.REHAB_MISSING_LOG_DAYS,
        )
        for e in replayed:
            live = services.case_evaluate(case_id=case.pk, today=e.day)
            assert live is not None
            assert e.to_dict() == live.to_dict(), e.day
        # Unchanged, the comparison shows no day changed.
        comparison = whatif.replay_compare(ctx, ctx.spec)
        assert comparison.changed_days == 0
        assert comparison.before == comparison.after
        transaction.set_rollback(True)


def _store(case, user, logs, sessions, hops) -> None:
    def day(n: int) -> dt.date:
        return STARTED + dt.timedelta(days=n)

    DailyLog.objects.bulk_create(
        DailyLog(athlete=case.athlete, date=day(n), **f) for n, f in logs.items() if day(n) <= TODAY
    )
    ActivitySession.objects.bulk_create(
        ActivitySession(
            athlete=case.athlete,
            date=day(n),
            activity="walk_run",
            minutes=m,
            rpe=r,
            external_id=f"s{i}",
            source="api",
        )
        for i, (n, m, r) in enumerate(sessions)
        if day(n) <= TODAY
    )
    Assessment.objects.bulk_create(
        Assessment(case=case, date=day(n), test="single_leg_hop", value=v, pain=p, assessed_by=user)
        for n, v, p in hops
        if day(n) <= TODAY
    )
    # Recorded each on its own evening: data recorded late are judged again on their own day by
    # the live evaluation (Snapshot.recorded_late), which a replay of the days as they were
    # has no need of.
    for model in (DailyLog, ActivitySession):
        for pk, on in model.objects.filter(athlete=case.athlete).values_list("pk", "date"):
            evening = dt.datetime.combine(on, dt.time(20), tzinfo=dt.UTC)
            model.objects.filter(pk=pk).update(created_at=evening, updated_at=evening)


def test_a_random_history_is_not_trivially_equal():
    """Guard: the generated histories do produce days that are ready and days that regress, so
    the property above compares evaluations that differ from day to day."""
    rnd = random.Random(7)
    logs = {
        n: {"pain_during": rnd.choice([0, 1, 2, 6]), "night_pain": n == 15} for n in range(DAYS)
    }
    entries = tuple(LogEntry(START + dt.timedelta(days=n), **f) for n, f in logs.items())
    hops = (AssessmentEntry(START + dt.timedelta(days=2), "single_leg_hop", 12, 0),)
    spec = _spec({"max": 6, "days": 3, "above": 7})
    days = replay(spec, Snapshot(START, entries, (), hops), START, START + dt.timedelta(days=DAYS))
    states = {d.state for d in days}
    assert {"waiting", "ready"} <= states and ("regressed" in states or "red" in states)


@pytest.mark.django_db
def test_of_two_results_on_one_day_the_later_recorded_counts(case, plan, team):
    day = STARTED + dt.timedelta(days=3)
    for value in (4, 12):  # 4 hops, then 12 recorded later the same day
        Assessment.objects.create(
            case=case,
            date=day,
            test="single_leg_hop",
            value=value,
            pain=0,
            assessed_by=team["clinician"],
        )
    ctx = whatif.replay_context(case, today=TODAY)
    assert [a.value for a in ctx.snapshot.assessments] == [4, 12]
    first = whatif.replay_compare(ctx, ctx.spec)
    again = whatif.replay_compare(whatif.replay_context(case, today=TODAY), ctx.spec)
    assert first == again
