"""The athlete's daily log and reminder forms.

Every choice is a radio group that the page styles as a row of large buttons (one tap each);
every option's label carries its meaning in words for screen readers. The form only parses and
checks what belongs together; the services validate and save.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

from monitoring import schema
from monitoring.models import DailyLog, ReminderPreference
from monitoring.surfaces.athlete.view_models.log import REST
from protocols.models import Activity

PAIN_WORDS = {0: "no pain", 1: "very mild", 3: "mild", 5: "moderate", 7: "severe", 10: "worst"}
EFFORT_WORDS = {
    0: "rest",
    1: "very, very easy",
    2: "easy",
    3: "moderate",
    4: "somewhat hard",
    5: "hard",
    6: "hard",
    7: "very hard",
    8: "very hard",
    9: "very, very hard",
    10: "maximal",
}
# Hooper & Mackinnon (1995): 1 is very, very good and 7 very, very bad, for each item.
HOOPER = {
    "sleep_quality": (
        "Sleep quality",
        ("very, very good", "very good", "good", "normal", "poor", "very poor", "very, very poor"),
    ),
    "fatigue": (
        "Tiredness",
        (
            "very, very fresh",
            "very fresh",
            "fresh",
            "normal",
            "tired",
            "very tired",
            "exhausted",
        ),
    ),
    "soreness": (
        "Muscle soreness",
        ("none at all", "very little", "a little", "normal", "sore", "very sore", "extremely sore"),
    ),
    "stress": (
        "Stress",
        (
            "very, very relaxed",
            "very relaxed",
            "relaxed",
            "normal",
            "stressed",
            "very stressed",
            "extremely stressed",
        ),
    ),
    "mood": (
        "Mood",
        ("excellent", "very good", "good", "normal", "low", "very low", "extremely low"),
    ),
}
YES_NO = [("yes", "Yes"), ("no", "No")]


def _label(number: int, word: str | None) -> str:
    """'3' on the button, '3, mild' for a screen reader."""
    if not word:
        return str(number)
    return mark_safe(f'{number}<span class="sr-only">, {escape(word)}</span>')  # noqa: S308


def _scale(low: int, high: int, words: dict[int, str]) -> list[tuple[int, str]]:
    return [(n, _label(n, words.get(n))) for n in range(low, high + 1)]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ScaleField(forms.TypedChoiceField):
    """A 0–10 or 1–7 rating; ``ends`` are the words shown under the first and last button."""

    def __init__(self, *, low: int, high: int, words: dict[int, str], ends=("", ""), **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"required": f"Tap a number from {low} to {high}."})
        super().__init__(
            choices=_scale(low, high, words),
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            **kwargs,
        )
        self.ends = ends
        self.columns = 6 if high - low >= 10 else high - low + 1


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"required": "Tap yes or no."})
        super().__init__(
            choices=YES_NO, coerce=_yes_no, empty_value=None, widget=forms.RadioSelect, **kwargs
        )
        self.columns = 2


def _pain(label: str, **kwargs) -> ScaleField:
    return ScaleField(
        low=0, high=10, words=PAIN_WORDS, label=label, ends=("no pain", "worst pain"), **kwargs
    )


def _hooper(name: str) -> ScaleField:
    label, words = HOOPER[name]
    return ScaleField(
        low=1,
        high=7,
        words=dict(enumerate(words, start=1)),
        label=label,
        ends=(words[0], words[-1]),
    )


ACTIVITY_CHOICES = [(REST, "Rest day — no training"), *Activity.choices]
# What the athlete's daily form gives the services: the schema's form fields but the
# next-morning pain, given only when its field was shown (see ``DailyLogForm.log_fields``).
LOG_FIELDS = tuple(f for f in schema.LOG_FORM_FIELDS if f != "pain_next_morning")


class DailyLogForm(forms.Form):
    """One day: pain, what was done, how the athlete slept and feels.

    ``mode`` is "today" (the form offers "this morning", the next-morning pain of yesterday) or
    "past" (the form asks the day's own next-morning pain, known by now). The hidden
    ``next_morning_shown`` says the field was on the page, so a form without it never wipes a
    stored value.
    """

    pain_rest = _pain("Pain at rest", required=True)
    pain_during = _pain("Pain during activity")
    pain_after = _pain("Pain after activity")
    this_morning = _pain("Pain this morning, when you got up")
    pain_next_morning = _pain("Pain the next morning")
    next_morning_shown = forms.BooleanField(required=False, widget=forms.HiddenInput)
    pain_character = forms.ChoiceField(
        label="What was the pain like?",
        choices=DailyLog.PainCharacter.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Tap one: no pain, dull ache or sharp."},
    )
    localized = YesNoField(label="Is it in one spot you can point to?")
    pain_location = forms.CharField(
        label="Where? (optional)",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "e.g. inner shin"}),
    )
    night_pain = YesNoField(label="Did pain wake you last night?", required=True)
    swelling = YesNoField(label="Any swelling?")
    pain_lasted_hours = forms.DecimalField(
        label="How many hours did pain after activity last? (optional)",
        required=False,
        min_value=0,
        max_value=168,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )
    activity = forms.ChoiceField(label="What did you do?", choices=ACTIVITY_CHOICES)
    minutes = forms.IntegerField(
        label="Minutes",
        required=False,
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    rpe = ScaleField(
        low=0,
        high=10,
        words=EFFORT_WORDS,
        label="How hard was it? (effort 0–10)",
        ends=("rest", "maximal"),
    )
    sleep_hours = forms.DecimalField(
        label="Hours of sleep",
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )
    sleep_quality = _hooper("sleep_quality")
    fatigue = _hooper("fatigue")
    soreness = _hooper("soreness")
    stress = _hooper("stress")
    mood = _hooper("mood")

    def __init__(self, *args, mode: str = "today", **kwargs):
        initial = dict(kwargs.pop("initial", None) or {})
        for name in ("localized", "night_pain", "swelling"):
            if isinstance(initial.get(name), bool):
                initial[name] = "yes" if initial[name] else "no"
        super().__init__(*args, initial=initial, **kwargs)
        self.mode = mode
        self.fields["next_morning_shown"].initial = mode == "past"

    # - groups for the template -
    @property
    def pain_fields(self):
        names = ["pain_rest", "pain_during", "pain_after"]
        names.append("pain_next_morning" if self.mode == "past" else "this_morning")
        return [self[n] for n in names]

    @property
    def wellbeing_fields(self):
        return [self[n] for n in ("sleep_quality", "fatigue", "soreness", "stress", "mood")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        active = data.get("activity") not in (None, "", REST)
        if active:
            for name, message in (
                ("minutes", "How many minutes did you train?"),
                ("rpe", "How hard was it? Tap a number from 0 to 10."),
                ("pain_during", "Tap your pain during activity (0 if none)."),
                ("pain_after", "Tap your pain after activity (0 if none)."),
            ):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, message)
        pains = [data.get(n) for n in ("pain_rest", "pain_during", "pain_after")]
        if data.get("pain_character") == DailyLog.PainCharacter.NONE and any(p for p in pains if p):
            self.add_error(
                "pain_character",
                "You rated some pain above 0: choose dull ache or sharp.",
            )
        return data

    # - what the services get -
    def log_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in LOG_FIELDS}
        if data.get("pain_character") == DailyLog.PainCharacter.NONE:
            fields["localized"] = None
            fields["pain_location"] = ""
        if not data.get("pain_after"):
            fields["pain_lasted_hours"] = None
        if data.get("next_morning_shown"):
            fields["pain_next_morning"] = data.get("pain_next_morning")
        return fields

    def session_fields(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if data.get("activity") in (None, "", REST):
            return None
        return {
            "activity": data["activity"],
            "minutes": data["minutes"],
            "rpe": data["rpe"],
            "pain_during": data.get("pain_during"),
        }

    def previous_morning(self) -> int | None:
        """'This morning' is yesterday's next-morning pain; only the today form asks it."""
        return self.cleaned_data.get("this_morning")


class ReminderForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label="Reminder e-mail",
        choices=[("on", "On"), ("off", "Off")],
        coerce=lambda v: v == "on",
        widget=forms.RadioSelect,
    )
    time_of_day = forms.TimeField(
        label="Remind me at",
        widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
    )

    def __init__(self, *args, preference: ReminderPreference | None = None, **kwargs):
        if preference is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "enabled": "on" if preference.enabled else "off",
                "time_of_day": preference.time_of_day,
            }
        super().__init__(*args, **kwargs)
        self.fields["enabled"].columns = 2

    def clean_time_of_day(self) -> dt.time:
        value = self.cleaned_data["time_of_day"]
        return value.replace(second=0, microsecond=0)
