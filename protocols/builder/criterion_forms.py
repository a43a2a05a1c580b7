"""Criterion forms, generated from the criteria registry (``protocols.engine.criteria``): each
kind's declared parameters become inputs of the right type. The fields only read what was typed;
the kind's own ``validate`` decides, and each of its messages is shown next to the input it is
about (``CriterionError`` keys are parameter names). A person never sees or types JSON."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.urls import reverse_lazy

from protocols.engine import criteria

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


def plain_value(value: Any) -> Any:
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
        attrs["min"] = plain_value(param.min)
    if param.max is not None:
        attrs["max"] = plain_value(param.max)
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
            initial=plain_value(param.default),
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
    shown = None if initial is None else {k: plain_value(v) for k, v in initial.items()}
    if shown is not None and shown.get("kind") not in names:
        shown["kind"] = names[0]
    return form_class(data, prefix=prefix, initial=shown)
