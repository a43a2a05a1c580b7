"""The case page's road-back card: the pre-injury baseline (typed, or the computed one
accepted), the cadence goal with the runs' cadences charted, and the gait checklist with its
history. Forms and the card's context; the views are in ``views/running.py``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms

from athletes import permissions
from athletes.forms import RunningBaselineFields
from athletes.models import Case
from monitoring import device_charts
from monitoring.models import GaitCheck
from monitoring.models.gait import OBSERVATIONS
from monitoring.running import selectors
from protocols.engine import volume

CADENCE_CHART_DAYS = 56
_YES_NO = [("", "—"), ("yes", "Yes"), ("no", "No")]


class BaselineForm(RunningBaselineFields):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CadenceGoalForm(forms.Form):
    baseline_step_rate = forms.IntegerField(
        label="Baseline step rate (steps a minute)",
        required=False,
        min_value=100,
        max_value=250,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    low_percent = forms.IntegerField(
        label="Goal from (+%)", required=False, min_value=1, max_value=20, initial=5
    )
    high_percent = forms.IntegerField(
        label="Goal to (+%)", required=False, min_value=1, max_value=20, initial=10
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        low, high = data.get("low_percent"), data.get("high_percent")
        if low is not None and high is not None and low > high:
            self.add_error("high_percent", "The goal's upper end is below its lower end.")
        return data


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Yes or no."},
    )


class GaitCheckForm(forms.Form):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    limp = _yes_no("Limp")
    pain_free_gait = _yes_no("Pain-free gait")
    pain = forms.IntegerField(
        label="Pain during gait (0–10)", required=False, min_value=0, max_value=10
    )
    cadence = forms.IntegerField(
        label="Cadence measured (steps a minute)", required=False, min_value=100, max_value=250
    )
    notes = forms.CharField(label="Notes", required=False, max_length=4000, widget=forms.Textarea)

    def __init__(self, *args, today: dt.date, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, label in OBSERVATIONS:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.fields["date"].initial = today
        self.fields["date"].widget.attrs["max"] = today.isoformat()
        self.fields["limp"].choices = _YES_NO[1:]
        self.fields["pain_free_gait"].choices = _YES_NO[1:]
        self.today = today

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError("A gait check is today or earlier.")
        return day

    def observation_fields(self):
        return [self[name] for name, _ in OBSERVATIONS]

    def values(self) -> dict:
        names = ["limp", "pain_free_gait", "pain", "cadence", "notes"]
        names += [name for name, _ in OBSERVATIONS]
        return {name: self.cleaned_data.get(name) for name in names} | {
            "notes": self.cleaned_data.get("notes") or ""
        }


@dataclass
class RunningCard:
    case: Case
    can_edit: bool
    can_goal: bool
    can_gait: bool
    road_back: selectors.RoadBack | None = None
    computed: volume.Baseline | None = None
    computed_step_rate: selectors.StepRate | None = None
    goal: tuple[int, int] | None = None
    cadence_chart: str = ""
    gait_checks: list[GaitCheck] = field(default_factory=list)
    forms: dict = field(default_factory=dict)


def forms_of(forms: dict) -> dict:
    """The card's bound forms among the case page's (``running_<name>``)."""
    return {key[8:]: form for key, form in forms.items() if key.startswith("running_")}


def running_card(
    user, case: Case, *, today: dt.date, bound: dict | None = None
) -> RunningCard | None:
    """The card for a clinical viewer (None for anyone else). Two queries: the athlete's runs
    from the baseline's first week to today, and the gait checks."""
    if not permissions.can_view_gait_checks(user, case):
        return None
    bound = bound or {}
    card = RunningCard(
        case=case,
        can_edit=permissions.can_record_running_baseline(user, case),
        can_goal=permissions.can_set_cadence_goal(user, case),
        can_gait=permissions.can_record_gait_check(user, case),
    )
    # One query for every run the card reads: from the baseline's first week to today.
    start = max(case.diagnosed_on, today - dt.timedelta(days=CADENCE_CHART_DAYS))
    recorded = selectors.runs(case.athlete_id, selectors.baseline_start(case), today)
    card.road_back = selectors.road_back(case, today, recorded)
    card.computed = selectors.computed_baseline(case, recorded)
    card.computed_step_rate = selectors.computed_step_rate(case, recorded)
    card.goal = selectors.cadence_goal(case)
    points = [(r.day, r.cadence) for r in recorded if r.day >= start and r.cadence is not None]
    if points or card.goal:
        card.cadence_chart = device_charts.cadence_chart(
            points, start=start, end=today, baseline=case.baseline_step_rate, band=card.goal
        )
    card.gait_checks = list(selectors.gait_checks(case)[:20])
    card.forms = {
        "baseline": bound.get("baseline")
        or BaselineForm(initial={n: getattr(case, n) for n in BaselineForm.BASELINE_FIELDS}),
        "cadence": bound.get("cadence")
        or CadenceGoalForm(
            initial={
                "baseline_step_rate": case.baseline_step_rate,
                "low_percent": case.cadence_goal_low_percent or 5,
                "high_percent": case.cadence_goal_high_percent or 10,
            }
        ),
        "gait": bound.get("gait") or GaitCheckForm(today=today),
    }
    return card
