"""/api/v1/batteries/: test batteries, every test of one sitting left and right in one request,
with the limb symmetry index computed (never sent). Clinical detail: the case's clinical roles
and its athlete read them; coaches never do.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Case
from athletes.permissions.classification import FieldClass
from monitoring.ingest.batteries import battery_record
from monitoring.models import BatteryResult, TestBattery
from protocols.engine.battery import BATTERY_TESTS, FORCE_UNITS, MUSCLE_GROUPS
from rehab.api import IDEMPOTENCY_CONFLICT, IDEMPOTENCY_KEY, IdFilter, idempotent

WRITE_BATTERIES = "write:batteries"
CLINICAL = FieldClass.CLINICAL


class BatteryResultSerializer(ClassifiedSerializer):
    involved = serializers.FloatField(read_only=True, allow_null=True)
    uninvolved = serializers.FloatField(read_only=True, allow_null=True)
    lsi = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Limb symmetry index, involved ÷ uninvolved × 100; null when incomplete.",
    )
    complete = serializers.BooleanField(
        read_only=True, help_text='False: a side is missing ("incomplete"), no LSI.'
    )

    class Meta:
        model = BatteryResult
        reader = "clinical"
        fields = [
            "test", "muscle_group", "unit", "left", "right", "pain", "involved", "uninvolved",
            "lsi", "complete",
        ]  # fmt: skip
        read_only_fields = fields
        field_classes = dict.fromkeys(["involved", "uninvolved", "lsi", "complete"], CLINICAL)


class BatterySerializer(ClassifiedSerializer):
    results = BatteryResultSerializer(many=True, read_only=True)

    class Meta:
        model = TestBattery
        reader = "clinical"
        fields = [
            "id", "case", "date", "involved_side", "limb_length_left_cm", "limb_length_right_cm",
            "notes", "assessed_by", "created_at", "results",
        ]  # fmt: skip
        read_only_fields = fields


class ResultInputSerializer(serializers.Serializer):
    test = serializers.ChoiceField(choices=[(t.code, t.label) for t in BATTERY_TESTS])
    muscle_group = serializers.ChoiceField(
        choices=MUSCLE_GROUPS, required=False, allow_blank=True, help_text="Dynamometer only."
    )
    unit = serializers.ChoiceField(
        choices=list(FORCE_UNITS), required=False, allow_blank=True, help_text="Dynamometer only."
    )
    left = serializers.FloatField(min_value=0, required=False, allow_null=True)
    right = serializers.FloatField(min_value=0, required=False, allow_null=True)
    pain = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)


class BatteryInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on which you may record batteries."
    )
    date = serializers.DateField()
    involved_side = serializers.ChoiceField(
        choices=TestBattery.Side.choices,
        required=False,
        allow_null=True,
        help_text="Only when the case's side is bilateral or not applicable; otherwise the "
        "case's side.",
    )
    limb_length_left_cm = serializers.FloatField(min_value=0, required=False, allow_null=True)
    limb_length_right_cm = serializers.FloatField(min_value=0, required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    results = ResultInputSerializer(many=True, allow_empty=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_record_battery)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)


class BatteryFilter(filters.FilterSet):
    athlete = IdFilter(field_name="case__athlete_id")
    case = ScopedCaseFilter()
    date = filters.DateFromToRangeFilter(help_text="`date_after` and `date_before`.")

    class Meta:
        model = TestBattery
        fields = ["athlete", "case", "date"]


BATTERY_EXAMPLE = {
    "id": 12,
    "case": 7,
    "date": "2026-11-20",
    "involved_side": "left",
    "limb_length_left_cm": None,
    "limb_length_right_cm": None,
    "notes": "",
    "assessed_by": 6,
    "created_at": "2026-11-20T15:30:00Z",
    "results": [
        {
            "test": "hop_distance", "muscle_group": "", "unit": "cm", "left": 112.0,
            "right": 130.0, "pain": 1, "involved": 112.0, "uninvolved": 130.0, "lsi": 86.2,
            "complete": True,
        },
        {
            "test": "isometric_strength", "muscle_group": "plantarflexors", "unit": "N",
            "left": 980.0, "right": None, "pain": 0, "involved": 980.0, "uninvolved": None,
            "lsi": None, "complete": False,
        },
    ],
}  # fmt: skip
BATTERY_REQUEST = {
    "case": 7,
    "date": "2026-11-20",
    "results": [
        {"test": "hop_distance", "left": 112, "right": 130, "pain": 1},
        {"test": "hops_to_pain", "left": 14, "right": 30, "pain": 2},
        {"test": "isometric_strength", "muscle_group": "plantarflexors", "unit": "N",
         "left": 980, "right": 1100, "pain": 0},
    ],
}  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        summary="List test batteries",
        description="The case's clinical roles and its athlete; never coaches. Each result "
        "carries its computed limb symmetry index (`lsi`, null when incomplete).",
        examples=[OpenApiExample("A battery", value=BATTERY_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get a test battery",
        examples=[OpenApiExample("A battery", value=BATTERY_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Record a test battery",
        description="Every test of one sitting in one request (all or nothing): left and right "
        "values and the pain during each test. A test with one side is kept as incomplete (no "
        "limb symmetry index); one battery per case and day. Clinical roles only; an OAuth2 "
        f"token needs `{WRITE_BATTERIES}`. Send an `Idempotency-Key` to make a retry safe.",
        request=BatteryInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: BatterySerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[
            OpenApiExample("A battery", value=BATTERY_REQUEST, request_only=True),
            OpenApiExample("A battery", value=BATTERY_EXAMPLE, response_only=True),
        ],
    ),
)
class BatteryViewSet(ScopedViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    records_access = True  # a detail read is in the access log
    serializer_class = BatterySerializer
    filterset_class = BatteryFilter
    ordering_fields = ["date", "id"]
    ordering = ["-date", "-id"]
    required_scopes = {"create": WRITE_BATTERIES}

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return TestBattery.objects.none()
        ids = self.scope.case_ids(permissions.can_view_batteries)
        return (
            # each prefetched result knows its battery (its LSI reads the involved side)
            TestBattery.objects.filter(case_id__in=ids).prefetch_related(
                Prefetch("results", queryset=BatteryResult.objects.order_by("id"))
            )
        )

    @idempotent
    def create(self, request, *args, **kwargs):
        data = BatteryInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        battery = battery_record(
            case=self.scope.case(values["case"].pk),
            date=values["date"],
            results=[dict(r) for r in values["results"]],
            involved_side=values.get("involved_side"),
            limb_length_left_cm=values.get("limb_length_left_cm"),
            limb_length_right_cm=values.get("limb_length_right_cm"),
            notes=values.get("notes", ""),
            assessed_by=request.user,
        )
        battery = self.get_queryset().get(pk=battery.pk)
        return Response(BatterySerializer(battery).data, status=status.HTTP_201_CREATED)
