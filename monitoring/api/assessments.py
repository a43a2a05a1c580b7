"""/api/v1/assessments/: functional tests and scores, recorded by the roles that may record
each test.
"""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Case
from monitoring.ingest.items import assessment_record
from monitoring.models import Assessment
from protocols.engine.criteria.case_facts import SCREEN_TESTS
from rehab.api import IDEMPOTENCY_CONFLICT, IDEMPOTENCY_KEY, IdFilter, idempotent


class AssessmentSerializer(ClassifiedSerializer):
    class Meta:
        model = Assessment
        reader = "summary"  # every field is the row's: can_view_assessment admits the readers
        fields = [
            "id", "case", "date", "test", "value", "pain", "notes", "assessed_by", "created_at"
        ]  # fmt: skip
        read_only_fields = fields


class AssessmentInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on which you may record assessments."
    )
    test = serializers.ChoiceField(choices=Assessment.Test.choices)
    value = serializers.FloatField(help_text="In the test's unit; ranges in docs/criteria.md.")
    date = serializers.DateField()
    pain = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_record_assessment)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)

    def validate(self, data):
        view = self.context["view"]
        case = view.scope.case(data["case"].pk)
        if not permissions.can_record_assessment(view.request.user, case, data["test"]):
            raise ValidationError({"test": "Your role on this case does not record this test."})
        if data["test"] in SCREEN_TESTS:
            raise ValidationError(
                {
                    "test": "The Triad score and the REDs screen are computed from their items: "
                    "record them item by item with the bone-health review, not as a typed total."
                }
            )
        if data["test"] == "strength_symmetry":
            raise ValidationError(
                {
                    "test": "Strength symmetry is computed from a test battery's dynamometer "
                    "values (/api/v1/batteries/), never typed."
                }
            )
        return data


class AssessmentFilter(filters.FilterSet):
    athlete = IdFilter(field_name="case__athlete_id")
    case = ScopedCaseFilter()
    date = filters.DateFromToRangeFilter(help_text="`date_after` and `date_before`.")
    test = filters.ChoiceFilter(choices=Assessment.Test.choices, help_text="The kind of test.")

    class Meta:
        model = Assessment
        fields = ["athlete", "case", "date", "test"]


ASSESSMENT_EXAMPLE = {
    "id": 77,
    "case": 7,
    "date": "2026-10-28",
    "test": "single_leg_hop",
    "value": 12,
    "pain": 0,
    "notes": "Hops on the left leg, no pain.",
    "assessed_by": 6,
    "created_at": "2026-10-28T15:30:00Z",
}


@extend_schema_view(
    list=extend_schema(
        summary="List assessments",
        description="Clinical roles see every assessment of their cases; nutritionists and "
        "psychologists the ones they recorded.",
        examples=[OpenApiExample("An assessment", value=ASSESSMENT_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get an assessment",
        examples=[OpenApiExample("An assessment", value=ASSESSMENT_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Record an assessment",
        description="Clinical roles record any test; nutritionists the Triad cumulative risk "
        "score; psychologists I-PRRS and TSK-11. Send an `Idempotency-Key` to make a retry "
        "safe.",
        request=AssessmentInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: AssessmentSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[
            OpenApiExample(
                "Single-leg hops",
                value={
                    "case": 7,
                    "test": "single_leg_hop",
                    "value": 12,
                    "pain": 0,
                    "date": "2026-10-28",
                    "notes": "Hops on the left leg, no pain.",
                },
                request_only=True,
            ),
            OpenApiExample("An assessment", value=ASSESSMENT_EXAMPLE, response_only=True),
        ],
    ),
)
class AssessmentViewSet(ScopedViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    records_access = True  # a detail read is in the access log
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:
            return Assessment.objects.none()
        clinical = self.scope.case_ids(permissions.can_view_clinical)
        own = self.scope.case_ids(
            lambda u, c: permissions.can_view_assessment(u, c, assessed_by_id=u.pk)
        )
        return Assessment.objects.filter(
            Q(case_id__in=clinical) | Q(case_id__in=own, assessed_by=user)
        )

    @idempotent
    def create(self, request, *args, **kwargs):
        data = AssessmentInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        assessment = assessment_record(
            case=self.scope.case(values["case"].pk),
            test=values["test"],
            value=values["value"],
            date=values["date"],
            assessed_by=request.user,
            pain=values.get("pain"),
            notes=values.get("notes", ""),
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
