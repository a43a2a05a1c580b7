"""Forms of the case page's bone-health work-up: the facts its triggers read, a result, an
energy-availability record and a task's status. They parse; the services
(``monitoring.care.services.workup``) decide and their errors come back by field name."""

from __future__ import annotations

import datetime as dt

from django import forms

from athletes.models import Case
from monitoring.care import bone_rules as rules
from monitoring.models import BoneHealthResult, WorkupTask
from monitoring.surfaces.clinic.forms import ClinicForm


def _date(today: dt.date) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d")


def _decimal(**attrs) -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "decimal", "step": "any", **attrs})


class BoneFactsForm(ClinicForm):
    """What the work-up triggers read; blank is "not recorded"."""

    height_cm = forms.DecimalField(label="Height (cm)", required=False, widget=_decimal())
    weight_kg = forms.DecimalField(label="Weight (kg)", required=False, widget=_decimal())
    periods_last_12_months = forms.IntegerField(
        label="Periods in the last 12 months",
        required=False,
        help_text="6 to 9 is oligomenorrhoea, fewer than 6 amenorrhoea (Triad CRA).",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    eating_history = forms.ChoiceField(
        label="Eating-disorder history",
        required=False,
        choices=[("", "Not recorded")]
        + [(k, v) for k, v in rules.EATING_HISTORY_LABELS.items() if k],
    )

    @classmethod
    def for_case(cls, case: Case) -> BoneFactsForm:
        return cls(
            prefix="facts",
            initial={
                "height_cm": case.height_cm,
                "weight_kg": case.weight_kg,
                "periods_last_12_months": case.periods_last_12_months,
                "eating_history": case.eating_history,
            },
        )


class BoneResultForm(ClinicForm):
    kind = forms.ChoiceField(label="Result", choices=BoneHealthResult.Kind.choices)
    value = forms.DecimalField(label="Value", widget=_decimal())
    unit = forms.ChoiceField(
        label="Unit",
        required=False,
        choices=[
            ("", "The result's own unit"),
            ("Z", "Z-score (BMD)"),
            ("nmol/L", "nmol/L"),
            ("ng/mL", "ng/mL (25(OH)D × 2.5; ferritin = µg/L)"),
            ("µg/L", "µg/L"),
            ("g/L", "g/L"),
            ("mIU/L", "mIU/L"),
            ("pmol/L", "pmol/L"),
        ],
        help_text="BMD as a Z-score; 25(OH)D in nmol/L or ng/mL; ferritin µg/L; haemoglobin "
        "g/L; TSH mIU/L; oestradiol pmol/L; testosterone nmol/L.",
    )
    measured_on = forms.DateField(label="Date of the test")
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args, today: dt.date, **kwargs):
        kwargs.setdefault("prefix", "result")
        super().__init__(*args, **kwargs)
        self.fields["measured_on"].widget = _date(today)
        self.fields["measured_on"].initial = today


class EnergyForm(ClinicForm):
    date = forms.DateField(label="Date")
    intake_kcal = forms.IntegerField(
        label="Energy intake (kcal/day)", widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    exercise_kcal = forms.IntegerField(
        label="Exercise energy expenditure (kcal/day)",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    ffm_kg = forms.DecimalField(label="Fat-free mass (kg)", widget=_decimal())
    note = forms.CharField(label="Note", required=False, max_length=300)
    replace = forms.BooleanField(
        label="Record as a correction of that date's record",
        required=False,
        help_text="One record a date: tick to replace the one already recorded.",
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        kwargs.setdefault("prefix", "ea")
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = _date(today)
        self.fields["date"].initial = today


class TaskForm(ClinicForm):
    status = forms.ChoiceField(label="Status", choices=WorkupTask.Status.choices)
    reason = forms.CharField(label="Reason (when not needed)", required=False, max_length=300)


def bone_health_forms(user, page, bound: dict) -> dict:
    """The work-up's forms for the case page (bound ones when a POST failed), for those who
    record (``page.bone.can_record``)."""
    if page.bone is None or not page.bone.can_record:
        return {}
    return {
        "bone_result_form": bound.get("bone_result") or BoneResultForm(today=page.today),
        "energy_form": bound.get("energy") or EnergyForm(today=page.today),
        "bone_facts_form": bound.get("bone_facts") or BoneFactsForm.for_case(page.case),
        "task_statuses": WorkupTask.Status.choices,
    }
