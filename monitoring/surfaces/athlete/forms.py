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
from monitoring.models import ActivitySession, DailyLog, ReminderPreference, Shoe
from monitoring.models.records import Completion
from monitoring.surfaces.athlete.view_models.log import SessionRow, is_session_key
from protocols.engine import criteria
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


ACTIVITY_CHOICES = [("", "Choose…"), *Activity.choices]
# What the athlete's daily form gives the services: the schema's form fields but the
# next-morning pain, given only when its field was shown (see ``DailyLogForm.log_fields``).
LOG_FIELDS = tuple(f for f in schema.LOG_FORM_FIELDS if f != "pain_next_morning")


class DailyLogForm(forms.Form):
    """One day: pain, how the athlete slept and feels, and whether it was a rest day; what was
    done is the day's sessions (``SessionFormSet``, checked with this form by ``LogPage``).

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
    rest_day = forms.BooleanField(label="Rest day — no training", required=False)
    sleep_hours = forms.DecimalField(
        label="Hours of sleep",
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
        error_messages={
            "min_value": "Hours from 0 to 24.",
            "max_value": "Hours from 0 to 24.",
            "invalid": "Hours as a number, e.g. 7.5.",
            "max_decimal_places": "Hours to the half hour, e.g. 7.5.",
        },
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

    def previous_morning(self) -> int | None:
        """'This morning' is yesterday's next-morning pain; only the today form asks it."""
        return self.cleaned_data.get("this_morning")


SURFACE_CHOICES = [("", "—"), *ActivitySession.Surface.choices]
IMPACT_ACTIVITIES = sorted(set(Activity.values) - set(criteria.NON_IMPACT_ACTIVITIES))
"""The activities that load the bone with impact: for them the form asks surface, shoes and
distance (``criteria.impact_days`` decides the same for the rules)."""


class SessionForm(forms.Form):
    """One of the day's sessions. ``key`` is the session's id on the phone, made when its row is
    (the page or the phone), so that sending the same log again updates the session instead of
    adding one; a row left empty is no session."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    activity = forms.ChoiceField(
        label="What did you do?",
        choices=ACTIVITY_CHOICES,
        error_messages={"required": "Choose the activity, or remove this session."},
    )
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-select-on-focus": ""}),
        error_messages={
            "required": "How many minutes?",
            "min_value": "At least 1 minute.",
            "max_value": "At most 600 minutes (10 hours) in one session.",
        },
    )
    rpe = ScaleField(
        low=0,
        high=10,
        words=EFFORT_WORDS,
        label="How hard was it? (effort 0–10)",
        ends=("rest", "maximal"),
        required=True,
        error_messages={"required": "Tap a number from 0 to 10."},
    )
    pain_during = _pain("Pain during this session (optional)")
    distance_km = forms.DecimalField(
        label="Distance in km (optional)",
        required=False,
        min_value=0,
        max_value=1000,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    surface = forms.ChoiceField(label="Surface (optional)", choices=SURFACE_CHOICES, required=False)
    shoe = forms.ModelChoiceField(
        label="Shoes (optional)", queryset=Shoe.objects.none(), required=False, empty_label="—"
    )
    note = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    programme_stage = forms.IntegerField(
        label="Run-walk programme stage (optional)", required=False, min_value=1, max_value=20
    )
    completion = forms.ChoiceField(
        label="Did you finish this session?",
        required=False,
        choices=[("", "—"), *Completion.choices],
    )

    def __init__(self, *args, day: dt.date, shoes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.day = day
        self.fields["shoe"].queryset = Shoe.objects.filter(pk__in=[s.pk for s in shoes])
        self.fields["shoe"].choices = [("", "—"), *((s.pk, s.name) for s in shoes)]

    def has_changed(self) -> bool:
        """A row is a session when anything but its key is filled in (the key is there from
        the start); an empty row is left out, even one the athlete added and did not fill."""
        names = [name for name in self.fields if name not in ("key", "DELETE")]
        return any(self.data.get(self.add_prefix(name)) not in (None, "") for name in names)

    def clean_completion(self) -> str:
        if self.cleaned_data.get("programme_stage") and not self.cleaned_data.get("completion"):
            raise forms.ValidationError("Say whether you finished it or stopped early.")
        return self.cleaned_data.get("completion") or ""

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if not is_session_key(key, self.day):
            raise forms.ValidationError("This session's row is not from this day's form.")
        return key

    def row(self) -> SessionRow:
        data = self.cleaned_data
        impact = data["activity"] in IMPACT_ACTIVITIES
        return SessionRow(
            key=data["key"],
            fields={
                "activity": data["activity"],
                "minutes": data["minutes"],
                "rpe": data["rpe"],
                "pain_during": data.get("pain_during"),
                "distance_km": data.get("distance_km"),
                "surface": data.get("surface", "") if impact else "",
                "note": data.get("note", ""),
                "programme_stage": data.get("programme_stage"),
                "completion": data.get("completion") or "",
            },
            shoe=data.get("shoe") if impact else None,
        )


class BaseSessionFormSet(forms.BaseFormSet):
    def __init__(self, *args, day: dt.date, shoes=(), **kwargs):
        self.day = day
        self.shoes = list(shoes)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        # Every row may be left empty (see ``SessionForm.has_changed``).
        return {"day": self.day, "shoes": self.shoes, "empty_permitted": True}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            renderer=self.renderer,
            day=self.day,
            shoes=self.shoes,
        )
        self.add_fields(form, None)
        return form

    def clean(self) -> None:
        keys = [f.cleaned_data.get("key") for f in self.kept_forms()]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError("The same session is on the page twice: reload the page.")

    def kept_forms(self) -> list[SessionForm]:
        """The rows that are sessions: filled in and not removed."""
        return [
            form
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and form.is_valid()
        ]

    def rows(self) -> list[SessionRow]:
        return [form.row() for form in self.kept_forms()]


SessionFormSet = forms.formset_factory(
    SessionForm,
    formset=BaseSessionFormSet,
    extra=0,
    can_delete=True,
    max_num=12,
    validate_max=True,
    absolute_max=12,
)
SESSION_PREFIX = "s"


def check_day(form: DailyLogForm, sessions: BaseSessionFormSet) -> bool:
    """The log form and its sessions together: a day is either sessions or a rest day, and a
    day with training asks pain during and after it. Both forms get their errors."""
    valid = form.is_valid() & sessions.is_valid()
    if not hasattr(form, "cleaned_data"):
        return False
    data = form.cleaned_data
    trained = bool(sessions.kept_forms()) if sessions.is_valid() else True
    if data.get("rest_day") and trained:
        form.add_error(
            "rest_day", "You marked a rest day and added sessions: remove them or untick Rest day."
        )
    elif not data.get("rest_day") and not trained:
        form.add_error("rest_day", "Add what you did today, or tap Rest day.")
    elif trained:
        for name, message in (
            ("pain_during", "Tap your pain during activity (0 if none)."),
            ("pain_after", "Tap your pain after activity (0 if none)."),
        ):
            if data.get(name) is None and name not in form.errors:
                form.add_error(name, message)
    return valid and not form.errors


class ReminderForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label="Reminder",
        choices=[("on", "On"), ("off", "Off")],
        coerce=lambda v: v == "on",
        widget=forms.RadioSelect,
    )
    # The reminders go out every quarter of an hour: the times offered are those, in 24-hour
    # clock (a time input rounds 07:20 in the browser's own words and 12-hour clock).
    time_of_day = forms.TypedChoiceField(
        label="Remind me at",
        choices=[
            (f"{h:02d}:{m:02d}", f"{h:02d}:{m:02d}") for h in range(24) for m in (0, 15, 30, 45)
        ],
        coerce=dt.time.fromisoformat,
    )

    def __init__(self, *args, preference: ReminderPreference | None = None, **kwargs):
        if preference is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "enabled": "on" if preference.enabled else "off",
                "time_of_day": f"{preference.time_of_day:%H:%M}",
            }
        super().__init__(*args, **kwargs)
        self.fields["enabled"].columns = 2


class ShoeForm(forms.Form):
    name = forms.CharField(
        label="Name of the pair",
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "e.g. Pegasus 41"}),
        error_messages={"required": "Give the pair a name, e.g. the brand and model."},
    )
    km_before = forms.DecimalField(
        label="Distance already run in them (km, optional)",
        required=False,
        min_value=0,
        max_value=10000,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000}),
        error_messages={
            "required": "Write your message.",
            "max_length": "At most %(limit_value)d characters (you wrote %(show_value)d).",
        },
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
