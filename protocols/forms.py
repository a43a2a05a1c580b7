"""Forms of the plan builder and the template library: a person never sees or types JSON.

- **Criterion forms** are generated from the criteria registry (``protocols.engine.criteria``): each
  kind's declared parameters become inputs of the right type. The fields only read what was typed;
  the kind's own ``validate`` decides, and each of its messages is shown next to the input it is
  about (``CriterionError`` keys are parameter names).
- A **phase** is a ``PhaseForm`` with prescription rows and three lists of criterion rows
  (advance when / step back when / warnings).
- ``PhasesEditor`` holds a whole list of phases as nested forms. Its structure (add, remove,
  move up or down) changes through submit buttons named ``op``, so it works without JavaScript;
  the services validate the result (``protocols.services.phases_clean``) and their errors, keyed
  ``phases.<i>.<field>`` and ``phases.<i>.<list>.<j>.<param>``, go back onto the right inputs.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse_lazy

from athletes.sites import SITE_CHOICES
from protocols import services
from protocols.engine import criteria, projection
from protocols.models import Activity, Impact, PhaseFields, ProtocolTemplate, WeightBearing

# --- criterion forms --------------------------------------------------------------------------


def _number(text: str) -> int | float | str:
    """What was typed in a number input: an int, a float, or the text itself for the kind to
    reject with its own message ("Pain limit must be a whole number.")."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _plain(value: Any) -> Any:
    """A stored value as an input shows it: 24.0 as 24."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _widget(param: criteria.Param) -> forms.Widget:
    if param.type == "bool":
        return forms.CheckboxInput()
    if param.type == "choice":
        choices = list(param.choices)
        if param.default is None:
            choices.insert(0, ("", "Choose…" if param.required else "—"))
        return forms.Select(choices=choices)
    attrs: dict[str, Any] = {
        "step": "1" if param.type == "int" else "any",
        "inputmode": "numeric" if param.type == "int" else "decimal",
        "class": "num",
    }
    if param.min is not None:
        attrs["min"] = _plain(param.min)
    if param.max is not None:
        attrs["max"] = _plain(param.max)
    return forms.NumberInput(attrs=attrs)


class ParamField(forms.Field):
    """One declared parameter of a criterion kind.

    It only turns the typed text into a number, a choice or a yes/no; it never rejects a value:
    the kind's ``validate`` does, with its own message (required, range, whole number...).
    """

    def __init__(self, param: criteria.Param) -> None:
        self.param = param
        super().__init__(
            required=False,  # the kind decides what is required, with its own message
            label=param.label,
            help_text=param.help,
            widget=_widget(param),
            initial=_plain(param.default),
        )

    def to_python(self, value: Any) -> Any:
        if self.param.type == "bool":
            return bool(value) and value not in ("False", "false", "0")
        if value is None:
            return None
        text = str(value).strip()
        if text == "":
            return None
        if self.param.type == "choice":
            return text
        return _number(text)

    def validate(self, value: Any) -> None:
        """Nothing here: see the class docstring."""


class CriterionForm(forms.Form):
    """One criterion item: the kind selector and the inputs of that kind's parameters.

    Made per kind by ``criterion_form_class``; after ``is_valid()`` the validated item (the
    kind's cleaned dict, defaults applied) is in ``item``.
    """

    kind_obj: ClassVar[criteria.Kind]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item: dict[str, Any] | None = None
        self.focus = False  # just added: shown open
        self.high_risk = False  # the case's (or template's) site is high risk

    @property
    def red_flag(self) -> bool:
        """Whether this rule, when it fires, calls for a clinician's review first."""
        try:
            return self.kind_obj.is_red_flag(self.kind_obj.validate(self.params()), self.high_risk)
        except criteria.CriterionError:
            return False

    @property
    def role(self) -> str:
        return self.kind_obj.role

    @property
    def param_fields(self) -> list[forms.BoundField]:
        return [self[p.name] for p in self.kind_obj.params]

    def params(self) -> dict[str, Any]:
        """The item as typed (parsed, not validated): what the services are given."""
        item: dict[str, Any] = {"kind": self.kind_obj.kind}
        for p in self.kind_obj.params:
            value = self.fields[p.name].to_python(self[p.name].value())
            if value is not None:
                item[p.name] = value
        return item

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.has_error("kind"):
            return cleaned
        try:
            self.item = self.kind_obj.validate(self.params())
        except criteria.CriterionError as exc:
            for key, message in exc.errors.items():
                self.add_error(key if key in self.fields else None, message)
        return cleaned

    def sentence(self) -> str | None:
        """The rule in one plain sentence, or None while its settings are not valid."""
        try:
            return self.kind_obj.describe(self.params())
        except criteria.CriterionError:
            return None

    def raw(self) -> dict[str, Any]:
        """The row as shown (strings as typed), to rebuild it after the list changed."""
        out: dict[str, Any] = {"kind": self["kind"].value() or self.kind_obj.kind}
        out.update({p.name: self[p.name].value() for p in self.kind_obj.params})
        return out


def kind_choices(role: str) -> list[tuple[str, str]]:
    return [(k.kind, k.label) for k in criteria.kinds_for(role)]  # type: ignore[arg-type]


@functools.cache
def criterion_form_class(kind_name: str) -> type[CriterionForm]:
    """The form of one criterion kind, generated from its declared parameters."""
    kind = criteria.get_kind(kind_name)
    attrs: dict[str, Any] = {
        "kind_obj": kind,
        "kind": forms.ChoiceField(
            label="Criterion",
            choices=kind_choices(kind.role),
            initial=kind.kind,
            # htmx (progressive): re-draw the row with the new kind's settings at once.
            widget=forms.Select(
                attrs={
                    "class": "kind-select",
                    "hx-post": reverse_lazy("plans:criterion_row"),
                    "hx-trigger": "change",
                    "hx-target": "closest .crit",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest .crit",
                    "hx-vals": '{"part": "row"}',  # hx-vals merge with the row's own
                }
            ),
            error_messages={
                "required": "Choose a criterion from the list.",
                "invalid_choice": "Choose a criterion from the list.",
            },
        ),
    }
    for param in kind.params:
        attrs[param.name] = ParamField(param)
    return type(f"{type(kind).__name__}Form", (CriterionForm,), attrs)


def criterion_form(
    role: str,
    *,
    prefix: str,
    data: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
) -> CriterionForm:
    """The row form for the kind chosen in ``data`` (bound) or ``initial`` (unbound).

    An unknown kind, or one of another role, falls back to the role's first kind: bound, the
    kind selector then says "Choose a criterion from the list."
    """
    names = [k.kind for k in criteria.kinds_for(role)]  # type: ignore[arg-type]
    chosen = data.get(f"{prefix}-kind") if data is not None else (initial or {}).get("kind")
    form_class = criterion_form_class(chosen if chosen in names else names[0])
    shown = None if initial is None else {k: _plain(v) for k, v in initial.items()}
    if shown is not None and shown.get("kind") not in names:
        shown["kind"] = names[0]
    return form_class(data, prefix=prefix, initial=shown)


# --- prescriptions and phases -----------------------------------------------------------------


def _number_input(low: int, high: int) -> forms.NumberInput:
    return forms.NumberInput(
        attrs={"min": low, "max": high, "step": 1, "inputmode": "numeric", "class": "num"}
    )


class PrescriptionForm(forms.Form):
    """One prescription row: an activity and its dose. The service's rules decide validity."""

    activity = forms.CharField(
        required=False,
        label="Activity",
        widget=forms.Select(choices=[("", "Choose an activity…"), *Activity.choices]),
    )
    minutes = forms.CharField(required=False, label="Minutes", widget=_number_input(1, 600))
    sessions_per_week = forms.CharField(
        required=False, label="Per week", widget=_number_input(1, 14)
    )
    intensity = forms.CharField(
        required=False,
        label="Intensity",
        widget=forms.TextInput(attrs={"placeholder": "e.g. RPE 3–4 of 10", "maxlength": 200}),
    )
    notes = forms.CharField(
        required=False, label="Notes", widget=forms.TextInput(attrs={"maxlength": 1000})
    )

    def row(self) -> dict[str, Any]:
        return {name: (self[name].value() or "") for name in services.PRESCRIPTION_KEYS}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _, errors = services.prescriptions_clean([self.row()])
        for key, message in errors.items():
            name = key.partition(".")[2]
            self.add_error(name if name in self.fields else None, message)
        return cleaned


class PhaseForm(forms.Form):
    """A phase's own fields; its prescriptions and criteria are separate row forms."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        required=False, label="Phase name", widget=forms.TextInput(attrs={"maxlength": 120})
    )
    goal = forms.CharField(required=False, label="Goal", widget=forms.Textarea(attrs={"rows": 2}))
    min_days = forms.CharField(required=False, label="Minimum days", widget=_number_input(0, 365))
    typical_days = forms.CharField(
        required=False, label="Typical days", widget=_number_input(0, 365)
    )
    weight_bearing = forms.CharField(
        required=False, label="Weight bearing", widget=forms.Select(choices=WeightBearing.choices)
    )
    crutches = forms.BooleanField(required=False, label="Crutches")
    impact = forms.CharField(
        required=False, label="Impact", widget=forms.Select(choices=Impact.choices)
    )
    notes = forms.CharField(
        required=False, label="Clinical notes", widget=forms.Textarea(attrs={"rows": 3})
    )
    citations = forms.CharField(
        required=False,
        label="Sources",
        help_text="One reference per line.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    SCALARS: ClassVar[tuple[str, ...]] = (
        "name", "goal", "min_days", "typical_days", "weight_bearing", "crutches", "impact",
        "notes",
    )  # fmt: skip

    def fields_data(self) -> dict[str, Any]:
        """The phase's own fields as the services take them (they parse and validate)."""
        data: dict[str, Any] = {name: self[name].value() for name in self.SCALARS}
        data["crutches"] = bool(self.fields["crutches"].to_python(data["crutches"]))
        for name in ("name", "goal", "notes", "min_days", "typical_days"):
            data[name] = "" if data[name] is None else str(data[name])
        data["citations"] = [
            line.strip() for line in str(self["citations"].value() or "").splitlines()
        ]
        data["citations"] = [c for c in data["citations"] if c]
        return data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _, errors = services.phase_clean(self.fields_data(), order=1)
        for key, message in errors.items():
            if key in self.fields:
                self.add_error(key, message)
        return cleaned


# --- the phases editor ------------------------------------------------------------------------


@dataclass(frozen=True)
class CriteriaList:
    name: str  # the phase field: advance_when / regress_when / warn_when
    role: str
    title: str
    help: str
    add_label: str


CRITERIA_LISTS: tuple[CriteriaList, ...] = (
    CriteriaList(
        "advance_when",
        "advance",
        "Advance when",
        "All must be met before the phase is ready to advance; unknown is never met.",
        "Add an advance criterion",
    ),
    CriteriaList(
        "regress_when",
        "regress",
        "Step back when",
        "Any one that fires proposes a step back; red-flag rules ask for a clinician first.",
        "Add a regression rule",
    ),
    CriteriaList(
        "warn_when",
        "warning",
        "Warnings",
        "Cautions for the care team; a warning never gates the phase.",
        "Add a warning",
    ),
)
LISTS_BY_NAME = {lst.name: lst for lst in CRITERIA_LISTS}

MAX_PHASES = 30
MAX_ROWS = 40

NEW_PHASE: dict[str, Any] = {
    "name": "",
    "goal": "",
    "min_days": 7,
    "typical_days": 14,
    "weight_bearing": WeightBearing.FWB,
    "crutches": False,
    "impact": Impact.NONE,
    "notes": "",
    "citations": [],
    "prescriptions": [],
    "advance_when": [{"kind": "min_days_in_phase", "days": 7}],
    "regress_when": [],
    "warn_when": [],
}

_OP = re.compile(
    r"^(?P<verb>save|start|refresh|add_phase|remove_phase|phase_up|phase_down|add_rx|remove_rx"
    r"|add_crit|remove_crit)(?::(?P<i>\d+))?(?::(?P<list>advance_when|regress_when|warn_when))?"
    r"(?::(?P<j>\d+))?$"
)


def parse_op(value: str | None) -> tuple[str, int | None, str | None, int | None] | None:
    """``"remove_crit:2:advance_when:3"`` → ("remove_crit", 2, "advance_when", 3)."""
    match = _OP.match(value or "")
    if match is None:
        return None
    i, j = match["i"], match["j"]
    return match["verb"], int(i) if i else None, match["list"], int(j) if j else None


def _count(data: Mapping[str, Any], key: str, limit: int) -> int:
    try:
        return max(0, min(int(data.get(key, 0)), limit))
    except (TypeError, ValueError):
        return 0


def _add_errors(form: forms.Form, name: str | None, messages: Sequence[str]) -> None:
    """Add messages to a (cleaned) form, once: the same message from the form's own check and
    from the service shows once."""
    target = name if name in form.fields else None
    if not hasattr(form, "cleaned_data"):
        form.full_clean()
    shown = form.errors.get(target or NON_FIELD_ERRORS, [])
    for message in messages:
        if message not in shown:
            form.add_error(target, message)


@dataclass
class CriteriaSection:
    """One list of a phase (advance when / step back when / warnings) as rows of forms."""

    spec: CriteriaList
    rows: list[CriterionForm]
    errors: list[str] = field(default_factory=list)


@dataclass
class PhaseBlock:
    """One phase in the editor. A finished phase of an active plan is shown, not edited."""

    index: int
    stored: Any = None  # the plan's PlanPhase this block edits, if any
    form: PhaseForm | None = None
    prescriptions: list[PrescriptionForm] = field(default_factory=list)
    sections: list[CriteriaSection] = field(default_factory=list)
    rx_errors: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    projection: projection.PhaseProjection | None = None
    focus: bool = False  # shown open (just added, or open before the page was redrawn)
    scroll: bool = False  # the phase a structural change was about: scrolled into view
    day_from: int | None = None  # typical days from the start (template editor)
    day_to: int | None = None

    @property
    def prefix(self) -> str:
        return f"ph-{self.index}"

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def frozen(self) -> bool:
        return self.stored is not None and self.stored.ended_on is not None

    @property
    def locked(self) -> bool:
        """Started: keeps its place in the plan (it can still be edited unless finished)."""
        return self.stored is not None and self.stored.started_on is not None

    @property
    def current(self) -> bool:
        return self.locked and not self.frozen

    def section(self, name: str) -> CriteriaSection:
        return next(s for s in self.sections if s.spec.name == name)

    @property
    def title(self) -> str:
        if self.form is None:
            return self.stored.name
        return str(self.form["name"].value() or "").strip() or f"New phase {self.number}"

    @property
    def has_errors(self) -> bool:
        if self.errors or self.rx_errors:
            return True
        forms_ = [self.form, *self.prescriptions] if self.form else []
        forms_ += [row for s in self.sections for row in s.rows]
        return any(f.is_bound and f.errors for f in forms_) or any(s.errors for s in self.sections)

    @property
    def open(self) -> bool:
        return self.focus or self.has_errors

    @property
    def citation_list(self) -> list[str]:
        if self.form is None:
            return list(self.stored.citations or [])
        return [
            c.strip() for c in str(self.form["citations"].value() or "").splitlines() if c.strip()
        ]

    @property
    def typical_length(self) -> int:
        p = self.projection
        return (p.typical_end - p.typical_start).days if p else 0

    def forms(self) -> list[forms.Form]:
        if self.form is None:
            return []
        return [self.form, *self.prescriptions, *(r for s in self.sections for r in s.rows)]

    def raw(self) -> dict[str, Any]:
        """The phase as shown, to rebuild the editor after a structural change."""
        if self.form is None:
            return {"id": self.stored.pk}
        out: dict[str, Any] = {
            name: self.form[name].value() for name in ("id", *PhaseForm.SCALARS, "citations")
        }
        out["_open"] = self.focus
        out["crutches"] = bool(self.form.fields["crutches"].to_python(out["crutches"]))
        out["prescriptions"] = [
            {name: rx[name].value() for name in services.PRESCRIPTION_KEYS}
            for rx in self.prescriptions
        ]
        for s in self.sections:
            out[s.spec.name] = [row.raw() for row in s.rows]
        return out

    def data(self) -> dict[str, Any]:
        """The phase as the services take it: every row as typed (parsed, not yet valid)."""
        if self.form is None:
            return {"id": self.stored.pk, **self.stored.spec_fields()}
        out: dict[str, Any] = {"id": self.stored.pk if self.stored else None}
        out.update(self.form.fields_data())
        out["prescriptions"] = [rx.row() for rx in self.prescriptions]
        for s in self.sections:
            out[s.spec.name] = [row.item or row.params() for row in s.rows]
        return out


class PhasesEditor:
    """A list of phases as nested forms, bound to POST data or built from phase dicts.

    Field names: ``ph-count``; phase ``i`` has prefix ``ph-<i>``, its prescription rows
    ``ph-<i>-rx-<j>`` (count ``ph-<i>-rx-count``) and its criteria ``ph-<i>-<list>-<j>``
    (count ``ph-<i>-<list>-count``). ``stored`` maps a plan's phase ids to its phases: a started
    phase keeps its place, a finished one is shown and kept as it is.
    """

    def __init__(
        self,
        *,
        data: Mapping[str, Any] | None = None,
        phases: Sequence[Mapping[str, Any]] = (),
        stored: Sequence[Any] = (),
        high_risk: bool = False,
    ) -> None:
        self.stored = {p.pk: p for p in stored}
        self.high_risk = high_risk
        self.errors: list[str] = []
        self.is_bound = data is not None
        if data is not None:
            count = _count(data, "ph-count", MAX_PHASES)
            self.blocks = [self._bound_block(data, i) for i in range(count)]
        else:
            self.blocks = [self._block(i, raw) for i, raw in enumerate(phases[:MAX_PHASES])]
        for block in self.blocks:
            for section in block.sections:
                for row in section.rows:
                    row.high_risk = high_risk

    # - building -
    def _stored_for(self, value: Any) -> Any:
        try:
            return self.stored.get(int(value))
        except (TypeError, ValueError):
            return None

    def _bound_block(self, data: Mapping[str, Any], i: int) -> PhaseBlock:
        block = PhaseBlock(index=i, stored=self._stored_for(data.get(f"ph-{i}-id")))
        if block.frozen:
            return block
        p = block.prefix
        block.focus = data.get(f"{p}-open") == "1"
        block.form = PhaseForm(data, prefix=p)
        rx_count = _count(data, f"{p}-rx-count", MAX_ROWS)
        block.prescriptions = [
            PrescriptionForm(data, prefix=f"{p}-rx-{j}") for j in range(rx_count)
        ]
        for spec in CRITERIA_LISTS:
            n = _count(data, f"{p}-{spec.name}-count", MAX_ROWS)
            rows = [
                criterion_form(spec.role, prefix=f"{p}-{spec.name}-{j}", data=data)
                for j in range(n)
            ]
            block.sections.append(CriteriaSection(spec, rows))
        return block

    def _block(self, i: int, raw: Mapping[str, Any]) -> PhaseBlock:
        block = PhaseBlock(index=i, stored=self._stored_for(raw.get("id")))
        if block.frozen:
            return block
        p = block.prefix
        block.focus = bool(raw.get("_open"))
        initial = {name: _plain(raw.get(name)) for name in ("id", *PhaseForm.SCALARS)}
        citations = raw.get("citations") or []
        initial["citations"] = (
            "\n".join(citations) if isinstance(citations, list | tuple) else str(citations)
        )
        block.form = PhaseForm(prefix=p, initial=initial)
        block.prescriptions = [
            PrescriptionForm(prefix=f"{p}-rx-{j}", initial={k: _plain(v) for k, v in rx.items()})
            for j, rx in enumerate((raw.get("prescriptions") or [])[:MAX_ROWS])
            if isinstance(rx, Mapping)
        ]
        for spec in CRITERIA_LISTS:
            items = [it for it in (raw.get(spec.name) or [])[:MAX_ROWS] if isinstance(it, Mapping)]
            rows = [
                criterion_form(spec.role, prefix=f"{p}-{spec.name}-{j}", initial=item)
                for j, item in enumerate(items)
            ]
            block.sections.append(CriteriaSection(spec, rows))
        return block

    # - validation -
    def is_valid(self) -> bool:
        results = [f.is_valid() for b in self.blocks for f in b.forms()]
        return all(results) and not self.errors and self.blocks != []

    def phases(self) -> list[dict[str, Any]]:
        """Every phase as the services take it (call ``is_valid()`` first)."""
        return [block.data() for block in self.blocks]

    def add_errors(self, errors: Mapping[str, Sequence[str] | str]) -> dict[str, list[str]]:
        """Put service errors (``phases.<i>.<field>``...) on the right inputs.

        Returns the errors that are not about the phases (``reason``, ``name``...).
        """
        rest: dict[str, list[str]] = {}
        for key, value in errors.items():
            messages = [value] if isinstance(value, str) else list(value)
            parts = key.split(".")
            if parts[0] != "phases":
                rest[key] = messages
            elif len(parts) == 1 or not parts[1].isdigit() or int(parts[1]) >= len(self.blocks):
                self.errors += [m for m in messages if m not in self.errors]
            else:
                self._add_block_errors(self.blocks[int(parts[1])], parts[2:], messages)
        return rest

    def _add_block_errors(self, block: PhaseBlock, path: list[str], messages: list[str]) -> None:
        head = path[0] if path else ""
        index = int(path[1]) if len(path) > 1 and path[1].isdigit() else None
        if block.form is None or not head:
            block.errors += [m for m in messages if m not in block.errors]
        elif head in LISTS_BY_NAME:
            section = block.section(head)
            if index is not None and index < len(section.rows):
                param = path[2] if len(path) > 2 else "kind"
                _add_errors(section.rows[index], param, messages)
            else:
                section.errors += [m for m in messages if m not in section.errors]
        elif head == "prescriptions":
            if index is not None and index < len(block.prescriptions):
                name = path[2] if len(path) > 2 else None
                _add_errors(block.prescriptions[index], name, messages)
            else:
                block.rx_errors += [m for m in messages if m not in block.rx_errors]
        elif head in block.form.fields:
            _add_errors(block.form, head, messages)
        else:
            block.errors += [m for m in messages if m not in block.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(b.has_errors for b in self.blocks)

    # - structure -
    def raw(self) -> list[dict[str, Any]]:
        return [block.raw() for block in self.blocks]

    def with_op(self, op: str) -> PhasesEditor:
        """A new, unbound editor with the structural change ``op`` applied to this one's rows.

        Nothing is saved: the person sees the result and saves when ready.
        """
        parsed = parse_op(op)
        raw = self.raw()
        focus: tuple[int, str | None, int | None] | None = None
        problem = None
        if parsed is not None:
            verb, i, name, j = parsed
            focus, problem = self._apply(raw, verb, i, name, j)
        editor = PhasesEditor(
            phases=raw, stored=list(self.stored.values()), high_risk=self.high_risk
        )
        if problem:
            editor.errors.append(problem)
        if focus is not None and focus[0] < len(editor.blocks):
            block = editor.blocks[focus[0]]
            block.focus = block.scroll = True
            if focus[1] is not None and focus[2] is not None and block.form is not None:
                rows = block.section(focus[1]).rows
                if focus[2] < len(rows):
                    rows[focus[2]].focus = True
        return editor

    def _locked(self, raw: Mapping[str, Any]) -> bool:
        stored = self._stored_for(raw.get("id"))
        return stored is not None and stored.started_on is not None

    def _apply(
        self, raw: list[dict[str, Any]], verb: str, i: int | None, name: str | None, j: int | None
    ) -> tuple[tuple[int, str | None, int | None] | None, str | None]:
        """Change ``raw`` in place; return what to open (phase, list, row) and any refusal."""
        n = len(raw)
        if verb == "add_phase":
            if n >= MAX_PHASES:
                return None, f"A plan has at most {MAX_PHASES} phases."
            last_locked = max((k for k, r in enumerate(raw) if self._locked(r)), default=-1)
            at = n if i is None else min(max(i + 1, last_locked + 1), n)
            raw.insert(at, {**NEW_PHASE, "advance_when": list(NEW_PHASE["advance_when"])})
            return (at, None, None), None
        if i is None or i >= n:
            return None, None
        if verb == "remove_phase":
            if self._locked(raw[i]):
                return (i, None, None), "A phase that has started cannot be removed."
            del raw[i]
            return None, None
        if verb in {"phase_up", "phase_down"}:
            k = i - 1 if verb == "phase_up" else i + 1
            if not 0 <= k < n:
                return (i, None, None), None
            if self._locked(raw[i]) or self._locked(raw[k]):
                return (i, None, None), "Phases that have started stay where they are."
            raw[i], raw[k] = raw[k], raw[i]
            return (k, None, None), None
        phase = raw[i]
        if "prescriptions" not in phase:  # a finished phase
            return (i, None, None), "A finished phase cannot be changed."
        if verb == "add_rx":
            if len(phase["prescriptions"]) < MAX_ROWS:
                phase["prescriptions"].append({"activity": "", "minutes": "", "intensity": ""})
            return (i, None, None), None
        if verb == "remove_rx":
            if j is not None and j < len(phase["prescriptions"]):
                del phase["prescriptions"][j]
            return (i, None, None), None
        if name is None:
            return (i, None, None), None
        rows = phase[name]
        if verb == "add_crit":
            if len(rows) >= MAX_ROWS:
                return (i, None, None), f"A list has at most {MAX_ROWS} criteria."
            first = criteria.kinds_for(LISTS_BY_NAME[name].role)[0]  # type: ignore[arg-type]
            rows.append({"kind": first.kind})
            return (i, name, len(rows) - 1), None
        if verb == "remove_crit" and j is not None and j < len(rows):
            del rows[j]
        return (i, None, None), None

    # - projected dates -
    def project(self, *, today: dt.date, start: dt.date | None) -> projection.Projection:
        """Projected phase dates of the phases as typed (unparsable days count as 0)."""
        shapes = []
        for block in self.blocks:
            if block.form is None:
                stored = block.stored
                shapes.append(
                    SimpleNamespace(
                        order=block.number,
                        name=stored.name,
                        min_days=stored.min_days,
                        typical_days=stored.typical_days,
                        started_on=stored.started_on,
                        ended_on=stored.ended_on,
                    )
                )
                continue
            stored = block.stored
            shapes.append(
                SimpleNamespace(
                    order=block.number,
                    name=block.title,
                    min_days=_days(block.form["min_days"].value()),
                    typical_days=_days(block.form["typical_days"].value()),
                    started_on=stored.started_on if stored else None,
                    ended_on=None,
                )
            )
        result = projection.project(shapes, today=today, start=start)
        for block in self.blocks:
            block.projection = result.for_order(block.number)
        return result

    def project_days(self) -> int:
        """Typical day offsets of each phase from day 0 (templates have no dates); returns the
        typical total, the sum of the phases' typical days."""
        anchor = dt.date(2000, 1, 1)
        result = self.project(today=anchor, start=anchor)
        for block in self.blocks:
            if block.projection is not None:
                block.day_from = (block.projection.typical_start - anchor).days
                block.day_to = (block.projection.typical_end - anchor).days
        return (result.phases[-1].typical_end - anchor).days if result.phases else 0


def _days(value: Any) -> int:
    try:
        return max(0, min(int(str(value).strip()), 365))
    except (TypeError, ValueError):
        return 0


def stored_phase_dicts(phases: Sequence[PhaseFields]) -> list[dict[str, Any]]:
    """Phases from the database as the editor's starting rows."""
    return [{"id": p.pk, **p.spec_fields()} for p in phases]


# --- plan and template forms ------------------------------------------------------------------


class PlanActionsForm(forms.Form):
    """What a save or a start needs besides the phases: a start date, a reason."""

    started_on = forms.DateField(
        required=False,
        label="Start date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date."},
    )
    reason = forms.CharField(
        required=False,
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with the edit in the plan's history.",
    )


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


class TemplateForm(forms.Form):
    """A template's own fields (the phases are edited by ``PhasesEditor``)."""

    name = forms.CharField(required=False, label="Name", max_length=160)
    summary = forms.CharField(
        required=False, label="Summary", widget=forms.Textarea(attrs={"rows": 3})
    )
    sites = forms.MultipleChoiceField(
        required=False,
        label="Injury sites",
        choices=SITE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose injury sites from the list."},
    )
    risk = forms.ChoiceField(
        required=False,
        label="Risk class",
        choices=ProtocolTemplate.Risk.choices,
        widget=forms.RadioSelect,
        help_text="A high-risk case is only ever offered high-risk templates.",
        error_messages={"invalid_choice": "Choose high or low risk."},
    )
    conservative = forms.BooleanField(
        required=False,
        label="Conservative variant",
        help_text="For risk factors: grade 3 or more, a positive RED-S screen, a prior BSI.",
    )
    citations = forms.CharField(
        required=False,
        label="References",
        help_text="One full reference per line.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    @classmethod
    def initial_for(cls, template: ProtocolTemplate) -> dict[str, Any]:
        return {
            "name": template.name,
            "summary": template.summary,
            "sites": list(template.sites),
            "risk": template.risk,
            "conservative": template.conservative,
            "citations": "\n".join(template.citations or []),
        }

    def template_fields(self) -> dict[str, Any]:
        """The fields as ``template_draft_create`` / ``template_draft_update`` take them."""
        data = self.cleaned_data
        return {
            "name": data.get("name", ""),
            "summary": data.get("summary", ""),
            "sites": list(data.get("sites") or []),
            "risk": data.get("risk", ""),
            "conservative": bool(data.get("conservative")),
            "citations": _lines(data.get("citations")),
        }


class TemplateCreateForm(TemplateForm):
    slug = forms.SlugField(
        required=False,
        label="Short name",
        max_length=80,
        help_text="Letters, numbers and hyphens; it stays the same across versions. "
        "Left empty, it is made from the name.",
        error_messages={"invalid": "Use letters, numbers and hyphens only."},
    )

    field_order = ["name", "slug", "summary", "sites", "risk", "conservative", "citations"]


__all__ = [
    "CRITERIA_LISTS",
    "NEW_PHASE",
    "CriterionForm",
    "ParamField",
    "PhaseBlock",
    "PhaseForm",
    "PhasesEditor",
    "PlanActionsForm",
    "PrescriptionForm",
    "TemplateCreateForm",
    "TemplateForm",
    "criterion_form",
    "criterion_form_class",
    "kind_choices",
    "parse_op",
    "stored_phase_dicts",
]
