"""Issue 22, "the rules see all the data": every datum recorded reaches every rule that concerns
it, and every result says what it was judged against.

Each story runs through the services the app uses (logs and sessions recorded by
``monitoring.evaluation.services``, the evaluation by ``services.case_evaluate``, decisions by
``protocols.services.transition_decide``) on fixed dates. Sources: clinical.md §7 (bone is
stricter: no pain is expected at the injury site), §8 (session-RPE load, Foster et al. 2001) and
§11 (load is the sum of a day's sessions; pain recorded with a session counts; completeness).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.evaluation import services
from monitoring.ingest.items import activity_session_record, daily_log_record
from monitoring.models import Flag
from monitoring.surfaces.athlete import view_models as athlete_pages
from protocols import services as plan_services
from protocols.engine import criteria, series
from protocols.engine.gating import PhaseSpec, evaluate
from protocols.engine.projection import project
from protocols.engine.records import LogEntry, SessionEntry, Snapshot
from protocols.models import Plan, PlanPhase
from rehab.errors import ApplicationError
from tests.plans import running_plan

D0 = dt.date(2026, 11, 2)  # a Monday: the phase under test starts here
_slugs = itertools.count(1)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def plan_with(clinician, case, *, advance_when, regress_when=(), phase=2) -> Plan:
    """An active plan whose phase 2 ("Walk-run") has the given gates, under way since D0."""
    phases = [
        {
            "name": "Protected loading",
            "min_days": 7,
            "typical_days": 10,
            "advance_when": [{"kind": "min_days_in_phase", "days": 7}],
            "regress_when": [],
        },
        {
            "name": "Walk-run",
            "min_days": 14,
            "typical_days": 21,
            "impact": "moderate",
            "advance_when": list(advance_when),
            "regress_when": list(regress_when),
        },
        {
            "name": "Running",
            "min_days": 7,
            "typical_days": 14,
            "impact": "high",
            "advance_when": [{"kind": "clinician_signoff"}],
        },
    ]
    template = plan_services.template_draft_create(
        slug=f"rules-see-data-{next(_slugs)}",
        name="Rules see all the data",
        sites=["posteromedial_tibia"],
        risk="low",
        phases=phases,
        created_by=clinician,
    )
    template = plan_services.template_publish(template=template, published_by=clinician)
    return running_plan(case, clinician, started_on=D0, phase=phase, template=template)


def log(case, user, n: int, **fields: Any) -> None:
    daily_log_record(
        athlete=case.athlete, date=day(n), submitted_by=user, fields=fields, today=day(n)
    )


def session(case, user, n: int, activity="walk_run", minutes=30, rpe=4, **fields: Any) -> None:
    activity_session_record(
        athlete=case.athlete,
        date=day(n),
        submitted_by=user,
        fields={"activity": activity, "minutes": minutes, "rpe": rpe, **fields},
        today=day(n),
    )


def evaluate_on(case, n: int):
    return services.case_evaluate(case_id=case.pk, today=day(n))


def result(evaluation, kind: str):
    return next(r for r in (*evaluation.advance, *evaluation.regress) if r.kind == kind)


def open_flags(case) -> dict[str, Flag]:
    return {f.kind: f for f in Flag.objects.filter(case=case, status__in=Flag.UNRESOLVED)}


# --- 1. load is the sum of a day's sessions ----------------------------------------------------


def test_1_two_sessions_on_a_day_both_count_in_the_weekly_load_gate(case, clinician, athlete_user):
    """Week 1: three 30-minute walk-runs at RPE 4, 360 AU. Week 2: a main session and a short
    cool-down jog on three days, 705 AU (+96%). Keeping the last session of each day, the gate saw
    45 AU ("fell 87.5%") and passed a 10% limit; every session counts (clinical.md §11)."""
    plan_with(
        clinician,
        case,
        advance_when=[
            {"kind": "min_days_in_phase", "days": 14},
            {"kind": "weekly_load_increase", "max_percent": 10},
        ],
    )
    for n in (0, 2, 4):
        session(case, athlete_user, n, minutes=30, rpe=4)  # 120 AU each
    for n, minutes in ((7, 40), (9, 40), (11, 30)):
        session(case, athlete_user, n, minutes=minutes, rpe=6)  # 240, 240, 180 AU
        session(case, athlete_user, n, activity="run", minutes=5, rpe=3)  # 15 AU each
    evaluation = evaluate_on(case, 13)
    gate = result(evaluation, "weekly_load_increase")
    assert gate.met is False
    assert gate.observed == pytest.approx(95.8)
    assert "rose by 95.8% week over week (705 against 360 AU)" in gate.sentence
    assert gate.threshold_text == "10%"
    assert not evaluation.ready
    # The series the screens use add up too.
    loads = [(s.day, s.load) for s in SESSIONS_OF(case)]
    assert series.weekly_sum(loads, day(13)) == 705.0
    assert series.day_totals(loads)[day(7)] == 255.0


def SESSIONS_OF(case) -> list[SessionEntry]:  # noqa: N802 (reads like the data it returns)
    return [
        SessionEntry(s.date, s.activity, s.minutes, s.rpe)
        for s in case.athlete.sessions.order_by("date", "pk")
    ]


# --- 2. pain recorded with a session counts ----------------------------------------------------


def test_2_a_painful_session_without_a_daily_log_is_not_ready(case, clinician, athlete_user):
    """Two weeks of pain-free logs; on day 14 a wearable sends a walk-run with pain 7/10 during
    it and no daily log is made. The day's pain is the worst of its log and sessions (clinical.md
    §11): not ready, a red flag (severe pain with impact work)."""
    plan_with(
        clinician,
        case,
        advance_when=[
            {"kind": "min_days_in_phase", "days": 14},
            {"kind": "pain_max", "field": "during", "max": 2, "days": 7},
        ],
        regress_when=[{"kind": "pain_above", "field": "during", "above": 5}],
    )
    for n in range(14):
        log(case, athlete_user, n, pain_during=0, pain_rest=0)
    activity_session_record(
        athlete=case.athlete,
        date=day(14),
        submitted_by=athlete_user,
        fields={"activity": "walk_run", "minutes": 30, "rpe": 5, "pain_during": 7},
        source="device",
        external_id="watch-14",
        today=day(14),
    )
    evaluation = evaluate_on(case, 14)
    assert not evaluation.ready
    assert result(evaluation, "pain_max").met is False
    assert result(evaluation, "pain_max").observed == 7
    assert result(evaluation, "pain_above").met is True
    flags = open_flags(case)
    assert "ready_to_advance" not in flags and "red_flag" in flags


def test_2_pain_after_a_session_counts_too(case, clinician, athlete_user):
    """The session's pain after it (clinical-only data) reaches the pain-after rules."""
    plan_with(
        clinician,
        case,
        advance_when=[
            {"kind": "min_days_in_phase", "days": 14},
            {"kind": "pain_max", "field": "after", "max": 2, "days": 7},
        ],
    )
    for n in range(15):
        log(case, athlete_user, n, pain_after=0)
    session(case, athlete_user, 14, activity="cycle", pain_after=4)
    evaluation = evaluate_on(case, 14)
    assert result(evaluation, "pain_max").observed == 4
    assert not evaluation.ready


# --- 3. completeness ---------------------------------------------------------------------------


def test_3_leaving_the_painful_days_unlogged_is_not_ready(case, clinician, athlete_user):
    """5 logs in 7 days were enough before: leaving days 12 and 13 (the painful ones) unlogged
    gave "Ready". With more than one missing day in seven the pain criteria are unknown, and the
    result says how many days were logged (clinical.md §11)."""
    plan_with(
        clinician,
        case,
        advance_when=[
            {"kind": "min_days_in_phase", "days": 14},
            {"kind": "pain_max", "field": "during", "max": 2, "days": 7, "min_logs": 5},
            {"kind": "no_night_pain", "days": 7},
        ],
    )
    for n in [*range(12), 14]:
        log(case, athlete_user, n, pain_during=0, night_pain=False)
    evaluation = evaluate_on(case, 14)
    assert not evaluation.ready
    pain = result(evaluation, "pain_max")
    assert pain.met is None and pain.observed is None
    assert "logged on 5 of 7 days" in pain.sentence and "6 needed" in pain.sentence
    night = result(evaluation, "no_night_pain")
    assert night.met is None and "5 of 7 days logged" in night.sentence
    assert "ready_to_advance" not in open_flags(case)
    # One missing day in seven is allowed.
    log(case, athlete_user, 13, pain_during=1, night_pain=False)
    assert evaluate_on(case, 14).ready


def test_3_swelling_is_checked_in_every_phase(case, clinician, athlete_user):
    """Protected loading has no swelling rule of its own: swelling on day 3 still proposes a
    step back (an implicit rule of every phase)."""
    plan_with(clinician, case, advance_when=[{"kind": "min_days_in_phase", "days": 14}], phase=1)
    log(case, athlete_user, 3, pain_rest=0, swelling=True)
    evaluation = evaluate_on(case, 3)
    assert result(evaluation, "swelling").met is True
    assert "regression" in open_flags(case)


# --- 4. every result states its threshold -------------------------------------------------------


def test_4_observed_and_threshold_are_shown_in_the_criterions_unit(
    client, case, clinician, athlete_user
):
    """ "Observed 0, Threshold 5" read as a pain limit when it counted logs; night pain had no
    threshold at all. Each result carries its unit, and an unknown one observes nothing."""
    plan_with(
        clinician,
        case,
        advance_when=[
            {"kind": "min_days_in_phase", "days": 14},
            {"kind": "pain_max", "field": "during", "max": 2, "days": 7},
            {"kind": "no_night_pain", "days": 7},
        ],
    )
    for n in range(14, 21):
        log(case, athlete_user, n, night_pain=False)  # no rating of pain during activity
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(clinician)
        html = client.get(reverse("clinic:case", kwargs={"case_id": case.pk})).content.decode()
    section = html[html.index('id="evaluation"') : html.index('id="charts"')]

    def row(label: str) -> str:
        return re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', section, re.S).group(1)

    assert '<td class="num">—</td><td class="num">2/10</td>' in row("Pain at most")
    assert "Not enough data: pain during activity logged on 0 of 7 days" in row("Pain at most")
    night = row("No night pain")
    assert '<td class="num">0 reports</td><td class="num">0 reports</td>' in night
    assert '<td class="num">20 days</td><td class="num">14 days</td>' in row(
        "Minimum days in phase"
    )


# --- 14. severe pain is a red flag --------------------------------------------------------------


def test_14_seven_out_of_ten_while_running_is_a_red_flag(walk_run, case, athlete_user):
    """Today (day 5) a walk-run at 7/10 during it. It said "take today easy" (a step back); pain
    at or above the plan's red limit (5/10 for bone) during impact work is a red flag in the same
    evaluation (clinical.md §7: no pain is expected at a bone injury; stop and refer)."""
    for n in range(5):
        log(case, athlete_user, n, pain_during=1)
    session(case, athlete_user, 5, activity="walk_run")
    log(case, athlete_user, 5, pain_during=7)
    evaluation = evaluate_on(case, 5)
    assert [r.kind for r in evaluation.red_flags] == ["severe_pain"]
    flag = open_flags(case)["red_flag"]
    assert flag.title == "Red flag: severe pain with impact work"
    assert "7/10" in flag.message and "red limit is 5/10" in flag.message
    # The athlete is told to stop, not to "take today easy".
    phase = PlanPhase.objects.get(pk=walk_run.current_phase_id)
    first = athlete_pages.log_messages(evaluation, phase)[0]
    assert first.level == "stop" and "Severe pain" in first.title


def test_14_the_red_limit_is_the_plans_and_cycling_is_not_impact(walk_run, case, athlete_user):
    """A clinician may set the plan's red limit (8/10 here); pain on a day of cycling only is
    no red flag (the plan's own pain rules still see it)."""
    Plan.objects.filter(pk=walk_run.pk).update(red_pain_limit=8)
    session(case, athlete_user, 5, activity="walk_run")
    log(case, athlete_user, 5, pain_during=7)
    assert not evaluate_on(case, 5).red_flags
    Plan.objects.filter(pk=walk_run.pk).update(red_pain_limit=5)
    session(case, athlete_user, 6, activity="cycle")
    log(case, athlete_user, 6, pain_during=7)
    # Day 7 looks at days 6 and 7: day 6 was cycling only.
    assert result(evaluate_on(case, 7), "severe_pain").met is not True


@pytest.fixture
def walk_run(case, clinician, physio, coach, athlete_user):
    """tests/plans's plan in its walk-run phase since D0 (pain above 5/10 proposes a step back,
    night pain is a red flag)."""
    return running_plan(case, clinician, started_on=D0, phase=2)


# --- 17. a step back does not cascade -----------------------------------------------------------


def test_17_after_a_step_back_the_phase_is_judged_from_the_next_day(
    walk_run, case, clinician, athlete_user
):
    """Night pain on day 5 raises a red flag in walk-run; the clinician steps back to protected
    loading that day. Its own night-pain rule looks at today and yesterday: on day 6 it fired
    again on the same report. The phase is judged from day 6 (the day after the decision)."""
    for n in range(5):
        log(case, athlete_user, n, pain_during=1, night_pain=False)
    log(case, athlete_user, 5, pain_during=1, night_pain=True)
    assert evaluate_on(case, 5).red_flags
    plan_services.transition_decide(
        plan=walk_run,
        kind="regress",
        decided_by=clinician,
        reason="Night pain: back to protected loading.",
        effective_on=day(5),
    )
    phase = PlanPhase.objects.get(plan=walk_run, order=1)
    assert phase.started_on == day(5) and phase.judged_from == day(6)
    log(case, athlete_user, 6, pain_rest=0, night_pain=False)
    evaluation = evaluate_on(case, 6)
    assert evaluation.fired == ()
    # New data is judged: night pain on day 7 fires.
    log(case, athlete_user, 7, pain_rest=0, night_pain=True)
    assert [r.kind for r in evaluate_on(case, 7).red_flags] == ["night_pain"]


def test_17_the_clinician_chooses_the_day_within_reason(walk_run, case, clinician):
    """A chosen day before the step back takes effect, or months later, is refused with a field
    error; a day within four weeks is kept."""
    for bad in (day(4), day(40)):
        with pytest.raises(ApplicationError) as exc:
            plan_services.transition_decide(
                plan=walk_run,
                kind="regress",
                decided_by=clinician,
                reason="Step back.",
                effective_on=day(5),
                judged_from=bad,
            )
        assert "judged_from" in exc.value.errors
    plan_services.transition_decide(
        plan=walk_run,
        kind="regress",
        decided_by=clinician,
        reason="Step back.",
        effective_on=day(5),
        judged_from=day(8),
    )
    assert PlanPhase.objects.get(plan=walk_run, order=1).judged_from == day(8)


# --- 18. the projection agrees with the criteria ------------------------------------------------


def test_18_an_unmet_criterion_with_a_duration_pushes_the_earliest_date(
    case, clinician, athlete_user
):
    """Night pain reported on day 13 (16 Nov): "no night pain for 7 days" is met at the earliest
    on day 20 (the first day whose 7-day window no longer holds it), not on day 14 as the minimum
    days alone said."""
    plan = plan_with(
        clinician,
        case,
        advance_when=[
            {"kind": "min_days_in_phase", "days": 14},
            {"kind": "no_night_pain", "days": 7},
        ],
    )
    for n in range(13):
        log(case, athlete_user, n, night_pain=False)
    log(case, athlete_user, 13, night_pain=True)
    evaluation = evaluate_on(case, 13)
    assert evaluation.ready_from == day(20)
    assert evaluation.to_dict()["ready_from"] == "2026-11-22"
    phase = PlanPhase.objects.get(pk=plan.current_phase_id)
    assert phase.ready_from == day(20)
    current = project(list(plan.phases.all()), today=day(13), start=D0).for_order(2)
    assert current.earliest_end == day(20)
    # The criterion agrees: not met on day 19, met on day 20.
    for n in range(14, 21):
        log(case, athlete_user, n, night_pain=False)
    assert result(evaluate_on(case, 19), "no_night_pain").met is False
    assert evaluate_on(case, 20).ready
    assert PlanPhase.objects.get(pk=plan.current_phase_id).ready_from == day(20)


# --- property tests ------------------------------------------------------------------------------

START = dt.date(2026, 1, 5)
TODAY = START + dt.timedelta(days=20)
PAIN = st.one_of(st.none(), st.integers(0, 10))
LOGS = st.lists(
    st.builds(
        LogEntry,
        day=st.integers(0, 20).map(lambda n: START + dt.timedelta(days=n)),
        pain_rest=PAIN,
        pain_during=PAIN,
        pain_after=PAIN,
        pain_next_morning=PAIN,  # stored pain is a whole number 0-10 (not any float, NaN)
        pain_lasted_hours=st.one_of(st.none(), st.integers(0, 72)),
        localized=st.one_of(st.none(), st.booleans()),
        night_pain=st.one_of(st.none(), st.booleans()),
        pain_character=st.sampled_from([None, "none", "dull", "sharp"]),
        swelling=st.one_of(st.none(), st.booleans()),
    ),
    max_size=25,
)
SESSION = st.builds(
    SessionEntry,
    day=st.integers(0, 20).map(lambda n: START + dt.timedelta(days=n)),
    activity=st.sampled_from(["walk", "run", "cycle", "swim"]),
    minutes=st.one_of(st.none(), st.integers(1, 120)),
    rpe=st.one_of(st.none(), st.integers(0, 10)),
    pain_during=PAIN,
    pain_after=PAIN,
)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _day_pain(snapshot: Snapshot, which: str) -> dict[dt.date, float]:
    return {
        log.day: v
        for log in snapshot.logs_between(START, TODAY)
        if (v := criteria.pain_value(log, which)) is not None
    }


@PROPERTY
@given(LOGS, st.lists(SESSION, max_size=10), SESSION)
def test_adding_a_session_never_lowers_a_days_load_or_pain(logs, sessions, extra):
    before = Snapshot(phase_started_on=START, logs=logs, sessions=sessions)
    after = Snapshot(phase_started_on=START, logs=logs, sessions=[*sessions, extra])
    loads_before = series.day_totals((s.day, s.load) for s in before.sessions)
    loads_after = series.day_totals((s.day, s.load) for s in after.sessions)
    for d, load in loads_before.items():
        assert load is None or loads_after[d] >= load
    for which in ("during", "after", "any"):
        pain_before, pain_after = _day_pain(before, which), _day_pain(after, which)
        for d, pain in pain_before.items():
            assert pain_after[d] >= pain
    assert series.weekly_sum([(s.day, s.load) for s in after.sessions], TODAY) >= series.weekly_sum(
        [(s.day, s.load) for s in before.sessions], TODAY
    )


GATES = PhaseSpec(
    name="Walk-run",
    advance_when=(
        {"kind": "pain_max", "field": "during", "max": 2, "days": 7, "min_logs": 3},
        {"kind": "pain_max", "field": "any", "max": 3, "days": 14},
        {"kind": "pain_free_streak", "days": 5},
        {"kind": "no_night_pain", "days": 7},
        {"kind": "no_sharp_pain", "days": 7},
        {"kind": "pain_not_rising"},
    ),
)


@PROPERTY
@given(LOGS, st.lists(SESSION, max_size=6), st.integers(0, 24))
def test_removing_a_log_never_turns_unknown_into_met(logs, sessions, index):
    whole = evaluate(GATES, Snapshot(phase_started_on=START, logs=logs, sessions=sessions), TODAY)
    if logs:
        fewer = [log for i, log in enumerate(logs) if i != index % len(logs)]
    else:
        fewer = []
    less = evaluate(GATES, Snapshot(phase_started_on=START, logs=fewer, sessions=sessions), TODAY)
    for a, b in zip(whole.advance, less.advance, strict=True):
        if a.met is None:
            assert b.met is not True, (a.sentence, b.sentence)
    assert not (less.ready and not whole.ready and whole.unknown)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_values_are_formatted_safely_even_when_not_finite(x):
    text = criteria.format_value(x, "/10")
    assert text and "nan" not in text.lower().replace("not a number", "")


def test_14_a_log_without_a_session_in_a_running_phase_is_impact_work(walk_run, case, athlete_user):
    """An integration sends only the daily log: pain during activity 6/10 in the walk-run phase,
    no session. The activity can only have been the phase's own, weight-bearing work: a red flag
    in the evaluation and a stop in the athlete's answer, the same judgement."""
    from monitoring.models import DailyLog
    from monitoring.surfaces.athlete.view_models import severe_pain

    log(case, athlete_user, 7, pain_during=6)
    assert result(evaluate_on(case, 7), "severe_pain").met is True
    walk_run.refresh_from_db()
    stored = DailyLog.objects.get(athlete=case.athlete, date=day(7))
    assert severe_pain(walk_run, walk_run.current_phase, stored, []) is not None


@pytest.mark.parametrize(
    "activity,pain,expected",
    [("walk", 5, True), ("run", 7, True), ("cycle", 9, False), ("strength", 6, False),
     ("anti_gravity_run", 5, True), ("walk_run", 4, False)],
)  # fmt: skip
def test_14_the_engine_and_the_athletes_answer_agree_on_impact_work(
    walk_run, case, athlete_user, activity, pain, expected
):
    from monitoring.models import ActivitySession
    from monitoring.surfaces.athlete.view_models import severe_pain

    session(case, athlete_user, 7, activity=activity, pain_during=pain)
    assert (result(evaluate_on(case, 7), "severe_pain").met is True) is expected
    walk_run.refresh_from_db()
    sessions = list(ActivitySession.objects.filter(athlete=case.athlete, date=day(7)))
    assert (severe_pain(walk_run, walk_run.current_phase, None, sessions) is not None) is expected


def test_3_a_phase_too_young_for_its_window_says_so():
    """A phase that began 4 days ago (1 to 4 Oct), every day logged pain-free: a 7-day pain goal
    needing at least 5 logged days (its minimum) cannot be judged yet. The result is unknown and
    says why, not "4 of 4 days logged, 5 needed" as if logs were missing."""
    today = dt.date(2026, 10, 4)
    logs = [LogEntry(dt.date(2026, 10, d), pain_during=0) for d in range(1, 5)]
    snapshot = Snapshot(phase_started_on=dt.date(2026, 10, 1), logs=logs)
    kind = criteria.get_kind("pain_max")
    result = kind.evaluate({"field": "during", "max": 2, "days": 7}, snapshot, today)
    assert result.met is None and (result.logged, result.needed) == (4, 5)
    assert "can be judged once the phase has run that long" in result.sentence
