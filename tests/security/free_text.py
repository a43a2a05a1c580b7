"""Every clinical free-text field of a case's records, seeded with the injury site's words.

The fields come from the classification (``athletes.permissions.classification``): each
character field without choices whose class is clinical, on every row that belongs to the case
(the case, its plans and phases, decisions and plan edits, flags, evaluations, reviews, the
athlete's logs and sessions), plus each prescription line's notes. A new clinical text field is
seeded, and so checked by the permission matrix, without a line here.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from athletes.permissions.classification import FieldClass, class_of

APPS = ("athletes", "protocols", "monitoring")


def _rows(model, case):
    names = {f.name for f in model._meta.concrete_fields}
    label = model._meta.label
    if label == "athletes.Case":
        return model.objects.filter(pk=case.pk)
    if "case" in names:
        return model.objects.filter(case=case)
    if "plan" in names:
        return model.objects.filter(plan__case=case)
    if "athlete" in names and label != "athletes.SharingConsent":
        return model.objects.filter(athlete=case.athlete)
    return model.objects.none()


def text_fields(model) -> list[models.Field]:
    """The model's clinical free-text fields."""
    label = model._meta.label
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
        and not f.choices
        and class_of(label, f.name) is FieldClass.CLINICAL
    ]


def seed_clinical_text(case, words: str, tag: str) -> dict[str, str]:
    """Write ``"<words> <tag><n>"`` into every clinical free-text field of the case's rows;
    returns marker → "model.field" (the marker is the unique part)."""
    markers: dict[str, str] = {}
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        fields = text_fields(model)
        is_phase = model._meta.label == "protocols.PlanPhase"
        if not fields and not is_phase:
            continue
        for row in _rows(model, case):
            for field in fields:
                marker = f"{tag}{len(markers)}x"
                value = f"{words} {marker}"
                if field.max_length:
                    value = value[-field.max_length :]
                setattr(row, field.name, value)
                markers[marker] = f"{model._meta.label}.{field.name}"
            if is_phase:
                marker = f"{tag}{len(markers)}x"
                row.prescriptions = [
                    {**rx, "notes": f"{words} {marker}"} for rx in row.prescriptions
                ]
                markers[marker] = "protocols.PlanPhase.prescriptions[].notes"
            row.save()
    return markers
