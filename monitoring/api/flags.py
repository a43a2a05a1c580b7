"""/api/v1/flags/: what the evaluation raised on the caller's cases, acknowledged and resolved by
the clinical roles.
"""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from monitoring.evaluation.flags import flag_acknowledge, flag_resolve
from monitoring.models import Flag
from rehab.api import (
    IDEMPOTENCY_CONFLICT,
    IDEMPOTENCY_KEY,
    AccessViewMixin,
    IdFilter,
    clinical_access,
    idempotent,
    summary_access,
)


class FlagClinicalSerializer(ClassifiedSerializer):
    access = clinical_access()
    evaluation = serializers.JSONField(
        read_only=True, help_text="The evaluation that raised or last updated it."
    )

    class Meta:
        model = Flag
        reader = "clinical"
        fields = [
            "access", "id", "case", "phase", "kind", "status", "title", "message",
            "coach_message", "evaluation", "proposed_phase", "raised_at", "updated_at",
            "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by", "resolution",
        ]  # fmt: skip
        read_only_fields = fields


class FlagSummarySerializer(ClassifiedSerializer):
    """A flag's kind and what a coach may read; no clinical explanation."""

    access = summary_access()

    class Meta:
        model = Flag
        reader = "summary"
        fields = [
            "access", "id", "case", "phase", "kind", "status", "coach_message", "raised_at",
            "updated_at", "resolved_at",
        ]  # fmt: skip
        read_only_fields = fields


FLAG_RESPONSE = PolymorphicProxySerializer(
    component_name="Flag",
    serializers=[FlagClinicalSerializer, FlagSummarySerializer],
    resource_type_field_name="access",
)


class FlagResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=4000, help_text="How it was resolved.")


class OpenFlagSerializer(ClassifiedSerializer):
    class Meta:
        model = Flag
        reader = "summary"
        fields = ["id", "kind", "status", "coach_message", "raised_at"]
        read_only_fields = fields


class FlagFilter(filters.FilterSet):
    athlete = IdFilter(field_name="case__athlete_id")
    case = ScopedCaseFilter()
    kind = filters.ChoiceFilter(choices=Flag.Kind.choices)
    status = filters.ChoiceFilter(choices=Flag.Status.choices)
    unresolved = filters.BooleanFilter(
        method="filter_unresolved", help_text="Open or acknowledged."
    )
    raised = filters.DateFromToRangeFilter(
        field_name="raised_at__date", help_text="`raised_after` and `raised_before`."
    )

    class Meta:
        model = Flag
        fields = ["athlete", "case", "kind", "status", "unresolved", "raised"]

    def filter_unresolved(self, queryset, name, value):
        if value is None:
            return queryset
        unresolved = Q(status__in=Flag.UNRESOLVED)
        return queryset.filter(unresolved if value else ~unresolved)


FLAG_CLINICAL_EXAMPLE = {
    "access": "clinical",
    "id": 301,
    "case": 7,
    "phase": 31,
    "kind": "red_flag",
    "status": "open",
    "title": "Red flag: night pain",
    "message": "Night pain on 20 Oct. Review the athlete before any further loading.",
    "coach_message": "Under review by the medical team; no impact training until cleared.",
    "evaluation": {"ready": False, "fired": [{"kind": "night_pain", "met": True}]},
    "proposed_phase": None,
    "raised_at": "2026-10-21T02:00:00Z",
    "updated_at": "2026-10-21T02:00:00Z",
    "acknowledged_at": None,
    "acknowledged_by": None,
    "resolved_at": None,
    "resolved_by": None,
    "resolution": "",
}
FLAG_SUMMARY_EXAMPLE = {
    k: FLAG_CLINICAL_EXAMPLE[k]
    for k in [
        "id", "case", "phase", "kind", "status", "coach_message", "raised_at", "updated_at",
        "resolved_at",
    ]
} | {"access": "summary"}  # fmt: skip
FLAG_EXAMPLES = [
    OpenApiExample("Clinical view", value=FLAG_CLINICAL_EXAMPLE, response_only=True),
    OpenApiExample("Summary view", value=FLAG_SUMMARY_EXAMPLE, response_only=True),
]


@extend_schema_view(
    list=extend_schema(
        summary="List flags",
        description="What the evaluation raised on your cases: red flags, regressions, ready to "
        "advance, missing logs, load spikes. Without clinical access: kind, status and the "
        "coach's message only. `?unresolved=true` for the open and acknowledged ones.",
        responses=FLAG_RESPONSE,
        examples=FLAG_EXAMPLES,
    ),
    retrieve=extend_schema(summary="Get a flag", responses=FLAG_RESPONSE, examples=FLAG_EXAMPLES),
    acknowledge=extend_schema(
        summary="Acknowledge a flag",
        description="Clinical roles of the case. Acknowledging again changes nothing.",
        request=None,
        responses={200: FlagClinicalSerializer},
        examples=[FLAG_EXAMPLES[0]],
    ),
    resolve=extend_schema(
        summary="Resolve a flag",
        description="Clinical roles of the case, with a note. A resolved flag stays resolved: "
        "resolving it again is a 400 that changes nothing (with the same `Idempotency-Key`, "
        "the first answer again).",
        request=FlagResolveSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: FlagClinicalSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[
            OpenApiExample(
                "Resolve",
                value={"resolution": "Seen in clinic: no bony tenderness; continue."},
                request_only=True,
            ),
            FLAG_EXAMPLES[0],
        ],
    ),
)
class FlagViewSet(ScopedViewMixin, AccessViewMixin, viewsets.ReadOnlyModelViewSet):
    clinical_serializer_class = FlagClinicalSerializer
    summary_serializer_class = FlagSummarySerializer
    serializer_class = FlagSummarySerializer
    filterset_class = FlagFilter
    ordering_fields = ["raised_at", "updated_at", "kind", "id"]
    ordering = ["-raised_at", "-id"]
    action_predicates = {
        "acknowledge": permissions.can_manage_flags,
        "resolve": permissions.can_manage_flags,
    }

    def get_queryset(self):
        return Flag.objects.filter(case_id__in=self.scope.case_ids(permissions.can_view_case))

    def sees_clinical(self, flag: Flag) -> bool:
        return self.scope.allows(permissions.can_view_clinical, flag.case_id)

    def _with_case(self, flag: Flag) -> Flag:
        flag.case = self.scope.case(flag.case_id)
        return flag

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None, format=None):
        flag = flag_acknowledge(flag=self._with_case(self.get_object()), by=request.user)
        return Response(FlagClinicalSerializer(flag).data)

    @action(detail=True, methods=["post"])
    @idempotent
    def resolve(self, request, pk=None, format=None):
        flag = self._with_case(self.get_object())  # 404 / 403 before the input is looked at
        data = FlagResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = flag_resolve(
            flag=flag,
            by=request.user,
            resolution=data.validated_data["resolution"],
        )
        return Response(FlagClinicalSerializer(flag).data)
