"""/api/v1/cases/: the caller's cases with their care teams; `monitoring.api.cases` extends it."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from athletes import permissions
from athletes.api.athletes import ATHLETE_REF_EXAMPLE, AthleteRefSerializer
from athletes.api.base import ClassifiedSerializer, ScopedViewMixin
from athletes.api.care_team import MEMBER_EXAMPLE, CareTeamMemberSerializer
from athletes.api_scopes import api_cases
from athletes.models import CareTeamMember, Case
from athletes.permissions.classification import FieldClass
from rehab.api import AccessViewMixin, IdFilter, clinical_access, summary_access


class CaseSummarySerializer(ClassifiedSerializer):
    access = summary_access()
    athlete = AthleteRefSerializer()
    care_team = CareTeamMemberSerializer(many=True)

    class Meta:
        model = Case
        reader = "summary"
        fields = [
            "access", "id", "athlete", "status", "target_return_on", "returned_on", "care_team"
        ]  # fmt: skip


class CaseClinicalSerializer(CaseSummarySerializer):
    access = clinical_access()
    site_label = serializers.CharField(source="get_site_display", read_only=True)
    bone_health_flags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(CaseSummarySerializer.Meta):
        reader = "clinical"
        field_classes = {"bone_health_flags": FieldClass.CLINICAL}
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "site",
            "site_label",
            "side",
            "risk",
            "grade",
            "grading_system",
            "imaging",
            "imaging_on",
            "diagnosed_on",
            "prior_bsi_count",
            "red_s_screen",
            "menstrual_status",
            "vitamin_d_nmol_l",
            "bone_health_flags",
            "created_at",
        ]


CASE_SUMMARY_EXAMPLE = {
    "access": "summary",
    "id": 7,
    "athlete": ATHLETE_REF_EXAMPLE,
    "status": "active",
    "target_return_on": "2027-01-15",
    "returned_on": None,
    "care_team": [MEMBER_EXAMPLE],
}
CASE_CLINICAL_EXAMPLE = {
    **CASE_SUMMARY_EXAMPLE,
    "access": "clinical",
    "site": "posteromedial_tibia",
    "site_label": "Posteromedial tibia",
    "side": "left",
    "risk": "low",
    "grade": 2,
    "grading_system": "fredericson",
    "imaging": "mri",
    "imaging_on": "2026-09-29",
    "diagnosed_on": "2026-10-01",
    "prior_bsi_count": 0,
    "red_s_screen": "negative",
    "menstrual_status": "regular",
    "vitamin_d_nmol_l": "82.0",
    "bone_health_flags": [],
    "created_at": "2026-10-01T09:12:00Z",
}


class CaseFilter(filters.FilterSet):
    athlete = IdFilter(field_name="athlete_id", help_text="Cases of this athlete.")
    team = IdFilter(field_name="athlete__team_id", help_text="Cases of this team.")
    status = filters.ChoiceFilter(choices=Case.Status.choices)

    class Meta:
        model = Case
        fields = ["athlete", "team", "status"]


class CaseViewSetBase(ScopedViewMixin, AccessViewMixin, viewsets.ReadOnlyModelViewSet):
    """Cases you are on; `monitoring.api.cases.CaseViewSet` adds the plan, flags and FHIR
    export."""

    clinical_serializer_class = CaseClinicalSerializer
    summary_serializer_class = CaseSummarySerializer
    serializer_class = CaseSummarySerializer
    filterset_class = CaseFilter
    ordering_fields = ["id", "status", "target_return_on", "athlete__last_name"]
    ordering = ["-id"]

    def get_queryset(self):
        return api_cases(self.request.user).prefetch_related(
            Prefetch(
                "care_team",
                queryset=CareTeamMember.objects.select_related("user").order_by("role", "id"),
            )
        )

    def case_id_of(self, obj) -> int:
        return obj.pk

    def sees_clinical(self, case: Case) -> bool:
        return permissions.can_view_clinical(self.request.user, case)
