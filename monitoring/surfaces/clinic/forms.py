"""Forms of the clinic pages: the case-list filters, assessments, decisions and flags.

Forms parse and check input a person can correct; the services decide (permissions, ranges,
stale plans) and their ``ApplicationError`` comes back onto these fields by name.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core import signing

from athletes.models import Case
from monitoring.evaluation.decisions import override_needed
from monitoring.models import Assessment, Flag
from monitoring.surfaces.clinic.view_models.evaluation import unsign_evaluation
from protocols.models import PhaseTransition, PlanPhase


def _date_input(today: dt.date | None = None) -> forms.DateInput:
    attrs = {"type": "date"}
    if today is not None:
        attrs["max"] = today.isoformat()
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


class ClinicForm(forms.Form):
    """Labels without Django's trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CaseFilterForm(ClinicForm):
    """The case list's filters: GET parameters, so a filtered list has its own address."""

    STATUS_CHOICES = [*Case.Status.choices, ("all", "Any status")]
    FLAG_CHOICES = [
        ("", "Any flags or none"),
        ("any", "Any open flag"),
        *[(k, label) for k, label in Flag.Kind.choices],
        ("none", "No open flag"),
    ]

    q = forms.CharField(
        label="Athlete",
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Search by name"}),
    )
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    flag = forms.ChoiceField(label="Flags", choices=FLAG_CHOICES, required=False)
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, teams=(), **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = Case.Status.ACTIVE
        super().__init__(data, **kwargs)
        self.fields["team"].choices = [("", "Any team"), *[(t.pk, t.name) for t in teams]]

    def filters(self) -> dict:
        """Keyword arguments of ``monitoring.surfaces.clinic.view_models.case_rows``; bad values
        are ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or Case.Status.ACTIVE
        return {
            "status": "" if status == "all" else status,
            "flag_kind": data.get("flag") or "",
            "team_id": data.get("team"),
            "search": (data.get("q") or "").strip(),
        }


class AssessmentForm(ClinicForm):
    test = forms.ChoiceField(label="Test", choices=Assessment.Test.choices)
    value = forms.FloatField(label="Result", widget=forms.NumberInput(attrs={"step": "any"}))
    pain = forms.IntegerField(
        label="Pain during the test (0–10)", required=False, min_value=0, max_value=10
    )
    date = forms.DateField(label="Date")
    notes = forms.CharField(
        label="Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, tests=None, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        if tests is not None:
            self.fields["test"].choices = [
                (code, label) for code, label in Assessment.Test.choices if code in tests
            ]
        self.fields["date"].initial = today
        self.fields["date"].widget = _date_input(today)
        self.ranges = [
            (label, low, high, whole)
            for code, label in self.fields["test"].choices
            for low, high, whole in [Assessment.RANGES[code]]
        ]


class FemoralNeckForm(ClinicForm):
    """Femoral neck findings and the orthopaedic decision (``care_services.femoral_neck_record``;
    Robertson & Wood 2017): the criteria read them as case facts."""

    fracture_line_percent = forms.IntegerField(
        label="Fracture line (% of the neck width)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="Over 50% is a red flag: urgent referral.",
    )
    effusion = forms.TypedChoiceField(
        label="Hip joint effusion",
        required=False,
        choices=[("", "Not recorded"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    ortho_decision = forms.ChoiceField(
        label="Orthopaedic decision",
        required=False,
        choices=[
            ("", "Not recorded yet"),
            ("conservative", "Conservative"),
            ("surgical", "Surgical"),
        ],
        help_text="Tension side: weight bearing beyond touch-down waits for it.",
    )
    decided_on = forms.DateField(label="Decided on", required=False)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].widget = _date_input(today)


class DecisionForm(ClinicForm):
    """A clinician's decision on the phase under way, with the evaluation they were shown.

    ``evaluation`` is the signed evaluation of the page
    (``monitoring.surfaces.clinic.view_models.sign_evaluation``)
    and ``expected_phase_id`` the phase it was shown for: a decision made on a page the plan has
    moved on from (another clinician, a second click) is refused by the service.
    """

    KIND_LABELS = {
        PhaseTransition.Kind.ADVANCE: "Advance to the next phase",
        PhaseTransition.Kind.REGRESS: "Step back",
        PhaseTransition.Kind.HOLD: "Hold in this phase",
        PhaseTransition.Kind.COMPLETE: "Complete (returned to sport)",
    }

    kind = forms.ChoiceField(label="Decision", widget=forms.RadioSelect)
    to_phase = forms.TypedChoiceField(
        label="Step back to", required=False, coerce=int, empty_value=None
    )
    reason = forms.CharField(
        label="Reason",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for the decision."},
    )
    effective_on = forms.DateField(label="Takes effect on")
    judged_from = forms.DateField(
        label="Judge the phase stepped back to from",
        required=False,
        help_text="Optional. Its criteria read data from this day on (default: the day after "
        "the decision takes effect), so the pain that caused the step back is not judged again.",
    )
    override = forms.BooleanField(
        label="I decide against the recommendation (criteria not all met or a red flag open).",
        required=False,
    )
    evaluation = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": "The evaluation shown is missing; reload the page."},
    )
    expected_phase_id = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, page, **kwargs):
        """``page`` is the ``monitoring.surfaces.clinic.view_models.CasePage`` the form is shown
        on."""
        super().__init__(*args, **kwargs)
        self.page = page
        kinds = []
        if page.later_phases:
            kinds.append(PhaseTransition.Kind.ADVANCE)
        if page.earlier_phases:
            kinds.append(PhaseTransition.Kind.REGRESS)
        kinds.append(PhaseTransition.Kind.HOLD)
        if not page.later_phases:
            kinds.append(PhaseTransition.Kind.COMPLETE)
        self.fields["kind"].choices = [(k.value, self.KIND_LABELS[k]) for k in kinds]
        self.fields["to_phase"].choices = [
            (p.pk, f"{p.order}. {p.name}") for p in page.earlier_phases
        ]
        proposed = page.proposed_phase
        self.fields["to_phase"].initial = proposed.pk if proposed else None
        self.fields["effective_on"].initial = page.today
        self.fields["effective_on"].widget = _date_input(page.today)
        self.fields["judged_from"].widget = _date_input()
        if page.phase is not None:
            self.fields["effective_on"].widget.attrs["min"] = page.phase.started_on.isoformat()
            self.fields["expected_phase_id"].initial = page.phase.pk
        self.fields["evaluation"].initial = page.evaluation_token
        self.recommended = bool(page.evaluation and page.evaluation.ready)
        if not self.needs_override_for_advance:
            self.fields["override"].widget = forms.HiddenInput()

    @property
    def needs_override_for_advance(self) -> bool:
        why = override_needed(
            PhaseTransition.Kind.ADVANCE,
            self.page.evaluation,
            open_red_flag=bool(self.page.open_red_flags),
        )
        return why is not None

    def clean_effective_on(self):
        day = self.cleaned_data["effective_on"]
        if day > self.page.today:
            raise forms.ValidationError("A decision cannot take effect in the future.")
        return day

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == PhaseTransition.Kind.REGRESS and not data.get("to_phase"):
            self.add_error("to_phase", "Choose the phase to step back to.")
        if kind != PhaseTransition.Kind.REGRESS:
            data["judged_from"] = None  # only a step back is judged from a later day
        why = override_needed(
            kind or "", self.page.evaluation, open_red_flag=bool(self.page.open_red_flags)
        )
        if why and not data.get("override"):
            self.add_error("override", why.removesuffix(".") + " (tick this box).")
        token = data.get("evaluation") or ""
        self.shown_evaluation: dict | None = None
        if token:
            try:
                phase_id, self.shown_evaluation = unsign_evaluation(token, case=self.page.case)
            except signing.SignatureExpired:
                raise forms.ValidationError(
                    "The evaluation on this page is more than a day old; reload the page."
                ) from None
            except signing.BadSignature:
                raise forms.ValidationError(
                    "The evaluation shown could not be read; reload the page."
                ) from None
            if phase_id != data.get("expected_phase_id"):
                raise forms.ValidationError("The page is out of date; reload it.")
        return data

    def to_phase_obj(self) -> PlanPhase | None:
        wanted = self.cleaned_data.get("to_phase")
        if self.cleaned_data.get("kind") != PhaseTransition.Kind.REGRESS or not wanted:
            return None
        return next((p for p in self.page.earlier_phases if p.pk == wanted), None)


class FlagResolveForm(ClinicForm):
    resolution = forms.CharField(
        label="How was it resolved?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say how the flag was resolved."},
    )


class SignOffForm(ClinicForm):
    phase_id = forms.IntegerField(widget=forms.HiddenInput)


class ContactForm(ClinicForm):
    """What a clinician shares with the athletes of their cases: shown on an athlete's Today page
    when they must stop and contact the clinical team (an open red flag)."""

    contact_phone = forms.CharField(
        label="Phone for athletes",
        max_length=40,
        required=False,
        help_text="A number athletes may call. Leave empty to share none.",
    )
    contact_email = forms.EmailField(
        label="E-mail for athletes",
        required=False,
        help_text="An address athletes may write to. Leave empty to share none.",
    )

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        if phone and not re.fullmatch(r"\+?[0-9][0-9 ()./-]{4,38}", phone):
            raise forms.ValidationError("Digits, spaces and + ( ) - . / only.")
        return phone


class StartDateForm(ClinicForm):
    """Correct an active plan's start date (a date typed wrong), with a reason."""

    started_on = forms.DateField(label="The plan really started on", widget=_date_input())
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason for the correction."},
    )


class UndoDecisionForm(ClinicForm):
    """Undo the plan's last phase decision, with a reason."""

    reason = forms.CharField(
        label="Why undo it?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason for undoing the decision."},
    )


class DischargeForm(ClinicForm):
    """Discharge on return to sport: the date, the outcome and the summary the athlete keeps."""

    returned_on = forms.DateField(label="Returned to sport on", widget=_date_input())
    outcome = forms.ChoiceField(label="Outcome", choices=Case.Outcome.choices)
    summary = forms.CharField(
        label="Summary for the athlete to keep",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What happened, what to keep doing, and the warning signs that mean: stop and "
        "call us. The athlete reads it on their phone; it also goes in the clearance letter.",
        error_messages={"required": "Write the summary the athlete keeps."},
    )
    before_plan_end = forms.BooleanField(
        label="Discharge before the plan's last phase",
        required=False,
        help_text="Needed when the plan has phases left; say why in the summary.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "discharge")
        super().__init__(*args, **kwargs)


class CloseCaseForm(ClinicForm):
    """Close a case opened in error."""

    reason = forms.CharField(
        label="Why close it?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. opened for the wrong athlete, or a duplicate of another case.",
        error_messages={"required": "Give a reason for closing the case."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "close")
        super().__init__(*args, **kwargs)
