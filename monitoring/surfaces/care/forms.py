"""Forms of the care pages: notes, reviews, goals, the bone-health review, education cards and
notification settings. They parse input a person can correct; ``monitoring.care.services``
decides, and its ``ApplicationError`` comes back onto these fields by name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django import forms

from athletes.models import CareTeamMember
from athletes.permissions import can_be_addressed
from monitoring.care import growth
from monitoring.care.rules import CRA_COMPONENTS, SEX_SPECIFIC, component
from monitoring.models import Flag
from monitoring.models.care import CaseNote, NotificationSetting, Review


class CareForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _date(min_day: dt.date | None = None, max_day: dt.date | None = None) -> forms.DateInput:
    attrs = {"type": "date"}
    if min_day:
        attrs["min"] = min_day.isoformat()
    if max_day:
        attrs["max"] = max_day.isoformat()
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


class NoteForm(CareForm):
    audience = forms.ChoiceField(
        label="Who may read it",
        widget=forms.RadioSelect,
        help_text="The whole care team includes the coach: keep the diagnosis, imaging, pain "
        "scores and test results to notes for clinical staff only.",
    )
    body = forms.CharField(
        label="Note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Plain words; the audience decides who reads it, everywhere.",
    )
    addressed_to = forms.TypedChoiceField(
        label="Ask someone to act (optional)", required=False, coerce=int, empty_value=None
    )
    flag = forms.TypedChoiceField(
        label="About a flag (optional)", required=False, coerce=int, empty_value=None
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        audiences: Sequence[str],
        members: Sequence[CareTeamMember] = (),
        flags: Sequence[Flag] = (),
        flag_label=lambda f: f.title,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        labels = dict(CaseNote.Audience.choices)
        self.fields["audience"].choices = [(a, labels[a]) for a in audiences]
        if len(audiences) == 1:
            self.fields["audience"].initial = audiences[0]
        self.members = list(members)
        self.fields["addressed_to"].choices = [("", "Nobody in particular")] + [
            (m.user_id, f"{m.user} ({m.get_role_display().lower()})") for m in self.members
        ]
        self.fields["flag"].choices = [("", "No flag")] + [
            (f.pk, f"{flag_label(f)} — {f.raised_at:%d %b}") for f in flags
        ]

    def clean(self):
        data = super().clean()
        audience, who = data.get("audience"), data.get("addressed_to")
        if audience and who:
            role = next((m.role for m in self.members if m.user_id == who), None)
            if not can_be_addressed(role, audience):
                self.add_error("addressed_to", "This person cannot read a note for that audience.")
        return data


class ReviewForm(CareForm):
    kind = forms.ChoiceField(label="Type", choices=Review.Kind.choices)
    due_on = forms.DateField(label="Date")
    booster = forms.BooleanField(label="Booster follow-up after return", required=False)
    repeat_weeks = forms.IntegerField(
        label="Repeat every (weeks)",
        required=False,
        min_value=1,
        max_value=52,
        help_text="Booster reviews only: the next one is scheduled when this one is done.",
    )
    note = forms.CharField(
        label="What for (optional)",
        required=False,
        max_length=300,
        help_text="For the clinical team only.",
    )
    coach_note = forms.CharField(
        label="For the coach and the whole team (optional)",
        required=False,
        max_length=300,
        help_text="What they should plan around, e.g. “no training that morning”. No clinical "
        "detail: the coach reads this, and only this, of the review.",
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget = _date(min_day=today)


class GoalForm(CareForm):
    text = forms.CharField(
        label="New goal",
        max_length=140,
        widget=forms.TextInput(attrs={"placeholder": "e.g. 30 min brisk walk pain-free by Friday"}),
    )
    due_on = forms.DateField(label="By (optional)", required=False)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget = _date(min_day=today)


class BoneHealthReviewForm(CareForm):
    """The energy-availability / bone-health review: the Triad cumulative risk assessment (De
    Souza et al. 2014), scored item by item (the total is computed, never typed; the menstrual
    items only for women), and a simple REDs screen (IOC REDs CAT2 primary indicators, Mountjoy
    et al. 2023). The Triad tool is validated in women only: for a man it is labelled so and
    optional, and the REDs screen is the one the plan's gates read."""

    date = forms.DateField(label="Date of the review")
    vitamin_d_nmol_l = forms.DecimalField(
        label="25(OH)D (nmol/L)",
        required=False,
        min_value=0,
        max_value=500,
        decimal_places=1,
        help_text="Above 75, preferably above 100.",
    )
    calcium_mg = forms.IntegerField(
        label="Calcium intake (mg/day)",
        required=False,
        min_value=0,
        max_value=5000,
        help_text="Reference 1,000 (19–50 years), 1,300 (14–18).",
    )
    intake_concerns = forms.CharField(
        label="Intake concerns",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    height_cm = forms.DecimalField(
        label="Height (cm)", required=False, min_value=100, max_value=230, decimal_places=1
    )
    weight_kg = forms.DecimalField(
        label="Weight (kg)",
        required=False,
        min_value=20,
        max_value=200,
        decimal_places=1,
        help_text="With the height, the BMI item is computed (under 18: % of expected weight).",
    )

    def __init__(
        self,
        *args,
        today: dt.date,
        sex: str = "female",
        born: dt.date | None = None,
        suggestions: dict | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.sex = sex
        age = growth.age_on(born, today)
        self.under_18 = age is not None and age < growth.ADULT_AGE
        self.fields["calcium_mg"].help_text = growth.calcium_text(age)
        self.triad_validated = sex == "female"
        self.fields["date"].widget = _date(max_day=today)
        self.fields["date"].initial = today
        for key in CRA_COMPONENTS:
            label, meanings = component(key, under_18=self.under_18)
            empty = "Not applicable" if key in SEX_SPECIFIC and sex != "female" else "Not scored"
            if not self.triad_validated:
                label = f"{label} (Triad: not validated in men)"
            self.fields[key] = forms.TypedChoiceField(
                label=label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", empty)] + [(n, f"{n} — {m}") for n, m in enumerate(meanings)],
            )
            if key in (suggestions or {}):
                points, source = suggestions[key]
                self.fields[key].initial = points
                self.fields[key].help_text = f"Pre-filled from {source}: confirm."
        if self.under_18:
            self.fields["bmi"].help_text = (
                "Under 18 use % of expected body weight, not BMI (De Souza 2014): ≥ 90% → 0, "
                "85–90% → 1, < 85% → 2. Give height and weight to compute it."
            )

    @property
    def component_fields(self):
        return [self[key] for key in CRA_COMPONENTS]

    def points(self) -> dict[str, int | None]:
        return {key: self.cleaned_data.get(key) for key in CRA_COMPONENTS}

    def clean(self):
        data = super().clean()
        scored = any(data.get(key) is not None for key in CRA_COMPONENTS)
        if not scored:
            self.add_error(
                "energy",
                "Score the Triad items."
                if self.triad_validated
                else "Score the Triad items, or record the REDs screen on the bone-health page "
                "(the screen for a man).",
            )
        return data


class CardForm(CareForm):
    title = forms.CharField(label="Title", max_length=120)
    body = forms.CharField(label="Text", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    sources = forms.CharField(
        label="Sources, one a line", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def source_lines(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data["sources"].splitlines() if s.strip()]


class NotificationSettingsForm(CareForm):
    note_addressed = forms.BooleanField(
        label=NotificationSetting.KINDS["note_addressed"], required=False
    )
    review_overdue = forms.BooleanField(
        label=NotificationSetting.KINDS["review_overdue"], required=False
    )

    def __init__(self, *args, athlete: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if athlete:  # an athlete has no reviews to run: only the messages addressed to them
            del self.fields["review_overdue"]
            self.fields["note_addressed"].label = "A message from my care team"
