"""The criteria language: a registry of typed criterion kinds (see docs/criteria.md).

An item is a JSON object, `{"kind": "pain_max", "field": "during", "max": 2}`. Each kind declares
its parameters (for form builders), validates and completes them, describes its rule in one plain
sentence and evaluates it against a `protocols.engine.records.Snapshot` on a given day.

Results are three-valued: `met` is True, False or None (unknown: not enough data). Unknown is
never met. For regression rules and warnings `met=True` means the rule fired.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
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


# === advance criteria =========================================================================


@register
class MinDaysInPhase(Kind):
    kind = "min_days_in_phase"
    label = "Minimum days in phase"
    role = "advance"
    params = (Param("days", "int", "Minimum days", required=True, min=1, max=365),)

    def sentence(self, p: Mapping[str, Any]) -> str:
        return f"At least {_plural(p['days'], 'day')} in this phase."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        spent = max(0, (today - snapshot.phase_started_on).days)
        why = f"{_plural(spent, 'day')} in this phase; the minimum is {p['days']}."
        return Measure(spent >= p["days"], spent, p["days"], why, "days")

    def earliest_met(self, p, snapshot, today, result):
        return snapshot.phase_started_on + timedelta(days=p["days"])


def pain_max_logs_needed(p: Mapping[str, Any]) -> int:
    """Logs a `pain_max` window needs in full: the clinician's minimum, and never more than one
    missing day in seven (clinical.md §11, completeness)."""
    return max(p["min_logs"], p["days"] - p["days"] // 7)


@register
class PainMax(Kind):
    kind = "pain_max"
    label = "Pain at most"
    role = "advance"
    params = (
        _field(None),
        Param(
            "max",
            "int",
            "Pain maximum",
            required=True,
            min=0,
            max=10,
            help="Highest acceptable rating on the 0–10 scale.",
        ),
        _days(7),
        Param(
            "min_logs",
            "int",
            "Minimum logs",
            min=1,
            max=90,
            help="Logs needed in the window; defaults to 70% of the days, rounded up.",
        ),
    )

    def complete(self, cleaned: dict[str, Any]) -> dict[str, str]:
        if cleaned["min_logs"] is None:
            cleaned["min_logs"] = (7 * cleaned["days"] + 9) // 10  # 70%, rounded up
        if cleaned["min_logs"] > cleaned["days"]:
            return {"min_logs": "Minimum logs cannot be more than the number of days."}
        return {}

    def sentence(self, p: Mapping[str, Any]) -> str:
        where = "today" if p["days"] == 1 else f"on every logged day of the last {p['days']} days"
        return (
            f"{_cap(_PAIN_TEXT[p['field']])} at most {p['max']}/10 {where}, "
            f"with at least {_plural(pain_max_logs_needed(p), 'log')}."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        pairs = _pain_pairs(snapshot.logs_between(w.start, w.end), p["field"])
        what = _PAIN_TEXT[p["field"]]
        day, peak = _peak(pairs) if pairs else (None, None)
        if day is not None and peak is not None and peak > p["max"]:
            why = (
                f"{_cap(what)} peaked at {_num(peak)}/10 on {day.isoformat()}, "
                f"{w.text()}; the limit is {p['max']}/10."
            )
            return Measure(False, peak, p["max"], why, "/10")
        # Judged pain-free only when logged: the clinician's minimum, and never more than one
        # missing day in seven (clinical.md §11).
        needed = max(p["min_logs"], w.needed)
        if len(pairs) < needed or not pairs:
            why = (
                f"Not enough data: {what} logged on {len(pairs)} of {_plural(w.length, 'day')} "
                f"{w.text()}, {needed} needed; the limit is {p['max']}/10."
            )
            return Measure(None, None, p["max"], why, "/10", len(pairs), needed)
        why = (
            f"{_cap(what)} peaked at {_num(peak)}/10 {w.text()} "
            f"({len(pairs)} of {_plural(w.length, 'day')} logged); the limit is {p['max']}/10."
        )
        return Measure(True, peak, p["max"], why, "/10")

    def earliest_met(self, p, snapshot, today, result):
        if result.met is not False:
            return None
        w = Window.ending(snapshot, today, p["days"])
        pairs = _pain_pairs(snapshot.logs_between(w.start, w.end), p["field"])
        over = [day for day, v in pairs if v > p["max"]]
        # The window must have moved past the last day above the limit.
        return max(over) + timedelta(days=p["days"]) if over else None


@register
class PainFreeStreak(Kind):
    kind = "pain_free_streak"
    label = "Pain-free days in a row"
    role = "advance"
    params = (_field("any"), _days(None, "Pain-free days", "Consecutive logged days at 0/10.", 365))

    def sentence(self, p: Mapping[str, Any]) -> str:
        what = "pain" if p["field"] == "any" else _PAIN_TEXT[p["field"]]
        return f"No {what} (0/10) on each of the last {_plural(p['days'], 'day')}, all logged."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        what = _PAIN_TEXT[p["field"]]
        phase_logs = snapshot.logs_between(snapshot.began_on, today)
        pairs = _pain_pairs(phase_logs, p["field"])
        zero_days = [day for day, v in pairs if v == 0]
        run = series.streak(zero_days, today, not_before=snapshot.began_on)
        needed = p["days"]
        if run >= needed:
            why = f"No {what} for {_plural(run, 'day')} in a row; {needed} needed."
            return Measure(True, run, needed, why, "days")
        in_window = [(day, v) for day, v in pairs if w.start <= day <= w.end]
        painful = [(day, v) for day, v in in_window if v > 0]
        if painful:
            day, value = painful[-1]
            why = (
                f"{_cap(what)} was {_num(value)}/10 on {day.isoformat()}: the pain-free streak "
                f"is {_plural(run, 'day')}, {needed} needed."
            )
            return Measure(False, run, needed, why, "days")
        if w.clipped:
            why = (
                f"The phase began {_plural(w.length, 'day')} ago: the pain-free streak is "
                f"{_plural(run, 'day')}, {needed} needed."
            )
            return Measure(False, run, needed, why, "days")
        missing = w.length - len(in_window)
        why = (
            f"Not enough data: {missing} of the last {needed} days have no log of {what} "
            f"({len(in_window)} of {needed} days logged); the pain-free streak is "
            f"{_plural(run, 'day')}, {needed} needed."
        )
        return Measure(None, None, needed, why, "days")

    def earliest_met(self, p, snapshot, today, result):
        if result.met is not False:
            return None
        pairs = _pain_pairs(snapshot.logs_between(snapshot.began_on, today), p["field"])
        zero_days = [day for day, v in pairs if v == 0]
        run = series.streak(zero_days, today, not_before=snapshot.began_on)
        return today + timedelta(days=p["days"] - run)


def _weekly_pain(snapshot: Snapshot, today: date, which: str) -> tuple[list[float], list[float]]:
    """Known pain values of this week (the last 7 days) and of the 7 days before, in phase."""
    start = snapshot.began_on

    def week(end: date) -> list[float]:
        logs = snapshot.logs_between(series.window_start(end, 7, start), end)
        return [v for log in logs if (v := pain_value(log, which)) is not None]

    return week(today), week(today - timedelta(days=7))


def _weeks_unknown(what: str, this_week: Sequence[float], last_week: Sequence[float]) -> str:
    return (
        f"Not enough data: {_plural(len(this_week), 'log')} of {what} this week and "
        f"{len(last_week)} last week; {MIN_LOGS_PER_WEEK} needed in each."
    )


@register
class PainNotRising(Kind):
    kind = "pain_not_rising"
    label = "Pain not rising"
    role = "advance"
    params = (
        _field("during"),
        Param(
            "tolerance",
            "float",
            "Tolerance (points)",
            default=0.0,
            min=0,
            max=10,
            help="How far this week's mean may exceed last week's.",
        ),
    )
    help = "Compares the mean of the last 7 days with the 7 before; each week needs 3 logs."

    def sentence(self, p: Mapping[str, Any]) -> str:
        what = _PAIN_TEXT[p["field"]]
        above = "" if p["tolerance"] == 0 else f" by more than {_points(p['tolerance'])}"
        return (
            f"Average {what} this week not above last week's{above} "
            f"(at least {MIN_LOGS_PER_WEEK} logs each week)."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        what = _PAIN_TEXT[p["field"]]
        this_week, last_week = _weekly_pain(snapshot, today, p["field"])
        if min(len(this_week), len(last_week)) < MIN_LOGS_PER_WEEK:
            why = _weeks_unknown(what, this_week, last_week)
            above = "" if p["tolerance"] == 0 else f" + {_num(p['tolerance'])}"
            return Measure(None, None, f"last week's average{above}", why, "/10")
        now = sum(this_week) / len(this_week)
        before = sum(last_week) / len(last_week)
        limit = before + p["tolerance"]
        why = (
            f"Average {what} was {_num(now)}/10 this week against {_num(before)}/10 last week; "
            f"the limit is {_num(limit)}/10."
        )
        return Measure(now <= limit + _EPS, round(now, 2), round(limit, 2), why, "/10")


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
            return f"No {self.noun_for(p)} reported {_period(p['days'])}."
        return f"Fires when {self.noun_for(p)} is reported {_period(p['days'])}."

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
            when = yes[-1].isoformat()
            times = "" if len(yes) == 1 else f" ({len(yes)} reports)"
            why = f"{_cap(noun)} was reported on {when}, {w.text()}{times}."
            return Measure(self.role != "advance", len(yes), 0, why, "reports")
        if not known:
            why = f"Not enough data: no log records {self.recorded} {w.text()}."
            return Measure(None, None, 0, why, "reports")
        logged = f"{len(known)} of {_plural(w.length, 'day')} logged"
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


@register
class NoSharpPain(_ReportedKind):
    kind = "no_sharp_pain"
    label = "No sharp pain"
    role = "advance"
    params = (_days(7),)
    noun = "sharp pain"
    recorded = "the character of the pain"

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        return None if log.pain_character is None else log.pain_character == "sharp"


@register
class NoNightPain(_ReportedKind):
    kind = "no_night_pain"
    label = "No night pain"
    role = "advance"
    params = (_days(7),)
    noun = "night pain"
    recorded = "night pain"

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        return log.night_pain


@register
class Adherence(Kind):
    kind = "adherence"
    label = "Logging adherence"
    role = "advance"
    params = (
        Param("min_logs", "int", "Minimum logs", required=True, min=1, max=90),
        _days(None),
    )

    def complete(self, cleaned: dict[str, Any]) -> dict[str, str]:
        if cleaned["min_logs"] > cleaned["days"]:
            return {"min_logs": "Minimum logs cannot be more than the number of days."}
        return {}

    def sentence(self, p: Mapping[str, Any]) -> str:
        return f"At least {_plural(p['min_logs'], 'daily log')} {_period(p['days'])}."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        days = (log.day for log in snapshot.logs)
        count = series.adherence(days, today, p["days"], not_before=snapshot.began_on)
        why = f"{_plural(count, 'daily log')} {w.text()}; {p['min_logs']} needed."
        return Measure(count >= p["min_logs"], count, p["min_logs"], why, "logs")


@register
class Assessment(Kind):
    kind = "assessment"
    label = "Assessment result"
    role = "advance"
    params = (
        Param("test", "choice", "Test", required=True, choices=ASSESSMENT_TESTS),
        Param("min", "float", "Minimum result", help="Lowest acceptable result (inclusive)."),
        Param("max", "float", "Maximum result", help="Highest acceptable result (inclusive)."),
        Param(
            "max_pain",
            "int",
            "Pain maximum during the test",
            min=0,
            max=10,
            help="Optional: highest pain (0–10) allowed during the test.",
        ),
        Param(
            "within_days",
            "int",
            "Within days",
            default=14,
            min=1,
            max=365,
            help="Only a result this recent counts (never before the phase began).",
        ),
    )

    def complete(self, cleaned: dict[str, Any]) -> dict[str, str]:
        low, high = cleaned["min"], cleaned["max"]
        if low is None and high is None:
            return {"min": "Give a minimum result, a maximum result or both."}
        floor, ceiling = _TEST_RANGE.get(cleaned["test"], (0, None))
        label = _TEST_LABEL[cleaned["test"]]
        errors: dict[str, str] = {}
        for name, value in (("min", low), ("max", high)):
            if value is None:
                continue
            if value < floor or (ceiling is not None and value > ceiling):
                span = (
                    f"between {_num(floor)} and {_num(ceiling)}"
                    if ceiling is not None
                    else (f"at least {_num(floor)}")
                )
                errors[name] = f"{label}: the result must be {span}."
        if not errors and low is not None and high is not None and low > high:
            errors["max"] = "The maximum result cannot be below the minimum."
        return errors

    def _bounds(self, p: Mapping[str, Any]) -> str:
        low, high = p["min"], p["max"]
        if low is not None and high is not None:
            return f"between {_num(low)} and {_num(high)}"
        if low is not None:
            return f"at least {_num(low)}"
        return f"at most {_num(high)}"

    def _threshold(self, p: Mapping[str, Any]) -> Number | str:
        if p["min"] is not None and p["max"] is not None:
            return f"{_num(p['min'])}–{_num(p['max'])}"
        return p["min"] if p["min"] is not None else p["max"]

    def sentence(self, p: Mapping[str, Any]) -> str:
        pain = "" if p["max_pain"] is None else f", with pain at most {p['max_pain']}/10"
        return (
            f"{_TEST_LABEL[p['test']]}: latest result {_period(p['within_days'])} "
            f"{self._bounds(p)}{pain}."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["within_days"])
        label = _TEST_LABEL[p["test"]]
        found = [a for a in snapshot.assessments_between(w.start, w.end) if a.test == p["test"]]
        threshold = self._threshold(p)
        if not found:
            return Measure(None, None, threshold, f"Not enough data: no {label} result {w.text()}.")
        latest = found[-1]
        value, when = latest.value, latest.day.isoformat()
        inside = (p["min"] is None or value >= p["min"]) and (p["max"] is None or value <= p["max"])
        if not inside:
            why = f"{label}: {_num(value)} on {when}; {self._bounds(p)} needed."
            return Measure(False, value, threshold, why)
        if p["max_pain"] is not None:
            if latest.pain is None:
                why = (
                    f"Not enough data: {label} ({_num(value)} on {when}) has no pain rating; "
                    f"pain at most {p['max_pain']}/10 is needed."
                )
                return Measure(None, None, threshold, why)
            if latest.pain > p["max_pain"]:
                why = (
                    f"{label}: {_num(value)} on {when} with pain {_num(latest.pain)}/10; "
                    f"the pain limit is {p['max_pain']}/10."
                )
                return Measure(False, value, threshold, why)
        pain = "" if latest.pain is None else f" with pain {_num(latest.pain)}/10"
        why = f"{label}: {_num(value)} on {when}{pain}; {self._bounds(p)} needed."
        return Measure(True, value, threshold, why)


def _session_loads(snapshot: Snapshot, start: date, end: date) -> list[tuple[date, float | None]]:
    return [(s.day, s.load) for s in snapshot.sessions_between(start, end)]


@register
class WeeklyLoadIncrease(Kind):
    kind = "weekly_load_increase"
    label = "Weekly load increase at most"
    role = "advance"
    params = (
        Param(
            "max_percent",
            "float",
            "Maximum increase (%)",
            default=30.0,
            min=0,
            max=500,
            help="Session-RPE load of the last 7 days against the 7 before (clinic protocol; "
            "Nielsen et al. 2014 saw more injuries above 30%).",
        ),
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Training load (session RPE) of the last 7 days at most {_num(p['max_percent'])}% "
            f"above the 7 days before."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        limit = p["max_percent"]
        first = today - timedelta(days=13)
        if snapshot.phase_started_on > first:
            began = max(0, (today - snapshot.phase_started_on).days)
            why = (
                f"Not enough data: the phase began {_plural(began, 'day')} ago; two full weeks "
                f"of sessions are needed."
            )
            return Measure(None, None, limit, why, "%")
        loads = _session_loads(snapshot, first, today)
        unrated = sum(1 for _, load in loads if load is None)
        if unrated:
            why = (
                f"Not enough data: {_plural(unrated, 'session')} in the last 14 days "
                f"{'has' if unrated == 1 else 'have'} no effort rating (RPE)."
            )
            return Measure(None, None, limit, why, "%")
        now = series.weekly_sum(loads, today)
        before = series.weekly_sum(loads, today - timedelta(days=7))
        if before == 0:
            if now == 0:
                why = "Not enough data: no sessions in the last 14 days."
                return Measure(None, None, limit, why, "%")
            why = (
                f"Training load rose from none to {now:,.0f} AU this week; "
                f"the limit is {_num(limit)}%."
            )
            return Measure(False, None, limit, why, "%")
        change = (now - before) / before * 100
        verb = "rose" if change > 0 else "fell" if change < 0 else "changed"
        why = (
            f"Training load {verb} by {_num(abs(change))}% week over week "
            f"({now:,.0f} against {before:,.0f} AU); the limit is {_num(limit)}%."
        )
        return Measure(change <= limit + _EPS, round(change, 1), limit, why, "%")


@register
class ClinicianSignoff(Kind):
    kind = "clinician_signoff"
    label = "Clinician sign-off"
    role = "advance"
    params = ()

    def sentence(self, p: Mapping[str, Any]) -> str:
        return "A clinician has signed this phase off."

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        signed = snapshot.signed_off_on
        if signed is not None and snapshot.phase_started_on <= signed <= today:
            iso = signed.isoformat()
            why = f"A clinician signed this phase off on {iso}."
            return Measure(True, iso, "signed off", why)
        return Measure(False, None, "signed off", "No clinician has signed this phase off yet.")


# === regression rules =========================================================================


def _regress_days() -> Param:
    return _days(2, help="The last N days ending today: 2 means today and yesterday.")


@register
class PainAbove(Kind):
    kind = "pain_above"
    label = "Pain above"
    role = "regress"
    params = (
        _field(None),
        Param(
            "above",
            "int",
            "Pain limit",
            required=True,
            min=0,
            max=9,
            help="Fires when a rating is above this value (0–10 scale).",
        ),
        _regress_days(),
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return f"Fires when {_PAIN_TEXT[p['field']]} is above {p['above']}/10 {_period(p['days'])}."

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        what = _PAIN_TEXT[p["field"]]
        pairs = _pain_pairs(snapshot.logs_between(w.start, w.end), p["field"])
        if not pairs:
            why = f"Not enough data: no log of {what} {w.text()}."
            return Measure(None, None, p["above"], why, "/10")
        day, peak = _peak(pairs)
        if peak > p["above"]:
            why = (
                f"{_cap(what)} reached {_num(peak)}/10 on {day.isoformat()}, "
                f"above the limit of {p['above']}/10."
            )
            return Measure(True, peak, p["above"], why, "/10")
        why = f"{_cap(what)} peaked at {_num(peak)}/10 {w.text()}; the limit is {p['above']}/10."
        return Measure(False, peak, p["above"], why, "/10")


@register
class PainPersisting(Kind):
    kind = "pain_persisting"
    label = "Pain lasting after activity"
    role = "regress"
    params = (
        Param(
            "hours",
            "float",
            "Hours",
            default=24.0,
            min=1,
            max=168,
            help="Fires when pain after activity lasted this long or longer.",
        ),
        _regress_days(),
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Fires when pain after activity lasted {_num(p['hours'])} hours or more "
            f"{_period(p['days'])}."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        logs = snapshot.logs_between(w.start, w.end)
        pairs = [
            (log.day, log.pain_lasted_hours) for log in logs if log.pain_lasted_hours is not None
        ]
        limit = p["hours"]
        if not pairs:
            why = f"Not enough data: no log records how long pain lasted {w.text()}."
            return Measure(None, None, limit, why, "hours")
        day, longest = _peak(pairs)
        if longest >= limit:
            why = (
                f"Pain after activity lasted {_num(longest)} hours on {day.isoformat()}; "
                f"the limit is {_num(limit)} hours."
            )
            return Measure(True, longest, limit, why, "hours")
        why = (
            f"Pain after activity lasted at most {_num(longest)} hours {w.text()}; "
            f"the limit is {_num(limit)} hours."
        )
        return Measure(False, longest, limit, why, "hours")


@register
class PainRising(Kind):
    kind = "pain_rising"
    label = "Pain rising week over week"
    role = "regress"
    params = (
        _field("during"),
        Param(
            "by",
            "float",
            "Rise (points)",
            default=1.0,
            min=0.5,
            max=10,
            help="Fires when this week's mean exceeds last week's by this much or more.",
        ),
    )
    help = "Compares the mean of the last 7 days with the 7 before; each week needs 3 logs."

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Fires when average {_PAIN_TEXT[p['field']]} this week is {_points(p['by'])} "
            f"or more above last week's."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return p["field"] == "rest" or high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        what = _PAIN_TEXT[p["field"]]
        this_week, last_week = _weekly_pain(snapshot, today, p["field"])
        if min(len(this_week), len(last_week)) < MIN_LOGS_PER_WEEK:
            why = _weeks_unknown(what, this_week, last_week)
            return Measure(None, None, p["by"], why, "points")
        now = sum(this_week) / len(this_week)
        before = sum(last_week) / len(last_week)
        rise = now - before
        verb = "rose" if rise > _EPS else "fell" if rise < -_EPS else "did not change"
        amount = "" if verb == "did not change" else f" by {_points(abs(rise))}"
        why = (
            f"Average {what} {verb}{amount} week over week ({_num(now)}/10 against "
            f"{_num(before)}/10); the limit is a rise of {_num(p['by'])}."
        )
        return Measure(rise >= p["by"] - _EPS, round(rise, 2), p["by"], why, "points")


@register
class NextMorningWorse(Kind):
    kind = "next_morning_worse"
    label = "Worse the next morning"
    role = "regress"
    params = (
        Param(
            "by",
            "float",
            "Rise (points)",
            default=1.0,
            min=0.5,
            max=10,
            help="Fires when next-morning pain exceeds that day's pain at rest by this much.",
        ),
        _regress_days(),
    )
    help = "A day's log holds the pain at rest of that day and the pain on the following morning."

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Fires when next-morning pain is {_points(p['by'])} or more above the previous "
            f"day's pain at rest, {_period(p['days'])}."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return high_risk_site

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        w = Window.ending(snapshot, today, p["days"])
        logs = snapshot.logs_between(w.start, w.end)
        rises = [
            (log.pain_next_morning - log.pain_rest, log)
            for log in logs
            if log.pain_next_morning is not None and log.pain_rest is not None
        ]
        if not rises:
            why = f"Not enough data: no log {w.text()} has both pain at rest and next-morning pain."
            return Measure(None, None, p["by"], why, "points")
        rise, log = max(rises, key=lambda pair: (pair[0], pair[1].day))
        text = (
            f"Pain the morning after {log.day.isoformat()} was {_num(log.pain_next_morning)}/10 "
            f"against {_num(log.pain_rest)}/10 at rest that day"
        )
        why = f"{text}, a change of {_num(rise)}; the limit is a rise of {_num(p['by'])}."
        return Measure(rise >= p["by"] - _EPS, rise, p["by"], why, "points")


@register
class SharpPain(_ReportedKind):
    kind = "sharp_pain"
    label = "Sharp pain"
    role = "regress"
    params = (
        _regress_days(),
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


@register
class NightPain(_ReportedKind):
    kind = "night_pain"
    label = "Night pain"
    role = "regress"
    params = (_regress_days(),)
    noun = "night pain"
    recorded = "night pain"

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        return log.night_pain

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return True


@register
class Swelling(_ReportedKind):
    kind = "swelling"
    label = "Swelling"
    role = "regress"
    params = (_regress_days(),)
    noun = "swelling"
    recorded = "swelling"

    def reports(self, log: LogEntry, p: Mapping[str, Any]) -> bool | None:
        return log.swelling


# Activities that load bone little (protocols.models.Activity); any other is impact work.
NON_IMPACT_ACTIVITIES = frozenset({"cycle", "swim", "aqua_jog", "elliptical", "strength"})
"""Activities without impact on the bone. Every other one (walking, walk-run, running, the
anti-gravity treadmill, hopping, drills, "other") is impact work for the severe-pain rule."""


def is_impact_activity(activity: str) -> bool:
    return activity not in NON_IMPACT_ACTIVITIES


def impact_days(snapshot: Snapshot, start: date, end: date) -> dict[date, str]:
    """The days from ``start`` to ``end`` with impact work, each with the words for it: a session
    of an impact activity, or, in a phase that prescribes weight-bearing work
    (``Snapshot.impact_phase``), a day with no session recorded whose log rates pain during or
    after activity (the sessions, when there are any, say what the activity was). The one
    definition the severe-pain rule and the athlete's answer on submit both use."""
    days: dict[date, str] = {}
    with_sessions: set[date] = set()
    for s in snapshot.sessions_between(start, end):
        with_sessions.add(s.day)
        if is_impact_activity(s.activity):
            days.setdefault(s.day, s.activity.replace("_", " "))
    if snapshot.impact_phase:
        for log in snapshot.daily_logs_between(start, end):
            rated = log.pain_during is not None or log.pain_after is not None
            if rated and log.day not in with_sessions:
                days.setdefault(log.day, "activity in a weight-bearing phase")
    return days


@register
class SeverePain(Kind):
    kind = "severe_pain"
    label = "Severe pain with impact work"
    role = "regress"
    params = (
        Param(
            "limit",
            "int",
            "Red pain limit",
            min=1,
            max=10,
            help="Fires when pain during or after activity reaches this (0–10) on a day with "
            "impact work; empty: the plan's red pain limit (5/10 by default).",
        ),
        _regress_days(),
    )
    help = (
        "A red flag in every phase: no pain is expected at a bone injury, and severe pain with "
        "impact work means stop and contact the clinical team (clinical.md §7)."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        limit = "the plan's red limit" if p["limit"] is None else f"{p['limit']}/10"
        return (
            f"Fires when pain during or after activity reaches {limit} on a day with impact "
            f"work, {_period(p['days'])}."
        )

    def is_red_flag(self, p: Mapping[str, Any], high_risk_site: bool) -> bool:
        return True

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        limit = p["limit"] if p["limit"] is not None else snapshot.red_pain_limit
        w = Window.ending(snapshot, today, p["days"])
        impact = impact_days(snapshot, w.start, w.end)
        pairs = [
            (log.day, v)
            for log in snapshot.logs_between(w.start, w.end)
            if (v := max((x for x in (log.pain_during, log.pain_after) if x is not None),
                         default=None)) is not None
        ]  # fmt: skip
        on_impact = [(day, v) for day, v in pairs if day in impact]
        severe = [(day, v) for day, v in on_impact if v >= limit]
        if severe:
            day, peak = _peak(severe)
            why = (
                f"Pain reached {_num(peak)}/10 on {day.isoformat()}, a day with impact work "
                f"({impact[day]}); the red limit is {limit}/10: stop and "
                f"contact the clinical team."
            )
            return Measure(True, peak, limit, why, "/10")
        if not on_impact:
            why = (
                f"No pain rating during or after impact work {w.text()}; the red limit is "
                f"{limit}/10."
            )
            return Measure(None, None, limit, why, "/10")
        day, peak = _peak(on_impact)
        why = (
            f"Pain with impact work peaked at {_num(peak)}/10 {w.text()}; the red limit is "
            f"{limit}/10."
        )
        return Measure(False, peak, limit, why, "/10")


# === warnings =================================================================================


@register
class LoadSpike(Kind):
    kind = "load_spike"
    label = "Training load spike"
    role = "warning"
    params = (
        Param(
            "ratio",
            "float",
            "Caution ratio",
            default=1.5,
            min=1,
            max=3,
            help="EWMA acute:chronic ratio at or above which to warn (Gabbett 2016: ≥ 1.5).",
        ),
        Param(
            "min_history_days",
            "int",
            "Days of history needed",
            default=21,
            min=7,
            max=365,
            help="Days from the first recorded session to today before the ratio is shown.",
        ),
    )
    help = (
        "A caution only, never a gate: the ratio predicts injury barely better than chance "
        "(Impellizzeri et al., Sports Med 2021)."
    )

    def sentence(self, p: Mapping[str, Any]) -> str:
        return (
            f"Warns when the acute:chronic training load ratio (EWMA, 7 and 28 days) is "
            f"{_num(p['ratio'], 2)} or more."
        )

    def measure(self, p: Mapping[str, Any], snapshot: Snapshot, today: date) -> Measure:
        # Chronic load is history by definition: this reads every session of the snapshot up to
        # today, also those of earlier phases (docs/criteria.md).
        history, ratio = series.acwr_ewma_on([(s.day, s.load) for s in snapshot.sessions], today)
        ratio_limit = p["ratio"]
        if history < p["min_history_days"]:
            why = (
                f"Not enough data: {_plural(history, 'day')} of training load history, "
                f"{p['min_history_days']} needed."
            )
            return Measure(None, None, ratio_limit, why)
        if ratio is None:
            return Measure(
                None, None, ratio_limit, "Not enough data: no chronic training load to compare."
            )
        why = (
            f"Acute:chronic load ratio (EWMA 7/28 days) is {_num(ratio, 2)}; "
            f"the caution level is {_num(ratio_limit, 2)}."
        )
        return Measure(ratio >= ratio_limit - _EPS, round(ratio, 2), ratio_limit, why)
