"""How the criteria write numbers and pain measures: for the clinician's sentences (``num``,
``plural``, ``period``, ``PAIN_TEXT``) and for the athlete's plain words (``count``,
``plain_number``, ``pain_words``)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from protocols.engine.criteria.vocabulary import Number

PAIN_TEXT = {
    "rest": "pain at rest",
    "during": "pain during activity",
    "after": "pain after activity",
    "next_morning": "next-morning pain",
    "any": "pain",
}
"""Each pain measure as a clinician's sentence names it."""


def num(x: Number | None, digits: int = 1) -> str:
    """A number as a clinician reads it: 2, 2.5, 1.62 (no trailing .0)."""
    if x is None:
        return "unknown"
    if not math.isfinite(float(x)):
        return "not a number" if math.isnan(float(x)) else ("∞" if x > 0 else "−∞")
    rounded = round(float(x), digits)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.{digits}f}".rstrip("0")


def day_words(day: date) -> str:
    """A recent day as the pages write it, "7 Nov": the days a rule's window reads."""
    return f"{day.day} {day:%b}"


def date_words(day: date) -> str:
    """A day that may be long past, with its year, "7 Nov 2026": a decision, a screen."""
    return f"{day.day} {day:%b %Y}"


def plural(n: int, word: str, plural: str | None = None) -> str:
    """'1 day', '3 days'; ``plural`` when adding an s will not do."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def points(x: Number) -> str:
    return f"{num(x)} point" if x == 1 else f"{num(x)} points"


def period(days: int) -> str:
    """A window of ``days`` days ending today: 'today', 'today or yesterday', 'in the last 7
    days'."""
    if days == 1:
        return "today"
    if days == 2:
        return "today or yesterday"
    return f"in the last {days} days"


def cap(text: str) -> str:
    """The text with its first letter in capitals."""
    return text[:1].upper() + text[1:]


# --- the athlete's words ------------------------------------------------------------------------


def count(n: Number, word: str, plural_form: str | None = None) -> str:
    """``plural`` of a whole number, for a count that may arrive as a float: '2 days'."""
    return plural(int(n), word, plural_form)


def plain_number(value: Any) -> str:
    """A number as people write it: 2, 2.5 (no trailing .0); anything else as text."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number == int(number) else f"{number:.1f}"


def pain_words(field: str, noun: str) -> str:
    """A pain measure in the athlete's words; ``noun`` is what 'pain during …' is about in the
    phase ('running', 'cycling')."""
    return {
        "rest": "pain at rest",
        "during": f"pain during {noun}",
        "after": f"pain after {noun}",
        "next_morning": "pain the next morning",
        "any": "any pain",
    }[field]


def logs_so_far(logged: Number, needed: Number) -> str:
    """A goal waiting for logs: '3 logs so far, 5 needed: keep logging'."""
    return f"{count(logged, 'log')} so far, {plain_number(needed)} needed: keep logging"
