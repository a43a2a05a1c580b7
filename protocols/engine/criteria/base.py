"""The criteria language: a registry of typed criterion kinds (see docs/criteria.md).

An item is a JSON object, `{"kind": "pain_max", "field": "during", "max": 2}`. Each kind declares
its parameters (for form builders), validates and completes them, describes its rule in one plain
sentence and evaluates it against a `protocols.engine.records.Snapshot` on a given day.

Results are three-valued: `met` is True, False or None (unknown: not enough data). Unknown is
never met. For regression rules and warnings `met=True` means the rule fired.

This module holds what every kind shares: vocabularies, parameters, results, windows, the `Kind`
class and the registry's functions. The kinds live by family in the sibling modules and are
registered by the package (``protocols.engine.criteria``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal, NamedTuple

from protocols.engine import series
from protocols.engine.records import LogEntry, Snapshot

Role = Literal["advance", "regress", "warning"]
ROLES: tuple[Role, ...] = ("advance", "regress", "warning")
ROLE_LABELS: dict[str, str] = {
    "advance": "an advance criterion",
    "regress": "a regression rule",
    "warning": "a warning",
}
ParamType = Literal["int", "float", "choice", "bool"]
Number = int | float

# --- vocabularies -----------------------------------------------------------------------------

PAIN_FIELDS: tuple[tuple[str, str], ...] = (
    ("rest", "at rest"),
    ("during", "during activity"),
    ("after", "after activity"),
    ("next_morning", "the next morning"),
    ("any", "any of these"),
)
_PAIN_ATTR = {
    "rest": "pain_rest",
    "during": "pain_during",
    "after": "pain_after",
    "next_morning": "pain_next_morning",
}
_PAIN_TEXT = {
    "rest": "pain at rest",
    "during": "pain during activity",
    "after": "pain after activity",
    "next_morning": "next-morning pain",
    "any": "pain",
}
PAIN_CHARACTERS: tuple[str, ...] = ("none", "dull", "sharp")

ASSESSMENT_TESTS: tuple[tuple[str, str], ...] = (
    ("single_leg_hop", "Single-leg hops"),
    ("walk_test", "Pain-free brisk walking (minutes)"),
    ("heel_raise", "Single-leg heel raises"),
    ("tenderness", "Bony tenderness (0 none, 1 present)"),
    ("strength_symmetry", "Strength symmetry (limb symmetry index, %)"),
    ("readiness_iprrs", "I-PRRS readiness (0–60)"),
    ("tsk11", "TSK-11 fear of movement (11–44)"),
    ("bone_health_cra", "Triad cumulative risk score (0–12)"),
    ("imaging_healing", "Imaging healing (0 not healed, 1 confirmed)"),
    ("foot_contacts", "Pain-free foot contacts"),
)
_TEST_LABEL = dict(ASSESSMENT_TESTS)
# Value ranges of the scored tests; counts and percentages only have a floor of 0.
_TEST_RANGE: dict[str, tuple[float, float | None]] = {
    "tenderness": (0, 1),
    "readiness_iprrs": (0, 60),
    "tsk11": (11, 44),
    "bone_health_cra": (0, 12),
    "imaging_healing": (0, 1),
}

# Each week of a week-over-week pain comparison needs this many logs (docs/criteria.md).
MIN_LOGS_PER_WEEK = 3
_EPS = 1e-9  # float slack when comparing means against thresholds


# --- errors -----------------------------------------------------------------------------------


class CriterionError(ValueError):
    """Invalid criterion parameters: `errors` maps a field to a clinician-readable message.

    Keys are parameter names (`"max"`), `"kind"`, or for lists `"<index>.<name>"` (`"0.max"`).
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__(" ".join(self.errors.values()))

    def prefixed(self, prefix: str) -> CriterionError:
        return CriterionError({f"{prefix}.{key}": msg for key, msg in self.errors.items()})

    def by_item(self, prefix: str = "") -> dict[int, dict[str, str]]:
        """Errors of a list grouped by item index, for a form showing one row per item;
        `prefix` selects one list of a phase's errors (`by_item("advance_when")`)."""
        out: dict[int, dict[str, str]] = {}
        lead = f"{prefix}." if prefix else ""
        for key, msg in self.errors.items():
            if not key.startswith(lead):
                continue
            head, _, rest = key[len(lead) :].partition(".")
            if head.isdigit():
                out.setdefault(int(head), {})[rest or "kind"] = msg
        return out


# --- parameters -------------------------------------------------------------------------------

_MISSING: Any = object()


def _num(x: Number | None, digits: int = 1) -> str:
    """A number as a clinician reads it: 2, 2.5, 1.62 (no trailing .0)."""
    if x is None:
        return "unknown"
    if not math.isfinite(float(x)):
        return "not a number" if math.isnan(float(x)) else ("∞" if x > 0 else "−∞")
    rounded = round(float(x), digits)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.{digits}f}".rstrip("0")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _points(x: Number) -> str:
    return f"{_num(x)} point" if x == 1 else f"{_num(x)} points"


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
        if value is _MISSING or value is None:
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
            if self.min is not None and self.max is not None:
                msg = f"must be between {_num(self.min)} and {_num(self.max)}"
            elif self.min is not None:
                msg = f"must be at least {_num(self.min)}"
            else:
                msg = f"must be at most {_num(self.max)}"
            raise ValueError(f"{self.label} {msg}.")
        return value


def _days(default: int | None, label: str = "Days", help: str = "", maximum: int = 90) -> Param:
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


def _field(default: str | None) -> Param:
    return Param(
        "field",
        "choice",
        "Pain measure",
        default=default,
        required=default is None,
        choices=PAIN_FIELDS,
        help="Which pain rating (0–10) to read; 'any' takes the worst of the four.",
    )


def _regress_days() -> Param:
    return _days(2, help="The last N days ending today: 2 means today and yesterday.")


# --- results ----------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


_dumps = json.dumps
_json_str = json.encoder.encode_basestring_ascii  # what json.dumps writes a string with


def _json_scalar(value: Any) -> str:
    """``json.dumps(_json_value(value))`` for the values a result holds, written directly."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    cls = type(value)
    if cls is str:
        return _json_str(value)
    if cls is int:
        return int.__repr__(value)
    if cls is float and math.isfinite(value):
        return float.__repr__(value)
    return _dumps(_json_value(value))


# JSON copies of parameter dicts, and their text once asked for, by the dict they copy (kept
# alive here, so that its id is not reused): a compiled phase spec gives every case's result of
# one criterion the same dict.
_JSON_PARAMS: dict[int, list] = {}


def _json_params_entry(params: Mapping[str, Any]) -> list:
    """[params, its JSON-ready copy, the copy's JSON text or None until asked for]."""
    cached = _JSON_PARAMS.get(id(params))
    if cached is None or cached[0] is not params:
        if len(_JSON_PARAMS) >= 4096:
            _JSON_PARAMS.clear()
        copy = {k: _json_value(v) for k, v in params.items()}
        cached = _JSON_PARAMS[id(params)] = [params, copy, None]
    return cached


def _json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """A new JSON-ready copy of `params` (dates as ISO text)."""
    return dict(_json_params_entry(params)[1])


def _json_params_text(params: Mapping[str, Any]) -> str:
    """``json.dumps(_json_params(params))``, once per parameter dict."""
    entry = _json_params_entry(params)
    if entry[2] is None:
        entry[2] = _dumps(entry[1])
    return entry[2]


@dataclass(frozen=True)
class CriterionResult:
    """The outcome of one criterion on one day; `met=None` means unknown (never met)."""

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
            "observed": _json_value(self.observed),
            "threshold": _json_value(self.threshold),
            "sentence": self.sentence,
            "red_flag": self.red_flag,
            "unit": self.unit,
            "logged": self.logged,
            "needed": self.needed,
        }

    def to_json(self) -> str:
        """``json.dumps(self.to_dict())``, the same text, written without the dictionary (a
        nightly run encodes some thirty thousand results)."""
        return (
            f'{{"kind": {_json_str(self.kind)}, "params": {_json_params_text(self.params)}, '
            f'"role": {_json_str(self.role)}, "met": {_json_scalar(self.met)}, '
            f'"observed": {_json_scalar(self.observed)}, '
            f'"threshold": {_json_scalar(self.threshold)}, '
            f'"sentence": {_json_str(self.sentence)}, "red_flag": {_json_scalar(self.red_flag)}, '
            f'"unit": {_json_str(self.unit)}, "logged": {_json_scalar(self.logged)}, '
            f'"needed": {_json_scalar(self.needed)}}}'
        )

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
        text = _num(value, 2)
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


# --- windows and snapshot helpers -------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The last `days` days ending `end` (inclusive), clipped to start no earlier than the phase."""

    start: date
    end: date
    days: int
    after_step_back: bool = False  # clipped at the day a stepped-back phase is judged from

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
    def length(self) -> int:
        return max(0, (self.end - self.start).days + 1)

    @property
    def clipped(self) -> bool:
        return self.length < self.days

    @property
    def needed(self) -> int:
        """Days of the window that must be logged before it can be judged free of a symptom: at
        most one missing day in seven (clinical.md §11, completeness)."""
        return self.length - self.length // 7

    def text(self) -> str:
        """'in the last 7 days', 'today or yesterday', 'in the 3 days since the phase began'."""
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
            return f"in the {self.length} days since the phase began"
        if self.days == 1:
            return "today"
        if self.days == 2:
            return "today or yesterday"
        return f"in the last {self.days} days"


def _period(days: int) -> str:
    if days == 1:
        return "today"
    if days == 2:
        return "today or yesterday"
    return f"in the last {days} days"


def pain_value(log: LogEntry, which: str) -> float | None:
    """A log's pain for a `field` choice; 'any' is the worst recorded of the four ratings."""
    if which == "any":
        known = [getattr(log, a) for a in _PAIN_ATTR.values() if getattr(log, a) is not None]
        return max(known) if known else None
    return getattr(log, _PAIN_ATTR[which])


def _pain_pairs(logs: Iterable[LogEntry], which: str) -> list[tuple[date, float]]:
    return [(log.day, v) for log in logs if (v := pain_value(log, which)) is not None]


def _peak(pairs: Sequence[tuple[date, float]]) -> tuple[date, float]:
    """The worst value, and its latest day when it occurs several times."""
    return max(pairs, key=lambda pair: (pair[1], pair[0]))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- kinds ------------------------------------------------------------------------------------


class Kind:
    """A criterion kind. Subclasses declare `kind`, `label`, `role`, `params` and `measure`."""

    kind: ClassVar[str]
    label: ClassVar[str]
    role: ClassVar[Role]
    params: ClassVar[tuple[Param, ...]] = ()
    help: ClassVar[str] = ""

    # - parameters -
    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def validate(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Cleaned parameters with defaults applied, `kind` first; raises `CriterionError`."""
        if not isinstance(params, Mapping):
            raise CriterionError({"kind": "A criterion must be an object with a kind."})
        errors: dict[str, str] = {}
        given = dict(params)
        named = given.pop("kind", self.kind)
        if named != self.kind:
            errors["kind"] = f'Expected a "{self.kind}" criterion, not "{named}".'
        declared = {p.name for p in self.params}
        for name in given:
            if name not in declared:
                errors[str(name)] = f'"{name}" is not a setting of "{self.label}".'
        cleaned: dict[str, Any] = {"kind": self.kind}
        for p in self.params:
            try:
                cleaned[p.name] = p.clean(given.get(p.name, _MISSING))
            except ValueError as exc:
                errors[p.name] = str(exc)
        if not errors:
            errors.update(self.complete(cleaned))
        if errors:
            raise CriterionError(errors)
        return cleaned

    def complete(self, cleaned: dict[str, Any]) -> dict[str, str]:
        """Fill derived defaults in place and return cross-field errors."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "role": self.role,
            "help": self.help,
            "params": [p.to_dict() for p in self.params],
        }

    # - meaning -
    def describe(self, params: Mapping[str, Any]) -> str:
        """The rule in one plain sentence."""
        return self.sentence(self.validate(params))

    def sentence(self, p: Mapping[str, Any]) -> str:
        raise NotImplementedError

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        """Whether this rule, when it fires, calls for a clinician's review first."""
        return False

    def evaluate(
        self, params: Mapping[str, Any], snapshot: Snapshot, today: date
    ) -> CriterionResult:
        return self.evaluate_clean(self.validate(params), snapshot, today)

    def evaluate_clean(
        self,
        p: Mapping[str, Any],
        snapshot: Snapshot,
        today: date,
        public: Mapping[str, Any] | None = None,
    ) -> CriterionResult:
        """`evaluate` for parameters that `validate` has already returned (a compiled phase
        spec validates each item once, not once per case). `public` is `p` without its kind,
        when the caller has it already (the results then share it: never change a result's
        parameters)."""
        m = self.measure(p, snapshot, today)
        return CriterionResult(
            kind=self.kind,
            params=public if public is not None else {k: v for k, v in p.items() if k != "kind"},
            role=self.role,
            met=m.met,
            observed=m.observed,
            threshold=m.threshold,
            sentence=m.sentence,
            red_flag=m.met is True and self.is_red_flag(p, snapshot.high_risk_site),
            unit=m.unit,
            logged=m.logged,
            needed=m.needed,
        )

    def earliest_met(
        self, p: Mapping[str, Any], snapshot: Snapshot, today: date, result: CriterionResult
    ) -> date | None:
        """For an advance criterion not met on `today`, the earliest day it could be met if no
        new report stops it (a week without night pain counts from the last report), or None
        when it has no duration (the projection then says nothing of it)."""
        return None

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        raise NotImplementedError


REGISTRY: dict[str, Kind] = {}


def register(cls: type[Kind]) -> type[Kind]:
    REGISTRY[cls.kind] = cls()
    return cls


def get_kind(name: str) -> Kind:
    try:
        return REGISTRY[name]
    except (KeyError, TypeError):
        raise CriterionError({"kind": f'Unknown criterion kind "{name}".'}) from None


def kinds_for(role: Role) -> list[Kind]:
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}.")
    return [k for k in REGISTRY.values() if k.role == role]


def _kind_of(item: Any) -> Kind:
    if not isinstance(item, Mapping):
        raise CriterionError({"kind": "A criterion must be an object with a kind."})
    if item.get("kind") in (None, ""):
        raise CriterionError({"kind": "Criterion kind is required."})
    return get_kind(item["kind"])


def validate(item: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one item (`{"kind": ..., **params}`) of any kind."""
    return _kind_of(item).validate(item)


def describe(item: Mapping[str, Any]) -> str:
    return _kind_of(item).describe(item)


def evaluate(item: Mapping[str, Any], snapshot: Snapshot, today: date) -> CriterionResult:
    return _kind_of(item).evaluate(item, snapshot, today)


def validate_list(items: Iterable[Any], role: Role) -> list[dict[str, Any]]:
    """Validate an `advance_when` / `regress_when` / `warn_when` list.

    Raises one `CriterionError` whose keys are prefixed with the item index (`"0.max"`,
    `"2.kind"`); `CriterionError.by_item()` regroups them per item.
    """
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}.")
    if isinstance(items, str | bytes | Mapping):
        raise CriterionError({"items": "Criteria must be a list."})
    errors: dict[str, str] = {}
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            kind = _kind_of(item)
            if kind.role != role:
                raise CriterionError(
                    {
                        "kind": f'"{kind.label}" is {ROLE_LABELS[kind.role]}, '
                        f"not {ROLE_LABELS[role]}."
                    }
                )
            cleaned.append(kind.validate(item))
        except CriterionError as exc:
            errors.update(exc.prefixed(str(index)).errors)
    if errors:
        raise CriterionError(errors)
    return cleaned
