"""Criterion kinds that read reported symptoms: sharp pain, night pain and swelling.

Registered by ``protocols.engine.criteria`` (see docs/criteria.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, ClassVar

from protocols.engine.criteria.base import Kind
from protocols.engine.criteria.params import Param, days_param, regress_days_param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.criteria.text import cap, count, day_words, period, plural
from protocols.engine.criteria.windows import Window
from protocols.engine.records import LogEntry, Snapshot


class _ReportedKind(Kind):
    """Shared logic of 'a log in the window reports X' (sharp pain, night pain, swelling)."""

    noun: ClassVar[str]  # "sharp pain"
    recorded: ClassVar[str]  # what a log must record for the window to count as known

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        raise NotImplementedError

    def noun_for(self, p: Mapping[str, Any]) -> str:
        return self.noun

    def sentence(self, p: Mapping[str, Any]) -> str:
        if self.role == "advance":
            return f"No {self.noun_for(p)} reported {period(p['days'])}."
        return f"Fires when {self.noun_for(p)} is reported {period(p['days'])}."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        logs = snapshot.logs_between(w.start, w.end)
        answers = [(log.day, self.reports(log, p)) for log in logs]
        noun = self.noun_for(p)
        yes = [day for day, answer in answers if answer is True]
        known = [day for day, answer in answers if answer is not None]
        # Observed: the number of reports; the threshold: none may be reported (an advance
        # criterion is met with 0, a rule fires above 0). For an advance criterion `met` means
        # "none reported"; for a rule it means "fired".
        if yes:
            when = day_words(yes[-1])
            times = "" if len(yes) == 1 else f" ({len(yes)} reports)"
            why = f"{cap(noun)} was reported on {when}, {w.text()}{times}."
            return Measure(self.role != "advance", len(yes), 0, why, "reports")
        if not known:
            why = f"Not enough data: no log records {self.recorded} {w.text()}."
            return Measure(None, None, 0, why, "reports")
        logged = f"{len(known)} of {plural(w.length, 'day')} logged"
        if self.role == "advance" and len(known) < w.needed:
            # A window judged free of a symptom must have been logged (clinical.md §11).
            why = (
                f"Not enough data: {self.recorded} recorded on {logged} {w.text()}, "
                f"{w.needed} needed."
            )
            return Measure(None, None, 0, why, "reports", len(known), w.needed)
        why = f"No {noun} reported {w.text()} ({logged})."
        return Measure(self.role == "advance", 0, 0, why, "reports")

    def earliest_met(self, p, snapshot, today, result):
        if self.role != "advance" or result.met is not False:
            return None
        w = Window.ending(snapshot, today, p["days"])
        yes = [log.day for log in snapshot.logs_between(w.start, w.end) if self.reports(log, p)]
        # The first day whose window no longer holds the last report.
        return max(yes) + timedelta(days=p["days"]) if yes else None

    def athlete_progress(self, result: CriterionResult) -> str:
        return "Reported recently" if result.met is False else super().athlete_progress(result)


class NoSharpPain(_ReportedKind):
    kind = "no_sharp_pain"
    label = "No sharp pain"
    role = "advance"
    params = (days_param(7),)
    noun = "sharp pain"
    recorded = "the character of the pain"

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        return f"No sharp pain for {count(p['days'], 'day')}"

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        return None if log.pain_character is None else log.pain_character == "sharp"


class NoNightPain(_ReportedKind):
    kind = "no_night_pain"
    label = "No night pain"
    role = "advance"
    params = (days_param(7),)
    noun = "night pain"
    recorded = "night pain"

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        return f"No pain at night for {count(p['days'], 'day')}"

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        return log.night_pain


class SharpPain(_ReportedKind):
    kind = "sharp_pain"
    label = "Sharp pain"
    role = "regress"
    params = (
        regress_days_param(),
        Param(
            "localized_only",
            "bool",
            "Localized only",
            default=False,
            help="Fire only when the sharp pain is also localized to the injury site.",
        ),
    )
    noun = "sharp pain"
    recorded = "the character of the pain"
    athlete_red_warning = "Sharp pain reported"
    athlete_red_symptom = "sharp pain"

    def noun_for(self, p: Mapping[str, Any]) -> str:
        return "sharp, localized pain" if p["localized_only"] else "sharp pain"

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        if log.pain_character is None:
            return None
        if log.pain_character != "sharp":
            return False
        if p["localized_only"]:
            return log.localized  # unknown when localization was not recorded
        return True

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return True


class NightPain(_ReportedKind):
    kind = "night_pain"
    label = "Night pain"
    role = "regress"
    params = (regress_days_param(),)
    noun = "night pain"
    recorded = "night pain"
    athlete_red_warning = "Pain at night reported"
    athlete_red_symptom = "pain that wakes you at night"

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        return log.night_pain

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return True


class Swelling(_ReportedKind):
    kind = "swelling"
    label = "Swelling"
    role = "regress"
    params = (regress_days_param(),)
    noun = "swelling"
    recorded = "swelling"
    athlete_warning = "You reported swelling"

    def athlete_rule(self, p: Mapping[str, Any], noun: str) -> str:
        return "If the injured area swells, take it easy and tell your clinician."

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        return log.swelling
