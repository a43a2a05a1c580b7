"""The exercises of a plan's phases (/clinic/cases/<id>/plan/exercises/): for each phase not
finished, rows of an exercise from the library and its dose (sets, reps or seconds, times a
week, notes), saved by ``protocols.services.phase_exercises_update`` as a plan edit. Errors go
back onto the row and the input they are about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from protocols import services
from protocols.builder.access import builder_case, case_url
from protocols.models import Exercise, Impact, Plan, PlanPhase
from rehab.errors import ApplicationError

EXTRA_ROWS = 2


def _number(label: str, low: int, high: int) -> forms.CharField:
    widget = forms.NumberInput(attrs={"min": low, "max": high, "step": 1, "inputmode": "numeric"})
    return forms.CharField(required=False, label=label, widget=widget)


class ExerciseRowForm(forms.Form):
    """One row; the service's rules decide validity (``exercises_clean``)."""

    exercise = forms.ChoiceField(required=False, label="Exercise")
    sets = _number("Sets", 1, 10)
    reps = _number("Reps", 1, 100)
    seconds = _number("Seconds", 1, 600)
    per_week = _number("Times a week", 1, 14)
    notes = forms.CharField(
        required=False, label="Notes for the athlete", widget=forms.TextInput({"maxlength": 300})
    )
    remove = forms.BooleanField(required=False, label="Remove")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exercise"].choices = [("", "Choose an exercise…"), *choices]

    def row(self) -> dict[str, Any] | None:
        """The row as the service takes it; None when removed or left empty."""
        values = {name: (self[name].value() or "") for name in services.EXERCISE_KEYS}
        if self["remove"].value() in (True, "on", "true", "1"):
            return None
        if not any(str(v).strip() for v in values.values()):
            return None
        return values


def _choices() -> list[tuple[str, str]]:
    rows = Exercise.objects.order_by("name").values_list("key", "name", "impact", "trains")
    labels = dict(Impact.choices)
    return [
        (key, f"{name} ({trains}, {labels.get(impact, impact).lower()})")
        for key, name, impact, trains in rows
    ]


def _forms(phase: PlanPhase, choices, data=None) -> list[ExerciseRowForm]:
    prefix = f"ph{phase.pk}"
    if data is not None:
        try:
            count = max(0, min(int(data.get(f"{prefix}-count", 0)), services.MAX_EXERCISES + 5))
        except ValueError:
            count = 0
        return [
            ExerciseRowForm(data, prefix=f"{prefix}-{j}", choices=choices) for j in range(count)
        ]
    rows = [*phase.exercises, *([{}] * EXTRA_ROWS)]
    return [
        ExerciseRowForm(prefix=f"{prefix}-{j}", initial=row, choices=choices)
        for j, row in enumerate(rows)
    ]


def _save(request: HttpRequest, phase: PlanPhase, rows: list[ExerciseRowForm]) -> bool:
    kept = [(form, form.row()) for form in rows]
    kept = [(form, row) for form, row in kept if row is not None]
    try:
        services.phase_exercises_update(
            phase=phase,
            exercises=[row for _, row in kept],
            edited_by=request.user,
            reason=str(request.POST.get("reason") or ""),
        )
    except ApplicationError as exc:
        for key, messages_ in exc.errors.items():
            index, _, field = key.partition(".")
            if index.isdigit() and int(index) < len(kept):
                form = kept[int(index)][0]
                shown = form.errors.get(field, [])  # the form's own check first (once)
                for message in messages_:
                    if message not in shown:
                        form.add_error(field if field in form.fields else None, message)
        messages.error(request, exc.message)
        return False
    return True


@login_required
def plan_exercises(request: HttpRequest, case_id: int) -> HttpResponse:
    case = builder_case(request, case_id)
    if isinstance(case, HttpResponse):
        return case
    plan = (
        Plan.objects.filter(case=case, status__in=[Plan.Status.ACTIVE, Plan.Status.DRAFT])
        .order_by("status")  # active before draft
        .first()
    )
    here = reverse("plans:exercises", kwargs={"case_id": case.pk})
    if plan is None:
        messages.error(request, "Build the plan first.")
        return redirect(reverse("plans:builder", kwargs={"case_id": case.pk}))
    phases = list(plan.phases.filter(ended_on__isnull=True).order_by("order"))
    choices = _choices()
    posted = None
    if request.method == "POST":
        posted = next((p for p in phases if str(p.pk) == request.POST.get("phase")), None)
        if posted is not None:
            rows = _forms(posted, choices, request.POST)
            if _save(request, posted, rows):
                messages.success(request, f"Exercises of “{posted.name}” saved.")
                return redirect(f"{here}#phase-{posted.pk}")
    sections = [
        {
            "phase": phase,
            "rows": rows if phase == posted else _forms(phase, choices),
        }
        for phase in phases
    ]
    status = 400 if posted is not None else 200
    context = {
        "case": case, "plan": plan, "sections": sections, "case_url": case_url(case),
        "builder_url": reverse("plans:builder", kwargs={"case_id": case.pk}),
        "active": plan.status == Plan.Status.ACTIVE,
    }  # fmt: skip
    return render(request, "clinic/plans/exercises.html", context, status=status)
