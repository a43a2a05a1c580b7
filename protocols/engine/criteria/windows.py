"""The windows criteria judge (the last N days ending today, clipped at the phase's start) and
the pain ratings read in them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from protocols.engine import series
from protocols.engine.criteria.vocabulary import PAIN_ATTR
from protocols.engine.records import LogEntry, Snapshot


@dataclass(frozen=True)
class Window:
    """The last `days` days ending `end` (inclusive), clipped to start no earlier than the phase."""

    start: date
    end: date
    days: int
    after_step_back: bool = False  # clipped at the day a stepped-back phase is judged from
    # Days from start to end (0 when the phase is judged from a later day): counted once, as
    # every criterion of the window asks for it, some several times.
    length: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "length", max(0, (self.end - self.start).days + 1))

    @classmethod
    def ending(cls, snapshot: Snapshot, today: date, days: int) -> Window:
        # Several criteria of a phase ask for the same window: made once per snapshot (a
        # snapshot is immutable, a window too).
        made = snapshot.__dict__.setdefault("_windows", {})
        window = made.get((today, days))
        if window is None:
            began = snapshot.began_on
            start = series.window_start(today, days, began)
            stepped = began != snapshot.phase_started_on and start == began
            window = made[(today, days)] = cls(start, today, days, stepped)
        return window

    @property
    def clipped(self) -> bool:
        return self.length < self.days

    @property
    def needed(self) -> int:
        """Days of the window that must be logged before it can be judged free of a symptom: at
        most one missing day in seven (clinical.md §11, completeness)."""
        return self.length - self.length // 7

    def text(self) -> str:
        """'in the last 7 days', 'today or yesterday', 'in the phase's 3 days so far, today
        included'."""
        if self.length == 0:
            if self.after_step_back:
                return "before the phase is judged again (after the step back, from a later day)"
            return "in this phase so far"
        if self.clipped and self.after_step_back:
            if self.length == 1:
                return "today, the first day judged after the step back"
            return f"in the {self.length} days judged since the step back"
        if self.clipped:
            if self.length == 1:
                return "today, the first day of the phase"
            return f"in the phase's {self.length} days so far, today included"
        if self.days == 1:
            return "today"
        if self.days == 2:
            return "today or yesterday"
        return f"in the last {self.days} days"


def pain_value(log: LogEntry, which: str) -> float | None:
    """A log's pain for a `field` choice; 'any' is the worst recorded of the four ratings."""
    if which == "any":
        known = [getattr(log, a) for a in PAIN_ATTR.values() if getattr(log, a) is not None]
        return max(known) if known else None
    return getattr(log, PAIN_ATTR[which])


def pain_pairs(logs: Iterable[LogEntry], which: str) -> list[tuple[date, float]]:
    """(day, rating) of the logs that record the pain measure ``which``."""
    return [(log.day, v) for log in logs if (v := pain_value(log, which)) is not None]


def latest_peak(pairs: Sequence[tuple[date, float]]) -> tuple[date, float]:
    """The worst value, and its latest day when it occurs several times."""
    return max(pairs, key=lambda pair: (pair[1], pair[0]))
