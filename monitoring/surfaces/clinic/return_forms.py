"""Forms of the return-to-play decision (StARRT) and of the readiness questionnaires. They parse
what a person can correct; the services check the rest and their errors come back by field."""

from __future__ import annotations

import datetime as dt

from django import forms

from monitoring.care import readiness_rules as rules
from protocols.models import ReturnDecision

STEP_FIELDS = {
    "tissue_health": ("symptoms", "tenderness", "imaging", "function_tests"),
    "tissue_stresses": ("sport", "level", "position_event", "surface", "planned_load"),
    "modifiers": ("season_timing", "pressure", "masking", "conflicts", "fear"),
    "decision": ("decision", "cleared_from", "restrictions", "reasons"),
}


def _area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReturnDecisionForm(forms.ModelForm):
    """The three StARRT steps and the decision, on one form (prefilled with what the system
    knows: the latest tests, the pain trend, the sport)."""

    class Meta:
        model = ReturnDecision
        fields = [f for step in STEP_FIELDS.values() for f in step]
        labels = {
            "symptoms": "Symptoms and pain trend",
            "tenderness": "Tenderness on palpation",
            "imaging": "Imaging / healing",
            "function_tests": "Strength and hop results",
            "planned_load": "Planned load",
            "season_timing": "Timing in the season",
            "decision": "Decision",
            "cleared_from": "Cleared from",
            "restrictions": "Restrictions (in plain words, for the coach)",
            "reasons": "Reasons for the decision",
        }
        help_texts = {
            "restrictions": "The coach reads this sentence and the decision; nothing else of "
            "this form.",
            "fear": "E.g. the TSK-11 and I-PRRS below, what the athlete says.",
        }
        widgets = {
            "symptoms": _area(),
            "tenderness": _area(),
            "imaging": _area(),
            "function_tests": _area(),
            "planned_load": _area(),
            "pressure": _area(),
            "masking": _area(),
            "conflicts": _area(),
            "fear": _area(),
            "restrictions": _area(),
            "reasons": _area(3),
            "decision": forms.RadioSelect,
            "cleared_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "rtp")
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = ReturnDecision.Decision.choices
        for name in ("level", "season_timing"):
            self.fields[name].choices = [("", "Choose…"), *self.fields[name].choices[1:]]

    def steps(self):
        """The fields grouped by step, for the template."""
        return {step: [self[name] for name in names] for step, names in STEP_FIELDS.items()}


class ReadinessForm(forms.Form):
    """A TSK-11 or an I-PRRS, item by item; a blank item leaves it incomplete (no total)."""

    def __init__(self, *args, instrument: str, today: dt.date, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", instrument)
        super().__init__(*args, **kwargs)
        self.instrument = rules.INSTRUMENTS[instrument]
        spec = self.instrument
        self.fields["date"] = forms.DateField(
            label="Answered on",
            initial=today,
            widget=forms.DateInput(
                attrs={"type": "date", "max": today.isoformat()}, format="%Y-%m-%d"
            ),
        )
        for number, label in enumerate(spec.items, start=1):
            self.fields[f"item_{number}"] = forms.IntegerField(
                label=f"{number}. {label}" if spec.code == rules.IPRRS else label,
                required=False,
                widget=forms.NumberInput(
                    attrs={"min": spec.low, "max": spec.high, "inputmode": "numeric"}
                ),
            )

    def answers(self) -> list:
        return [
            self.cleaned_data.get(f"item_{n}") for n in range(1, len(self.instrument.items) + 1)
        ]
