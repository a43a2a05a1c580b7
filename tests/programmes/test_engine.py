"""The run-walk programme engine (protocols.engine.programme), as stories in dates.

Sources (clinical.md §6): OUH 2024 runs every other day and steps up after a pain-free week,
down a level with pain; Gallatin & Graver 2019 advance after pain-free repetitions, with at
least one rest day between runs and no progression with sharp pain. Sessions per stage and the
pain limit of G&G are clinic protocol (programmes.yaml)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from protocols.engine import programme as engine
from protocols.engine.criteria import evaluate
from protocols.engine.records import LogEntry, SessionEntry, Snapshot
from protocols.library.loader import load_programmes

D0 = date(2026, 3, 2)
GG = next(p["data"] for p in load_programmes() if p["slug"] == "gallatin-graver2019")
OUH = next(p["data"] for p in load_programmes() if p["slug"] == "ouh2024")


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def run(n: int, stage: int, pain: float | None = 0, completion="completed", after=None):
    return SessionEntry(
        day(n), "walk_run", 30, 3, pain, after, programme_stage=stage, completion=completion
    )


def state(programme, sessions, logs=(), today=None):
    return engine.programme_state(programme, sessions, logs, D0, today or day(20))


def test_the_shipped_programmes_follow_their_sources():
    assert [engine.Stage(**s).label() for s in OUH["stages"]] == [
        "Run 1 min / walk 1 min × 15, 30 min",
        "Run 2 min / walk 1 min × 10, 30 min",
        "Run 4 min / walk 1 min × 6, 30 min",
        "Run 9 min / walk 1 min × 3, 30 min",
        "Run 15 min / walk 1 min × 2, 32 min",
        "Run 30 min without a break",
    ]
    assert OUH["rest_days"] == 1 and OUH["pain_limit"] == 0
    assert [(s["walk"], s["run"]) for s in GG["stages"][:4]] == [(4, 1), (3, 2), (2, 3), (1, 4)]
    assert GG["stages"][4] == {"run": 30, "walk": 0, "repeats": 1, "sessions": 2}
    assert "clinic protocol" in GG["basis"]["sessions"].lower()


def test_pain_free_sessions_step_up_and_rest_days_are_respected():
    # G&G: 2 pain-free completed sessions a stage (clinic protocol), a rest day between runs.
    s = state(GG, [run(0, 1), run(2, 1)], today=day(2))
    assert (s.stage, s.sessions_done, s.ran_today, s.run_due) == (2, 0, True, False)
    assert s.next_run_on == day(4)
    s = state(GG, [run(0, 1), run(2, 1)], today=day(3))
    assert not s.run_due and s.next_run_on == day(4)  # a rest day is due
    s = state(GG, [run(0, 1), run(2, 1), run(4, 2)], today=day(6))
    assert (s.stage, s.sessions_done, s.run_due) == (2, 1, True)


def test_missing_pain_is_not_pain_free_and_stopped_early_does_not_count():
    s = state(GG, [run(0, 1, pain=None), run(2, 1, completion="stopped_early"), run(4, 1)])
    assert (s.stage, s.sessions_done) == (1, 1)


def test_a_session_at_another_stage_does_not_count():
    s = state(GG, [run(0, 2), run(2, 2)])
    assert (s.stage, s.sessions_done) == (1, 0)


def test_pain_above_the_limit_proposes_a_step_down_and_the_athlete_is_offered_the_lower_stage():
    sessions = [run(0, 1), run(2, 1), run(4, 2, pain=4)]
    s = state(GG, sessions, today=day(4))
    assert s.stage == 2 and s.step_down is not None
    assert (s.step_down.trigger, s.step_down.to_stage, s.offered_stage) == (day(4), 1, 1)
    assert "pain during the run was 4/10" in s.step_down.sentence()
    # Declined: the athlete stays at stage 2; confirmed: stage 1 from that run day.
    declined = {**GG, "decisions": [{"trigger": day(4).isoformat(), "decision": "declined"}]}
    assert state(declined, sessions).step_down is None and state(declined, sessions).stage == 2
    confirmed = {**GG, "decisions": [{"trigger": day(4).isoformat(), "decision": "confirmed"}]}
    after = state(confirmed, [*sessions, run(6, 1)])
    assert (after.stage, after.sessions_done, after.step_down) == (1, 1, None)


def test_no_stage_is_gained_while_a_step_down_waits_for_a_clinician():
    """Day 4's run at stage 2 hurt (4/10), sent from the phone only on day 9, after two
    pain-free runs at stage 2 on days 6 and 8 that would have moved the athlete to stage 3. The
    step down stands as proposed on day 4, from stage 2, and the later runs count for nothing
    until a clinician decides: the card never reads "stage 3" beside "step down 2 → 1"."""
    sessions = [run(0, 1), run(2, 1), run(4, 2, pain=4), run(6, 2), run(8, 2)]
    s = state(GG, sessions, today=day(9))
    assert (s.stage, s.step_down.from_stage, s.step_down.to_stage) == (2, 2, 1)
    assert s.offered_stage == 1
    declined = {**GG, "decisions": [{"trigger": day(4).isoformat(), "decision": "declined"}]}
    assert state(declined, sessions, today=day(9)).stage == 3


def test_pain_within_the_limit_repeats_the_stage():
    s = state(GG, [run(0, 1, pain=2), run(2, 1, pain=1)])
    assert (s.stage, s.sessions_done, s.step_down) == (1, 0, None)


def test_ouh_steps_down_with_any_pain_and_on_next_morning_pain_or_sharp_pain():
    assert state(OUH, [run(0, 1, pain=1)]).step_down is not None
    worse = LogEntry(day(0), pain_rest=0, pain_next_morning=2)
    s = state(GG, [run(0, 1)], logs=[worse])
    assert s.step_down and "next morning" in s.step_down.reasons[0]
    sharp = LogEntry(day(0), pain_character="sharp")
    assert state(GG, [run(0, 1)], logs=[sharp]).step_down.reasons == ("sharp pain was reported",)


def test_the_last_stage_finishes_the_programme():
    stages = [run(2 * i, 1 + i // 2) for i in range(10)]
    s = state(GG, stages, today=day(30))
    assert s.stage == 5 and s.finished


@pytest.mark.parametrize(
    ("stage", "field", "message"),
    [
        ({"run": -1, "walk": 1, "repeats": 3, "sessions": 2}, "stages.0.run", "between 1"),
        ({"run": 2, "walk": 1, "repeats": 0, "sessions": 2}, "stages.0.repeats", "between 1"),
        ({"run": 2, "walk": -1, "repeats": 2, "sessions": 2}, "stages.0.walk", "between 0"),
        ({"run": 2, "walk": 1, "repeats": 2}, "stages.0.sessions", "required"),
        ({"run": 2.5, "walk": 1, "repeats": 2, "sessions": 2}, "stages.0.run", "whole"),
    ],
)
def test_bad_stages_are_refused_with_field_errors(stage, field, message):
    with pytest.raises(engine.ProgrammeError) as exc:
        engine.validate({**GG, "stages": [stage]})
    assert message in exc.value.errors[field]


def test_rest_days_at_least_one():
    with pytest.raises(engine.ProgrammeError) as exc:
        engine.validate({**GG, "rest_days": 0})
    assert "rest_days" in exc.value.errors


def _snapshot(programme, sessions):
    return Snapshot(phase_started_on=D0, sessions=sessions, programme=programme)


def test_the_criterion_gates_on_the_stage_and_is_unknown_without_a_programme():
    item = {"kind": "programme_stage", "stage": 2}
    assert evaluate(item, _snapshot(None, []), day(3)).met is None
    assert evaluate(item, _snapshot(GG, [run(0, 1)]), day(3)).met is False
    assert evaluate(item, _snapshot(GG, [run(0, 1), run(2, 1)]), day(3)).met is True
    finished = {"kind": "programme_stage", "stage": 2, "finished": True}
    assert evaluate(finished, _snapshot(GG, [run(0, 1), run(2, 1)]), day(3)).met is False
    pending = _snapshot(GG, [run(0, 1), run(2, 1), run(4, 2, pain=5)])
    result = evaluate(item, pending, day(5))
    assert result.met is False and "waits for a decision" in result.sentence
