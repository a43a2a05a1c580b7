"""The declared parameters of criterion kinds: ``Param`` (one form field, and how its value is
cleaned) and the parameters several kinds share (a window of days, a pain measure)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from protocols.engine.criteria.text import num
from protocols.engine.criteria.vocabulary import PAIN_FIELDS, Number

ParamType = Literal["int", "float", "choice", "bool"]

MISSING: Any = object()
"""A parameter absent from an item (``None`` is a value given as empty)."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a kind, rendered by a form builder as one field."""

    name: str
    type: ParamType
    label: str
    default: Any = None
    required: bool = False
    min: Number | None = None
    max: Number | None = None
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "label": self.label,
            "default": self.default,
            "required": self.required,
            "min": self.min,
            "max": self.max,
            "choices": [list(c) for c in self.choices],
            "help": self.help,
        }

    def clean(self, value: Any) -> Any:
        """The cleaned value, the default when absent, or a `ValueError` with a message."""
        if value is MISSING or value is None:
            if self.required:
                raise ValueError(f"{self.label} is required.")
            return self.default
        if self.type == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{self.label} must be yes or no.")
            return value
        if self.type == "choice":
            allowed = [code for code, _ in self.choices]
            if not isinstance(value, str) or value not in allowed:
                raise ValueError(f"{self.label} must be one of: {', '.join(allowed)}.")
            return value
        return self.clean_number(value)

    def clean_number(self, value: Any) -> Number:
        """An int or float parameter's value, within its bounds."""
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value):
            kind = "a whole number" if self.type == "int" else "a number"
            raise ValueError(f"{self.label} must be {kind}.")
        if self.type == "int":
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(f"{self.label} must be a whole number.")
            value = int(value)
        else:
            value = float(value)
        too_low = self.min is not None and value < self.min
        too_high = self.max is not None and value > self.max
        if too_low or too_high:
            raise ValueError(f"{self.label} {self.bounds_text()}.")
        return value

    def bounds_text(self) -> str:
        """'must be between 0 and 10', 'must be at least 1', 'must be at most 9'."""
        if self.min is not None and self.max is not None:
            return f"must be between {num(self.min)} and {num(self.max)}"
        if self.min is not None:
            return f"must be at least {num(self.min)}"
        return f"must be at most {num(self.max)}"


def days_param(
    default: int | None, label: str = "Days", help: str = "", maximum: int = 90
) -> Param:
    """The window of an item: the last N days ending today."""
    return Param(
        "days",
        "int",
        label,
        default=default,
        required=default is None,
        min=1,
        max=maximum,
        help=help or "Window length: the last N days ending today, never before the phase began.",
    )


def field_param(default: str | None) -> Param:
    """The pain measure an item reads."""
    return Param(
        "field",
        "choice",
        "Pain measure",
        default=default,
        required=default is None,
        choices=PAIN_FIELDS,
        help="Which pain rating (0–10) to read; 'any' takes the worst of the four.",
    )


def regress_days_param() -> Param:
    """The window of a regression rule: today and yesterday unless set."""
    return days_param(2, help="The last N days ending today: 2 means today and yesterday.")
