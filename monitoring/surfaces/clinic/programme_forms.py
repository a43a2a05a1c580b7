"""The forms of a walk-run phase's programme page and of a step-down decision. The numbers are
checked by the engine's validation (``protocols.engine.programme.validate``, through the
service), whose errors are shown field by field."""

from __future__ import annotations

from django import forms

from rehab.errors import ApplicationError


class ProgrammeForm(forms.Form):
    slug = forms.ChoiceField(
        label="Start again from a shipped programme",
        required=False,
        help_text="Replaces the stages below with a fresh copy; leave empty to keep editing them.",
    )
    rest_days = forms.IntegerField(label="Rest days between runs")
    pain_limit = forms.IntegerField(
        label="Pain limit (0–10)",
        help_text="Pain during or after a run above this proposes a step down.",
    )
    reason = forms.CharField(
        label="Why (required on an active plan)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, shipped=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].choices = [("", "—"), *((p.slug, p.name) for p in shipped)]


class StageForm(forms.Form):
    run = forms.IntegerField(label="Run (min)")
    walk = forms.IntegerField(label="Walk (min)")
    repeats = forms.IntegerField(label="Repeats")
    sessions = forms.IntegerField(label="Pain-free sessions to finish")

    def has_changed(self) -> bool:
        return any(self.data.get(self.add_prefix(n)) not in (None, "") for n in self.fields)


StageFormSet = forms.formset_factory(StageForm, extra=1, can_delete=True)


def stages_from(formset) -> list[dict]:
    """The stages the formset holds (empty and deleted rows left out), as given."""
    return [
        {name: f.cleaned_data.get(name) for name in StageForm.base_fields}
        for f in formset.forms
        if f.has_changed() and not f.cleaned_data.get("DELETE")
    ]


def show_errors(exc: ApplicationError, form: ProgrammeForm, formset) -> None:
    """The service's errors on the forms: "stages.<n>.<field>" on the stage rows."""
    kept = [f for f in formset.forms if f.has_changed() and not f.cleaned_data.get("DELETE")]
    shown = False
    for key, messages in exc.errors.items():
        head, _, rest = key.partition(".")
        if head == "stages" and rest:
            index, _, name = rest.partition(".")
            if index.isdigit() and int(index) < len(kept):
                row = kept[int(index)]
                for message in messages:
                    row.add_error(name if name in row.fields else None, message)
                shown = True
                continue
        for message in messages:
            form.add_error(key if key in form.fields else None, message)
        shown = True
    if not shown:
        form.add_error(None, exc.message)


class StepDownForm(forms.Form):
    trigger = forms.DateField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("confirmed", "Confirm"), ("declined", "Decline")])
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))
