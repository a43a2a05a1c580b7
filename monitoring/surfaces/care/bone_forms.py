"""Forms of the bone-health page: the REDs CAT2 screen (each indicator yes, no or not assessed)
and the clinician's bone-health clearance decision."""

from __future__ import annotations

import datetime as dt

from django import forms

from athletes.models import Case
from monitoring.care import reds
from monitoring.care.bone_facts import triad_suggestions
from monitoring.care.cycle import cycle_summary
from monitoring.surfaces.care.forms import BoneHealthReviewForm

ANSWERS = [("", "Not assessed"), ("no", "No"), ("yes", "Yes")]


def _date(max_day: dt.date) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "max": max_day.isoformat()}, format="%Y-%m-%d")


def _answer(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class RedsScreenForm(forms.Form):
    """One field per indicator that applies to the athlete (by sex and age); unanswered ones
    make the screen incomplete, which is never a clearance."""

    date = forms.DateField(label="Date of the screen")
    notes = forms.CharField(
        label="Notes (clinical judgement)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, today: dt.date, sex: str, under_18: bool, initial_answers=None, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.fields["date"].widget = _date(today)
        self.fields["date"].initial = today
        self.keys = reds.applicable(sex=sex, under_18=under_18)
        for key in self.keys:
            label, tier, _ = reds.INDICATORS[key]
            words = {"severe": "severe primary", "red": "red light"}.get(tier, tier)
            initial = (initial_answers or {}).get(key)
            self.fields[f"ind_{key}"] = forms.ChoiceField(
                label=f"{label} ({words})",
                choices=ANSWERS,
                required=False,
                initial="" if initial is None else ("yes" if initial else "no"),
            )

    @property
    def indicator_fields(self):
        return [self[f"ind_{key}"] for key in self.keys]

    def answers(self) -> dict[str, bool | None]:
        return {key: _answer(self.cleaned_data.get(f"ind_{key}") or "") for key in self.keys}


class BoneHealthDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("", "Choose"),
            (Case.BoneHealthDecision.IMPACT, "Impact work may progress"),
            (Case.BoneHealthDecision.HOLD, "Keep impact on hold"),
        ],
    )
    decided_on = forms.DateField(label="Date of the decision")
    reason = forms.CharField(
        label="Why (what the decision rests on)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, today: dt.date, **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.fields["decided_on"].widget = _date(today)
        self.fields["decided_on"].initial = today


def triad_form(
    case: Case, today: dt.date, data=None, initial: dict | None = None
) -> BoneHealthReviewForm:
    """The Triad review form for the case's athlete: their sex and age (under 18: % of expected
    body weight, calcium 1,300), unbound with the items the record answers pre-filled (the
    case's record and consented cycle log first, then ``initial``: the work-up's results,
    ``monitoring.care.workup.review_initial``)."""
    athlete = case.athlete
    suggestions = (
        None if data is not None else triad_suggestions(case, cycle_summary(athlete, today))
    )
    known = {k: v for k, v in (initial or {}).items() if k not in (suggestions or {})}
    return BoneHealthReviewForm(
        data,
        today=today,
        sex=athlete.sex,
        born=athlete.date_of_birth,
        suggestions=suggestions,
        initial=known,
    )
