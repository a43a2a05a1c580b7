"""Words for the values of recorded changes: dates, quoted text, choices, criteria,
prescriptions and the difference between two lists, for ``monitoring.audit``'s entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from protocols.engine import criteria
from protocols.models import Activity


def date_words(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%-d %b %Y}"
    if isinstance(value, dt.date):
        return f"{value:%-d %b %Y}"
    return str(value)


def text_words(value: Any, limit: int = 140) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        return "(empty)"
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


def choice_words(choices: Any) -> Callable[[Any], str]:
    labels = dict(choices)
    return lambda v: str(labels.get(v, v if v not in (None, "") else "—"))


def yes_no(value: Any) -> str:
    return "yes" if value else "no"


def criterion_words(item: Any) -> str:
    """A criterion in one plain sentence (its kind and numbers when it no longer validates)."""
    try:
        return criteria.describe(item)
    except (criteria.CriterionError, NotImplementedError, TypeError, ValueError):
        if isinstance(item, Mapping):
            params = ", ".join(f"{k} {v}" for k, v in item.items() if k != "kind")
            return (
                f"{item.get('kind', 'criterion')} ({params})" if params else str(item.get("kind"))
            )
        return str(item)


def prescription_words(rx: Any) -> str:
    if not isinstance(rx, Mapping):
        return str(rx)
    try:
        parts = [Activity(rx.get("activity")).label]
    except ValueError:
        parts = [str(rx.get("activity") or "Activity")]
    dose = []
    if rx.get("minutes"):
        dose.append(f"{rx['minutes']} min")
    if rx.get("sessions_per_week"):
        dose.append(f"{rx['sessions_per_week']}× a week")
    if rx.get("intensity"):
        dose.append(str(rx["intensity"]))
    text = parts[0] + (": " + ", ".join(dose) if dose else "")
    if rx.get("notes"):
        text += f" ({text_words(rx['notes'], 80)})"
    return text


def list_diff(
    label: str, old: Any, new: Any, words: Callable[[Any], str], key: Callable[[Any], Any]
) -> list[str]:
    """Items removed, added and changed between two lists, paired by ``key`` (kind, activity)."""
    old, new = list(old or []), list(new or [])
    removed = [o for o in old if o not in new]
    added = [n for n in new if n not in old]
    lines = []
    for item in list(removed):
        match = next((a for a in added if key(a) == key(item)), None)
        if match is not None:
            lines.append(f"{label}: changed {quoted(words(item))} to {quoted(words(match))}")
            removed.remove(item)
            added.remove(match)
    lines += [f"{label}: removed {quoted(words(o))}" for o in removed]
    lines += [f"{label}: added {quoted(words(n))}" for n in added]
    return lines


def quoted(text: str) -> str:
    return f"“{text}”"


def kind_key(item: Any) -> Any:
    return item.get("kind") if isinstance(item, Mapping) else item


def activity_key(item: Any) -> Any:
    return item.get("activity") if isinstance(item, Mapping) else item
