"""What judging a criterion gives: the ``Measure`` a kind takes and the ``CriterionResult`` it
makes of it, their JSON, and observed values and thresholds written in their unit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import orjson

from protocols.engine.criteria.text import num
from protocols.engine.criteria.vocabulary import Number, Role


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-ready copy of `params` (dates as ISO text)."""
    return {k: json_value(v) for k, v in params.items()}


@dataclass
class CriterionResult:
    """The outcome of one criterion on one day; `met=None` means unknown (never met).

    Treat it as a value: never change one, make another (``dataclasses.replace``). It is not
    declared frozen because a frozen dataclass sets each of its eleven fields through
    ``object.__setattr__``: 1.7 µs a result against 0.6, and a night of 2,000 cases makes
    33,000 of them (0.035 s, about 4% of a next night, when that rail did not hold). Nor
    slotted: orjson writes a dataclass with a ``__dict__`` in its fast path, and a slotted one
    took ``Evaluation.to_json`` from 0.027 to 0.05 s a night."""

    kind: str
    params: dict[str, Any]
    role: Role
    met: bool | None
    observed: Number | str | None
    threshold: Number | str | None
    sentence: str
    red_flag: bool = False
    unit: str = ""  # of `observed` and `threshold`: "/10", "days", "reports", "%"...
    # A window that must be logged: the days logged in it and the days needed (else None)
    logged: int | None = None
    needed: int | None = None

    @property
    def fired(self) -> bool:
        return self.met is True

    @property
    def observed_text(self) -> str:
        """The observed value with its unit ("3/10", "2 reports"); "—" when unknown."""
        return format_value(self.observed, self.unit)

    @property
    def threshold_text(self) -> str:
        return format_value(self.threshold, self.unit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "params": _json_params(self.params),
            "role": self.role,
            "met": self.met,
            "observed": json_value(self.observed),
            "threshold": json_value(self.threshold),
            "sentence": self.sentence,
            "red_flag": self.red_flag,
            "unit": self.unit,
            "logged": self.logged,
            "needed": self.needed,
        }

    def to_json(self) -> str:
        """``to_dict()`` as JSON text: orjson writes the dataclass (its fields are
        ``to_dict``'s keys, in that order) and its dates itself."""
        return orjson.dumps(self).decode()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CriterionResult:
        return cls(
            kind=data["kind"],
            params=dict(data["params"]),
            role=data["role"],
            met=data["met"],
            observed=data["observed"],
            threshold=data["threshold"],
            sentence=data["sentence"],
            red_flag=bool(data.get("red_flag", False)),
            unit=data.get("unit") or "",
            logged=data.get("logged"),
            needed=data.get("needed"),
        )


class Measure(NamedTuple):
    met: bool | None
    observed: Number | str | None
    threshold: Number | str | None
    sentence: str
    unit: str = ""
    logged: int | None = None  # days logged in a window that must be logged
    needed: int | None = None  # days it needs


# Units written against the number ("3/10", "30%"); any other follows a space ("2 days").
_TIGHT_UNITS = ("/10", "%")
_SINGULAR = {"days": "day", "reports": "report", "logs": "log", "hours": "hour", "points": "point"}


def format_value(value: Any, unit: str = "") -> str:
    """An observed value or a threshold as a clinician reads it, in its unit: "3/10", "0
    reports", "7 days", "30%"; a date as "4 Dec 2026"; "—" when unknown (no data)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        text = num(value, 2)
        if not unit:
            return text
        if unit in _TIGHT_UNITS:
            return f"{text}{unit}"
        word = _SINGULAR.get(unit, unit) if text == "1" else unit
        return f"{text} {word}"
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    text = str(value)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%b %Y}"
