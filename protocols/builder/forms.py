"""Forms of a phase (its fields and prescription rows), of the plan builder's actions and of a
template's own fields."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from athletes.sites import SITE_CHOICES
from protocols import services
from protocols.models import Activity, Impact, ProtocolTemplate, WeightBearing

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
