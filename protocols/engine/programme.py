"""Run-walk programmes: a plan phase's stages of running and walking, and where an athlete stands
in them, from the sessions logged (clinical.md §6: OUH 2024, Gallatin & Graver 2019).

A programme is data (a plan phase's ``programme``; the shipped ones in
``protocols/library/data/programmes.yaml``):

    {"slug", "version", "name", "citations", "notes",
     "rest_days": 1,          # rest days between runs, at least one
     "pain_limit": 2,         # pain during or after a run above this proposes a step down
     "stages": [{"run": 2, "walk": 1, "repeats": 10, "sessions": 3}, ...],
     "decisions": [{"trigger": "2026-03-04", "decision": "confirmed", "to_stage": 1, ...}]}

A stage is ``repeats`` rounds of ``run`` minutes running and ``walk`` minutes walking (walk 0
and one repeat: a continuous run); ``sessions`` pain-free completed sessions at it finish it.

``programme_state`` replays the phase's run days in date order:

- a session at the current stage (its ``programme_stage``) that was completed, with pain during
  it known and 0, no pain after it, no sharp pain and no swelling that day, counts; once the
  stage's ``sessions`` have counted, the athlete steps up by themselves;
- a run day whose pain during or after the run is above ``pain_limit``, whose next-morning
  pain is worse than that day's pain at rest (by 1 point or more), or with sharp pain reported,
  proposes a step down of one stage. A clinician confirms or declines it (a decision naming
  that run day, recorded in ``decisions``); a confirmed step down takes effect from that day.
  While a proposal waits, the athlete is offered the lower stage, never the harder one.

Unknown is never met: a session without a pain rating is not pain-free. Pure: no Django.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from protocols.engine.records import LogEntry, SessionEntry

RUN_ACTIVITIES = frozenset({"walk_run", "run"})
COMPLETED, STOPPED_EARLY = "completed", "stopped_early"
COMPLETIONS = ((COMPLETED, "Completed"), (STOPPED_EARLY, "Stopped early"))
# Next-morning pain this much above that day's pain at rest proposes a step down (clinic
# protocol: the default of the "worse the next morning" rule).
NEXT_MORNING_RISE = 1
MAX_STAGES = 20


class ProgrammeError(ValueError):
    """Invalid programme data: ``errors`` maps a field ("rest_days", "stages.0.run") to a
    message a clinician can act on."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


class Stage(NamedTuple):
    run: int
    walk: int
    repeats: int
    sessions: int

    @property
    def minutes(self) -> int:
        return (self.run + self.walk) * self.repeats

    @property
    def continuous(self) -> bool:
        return self.walk == 0 and self.repeats == 1

    def label(self) -> str:
        """ "Run 2 min / walk 1 min × 10, 30 min" or "Run 30 min without a break"."""
        if self.continuous:
            return f"Run {self.run} min without a break"
        if self.walk == 0:
            return f"Run {self.run} min × {self.repeats}, {self.minutes} min"
        return f"Run {self.run} min / walk {self.walk} min × {self.repeats}, {self.minutes} min"

    def intervals(self) -> list[tuple[str, int]]:
        """The session as (what, seconds) intervals, for the athlete's timer."""
        out: list[tuple[str, int]] = []
        for _ in range(self.repeats):
            out.append(("run", self.run * 60))
            if self.walk:
                out.append(("walk", self.walk * 60))
        return out


_STAGE_BOUNDS = {
    "run": ("Run minutes", 1, 120),
    "walk": ("Walk minutes", 0, 30),
    "repeats": ("Repeats", 1, 60),
    "sessions": ("Pain-free sessions to finish the stage", 1, 20),
}
_BOUNDS = {
    "rest_days": ("Rest days between runs", 1, 7),
    "pain_limit": ("Pain limit (0–10)", 0, 10),
}


def _whole(value: Any, label: str, low: int, high: int) -> int:
    ok = isinstance(value, int) and not isinstance(value, bool)
    if isinstance(value, float) and value.is_integer():
        value, ok = int(value), True
    if not ok:
        raise ValueError(f"{label} must be a whole number.")
    if value < low or value > high:
        raise ValueError(f"{label} must be between {low} and {high}.")
    return value


def _clean_numbers(raw: Mapping[str, Any], bounds: dict, prefix: str, errors: dict) -> dict:
    cleaned: dict[str, int] = {}
    for name, (label, low, high) in bounds.items():
        if raw.get(name) is None:
            errors[f"{prefix}{name}"] = f"{label} is required."
            continue
        try:
            cleaned[name] = _whole(raw[name], label, low, high)
        except ValueError as exc:
            errors[f"{prefix}{name}"] = str(exc)
    return cleaned


def validate_stages(stages: Any) -> tuple[list[dict[str, int]], dict[str, str]]:
    """The stages cleaned, and their errors by "stages.<index>.<field>"."""
    errors: dict[str, str] = {}
    if not isinstance(stages, list) or not stages:
        return [], {"stages": "A programme needs at least one stage."}
    if len(stages) > MAX_STAGES:
        return [], {"stages": f"A programme has at most {MAX_STAGES} stages."}
    cleaned = []
    for index, raw in enumerate(stages):
        if not isinstance(raw, Mapping):
            errors[f"stages.{index}"] = "A stage must be an object."
            continue
        unknown = set(raw) - set(_STAGE_BOUNDS)
        for name in sorted(unknown):
            errors[f"stages.{index}.{name}"] = f'"{name}" is not a field of a stage.'
        stage = _clean_numbers(raw, _STAGE_BOUNDS, f"stages.{index}.", errors)
        if len(stage) == len(_STAGE_BOUNDS) and stage["walk"] == 0 and stage["repeats"] > 1:
            errors[f"stages.{index}.repeats"] = "A continuous run (no walking) has one repeat."
        cleaned.append(stage)
    return cleaned, errors


def validate(data: Any) -> dict[str, Any]:
    """A programme's data cleaned (numbers as whole numbers, defaults for the optional text);
    raises ``ProgrammeError`` with every field's error."""
    if not isinstance(data, Mapping):
        raise ProgrammeError({"programme": "A programme must be an object."})
    errors: dict[str, str] = {}
    if not str(data.get("name") or "").strip():
        errors["name"] = "A programme needs a name."
    numbers = _clean_numbers(data, _BOUNDS, "", errors)
    stages, stage_errors = validate_stages(data.get("stages"))
    errors.update(stage_errors)
    if errors:
        raise ProgrammeError(errors)
    return {
        "slug": str(data.get("slug") or ""),
        "version": int(data.get("version") or 1),
        "name": str(data["name"]).strip(),
        "citations": list(data.get("citations") or []),
        "notes": str(data.get("notes") or ""),
        **numbers,
        "stages": stages,
        "basis": {str(k): str(v) for k, v in (data.get("basis") or {}).items()},
        "decisions": list(data.get("decisions") or []),
    }


def stages_of(programme: Mapping[str, Any]) -> tuple[Stage, ...]:
    return tuple(
        Stage(s["run"], s["walk"], s["repeats"], s["sessions"]) for s in programme["stages"]
    )


# --- where the athlete stands -------------------------------------------------------------------


class StepDown(NamedTuple):
    """A proposal to step down a stage: the run day that caused it and why."""

    trigger: date
    from_stage: int  # 1-based
    to_stage: int
    reasons: tuple[str, ...]

    def sentence(self) -> str:
        return (
            f"Step down from stage {self.from_stage} to stage {self.to_stage} of the run-walk "
            f"programme: on {self.trigger.day} {self.trigger:%b}, " + "; ".join(self.reasons) + "."
        )


@dataclass(frozen=True)
class ProgrammeState:
    """Where the athlete stands on ``today``. Stages are numbered from 1."""

    stages: tuple[Stage, ...]
    stage: int
    sessions_done: int
    finished: bool  # the last stage's sessions are done
    last_run_on: date | None
    ran_today: bool
    run_due: bool
    next_run_on: date
    step_down: StepDown | None
    rest_days: int

    @property
    def current(self) -> Stage:
        return self.stages[self.stage - 1]

    @property
    def sessions_needed(self) -> int:
        return self.current.sessions

    @property
    def offered_stage(self) -> int:
        """The stage the athlete is offered: the lower one while a step down waits."""
        return self.step_down.to_stage if self.step_down else self.stage

    @property
    def offered(self) -> Stage:
        return self.stages[self.offered_stage - 1]


def _decisions(programme: Mapping[str, Any]) -> dict[date, str]:
    out: dict[date, str] = {}
    for d in programme.get("decisions") or []:
        try:
            out[date.fromisoformat(d["trigger"])] = d["decision"]
        except (KeyError, TypeError, ValueError):
            continue
    return out


def step_down_reasons(
    day_sessions: Sequence[SessionEntry], log: LogEntry | None, pain_limit: int
) -> tuple[str, ...]:
    """Why a run day proposes a step down (empty: it does not)."""
    reasons: list[str] = []
    during = [v for s in day_sessions for v in (s.pain_during,) if v is not None]
    after = [v for s in day_sessions for v in (s.pain_after,) if v is not None]
    if log is not None:
        during += [log.pain_during] if log.pain_during is not None else []
        after += [log.pain_after] if log.pain_after is not None else []
    if during and max(during) > pain_limit:
        reasons.append(
            f"pain during the run was {max(during):g}/10, above the limit of {pain_limit}"
        )
    if after and max(after) > pain_limit:
        reasons.append(f"pain after the run was {max(after):g}/10, above the limit of {pain_limit}")
    if log is not None:
        morning, rest = log.pain_next_morning, log.pain_rest
        if morning is not None and rest is not None and morning - rest >= NEXT_MORNING_RISE:
            reasons.append(
                f"pain the next morning was {morning:g}/10 against {rest:g}/10 at rest that day"
            )
        if log.pain_character == "sharp":
            reasons.append("sharp pain was reported")
    return tuple(reasons)


def pain_free(session: SessionEntry, log: LogEntry | None) -> bool:
    """A completed session with pain during it known and 0, no pain after it, and no sharp pain,
    swelling or pain during activity in that day's log. Unknown pain is not pain-free."""
    if getattr(session, "completion", None) != COMPLETED:
        return False
    if session.pain_during is None or session.pain_during > 0:
        return False
    if session.pain_after is not None and session.pain_after > 0:
        return False
    if log is None:
        return True
    if log.pain_during is not None and log.pain_during > 0:
        return False
    return log.pain_character != "sharp" and log.swelling is not True


class _Replay:
    def __init__(self, stages: tuple[Stage, ...], pain_limit: int, decisions: dict) -> None:
        self.stages, self.pain_limit, self.decisions = stages, pain_limit, decisions
        self.stage, self.done, self.finished = 1, 0, False
        self.pending: StepDown | None = None

    def day(self, day: date, sessions: list[SessionEntry], log: LogEntry | None) -> None:
        reasons = step_down_reasons(sessions, log, self.pain_limit)
        if reasons:
            proposal = StepDown(day, self.stage, max(1, self.stage - 1), reasons)
            decision = self.decisions.get(day)
            if decision == "confirmed":
                self.stage, self.done, self.finished = proposal.to_stage, 0, False
                self.pending = None
            elif decision != "declined":
                self.pending = proposal
            return
        if self.pending is not None:
            # A step down waits for a clinician: no session counts towards a higher stage
            # meanwhile (the athlete is shown the lower one). Sessions recorded late, after a
            # painful one, would otherwise move the stage on past the proposal's.
            return
        for session in sessions:
            if getattr(session, "programme_stage", None) != self.stage or self.finished:
                continue
            if not pain_free(session, log):
                continue
            self.done += 1
            if self.done >= self.stages[self.stage - 1].sessions:
                if self.stage == len(self.stages):
                    self.finished = True
                else:
                    self.stage, self.done = self.stage + 1, 0


def programme_state(
    programme: Mapping[str, Any],
    sessions: Iterable[SessionEntry],
    logs: Iterable[LogEntry],
    started_on: date,
    today: date,
) -> ProgrammeState:
    """Where the athlete stands in ``programme`` on ``today``, from the run sessions (walk-run or
    running) and daily logs from ``started_on`` to ``today`` (others are ignored)."""
    stages = stages_of(programme)
    rest_days = int(programme["rest_days"])
    by_day: dict[date, list[SessionEntry]] = {}
    for s in sessions:
        if s.activity in RUN_ACTIVITIES and started_on <= s.day <= today:
            by_day.setdefault(s.day, []).append(s)
    log_of = {log.day: log for log in logs if started_on <= log.day <= today}
    replay = _Replay(stages, int(programme["pain_limit"]), _decisions(programme))
    for day in sorted(by_day):
        replay.day(day, by_day[day], log_of.get(day))
    last = max(by_day) if by_day else None
    next_run = today if last is None else max(today, last + timedelta(days=rest_days + 1))
    return ProgrammeState(
        stages=stages,
        stage=replay.stage,
        sessions_done=replay.done,
        finished=replay.finished,
        last_run_on=last,
        ran_today=last == today,
        run_due=last != today and next_run == today,
        next_run_on=next_run if last != today else today + timedelta(days=rest_days + 1),
        step_down=replay.pending,
        rest_days=rest_days,
    )


def snapshot_state(snapshot: Any, today: date) -> ProgrammeState | None:
    """``programme_state`` of a ``records.Snapshot``'s programme (None without one), read from
    the phase's first judged day."""
    programme = getattr(snapshot, "programme", None)
    if isinstance(programme, str):  # a raw read gives the JSON text
        programme = json.loads(programme)
    if not programme or not programme.get("stages"):
        return None
    made = snapshot.__dict__.setdefault("_programme_states", {})
    state = made.get(today)
    if state is None:
        began = snapshot.began_on
        state = made[today] = programme_state(
            programme,
            snapshot.sessions_between(began, today),
            snapshot.daily_logs_between(began, today),
            began,
            today,
        )
    return state
