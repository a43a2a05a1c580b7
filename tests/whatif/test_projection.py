"""Projection dates of a hand-built plan against dates worked out by hand, the usual ranges for
site and grade, and what is said when a case runs long (pure: no database)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from protocols.engine.projection import return_ranges, timeline

D = dt.date
TODAY = D(2026, 11, 20)


def phase(order, name, min_days, typical_days, started_on=None, ended_on=None):
    return SimpleNamespace(
        order=order,
        name=name,
        min_days=min_days,
        typical_days=typical_days,
        started_on=started_on,
        ended_on=ended_on,
    )


PLAN = [
    phase(1, "Protected loading", 7, 10, D(2026, 11, 1), D(2026, 11, 12)),
    phase(2, "Walk-run", 14, 21, D(2026, 11, 12)),
    phase(3, "Running progression", 14, 21),
    phase(4, "Full return", 7, 7),
]
TIBIA_GRADE_2 = return_ranges(
    site_label="Posteromedial tibia",
    typical_days=44,
    ci=(27, 61),
    grade=2,
    grading_system="fredericson",
)


def test_phase_dates_match_the_hand_computed_ones():
    tl = timeline(
        PLAN, today=TODAY, start=D(2026, 11, 1), diagnosed_on=D(2026, 10, 28), ranges=TIBIA_GRADE_2
    )
    p = {x.order: x for x in tl.projection.phases}
    # Done: as it happened.
    assert (p[1].status, p[1].earliest_start, p[1].earliest_end) == (
        "done",
        D(2026, 11, 1),
        D(2026, 11, 12),
    )
    # Under way since 12 Nov: earliest 12 Nov + 14 = 26 Nov; typical 12 Nov + 21 = 3 Dec.
    assert (p[2].status, p[2].earliest_end, p[2].typical_end) == (
        "current",
        D(2026, 11, 26),
        D(2026, 12, 3),
    )
    # Next: earliest from 26 Nov (+14 = 10 Dec); typical from 3 Dec (+21 = 24 Dec).
    assert (p[3].earliest_start, p[3].earliest_end) == (D(2026, 11, 26), D(2026, 12, 10))
    assert (p[3].typical_start, p[3].typical_end) == (D(2026, 12, 3), D(2026, 12, 24))
    # Last: earliest 10 Dec – 17 Dec; typical 24 Dec – 31 Dec. Return = the last phase's start.
    assert (p[4].earliest_start, p[4].earliest_end) == (D(2026, 12, 10), D(2026, 12, 17))
    assert (p[4].typical_start, p[4].typical_end) == (D(2026, 12, 24), D(2026, 12, 31))
    assert tl.projection.earliest_return == D(2026, 12, 10)
    assert tl.projection.typical_return == D(2026, 12, 24)
    # Day 23 since the diagnosis on 28 Oct.
    assert tl.days_since_diagnosis == 23


def test_a_phase_past_its_typical_days_moves_from_today():
    plan = [phase(1, "Walk-run", 14, 21, D(2026, 10, 1)), phase(2, "Running", 7, 10)]
    tl = timeline(plan, today=TODAY, start=D(2026, 10, 1), diagnosed_on=D(2026, 9, 28))
    p = {x.order: x for x in tl.projection.phases}
    assert p[1].earliest_end == p[1].typical_end == TODAY
    assert (p[2].earliest_end, p[2].typical_end) == (D(2026, 11, 27), D(2026, 11, 30))


def test_the_usual_ranges_for_site_and_grade():
    site, grade = TIBIA_GRADE_2
    assert (site.low, site.high, site.typical) == (27, 61, 44)
    assert "Hoenig" in site.source
    assert (grade.low, grade.high) == (21, 42)
    # No pooled figure for a site, and a grading system without times: no range.
    assert (
        return_ranges(
            site_label="Calcaneus", typical_days=None, ci=None, grade=3, grading_system="none"
        )
        == []
    )
    [navicular_grade_4] = return_ranges(
        site_label="Navicular", typical_days=None, ci=None, grade=4, grading_system="arendt"
    )
    assert (navicular_grade_4.low, navicular_grade_4.high) == (112, None)


def test_a_typical_return_past_the_grade_range_is_said():
    tl = timeline(
        PLAN, today=TODAY, start=D(2026, 11, 1), diagnosed_on=D(2026, 10, 28), ranges=TIBIA_GRADE_2
    )
    # 24 Dec is day 57: inside the site's 27–61 days, after grade 2's 21–42.
    assert tl.running_long == (
        "The typical projected return (24 Dec 2026, day 57) falls after the usual range "
        "(Rest before return for Fredericson grade 2: up to 42 days).",
    )


def test_a_case_past_the_usual_range_is_said_to_run_long():
    tl = timeline(
        PLAN, today=TODAY, start=D(2026, 11, 1), diagnosed_on=D(2026, 8, 1), ranges=TIBIA_GRADE_2
    )
    assert tl.days_since_diagnosis == 111
    assert tl.running_long[0] == (
        "Day 111 since diagnosis: longer than the usual range "
        "(Pooled return for the posteromedial tibia: up to 61 days)."
    )
    assert len(tl.running_long) == 2


def test_a_returned_case_is_not_said_to_run_long():
    tl = timeline(
        PLAN,
        today=TODAY,
        start=D(2026, 11, 1),
        diagnosed_on=D(2026, 8, 1),
        ranges=TIBIA_GRADE_2,
        returned_on=D(2026, 11, 19),
    )
    assert tl.running_long == ()


def test_bars_sit_on_one_axis_with_today_on_it():
    tl = timeline(
        PLAN, today=TODAY, start=D(2026, 11, 1), diagnosed_on=D(2026, 10, 28), ranges=TIBIA_GRADE_2
    )
    assert tl.axis_start == D(2026, 10, 28)
    assert [b.status for b in tl.bars] == [
        "done",
        "current",
        "upcoming",
        "upcoming",
        "range",
        "range",
    ]
    for bar in tl.bars:
        assert 0 <= bar.left and bar.left + bar.width <= 100.7
    assert 0 < tl.today_left < 100
    assert any("Earliest" in a for a in tl.assumptions)
