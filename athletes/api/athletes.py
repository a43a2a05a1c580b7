"""/api/v1/athletes/: the athletes of the caller's cases, in the clinical or the summary view."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Athlete, Team
from athletes.permissions.classification import FieldClass
from rehab.api import AccessViewMixin, IdFilter, clinical_access, summary_access


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
)
class AthleteViewSet(ScopedViewMixin, AccessViewMixin, viewsets.ReadOnlyModelViewSet):
    clinical_serializer_class = AthleteClinicalSerializer
    summary_serializer_class = AthleteSummarySerializer
    serializer_class = AthleteSummarySerializer
    filterset_class = AthleteFilter
    ordering_fields = ["id", "last_name", "first_name"]
    ordering = ["last_name", "first_name", "id"]

    def get_queryset(self):
        ids = self.scope.athlete_ids(permissions.can_view_case)
        return Athlete.objects.filter(pk__in=ids).select_related("team").distinct()

    def sees_clinical(self, athlete: Athlete) -> bool:
        return any(
            permissions.can_view_clinical(self.request.user, case)
            for case in self.scope.cases_of_athlete(athlete.pk)
        )
