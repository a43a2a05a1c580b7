"""The coach pages' pure rules: status light, return confidence, restrictions, CSV cells,
sparkline, filters. No database."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.utils import translation

from monitoring.surfaces.coach.board import BoardFilters, board_row, filter_and_sort, group_by_team
from monitoring.surfaces.coach.export import csv_safe
from monitoring.surfaces.coach.facts import CaseFacts, sparkline_svg
from monitoring.surfaces.coach.restrictions import coach_intensity, phase_words, restrictions_for
from monitoring.surfaces.coach.status import (
    CoachFlag,
    Light,
    PooledRange,
    pooled_range,
    return_confidence,
    status_light,
)
from protocols.library import TEMPLATES

TODAY = dt.date(2026, 11, 20)
START = TODAY - dt.timedelta(days=6)  # day 7 of the phase


def light(**kwargs):
    base = {
        "today": TODAY,
        "phase_started_on": START,
        "typical_days": 14,
        "last_log_on": TODAY,
        "missing_log_days": 3,
    }
    return status_light(**(base | kwargs))


# --- the status light ---------------------------------------------------------------------------


def test_green_on_track():
    result = light()
    assert (result.colour, result.label) == ("green", "On track")
    assert result.reason == "Progressing as planned."


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("red_flag", "Under review by the medical team; no impact training until cleared."),
        ("regression", "The medical team is considering a step back."),
    ],
)
def test_red_under_review_with_the_coach_message(kind, message):
    result = light(flags=[CoachFlag(kind, "Coach words only.")])
    assert (result.colour, result.label, result.reason) == (
        "red",
        "Under review",
        "Coach words only.",
    )
    # Without a coach message of its own: the default coach wording, never the clinical one.
    assert light(flags=[CoachFlag(kind, "")]).reason == message


def test_red_stepped_back_in_the_last_14_days():
    for days_ago in (0, 7, 14):
        result = light(step_backs=[(TODAY - dt.timedelta(days=days_ago), "Walking")])
        assert (result.colour, result.label) == ("red", "Stepped back")
        day = TODAY - dt.timedelta(days=days_ago)
        assert result.reason == f"Stepped back to “Walking” on {day.day} {day:%b}."


def test_a_step_back_longer_ago_is_history():
    assert light(step_backs=[(TODAY - dt.timedelta(days=15), "Walking")]).colour == "green"


def test_the_latest_step_back_is_the_one_told():
    result = light(
        step_backs=[
            (TODAY - dt.timedelta(days=10), "Walking"),
            (TODAY - dt.timedelta(days=2), "Rest"),
        ]
    )
    assert "“Rest”" in result.reason


def test_under_review_and_stepped_back_give_both_reasons_review_first():
    result = light(
        flags=[CoachFlag("red_flag", "Review.")],
        step_backs=[(TODAY - dt.timedelta(days=3), "Walking")],
    )
    assert result.label == "Under review"
    assert result.reasons[0] == "Review." and result.reasons[1].startswith("Stepped back")


def test_red_beats_amber():
    result = light(flags=[CoachFlag("load_spike", "Spike."), CoachFlag("regression", "Back.")])
    assert result.colour == "red" and result.reasons == ("Back.",)


@pytest.mark.parametrize(
    ("kind", "default"),
    [
        ("load_spike", "Training load rose sharply; check the plan with the medical team."),
        ("missing_logs", "Daily logs are missing."),
        ("ready_to_advance", "May be ready for the next phase, pending clinician review."),
    ],
)
def test_amber_flags(kind, default):
    result = light(flags=[CoachFlag(kind, "")])
    assert (result.colour, result.label, result.reason) == ("amber", "Attention", default)


def test_amber_running_past_the_typical_time():
    result = light(phase_started_on=TODAY - dt.timedelta(days=14), typical_days=14)  # day 15
    assert result.colour == "amber"
    assert result.reason == "Taking longer than usual in this phase: day 15, typically 14."
    assert light(phase_started_on=TODAY - dt.timedelta(days=13), typical_days=14).colour == "green"


def test_amber_missing_logs_follows_the_engines_rule_without_a_flag():
    assert light(last_log_on=TODAY - dt.timedelta(days=2)).colour == "green"
    result = light(last_log_on=TODAY - dt.timedelta(days=3))
    assert result.colour == "amber"
    last = TODAY - dt.timedelta(days=3)
    assert result.reason == f"No daily log since {last.day} {last:%b}."
    assert light(last_log_on=None).reason == "No daily log in this phase yet."
    # A phase that began yesterday has not missed three days yet.
    assert light(last_log_on=None, phase_started_on=TODAY - dt.timedelta(days=1)).colour == "green"
    # The flag says it already: not twice.
    flagged = light(last_log_on=None, flags=[CoachFlag("missing_logs", "Missing.")])
    assert flagged.reasons == ("Missing.",)


def test_amber_without_a_plan():
    result = light(has_plan=False, phase_started_on=None, typical_days=None, last_log_on=None)
    assert result.colour == "amber"
    assert result.reasons == ("The medical team has not started a return plan yet.",)


def test_amber_reasons_most_important_first():
    result = light(
        flags=[CoachFlag("ready_to_advance", "Ready."), CoachFlag("load_spike", "Spike.")],
        phase_started_on=TODAY - dt.timedelta(days=20),
    )
    assert result.reasons[0] == "Spike." and result.reasons[-1] == "Ready."
    assert len(result.reasons) == 3


# --- return confidence --------------------------------------------------------------------------

GREEN = Light("green", "On track", ())
AMBER = Light("amber", "Attention", ("x",))
RED = Light("red", "Under review", ("x",))
POOLED = PooledRange(dt.date(2027, 1, 1), dt.date(2027, 1, 20), dt.date(2027, 2, 1))


@pytest.mark.parametrize(
    ("lamp", "has_plan", "typical", "pooled", "level"),
    [
        (GREEN, True, dt.date(2027, 1, 15), POOLED, "high"),
        (GREEN, True, dt.date(2027, 2, 1), POOLED, "high"),
        (GREEN, True, dt.date(2027, 2, 2), POOLED, "medium"),  # later than most recoveries
        (GREEN, True, dt.date(2027, 1, 15), None, "medium"),  # the plan alone
        (AMBER, True, dt.date(2027, 1, 15), POOLED, "medium"),
        (RED, True, dt.date(2027, 1, 15), POOLED, "low"),
        (AMBER, False, None, POOLED, "low"),
    ],
)
def test_return_confidence(lamp, has_plan, typical, pooled, level):
    result = return_confidence(light=lamp, has_plan=has_plan, typical_return=typical, pooled=pooled)
    assert result.level == level
    assert result.note and result.label == f"{level.capitalize()} confidence"


def test_pooled_range_from_the_site_figures():
    rng = pooled_range("navicular", dt.date(2026, 1, 1))  # 127 days (95% CI 102-151)
    assert rng == PooledRange(dt.date(2026, 4, 13), dt.date(2026, 5, 8), dt.date(2026, 6, 1))
    assert pooled_range("talus", dt.date(2026, 1, 1)) is None  # no pooled figure
    assert pooled_range("navicular", None) is None


# --- restrictions -------------------------------------------------------------------------------


def phase(impact="low", weight_bearing="fwb", crutches=False, prescriptions=()):
    return SimpleNamespace(
        impact=impact,
        weight_bearing=weight_bearing,
        crutches=crutches,
        prescriptions=list(prescriptions),
    )


def rx(activity, minutes=30, sessions=3, intensity="RPE 3-4 of 10"):
    return {
        "activity": activity,
        "minutes": minutes,
        "sessions_per_week": sessions,
        "intensity": intensity,
        "notes": "clinical",
    }


def test_no_impact_rules_out_walking_running_and_jumping():
    result = restrictions_for(phase("none", prescriptions=[rx("cycle"), rx("swim")]))
    assert [a.label for a in result.allowed] == ["Cycling", "Swimming"]
    assert result.allowed[0].minutes == 30 and result.allowed[0].sessions_per_week == 3
    assert result.not_allowed == (
        "Walking for exercise (everyday walking is fine)",
        "Elliptical trainer",
        "Anti-gravity treadmill running",
        "Walk-run intervals or jogging",
        "Continuous running",
        "Jumping, hopping, bounding or plyometrics",
        "Sport drills, sprints, training games or matches",
    )
    assert result.impact_label == "No impact" and result.minutes_per_week == 180


def test_low_impact_allows_walking_not_running():
    result = restrictions_for(phase("low", prescriptions=[rx("walk")]))
    assert "Walking for exercise (everyday walking is fine)" not in result.not_allowed
    assert "Continuous running" in result.not_allowed
    assert "Jumping, hopping, bounding or plyometrics" in result.not_allowed


def test_moderate_impact_walk_run_phase():
    result = restrictions_for(phase("moderate", prescriptions=[rx("walk_run")]))
    assert "Continuous running (not in this phase yet)" in result.not_allowed
    assert "Walk-run intervals or jogging" not in " ".join(result.not_allowed)
    assert "Jumping, hopping, bounding or plyometrics" in result.not_allowed


def test_high_impact_rules_nothing_out_that_it_prescribes():
    result = restrictions_for(
        phase("high", prescriptions=[rx("run"), rx("plyometrics"), rx("sport_specific")])
    )
    assert result.not_allowed == ("Walk-run intervals or jogging (not in this phase yet)",)


def test_weight_bearing_and_crutches():
    result = restrictions_for(phase("none", "nwb", True, [rx("strength")]))
    assert result.not_allowed[0] == "Any training standing on the injured leg unless prescribed"
    assert result.crutches and result.weight_bearing_label == "Non-weight-bearing"
    assert "Crutches for every step" in result.weight_bearing_words
    boot = restrictions_for(phase("low", "boot", False, [rx("walk")]))
    assert boot.weight_bearing_words == "Walking boot for all walking and standing."


def test_under_review_puts_impact_work_on_hold():
    result = restrictions_for(
        phase("moderate", prescriptions=[rx("walk_run"), rx("cycle")]), hold_message="Review."
    )
    assert [(a.activity, a.on_hold) for a in result.allowed] == [
        ("walk_run", True),
        ("cycle", False),
    ]
    assert result.hold_message == "Review."


@pytest.mark.parametrize(
    ("text", "coach"),
    [
        ("easy pace, pain 0 of 10", "easy pace"),
        ("crutch walking, pain 0 of 10", "crutch walking"),
        ("RPE 3-5 of 10, steady", "RPE 3-5 of 10, steady"),
        (
            "easy, RPE 3-4 of 10; strides or hills later at RPE 6-7",
            "easy, RPE 3-4 of 10, strides or hills later at RPE 6-7",
        ),
        ("Pain-free only", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_coach_intensity_drops_pain_limits(text, coach):
    assert coach_intensity(text) == coach


def test_no_shipped_phase_gives_a_coach_a_pain_limit():
    for template in TEMPLATES:
        for spec in template["phases"]:
            result = restrictions_for(SimpleNamespace(**spec))
            for allowed in result.allowed:
                assert "pain" not in allowed.intensity.lower(), (template["slug"], spec["name"])
            assert result.allowed, (template["slug"], spec["name"])


def test_phase_words():
    assert phase_words(phase("none", "nwb", True)) == "No impact · non-weight-bearing · crutches"
    assert phase_words(phase("moderate")) == "Moderate impact"


# --- CSV cells and the sparkline ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Maya Patel", "Maya Patel"),
        ("a=b", "a=b"),
        (42, "42"),
        (None, ""),
    ],
)
def test_csv_safe(value, cell):
    assert csv_safe(value) == cell


def test_sparkline_is_labelled_and_scaled():
    weeks = [
        (TODAY - dt.timedelta(days=7 * i), v)
        for i, v in zip(range(3, -1, -1), [0, 100, 200, 400], strict=True)
    ]
    svg = str(sparkline_svg(weeks))
    assert svg.startswith('<svg class="spark"') and svg.count("<rect") == 4
    label = "Training load of each of the last 4 periods of 7 days: 0, 100, 200, 400 AU"
    assert f'aria-label="{label}"' in svg
    assert 'class="spark-bar spark-empty"' in svg  # a week without load still shows a stub
    assert 'height="26.0"' in svg  # the biggest week fills the height (28 - 2)
    assert sparkline_svg([]) == ""


# --- filters and groups -------------------------------------------------------------------------


def facts(case_id, last, team=None, colour="green", typical=None, phase_number=1):
    row = CaseFacts(case_id=case_id, visible=frozenset())
    row.athlete, row.first_name, row.last_name = f"A {last}", "A", last
    row.team, row.team_id = team, (hash(team) % 1000 if team else None)
    row.light = Light(colour, colour, ())
    row.typical_return = typical
    row.has_plan, row.phase_number, row.phase_count = True, phase_number, 4
    return row


def test_filter_and_sort():
    rows = [
        facts(1, "Berg", "Rivers", "green", dt.date(2027, 1, 5), 3),
        facts(2, "Amin", "Rivers", "red", dt.date(2027, 3, 1), 1),
        facts(3, "Cole", "Lakes", "amber", None, 2),
    ]
    by = lambda **q: [r.case_id for r in filter_and_sort(rows, BoardFilters.from_query(q))]  # noqa: E731
    assert by() == [2, 3, 1]  # red, amber, green
    assert by(sort="name") == [2, 1, 3]
    assert by(sort="return") == [1, 2, 3]  # unknown dates last
    assert by(sort="phase") == [2, 3, 1]
    assert by(light="amber") == [3]
    assert by(q="ber") == [1]
    assert by(team=str(rows[2].team_id)) == [3]
    assert by(sort="nonsense", light="purple", team="x") == [2, 3, 1]  # junk is ignored


def test_group_by_team_keeps_order_and_puts_no_team_last():
    rows = [facts(1, "B", None), facts(2, "A", "Rivers"), facts(3, "C", "Lakes")]
    groups = group_by_team(rows)
    assert [(name, [r.case_id for r in rs]) for name, rs in groups] == [
        ("Lakes", [3]),
        ("Rivers", [2]),
        ("No team", [1]),
    ]


# --- the board's rows: the template filters' text ------------------------------------------------


def load_row(value, last_week=100.0):
    """A board row of an athlete whose load went from ``last_week`` to ``value`` AU."""
    row = CaseFacts(case_id=1, visible=frozenset({"training_load"}))
    row.weeks = [(TODAY - dt.timedelta(days=7), last_week), (TODAY, value)]
    return board_row(row)


@pytest.mark.parametrize(
    "value",
    [0.0, -0.0, -0.4, -0.5, 0.5, 1.5, 2.5, -2.5, 12.49999, 12.5, 99.95, -100.0, 123456.5, 1e16,
     -3.3333333333333335, 33.33333333333333, float("nan"), float("inf")],
)  # fmt: skip
def test_the_weekly_load_is_floatformat(value):
    assert load_row(value).week_load == floatformat(value, 0)


def test_the_load_change_is_floatformat_with_its_sign():
    import random

    rng = random.Random(3)
    values = [rng.uniform(0, 400) for _ in range(2000)]
    values += [round(v * 2) / 2 for v in values[:500]]  # halves: rounded up, away from zero
    for value in values:
        row = load_row(value)
        change = (value - 100.0) / 100.0 * 100
        assert row.week_load == floatformat(value, 0), value
        assert row.load_change == ("+" if change >= 0 else "") + floatformat(change, 0), value
        assert row.load_change_class == ("change-up" if change > 30 else "muted"), value
    assert load_row(50.0, last_week=0.0).load_change == ""  # nothing to compare with


def test_board_dates_follow_the_language():
    day = dt.date(2026, 5, 3)
    row = CaseFacts(case_id=1, visible=frozenset(), typical_return=day)
    assert board_row(row).typical_return == date_filter(day, "j M Y") == "3 May 2026"
    with translation.override("fr"):
        french = board_row(row).typical_return
        assert french == date_filter(day, "j M Y")
    assert french != "3 May 2026"
    assert board_row(row).typical_return == "3 May 2026"


def test_the_board_projects_the_return_as_the_athlete_page_does(db):
    """The board and the coach's athlete page give each athlete the same expected return: both
    read the latest evaluation's earliest end of the phase under way (PlanPhase.ready_from), so
    an unmet criterion with a duration pushes the board's dates too (a board a week early had a
    coach expect athletes back too soon)."""
    from django.utils import timezone

    from athletes.models import User
    from monitoring import demo
    from monitoring.surfaces.coach.athlete_view import athlete_view
    from monitoring.surfaces.coach.board import board_facts
    from protocols.models import PlanPhase

    today = timezone.localdate()
    demo.seed(today=today)
    assert PlanPhase.objects.filter(ready_from__isnull=False).exists()
    user = User.objects.get(username="coach")
    rows = board_facts(user, today=today)
    assert rows
    for row in rows:
        page = athlete_view(user, row.case_id, today=today).facts
        assert (row.earliest_return, row.typical_return) == (
            page.earliest_return,
            page.typical_return,
        ), row.case_id
