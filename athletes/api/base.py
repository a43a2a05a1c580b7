"""What the apps' viewsets build on: the caller's scope of cases (`athletes.api_scopes`), read
once per request, the `?case=` filter that keeps to it, and `ClassifiedSerializer`, the model
serializer that carries only the field classes its reader may see
(`athletes.permissions.classification`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from rest_framework import permissions, serializers

from athletes.api_scopes import ApiScope, scope_for
from athletes.models import AccessRecord, Athlete
from athletes.permissions.classification import READS, FieldClass, class_of
from athletes.services.access import record_access
from rehab.api import CasePredicate, IdFilter, Pagination
from rehab.api_auth import TokenScopes
from rehab.api_conventions import KnownQueryParameters


class ScopedViewMixin:
    """Gives a viewset the caller's `ApiScope` (their cases, loaded once per request)."""

    action_predicates: Mapping[str, Callable[..., bool]] = {}
    permission_classes = [permissions.IsAuthenticated, TokenScopes, CasePredicate]
    required_scopes: Mapping[str, str] = {}
    """The OAuth2 scope each writing action needs (``rehab.api_auth``); reads need ``read``."""
    pagination_class = Pagination
    throttle_scope: str | None = None  # set per action, e.g. "bulk" (ScopedRateThrottle)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        KnownQueryParameters().has_permission(request, self)  # then: a misspelt filter is a 400

    @property
    def scope(self) -> ApiScope:
        return scope_for(self.request)

    records_access = False
    """Detail reads of this resource (notes, goals, assessments) by the case's clinical readers
    are in the access log. Resources with a clinical and a summary view (``AccessViewMixin``)
    log the clinical reads only."""

    def case_id_of(self, obj) -> int | None:
        return getattr(obj, "case_id", None)

    def get_object(self):
        obj = super().get_object()
        if self.request.method == "GET":
            self._record_access(obj)
        return obj

    def _record_access(self, obj) -> None:
        # A clinical view is clinical for whoever gets it; a note or goal is clinical data only
        # for the clinical readers (a coach reading a team note reads no clinical data).
        if hasattr(self, "clinical_serializer_class"):
            if not self.sees_clinical(obj):
                return
            always = True
        elif self.records_access:
            always = False
        else:
            return
        case = self._case_of(obj)
        if case is not None:
            what = AccessRecord.What.FHIR if self.action == "fhir" else AccessRecord.What.API
            record_access(self.request, case, what, always=always)

    def _case_of(self, obj):
        case_id = self.case_id_of(obj)
        if case_id is not None:
            return self.scope.case(case_id)
        athlete_id = getattr(obj, "athlete_id", None)
        if athlete_id is None and isinstance(obj, Athlete):
            athlete_id = obj.pk
        cases = self.scope.cases_of_athlete(athlete_id) if athlete_id else []
        return cases[0] if cases else None


class ScopedCaseFilter(IdFilter):
    """`?case=<id>`: only a case the caller reaches; any other id matches nothing.

    With `athlete_field` it selects the rows of the case's athlete (logs, sessions and metrics
    belong to athletes, not cases).
    """

    def __init__(self, *, athlete_field: str | None = None, **kwargs):
        kwargs.setdefault("field_name", "case_id")
        kwargs.setdefault("help_text", "Only rows of this case (one of yours).")
        super().__init__(**kwargs)
        self.athlete_field = athlete_field

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        case = scope_for(self.parent.request).case(int(value))
        if case is None:
            return qs.none()
        if self.athlete_field:
            return qs.filter(**{self.athlete_field: case.athlete_id})
        return qs.filter(**{self.field_name: case.pk})


class ClassifiedSerializer(serializers.ModelSerializer):
    """A model serializer for one reader: ``Meta.reader`` is ``"clinical"`` (the case's clinical
    roles and its athlete) or ``"summary"`` (everyone on the case). Each field it outputs is
    looked up in the classification (through its ``source``, across relations); a field whose
    class the reader may not read, or that has no class, is a configuration error the first time
    the serializer is used, so a summary can never carry a clinical field by a slip in a field
    list. Computed fields (``source="*"``, properties) declare theirs in ``Meta.field_classes``;
    nested serializers are checked themselves and must serve the same or a narrower reader."""

    _checked: set[type] = set()

    def get_fields(self):
        fields = super().get_fields()
        cls = type(self)
        if cls not in ClassifiedSerializer._checked:
            _check(cls, fields)
            ClassifiedSerializer._checked.add(cls)
        return fields


def _check(cls: type[ClassifiedSerializer], fields: dict) -> None:
    meta = cls.Meta
    reader = getattr(meta, "reader", None)
    if reader not in READS:
        raise ImproperlyConfigured(f"{cls.__name__}.Meta.reader must be one of {sorted(READS)}")
    allowed = READS[reader]
    declared = getattr(meta, "field_classes", {})
    for name, field in fields.items():
        found = _class_of_field(meta.model, name, field, declared)
        if isinstance(found, type):  # a nested serializer: it must not read more than this one
            nested = getattr(found.Meta, "reader", None) if hasattr(found, "Meta") else None
            if nested is not None and not READS[nested] <= allowed:
                raise ImproperlyConfigured(
                    f"{cls.__name__}.{name} nests a {nested} serializer in a {reader} one"
                )
            continue
        if found not in allowed:
            raise ImproperlyConfigured(
                f"{cls.__name__}.{name} is {found}: a {reader} serializer may not carry it "
                "(athletes.permissions.classification)"
            )


def _class_of_field(model, name: str, field, declared: dict) -> FieldClass | type:
    if name in declared:
        return declared[name]
    inner = getattr(field, "child", field)
    if isinstance(inner, serializers.BaseSerializer):
        if isinstance(inner, ClassifiedSerializer):
            return type(inner)
        if name in {"prescriptions"}:  # JSON lines of a model field, classified as the field
            return class_of(model._meta.label, name)
        raise ImproperlyConfigured(f"{name}: nest a ClassifiedSerializer or declare its class")
    if getattr(field, "source", None) == "*":
        if type(field).__name__ == "AccessField":  # which view the caller got
            return FieldClass.COACH_SAFE
        raise ImproperlyConfigured(f"{name}: declare its class in Meta.field_classes")
    return _class_of_source(model, field.source or name)


def _class_of_source(model, source: str) -> FieldClass:
    parts = source.split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part.startswith("get_") and part.endswith("_display"):
            part = part[4:-8]
        try:
            found = model._meta.get_field(part)
        except FieldDoesNotExist:
            found = next((f for f in model._meta.concrete_fields if f.attname == part), None)
            if found is None:
                raise ImproperlyConfigured(
                    f"{model._meta.label}.{source}: not a field; declare its class in "
                    "Meta.field_classes"
                ) from None
        if found.concrete:
            field_class = class_of(model._meta.label, found.name)
            if last or field_class not in {FieldClass.COACH_SAFE, FieldClass.ROW}:
                return field_class
        if not last:
            model = found.related_model
    raise ImproperlyConfigured(f"{source}: ends on a relation; declare its class")
