"""The new athlete and case form of the clinic (one page, one transaction).

The form only parses input; ``athletes.services.athlete_create`` and ``case_open`` decide what
is valid and save. Their errors come back onto these fields by name.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from athletes.ages import guardian_missing
from athletes.models import Athlete, Case, Team
from athletes.sites import HIGH, SITES


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GuardianForm(forms.Form):
    """A parent's or guardian's contact, at intake and when corrected later. The form parses;
    ``guardian_update`` (and intake, through ``athletes.ages.guardian_missing``) decides what an
    athlete under 18 must keep."""

    guardian_name = forms.CharField(label="Parent or guardian", max_length=160, required=False)
    guardian_relationship = forms.CharField(
        label="Relationship", max_length=60, required=False, help_text="Mother, father, guardian…"
    )
    guardian_phone = forms.CharField(label="Guardian's phone", max_length=40, required=False)
    guardian_email = forms.EmailField(label="Guardian's e-mail", required=False)

    def __init__(self, *args, athlete: Athlete | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        if athlete is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(athlete, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)


def site_choices() -> list:
    """Sites grouped by healing-complication risk, so the risk shows before any script runs."""
    high = [(s.code, s.label) for s in SITES if s.risk == HIGH]
    low = [(s.code, s.label) for s in SITES if s.risk != HIGH]
    return [
        ("", "Choose the injury site"),
        ("High risk for healing complications", high),
        ("Low risk", low),
    ]


GRADE_CHOICES = [("", "Not graded"), *[(str(n), str(n)) for n in range(1, 6)]]


class RunningBaselineFields(forms.Form):
    """The pre-injury week as a clinician types it (the new-case form, the case page)."""

    pre_injury_km_week = forms.DecimalField(
        label="Pre-injury running, km a week",
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=400,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    pre_injury_runs_week = forms.DecimalField(
        label="Runs a week",
        required=False,
        max_digits=3,
        decimal_places=1,
        min_value=0,
        max_value=21,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    pre_injury_minutes_week = forms.IntegerField(
        label="Or minutes a week",
        required=False,
        min_value=0,
        max_value=3000,
        help_text="For athletes who do not track distance.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    BASELINE_FIELDS = ("pre_injury_km_week", "pre_injury_runs_week", "pre_injury_minutes_week")

    def baseline_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.BASELINE_FIELDS}
        if any(value is not None for value in data.values()):
            data["pre_injury_source"] = Case.BaselineSource.ENTERED
        return data


class NewCaseForm(RunningBaselineFields):
    NEW, EXISTING = "new", "existing"

    athlete_mode = forms.ChoiceField(
        label="Athlete",
        choices=[(NEW, "A new athlete"), (EXISTING, "An athlete I already treat")],
        initial=NEW,
        widget=forms.RadioSelect,
    )
    existing_athlete = forms.ModelChoiceField(
        label="Existing athlete", queryset=Athlete.objects.none(), required=False
    )
    first_name = forms.CharField(label="First name", max_length=80, required=False)
    last_name = forms.CharField(label="Last name", max_length=80, required=False)
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=_date_input())
    sex = forms.ChoiceField(label="Sex", choices=Athlete.Sex.choices, initial=Athlete.Sex.UNKNOWN)
    sport = forms.CharField(label="Sport", max_length=80, required=False)
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="No team"
    )

    site = forms.ChoiceField(label="Injury site", choices=site_choices)
    raise_risk = forms.BooleanField(
        label="Treat as high risk",
        required=False,
        help_text="Raise a low-risk site to high risk (a high-risk site is never lowered).",
    )
    side = forms.ChoiceField(label="Side", choices=Case.Side.choices, initial=Case.Side.LEFT)
    grade = forms.TypedChoiceField(
        label="Grade", choices=GRADE_CHOICES, coerce=int, empty_value=None, required=False
    )
    grading_system = forms.ChoiceField(
        label="Grading system",
        choices=Case.GradingSystem.choices,
        initial=Case.GradingSystem.NONE,
        help_text="Fredericson is a tibial scale; Arendt and Kaeding–Miller apply at any site "
        "(metatarsals, navicular…).",
    )
    imaging = forms.ChoiceField(label="Imaging", choices=Case.Imaging.choices, initial="mri")
    imaging_on = forms.DateField(label="Imaging date", required=False, widget=_date_input())
    diagnosed_on = forms.DateField(label="Diagnosed on", widget=_date_input())
    red_s_screen = forms.ChoiceField(
        label="RED-S / Triad screen", choices=Case.Screen.choices, initial="not_screened"
    )
    menstrual_status = forms.ChoiceField(
        label="Menstrual status", choices=Case.Menstrual.choices, initial="na"
    )
    prior_bsi_count = forms.IntegerField(
        label="Prior bone stress injuries",
        min_value=0,
        max_value=30,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    vitamin_d_nmol_l = forms.DecimalField(
        label="25(OH)D, nmol/L",
        required=False,
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
        help_text="Vitamin D; below 75 nmol/L is low.",
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )

    # A parent or guardian: required for a new athlete under 18 (name and a phone or e-mail).
    guardian_name = GuardianForm.base_fields["guardian_name"]
    guardian_relationship = GuardianForm.base_fields["guardian_relationship"]
    guardian_phone = GuardianForm.base_fields["guardian_phone"]
    guardian_email = GuardianForm.base_fields["guardian_email"]

    # The facts the bone-health work-up triggers read (blank: "not recorded — ask").
    height_cm = forms.DecimalField(
        label="Height (cm)",
        required=False,
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(50), MaxValueValidator(250)],
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    weight_kg = forms.DecimalField(
        label="Weight (kg)",
        required=False,
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(20), MaxValueValidator(250)],
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    periods_last_12_months = forms.IntegerField(
        label="Periods in the last 12 months",
        required=False,
        min_value=0,
        max_value=20,
        help_text="9 or fewer is oligomenorrhoea (Triad CRA: 6 to 9). Blank when not asked.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    eating_history = forms.ChoiceField(
        label="Eating-disorder history",
        required=False,
        choices=[("", "Not recorded"), *Case._meta.get_field("eating_history").choices],
    )

    ATHLETE_FIELDS = (
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "sport",
        "team",
        "guardian_name",
        "guardian_relationship",
        "guardian_phone",
        "guardian_email",
    )
    GUARDIAN_FIELDS = ATHLETE_FIELDS[6:]
    CASE_FIELDS = (
        "side",
        "grade",
        "grading_system",
        "imaging",
        "imaging_on",
        "red_s_screen",
        "menstrual_status",
        "prior_bsi_count",
        "vitamin_d_nmol_l",
        "height_cm",
        "weight_kg",
        "periods_last_12_months",
        "eating_history",
    )

    def __init__(self, *args, athletes=None, teams=None, today: dt.date | None = None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        if athletes is not None:
            self.fields["existing_athlete"].queryset = athletes
        if teams is not None:
            self.fields["team"].queryset = teams
        self.fields["diagnosed_on"].initial = self.today
        for name in ("diagnosed_on", "imaging_on", "date_of_birth"):
            self.fields[name].widget.attrs["max"] = self.today.isoformat()

    def clean_diagnosed_on(self):
        day = self.cleaned_data["diagnosed_on"]
        if day > self.today:
            raise forms.ValidationError("The diagnosis cannot be in the future.")
        return day

    def clean_imaging_on(self):
        day = self.cleaned_data.get("imaging_on")
        if day and day > self.today:
            raise forms.ValidationError("The imaging date cannot be in the future.")
        return day

    def clean_date_of_birth(self):
        day = self.cleaned_data.get("date_of_birth")
        if day and day >= self.today:
            raise forms.ValidationError("The date of birth must be in the past.")
        return day

    def clean(self):
        data = super().clean()
        if data.get("athlete_mode") == self.EXISTING:
            if not data.get("existing_athlete"):
                self.add_error("existing_athlete", "Choose the athlete.")
            born = getattr(data.get("existing_athlete"), "date_of_birth", None)
        else:
            data["existing_athlete"] = None
            for name in ("first_name", "last_name"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, "Required for a new athlete.")
            born = data.get("date_of_birth")
            self._require_guardian(data, born)
        for name in ("diagnosed_on", "imaging_on"):
            day = data.get(name)
            if born and day and day < born:
                self.add_error(name, f"Before the athlete's date of birth ({born:%-d %b %Y}).")
        return data

    def _require_guardian(self, data: dict, born: dt.date | None) -> None:
        """A new athlete under 18 needs a guardian's name and a phone or e-mail (the rule
        ``guardian_update`` keeps afterwards)."""
        for name, message in guardian_missing(born, self.today, data).items():
            self.add_error(name, message)

    def athlete_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.ATHLETE_FIELDS}
        for name in ("sport", *self.GUARDIAN_FIELDS):
            data[name] = (data.get(name) or "").strip()
        return data

    def case_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.CASE_FIELDS}
        data["risk"] = HIGH if self.cleaned_data.get("raise_risk") else None
        return data | self.baseline_data()
