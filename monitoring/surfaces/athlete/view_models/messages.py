"""What the athlete is told right after a log: a stop, a caution, good news or nothing to
worry about, from the evaluation and the day's severe pain (each kind's words from
``protocols.engine.wording``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monitoring.surfaces.athlete.view_models.safety import URGENT_CARE, SevereFinding
from monitoring.surfaces.athlete.view_models.today import main_activity_noun
from protocols.engine import criteria, wording
from protocols.engine.gating import Evaluation, recorded_late_words
from protocols.engine.programme import ProgrammeState
from protocols.models import Impact, PlanPhase


@dataclass(frozen=True)
class Message:
    """What the evaluation says to the athlete after a log."""

    level: str  # "stop" | "caution" | "good" | "info"
    title: str
    text: str


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def stop_what(phase: PlanPhase | None) -> str:
    """What the athlete stops until the team contacts them."""
    runs = main_activity_noun(phase) == "running" or (phase and phase.impact == Impact.HIGH)
    return "stop running" if runs else "rest from exercise that loads the leg"


def _red_words(
    evaluation: Evaluation | None, severe: SevereFinding | None, day: dt.date | None
) -> list[str]:
    """The red findings of the log, in the athlete's words (``log_messages``)."""
    red = list(evaluation.red_flags) if evaluation is not None else []
    if day is not None:
        red = [r for r in red if r.sentence.startswith(recorded_late_words(day))]
    if severe is not None:  # said once, with its number
        red = [r for r in red if r.kind != criteria.SeverePain.kind]
    words = wording.athlete_warnings(red, red=True)
    if severe is not None:
        words.insert(0, f"Pain of {severe.pain}/10 with impact work")
    return words


def _programme_left(programme: ProgrammeState | None) -> str:
    if programme is None or programme.finished:
        return ""
    return (
        f" Your run-walk programme goes on meanwhile: stage {programme.offered_stage} of "
        f"{len(programme.stages)}."
    )


def log_messages(
    evaluation: Evaluation | None,
    phase: PlanPhase | None,
    severe: SevereFinding | None = None,
    open_red_flag: bool = False,
    day: dt.date | None = None,
    programme: ProgrammeState | None = None,
) -> list[Message]:
    """What the evaluation has to say to the athlete right after a log, in plain words.

    ``severe`` (``severe_pain``) is the day's pain at or above the plan's red limit with impact
    work: a stop, whatever the evaluation (the red flag it raises may not be stored yet), never
    "take today easy". ``open_red_flag``: a red flag is open on the case (what Today shows as a
    stop): the answer keeps the stop, and never says "great work", until the clinical team has
    reviewed it, even when this log is calm. ``day``: the log saved is of an earlier day;
    of today's red findings only those recorded late for that day are said to be its own (a
    calm day logged late is not answered "severe pain"; the open red flag still says stop).
    ``programme``: the phase's run-walk programme on the day, whose stages still to run are
    said beside "you have met the goals" (the plan's goals may not wait for its last stage).
    """
    if phase is None or (evaluation is None and severe is None):
        return []
    out: list[Message] = []
    words = _red_words(evaluation, severe, day)
    if not words and open_red_flag:
        out.append(
            Message(
                "stop",
                "Still a stop: your clinical team is reviewing what you reported",
                f"Something you reported is open with your clinical team. Please "
                f"{stop_what(phase)} until they contact you. {URGENT_CARE}",
            )
        )
    if words:
        what = "; ".join(dict.fromkeys(words))
        out.append(
            Message(
                "stop",
                f"{what} — your clinician has been notified",
                f"Please {stop_what(phase)} until they contact you. {URGENT_CARE}",
            )
        )
    if evaluation is None:
        return out
    plain = [r for r in evaluation.fired if not r.red_flag]
    if plain and not out:
        what = "; ".join(wording.athlete_warnings(plain))
        out.append(
            Message(
                "caution",
                what,
                "Take today easy and repeat the previous stage; your clinician will review.",
            )
        )
    if not out and evaluation.ready:
        out.append(
            Message(
                "good",
                "Great work: you have met the goals your plan checks for this stage",
                "Your clinician will review the next step with you. Keep to your current plan "
                "until they do." + _programme_left(programme),
            )
        )
    if not any(m.level == "stop" for m in out):  # a stop is the one message: no "stick to
        # the plan" beside "stop running"
        for title, advice in wording.athlete_advice(evaluation.warnings):
            out.append(Message("caution", title, advice))
    if not out:
        # No warning; the stage's checks still open are named, so "nothing to worry about"
        # never reads as "you may move on" (a pain of 2/10 is no warning, and still not the
        # 1/10 the next stage asks for).
        noun = main_activity_noun(phase)
        still = [
            _lower_first(wording.athlete_goal(r, noun).rstrip("."))
            for r in evaluation.advance
            if r.met is not True
        ]
        done = len(evaluation.advance) - len(still)
        text = (
            f"Still to do before the next stage: {'; '.join(still)} "
            f"({done} of the {len(evaluation.advance)} checks met). "
            if still
            else ""
        )
        out.append(
            Message(
                "info",
                "Nothing to worry about today",
                f"{text}Keep going with today's plan.",
            )
        )
    return out
