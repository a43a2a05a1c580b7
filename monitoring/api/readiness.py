"""/api/v1/readiness-questionnaires/: TSK-11 and I-PRRS answered item by item. The total is
computed (TSK-11: the sum of 11 items 1–4, 11–44; I-PRRS: the sum of 6 items 0–100 ÷ 10, 0–60);
a missing answer (null) keeps the questionnaire incomplete, with no total. A complete one is
also an assessment (`tsk11` or `readiness_iprrs`) in /api/v1/assessments/."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Case
from monitoring.care.services.readiness import readiness_record
from monitoring.models import ReadinessQuestionnaire
from rehab.api import IDEMPOTENCY_CONFLICT, IDEMPOTENCY_KEY, IdFilter, idempotent


class ReadinessSerializer(ClassifiedSerializer):
    class Meta:
        model = ReadinessQuestionnaire
        reader = "clinical"
        fields = [
            "id", "case", "instrument", "date", "items", "total", "assessment", "recorded_by",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ReadinessInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on which you record questionnaires."
    )
    instrument = serializers.ChoiceField(choices=ReadinessQuestionnaire.Instrument.choices)
    date = serializers.DateField()
    items = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        help_text="The answers in order (TSK-11: 11 answers 1–4; I-PRRS: 6 answers 0–100); "
        "null for an unanswered item.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_record_readiness)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)


class ReadinessFilter(filters.FilterSet):
    athlete = IdFilter(field_name="case__athlete_id")
    case = ScopedCaseFilter()
    instrument = filters.ChoiceFilter(choices=ReadinessQuestionnaire.Instrument.choices)

    class Meta:
        model = ReadinessQuestionnaire
        fields = ["athlete", "case", "instrument"]


OUT = {
    "id": 31, "case": 7, "instrument": "tsk11", "date": "2026-12-01",
    "items": [3, 3, 2, 2, 3, 2, 3, 2, 3, 2, 3], "total": 28, "assessment": 90,
    "recorded_by": 9, "created_at": "2026-12-01T10:00:00Z",
    "updated_at": "2026-12-01T10:00:00Z",
}  # fmt: skip
RESPONSE = OpenApiExample("A TSK-11", value=OUT, response_only=True)


@extend_schema_view(
    list=extend_schema(
        examples=[RESPONSE],
        summary="List readiness questionnaires",
        description="TSK-11 and I-PRRS answers of your cases (clinical roles and the case's "
        "psychologist); `total` is null when an item is unanswered.",
    ),
    retrieve=extend_schema(summary="Get a readiness questionnaire", examples=[RESPONSE]),
    create=extend_schema(
        summary="Record a TSK-11 or an I-PRRS item by item",
        description="The total is computed, never sent. An answer out of range is a 400 with "
        "the item's error (`item_3`); a null answer makes the questionnaire incomplete. Send "
        "an `Idempotency-Key` to make a retry safe.",
        request=ReadinessInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ReadinessSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[
            OpenApiExample(
                "TSK-11",
                value={
                    "case": 7,
                    "instrument": "tsk11",
                    "date": "2026-12-01",
                    "items": [3, 3, 2, 2, 3, 2, 3, 2, 3, 2, 3],
                },
                request_only=True,
            ),
            RESPONSE,
        ],
    ),
)
class ReadinessViewSet(ScopedViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    records_access = True
    serializer_class = ReadinessSerializer
    filterset_class = ReadinessFilter
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return ReadinessQuestionnaire.objects.none()
        ids = self.scope.case_ids(permissions.can_view_readiness)
        return ReadinessQuestionnaire.objects.filter(case_id__in=ids)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = ReadinessInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        answers = readiness_record(
            case=self.scope.case(values["case"].pk),
            by=request.user,
            instrument=values["instrument"],
            date=values["date"],
            items=values["items"],
        )
        return Response(ReadinessSerializer(answers).data, status=status.HTTP_201_CREATED)
