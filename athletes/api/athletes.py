"""/api/v1/athletes/: the athletes of the caller's cases, in the clinical or the summary view;
``PATCH`` corrects the guardian's contact (the clinical team only, through ``guardian_update``)."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Athlete, Team
from athletes.permissions.classification import FieldClass
from athletes.services import GUARDIAN_FIELDS, guardian_update
from rehab.api import AccessViewMixin, ErrorSerializer, IdFilter, clinical_access, summary_access


class TeamRefSerializer(ClassifiedSerializer):
    class Meta:
        model = Team
        reader = "summary"
        fields = ["id", "name", "sport"]


class AthleteRefSerializer(ClassifiedSerializer):
    class Meta:
        model = Athlete
        reader = "summary"
        fields = ["id", "first_name", "last_name"]


class AthleteSummarySerializer(ClassifiedSerializer):
    access = summary_access()
    team = TeamRefSerializer(allow_null=True)
    cases = serializers.SerializerMethodField(help_text="Ids of this athlete's cases you see.")

    class Meta:
        model = Athlete
        reader = "summary"
        fields = ["access", "id", "first_name", "last_name", "sport", "team", "cases"]
        field_classes = {"cases": FieldClass.COACH_SAFE}

    def get_cases(self, athlete: Athlete) -> list[int]:
        return sorted(c.pk for c in self.context["view"].scope.cases_of_athlete(athlete.pk))


class AthleteClinicalSerializer(AthleteSummarySerializer):
    access = clinical_access()

    class Meta(AthleteSummarySerializer.Meta):
        reader = "clinical"
        fields = [
            *AthleteSummarySerializer.Meta.fields,
            "date_of_birth",
            "sex",
            "guardian_name",
            "guardian_relationship",
            "guardian_phone",
            "guardian_email",
        ]


class GuardianUpdateSerializer(serializers.Serializer):
    """The guardian's contact, the only fields a PATCH changes; blank clears one. Any other
    field is refused by name (the athlete's other details are not edited here)."""

    guardian_name = serializers.CharField(max_length=160, required=False, allow_blank=True)
    guardian_relationship = serializers.CharField(max_length=60, required=False, allow_blank=True)
    guardian_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    guardian_email = serializers.EmailField(required=False, allow_blank=True)

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(GUARDIAN_FIELDS)) if isinstance(data, dict) else []
        errors: dict = {}
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = dict(exc.detail)
            values = {}
        for name in unknown:
            errors[name] = ["Read-only here: only the guardian's fields change."]
        if not errors and not values:
            errors["non_field_errors"] = [f"Give one of {', '.join(GUARDIAN_FIELDS)}."]
        if errors:
            raise serializers.ValidationError(errors)
        return values


TEAM_EXAMPLE = {"id": 3, "name": "Harriers", "sport": "Athletics"}
ATHLETE_REF_EXAMPLE = {"id": 12, "first_name": "Maya", "last_name": "Okafor"}
ATHLETE_SUMMARY_EXAMPLE = {
    "access": "summary",
    "id": 12,
    "first_name": "Maya",
    "last_name": "Okafor",
    "sport": "Distance running",
    "team": TEAM_EXAMPLE,
    "cases": [7],
}
ATHLETE_CLINICAL_EXAMPLE = {
    **ATHLETE_SUMMARY_EXAMPLE,
    "access": "clinical",
    "date_of_birth": "2002-05-01",
    "sex": "female",
    "guardian_name": "",
    "guardian_relationship": "",
    "guardian_phone": "",
    "guardian_email": "",
}


GUARDIAN_CHANGE = {
    "guardian_name": "Ruth Quinn",
    "guardian_relationship": "Mother",
    "guardian_phone": "",
    "guardian_email": "ruth.quinn@example.org",
}


def examples(**named: dict) -> list[OpenApiExample]:
    """Response examples, one per view (`clinical=..., summary=...`)."""
    return [
        OpenApiExample(f"{name.capitalize()} view", value=value, response_only=True)
        for name, value in named.items()
    ]


ATHLETE_RESPONSE = PolymorphicProxySerializer(
    component_name="Athlete",
    serializers=[AthleteClinicalSerializer, AthleteSummarySerializer],
    resource_type_field_name="access",
)


class AthleteFilter(filters.FilterSet):
    team = IdFilter(field_name="team_id", help_text="Only athletes of this team.")
    case = ScopedCaseFilter(athlete_field="pk", help_text="The athlete of this case.")

    class Meta:
        model = Athlete
        fields = ["team", "case"]


@extend_schema_view(
    list=extend_schema(
        summary="List athletes",
        description="Athletes of the cases you are on (or were granted). Date of birth and sex "
        "only for those who may see clinical data on one of the athlete's cases.",
        responses=ATHLETE_RESPONSE,
        examples=examples(clinical=ATHLETE_CLINICAL_EXAMPLE, summary=ATHLETE_SUMMARY_EXAMPLE),
    ),
    retrieve=extend_schema(
        summary="Get an athlete",
        responses=ATHLETE_RESPONSE,
        examples=examples(clinical=ATHLETE_CLINICAL_EXAMPLE, summary=ATHLETE_SUMMARY_EXAMPLE),
    ),
    partial_update=extend_schema(
        summary="Correct an athlete's guardian contact",
        description="Only `guardian_name`, `guardian_relationship`, `guardian_phone` and "
        "`guardian_email` (blank clears one); any other field is a 400 naming it. The "
        "athlete's clinical team only (lead clinician, clinician, physio on one of their "
        "cases): others on the case get 403. Under 18 the athlete keeps a guardian's name and "
        "a phone or an e-mail, as at intake (400 with the missing fields); an adult's may be "
        "cleared. OAuth2 access tokens cannot do this.",
        request=GuardianUpdateSerializer,
        responses={200: AthleteClinicalSerializer, 400: ErrorSerializer},
        examples=[
            OpenApiExample("A new guardian", value=GUARDIAN_CHANGE, request_only=True),
            OpenApiExample(
                "The athlete, clinical view",
                value={
                    **ATHLETE_CLINICAL_EXAMPLE,
                    "date_of_birth": "2010-06-01",
                    **GUARDIAN_CHANGE,
                },
                response_only=True,
            ),
        ],
    ),
)
class AthleteViewSet(
    ScopedViewMixin, AccessViewMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    clinical_serializer_class = AthleteClinicalSerializer
    summary_serializer_class = AthleteSummarySerializer
    serializer_class = AthleteSummarySerializer
    filterset_class = AthleteFilter
    ordering_fields = ["id", "last_name", "first_name"]
    ordering = ["last_name", "first_name", "id"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        ids = self.scope.athlete_ids(permissions.can_view_case)
        return Athlete.objects.filter(pk__in=ids).select_related("team").distinct()

    def sees_clinical(self, athlete: Athlete) -> bool:
        return any(
            permissions.can_view_clinical(self.request.user, case)
            for case in self.scope.cases_of_athlete(athlete.pk)
        )

    def partial_update(self, request, *args, **kwargs):
        athlete = self.get_object()  # 404 unless on one of the caller's cases
        if not permissions.can_edit_guardian_of(
            request.user, self.scope.cases_of_athlete(athlete.pk)
        ):
            raise PermissionDenied("Only the athlete's clinical team corrects the guardian.")
        data = GuardianUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        athlete = guardian_update(athlete=athlete, by=request.user, **data.validated_data)
        return Response(self.represent(athlete))
