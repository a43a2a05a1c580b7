"""Every stored field has a class (athletes.permissions.classification), and the API's serializers
are built on it: a summary view cannot carry a clinical field, whoever writes its field list."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers

from athletes.api.base import ClassifiedSerializer
from athletes.permissions.classification import (
    CLINICAL_READS,
    FIELDS,
    HISTORY,
    SUMMARY_READS,
    FieldClass,
    can_read,
    class_of,
    classes_for,
)
from monitoring.models.care import Review
from rehab.api_urls import router

APPS = ("athletes", "protocols", "monitoring", "rehab")


def _models():
    return [m for m in apps.get_models() if m._meta.app_label in APPS]


def test_every_field_of_every_model_has_a_class():
    """A new field fails here until its class is declared."""
    missing = [
        f"{m._meta.label}.{f.name}"
        for m in _models()
        for f in m._meta.concrete_fields
        if not _declared(m._meta.label, f.name)
    ]
    assert missing == [], f"classify these in athletes.permissions.classification: {missing}"


def _declared(label: str, field: str) -> bool:
    try:
        class_of(label, field)
    except LookupError:
        return False
    return True


def test_no_declaration_is_stale():
    fields = {
        m._meta.label: {f.name for f in (*m._meta.concrete_fields, *m._meta.many_to_many)}
        for m in _models()
    }
    stale = [
        f"{label}.{name}"
        for label, declared in FIELDS.items()
        for name in declared
        if name not in fields.get(label, set())
    ]
    assert stale == []
    assert set(HISTORY) <= fields["monitoring.HistoricalDailyLog"]


def test_the_issue_s_texts_are_clinical():
    """Review notes and phase texts are clinical; the coach-safe text is a separate field."""
    assert class_of("monitoring.Review", "note") is FieldClass.CLINICAL
    assert class_of("monitoring.Review", "coach_note") is FieldClass.COACH_SAFE
    for field in ("goal", "notes", "advance_when", "regress_when", "warn_when"):
        assert class_of("protocols.PlanPhase", field) is FieldClass.CLINICAL
    assert class_of("protocols.HistoricalPlanPhase", "goal") is FieldClass.CLINICAL
    for field in ("site", "side", "grade", "imaging"):
        assert class_of("athletes.Case", field) is FieldClass.CLINICAL
    with pytest.raises(LookupError, match="declare it"):
        class_of("athletes.Case", "diagnosis")


def _output_serializers() -> set[type]:
    found: set[type] = set()
    for _, viewset, _ in router.registry:
        for attr in ("serializer_class", "clinical_serializer_class", "summary_serializer_class"):
            cls = getattr(viewset, attr, None)
            if cls is not None:
                found.add(cls)
    return found


def _walk(cls: type, seen: set[type]) -> None:
    if cls in seen:
        return
    seen.add(cls)
    for field in cls().fields.values():
        inner = getattr(field, "child", field)
        if isinstance(inner, serializers.BaseSerializer):
            _walk(type(inner), seen)
    for value in getattr(getattr(cls, "Meta", None), "field_classes", {}).values():
        if isinstance(value, type):
            _walk(value, seen)


def test_every_output_serializer_is_classified_and_passes_its_check():
    """Building each serializer's fields runs the check: a summary that names a clinical field,
    or a field without a class, raises here."""
    seen: set[type] = set()
    for cls in _output_serializers():
        _walk(cls, seen)
    models = {c for c in seen if hasattr(getattr(c, "Meta", None), "model")}
    unclassified = sorted(c.__name__ for c in models if not issubclass(c, ClassifiedSerializer))
    assert unclassified == []
    assert len(models) >= 20


def test_a_summary_serializer_naming_a_clinical_field_is_refused():
    class Leaky(ClassifiedSerializer):
        class Meta:
            model = Review
            reader = "summary"
            fields = ["id", "due_on", "note"]

    with pytest.raises(ImproperlyConfigured, match="note is clinical"):
        Leaky().fields  # noqa: B018


def test_a_computed_field_needs_a_declared_class():
    class Undeclared(ClassifiedSerializer):
        extra = serializers.SerializerMethodField()

        class Meta:
            model = Review
            reader = "clinical"
            fields = ["id", "extra"]

        def get_extra(self, review) -> str:
            return ""

    with pytest.raises(ImproperlyConfigured, match="declare its class"):
        Undeclared().fields  # noqa: B018


def test_a_clinical_field_through_a_relation_is_clinical():
    class Through(ClassifiedSerializer):
        site = serializers.CharField(source="case.site")

        class Meta:
            model = Review
            reader = "summary"
            fields = ["id", "site"]

    with pytest.raises(ImproperlyConfigured, match="site is clinical"):
        Through().fields  # noqa: B018


@pytest.mark.django_db
def test_who_reads_which_class(
    case, clinician, physio, coach, athlete_user, nutritionist, outsider
):
    for user in (clinician, physio, athlete_user):
        assert classes_for(user, case) == CLINICAL_READS
    for user in (coach, nutritionist):
        assert classes_for(user, case) == SUMMARY_READS
    assert classes_for(outsider, case) == frozenset()
    assert can_read(clinician, case, "monitoring.Review", "note")
    assert not can_read(coach, case, "monitoring.Review", "note")
    assert can_read(coach, case, "monitoring.Review", "coach_note")
