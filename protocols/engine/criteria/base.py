"""What every criterion kind shares: the ``Kind`` class (parameters, the clinician's sentence,
evaluation, and the kind's words for the athlete) and the registry's functions.

An item is a JSON object, `{"kind": "pain_max", "field": "during", "max": 2}`. Each kind declares
its parameters (for form builders), validates and completes them, describes its rule in one plain
sentence and evaluates it against a `protocols.engine.records.Snapshot` on a given day.

Results are three-valued: `met` is True, False or None (unknown: not enough data). Unknown is
never met. For regression rules and warnings `met=True` means the rule fired.

The kinds live by family in the sibling modules and are registered by the package
(``protocols.engine.criteria``); parameters are in ``params``, results in ``results``, windows in
``windows`` and the shared wording helpers in ``text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, ClassVar, NamedTuple

from protocols.engine.criteria.params import MISSING, Param
from protocols.engine.criteria.results import CriterionResult, Measure
from protocols.engine.criteria.text import count, plain_number
from protocols.engine.criteria.vocabulary import ROLE_LABELS, ROLES, Role
from protocols.engine.records import Snapshot


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


class PainLimit(NamedTuple):
    """A pain level an item sets on one pain measure, as the athlete is told it: ``keep`` is the
    level to stay at to move on (an advance criterion), ``stop`` the level above which to stop
    (a regression rule)."""

    field: str
    keep: int | None = None
    stop: int | None = None


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
                cleaned[p.name] = p.clean(given.get(p.name, MISSING))
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

    # - words for the athlete (plain language, no jargon: what to do) -
    athlete_warning: ClassVar[str] = "A warning sign"
    """A regression rule that fired without being a red flag: the caution's title."""
    athlete_red_warning: ClassVar[str] = "A warning sign"
    """A rule that fired as a red flag: what the athlete reported, in a few words."""
    athlete_advice: ClassVar[tuple[str, str] | None] = None
    """A warning that fired: the title and the advice the athlete is given."""
    athlete_red_symptom: ClassVar[str] = ""
    """A symptom to stop for and report at once, as the phase's pain rules name it."""

    def athlete_goal(self, p: Mapping[str, Any], noun: str) -> str:
        """An advance criterion as a goal; ``noun`` is what 'pain during …' is about in the
        phase ('running')."""
        return "A goal set by your clinician"

    def athlete_status(self, result: CriterionResult) -> str:
        """How far along the athlete is with the goal of ``result``, in a few words."""
        if result.met is True:
            return "Done"
        if result.met is None and result.logged is not None:
            needed = plain_number(result.needed or 0)
            return f"{count(result.logged, 'day')} logged so far, {needed} needed: keep logging"
        return self.athlete_progress(result)

    def athlete_progress(self, result: CriterionResult) -> str:
        """``athlete_status`` of a goal not met, or unknown without a window to log."""
        if result.met is None:
            return "Not enough logs yet to tell: keep logging"
        return "Not yet"

    def athlete_pain_limit(self, p: Mapping[str, Any]) -> PainLimit | None:
        """The pain level this item sets, for the phase's pain rules; None: it sets none."""
        return None

    def athlete_rule(self, p: Mapping[str, Any], noun: str) -> str | None:
        """This item as one of the phase's pain rules, in the athlete's words, or None."""
        return None


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


def kind_of(item: Any) -> Kind:
    """The registered kind of an item; raises `CriterionError`."""
    if not isinstance(item, Mapping):
        raise CriterionError({"kind": "A criterion must be an object with a kind."})
    if item.get("kind") in (None, ""):
        raise CriterionError({"kind": "Criterion kind is required."})
    return get_kind(item["kind"])


def validate(item: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one item (`{"kind": ..., **params}`) of any kind."""
    return kind_of(item).validate(item)


def describe(item: Mapping[str, Any]) -> str:
    return kind_of(item).describe(item)


def evaluate(item: Mapping[str, Any], snapshot: Snapshot, today: date) -> CriterionResult:
    return kind_of(item).evaluate(item, snapshot, today)


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
            kind = kind_of(item)
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
