"""/api/v1/cases/: the athletes' case endpoint (`athletes.api.cases`) with the active plan, the
open flags, the femoral neck and bone-health records, and the FHIR export.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from athletes import permissions
from athletes.api import cases as athlete_cases
from athletes.models import Case
from monitoring.api import fhir
from monitoring.api.assessments import AssessmentSerializer
from monitoring.api.fhir_views import (
    FHIRRenderer,
    check_parameters,
    fhir_exception_handler,
)
from monitoring.api.fhir_views import responses as fhir_responses
from monitoring.api.flags import OpenFlagSerializer
from monitoring.api.running import (
    REQUIRED_SCOPES,
    RUNNING_BASELINE_EXAMPLE,
    RunningBaselineActions,
    RunningBaselineSerializer,
)
from monitoring.care import rules as care_rules
from monitoring.care import services as care_services
from monitoring.models import Flag
from protocols.api.plans import PlanRefClinicalSerializer, PlanRefSerializer
from protocols.models import Plan


class FemoralNeckSerializer(serializers.Serializer):
    ortho_decision = serializers.ChoiceField(
        choices=["conservative", "surgical"], required=False, allow_null=True
    )
    decided_on = serializers.DateField(required=False, allow_null=True)
    fracture_line_percent = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True
    )
    effusion = serializers.BooleanField(required=False, allow_null=True, default=None)


class BoneHealthReviewSerializer(serializers.Serializer):
    date = serializers.DateField()
    energy = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    bmi = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    menarche = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    menses = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    bmd = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    bsi = serializers.IntegerField(min_value=0, max_value=2, required=False, allow_null=True)
    vitamin_d_nmol_l = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=500, required=False, allow_null=True
    )
    calcium_mg = serializers.IntegerField(
        min_value=0, max_value=5000, required=False, allow_null=True
    )
    intake_concerns = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    reds_result = serializers.ChoiceField(
        choices=["negative", "positive"],
        required=False,
        allow_null=True,
        help_text="Deprecated: record the IOC REDs CAT2 screen at /api/v1/bone-health/{case}/"
        "reds-screens/ (its light is computed from each indicator).",
    )
    reds_indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=list(care_rules.REDS_INDICATORS)),
        required=False,
        help_text="Deprecated, with `reds_result`.",
    )

    def validate(self, data):
        scored = any(data.get(k) is not None for k in care_rules.CRA_COMPONENTS)
        if not scored and not data.get("reds_result"):
            raise ValidationError(
                {"energy": "Score the Triad items, or send a REDs screen (reds_result)."}
            )
        return data


class PlanAndFlagsMixin(serializers.Serializer):
    """The case's active plan (prefetched as `active_plans`) and open flags (`open_flags`)."""

    plan_serializer_class: type[serializers.Serializer] = PlanRefSerializer
    plan = serializers.SerializerMethodField()
    open_flags = serializers.SerializerMethodField()

    def get_plan(self, case: Case) -> dict | None:
        plans = getattr(case, "active_plans", None)
        return self.plan_serializer_class(plans[0]).data if plans else None

    @extend_schema_field(OpenFlagSerializer(many=True))
    def get_open_flags(self, case: Case) -> list:
        return OpenFlagSerializer(getattr(case, "open_flags", []), many=True).data


class CaseSummarySerializer(PlanAndFlagsMixin, athlete_cases.CaseSummarySerializer):
    plan = extend_schema_field(PlanRefSerializer(allow_null=True))(
        serializers.SerializerMethodField()
    )

    class Meta(athlete_cases.CaseSummarySerializer.Meta):
        fields = [*athlete_cases.CaseSummarySerializer.Meta.fields, "plan", "open_flags"]
        field_classes = {"plan": PlanRefSerializer, "open_flags": OpenFlagSerializer}


class CaseClinicalSerializer(PlanAndFlagsMixin, athlete_cases.CaseClinicalSerializer):
    plan_serializer_class = PlanRefClinicalSerializer
    running_baseline = RunningBaselineSerializer(source="*", read_only=True)
    plan = extend_schema_field(PlanRefClinicalSerializer(allow_null=True))(
        serializers.SerializerMethodField()
    )

    class Meta(athlete_cases.CaseClinicalSerializer.Meta):
        fields = [
            *athlete_cases.CaseClinicalSerializer.Meta.fields,
            "plan",
            "open_flags",
            "running_baseline",
        ]
        field_classes = {
            **athlete_cases.CaseClinicalSerializer.Meta.field_classes,
            "running_baseline": RunningBaselineSerializer,
            "plan": PlanRefClinicalSerializer,
            "open_flags": OpenFlagSerializer,
        }


CASE_RESPONSE = PolymorphicProxySerializer(
    component_name="Case",
    serializers=[CaseClinicalSerializer, CaseSummarySerializer],
    resource_type_field_name="access",
)
CASE_PLAN_EXAMPLE = {
    "plan": {
        "id": 9,
        "status": "active",
        "started_on": "2026-10-01",
        "current_phase": {
            "id": 31,
            "order": 2,
            "name": "Walk-run",
            "started_on": "2026-10-15",
            "weight_bearing": "fwb",
            "crutches": False,
            "impact": "moderate",
            "prescriptions": [{"activity": "walk_run", "minutes": 30, "sessions_per_week": 3}],
        },
    },
    "open_flags": [
        {
            "id": 301,
            "kind": "load_spike",
            "status": "open",
            "coach_message": "Training load rose sharply; check the plan with the medical team.",
            "raised_at": "2026-10-21T02:00:00Z",
        }
    ],
}
CASE_EXAMPLES = [
    OpenApiExample(
        "Clinical view",
        value={
            **athlete_cases.CASE_CLINICAL_EXAMPLE,
            **CASE_PLAN_EXAMPLE,
            "plan": {
                **CASE_PLAN_EXAMPLE["plan"],
                "name": "Low-risk tibial BSI: return to running",
            },
            "running_baseline": RUNNING_BASELINE_EXAMPLE,
        },
        response_only=True,
    ),
    OpenApiExample(
        "Summary view",
        value={**athlete_cases.CASE_SUMMARY_EXAMPLE, **CASE_PLAN_EXAMPLE},
        response_only=True,
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List cases",
        description="The cases you are on (or were granted), with the care team, the active "
        "plan and the open flags. Coaches, nutritionists, psychologists and integration "
        "accounts get the summary view: no site, grade, imaging or risk factors.",
        responses=CASE_RESPONSE,
        examples=CASE_EXAMPLES,
    ),
    retrieve=extend_schema(summary="Get a case", responses=CASE_RESPONSE, examples=CASE_EXAMPLES),
)
class CaseViewSet(RunningBaselineActions, athlete_cases.CaseViewSetBase):
    required_scopes = REQUIRED_SCOPES
    clinical_serializer_class = CaseClinicalSerializer
    summary_serializer_class = CaseSummarySerializer
    serializer_class = CaseSummarySerializer
    action_predicates = {
        "fhir": permissions.can_view_clinical,
        "femoral_neck": permissions.can_record_orthopaedic_decision,
        "bone_health_review": permissions.can_record_bone_health_review,
        "running_baseline": permissions.can_record_running_baseline,
    }

    def get_exception_handler(self):
        # The FHIR export's errors are OperationOutcomes, like the FHIR endpoint's.
        if getattr(self, "action", None) == "fhir":
            return fhir_exception_handler
        return super().get_exception_handler()

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "plans",
                    queryset=Plan.objects.filter(status=Plan.Status.ACTIVE).select_related(
                        "current_phase"
                    ),
                    to_attr="active_plans",
                ),
                Prefetch(
                    "flags",
                    queryset=Flag.objects.filter(status__in=Flag.UNRESOLVED).order_by(
                        "-raised_at", "-id"
                    ),
                    to_attr="open_flags",
                ),
            )
        )

    @extend_schema(
        summary="Record femoral neck findings and the orthopaedic decision",
        description="The case's clinicians only (not physiotherapists). A fracture line over "
        "50% of the neck width or an effusion is a red flag (urgent referral); on the tension "
        "side, weight bearing beyond touch-down waits for a recorded decision (Robertson & "
        "Wood 2017). Send any of the fields; `decided_on` with `ortho_decision`.",
        request=FemoralNeckSerializer,
        responses={200: CaseClinicalSerializer},
        examples=[
            OpenApiExample(
                "A conservative decision and the MRI findings",
                value={
                    "ortho_decision": "conservative",
                    "decided_on": "2026-11-20",
                    "fracture_line_percent": 30,
                    "effusion": False,
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="femoral-neck")
    def femoral_neck(self, request, pk=None, format=None):
        case = self.get_object()
        data = FemoralNeckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        care_services.femoral_neck_record(case=case, by=request.user, **data.validated_data)
        case.refresh_from_db()
        return Response(CaseClinicalSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Record a bone-health review (Triad items)",
        description="The Triad cumulative risk score is computed from its items (0-2 each; "
        "items left out are not scored, and the score is then incomplete, never a clearance; "
        "the menstrual items only for women). The Triad tool is validated in women only. The "
        "REDs screen for every athlete, men included, is the IOC REDs CAT2 at `POST "
        "/api/v1/bone-health/{case}/reds-screens/`: its light is computed from each indicator. "
        "Deprecated here: `reds_result` with `reds_indicators`, a clinician's positive/negative "
        "result from five coarse indicators, still recorded as a `reds_screen` (0 negative, 1 "
        "positive) for existing clients. A restricted score or a positive REDs screen flags the "
        "case for the clinical team.",
        request=BoneHealthReviewSerializer,
        responses={201: AssessmentSerializer(many=True)},
        examples=[
            OpenApiExample(
                "A woman's Triad assessment",
                value={
                    "date": "2026-11-20",
                    "energy": 1,
                    "bmi": 0,
                    "menarche": 0,
                    "menses": 1,
                    "bmd": 0,
                    "bsi": 1,
                },
                request_only=True,
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path="bone-health-reviews")
    def bone_health_review(self, request, pk=None, format=None):
        case = self.get_object()
        data = BoneHealthReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        points = {key: v.get(key) for key in care_rules.CRA_COMPONENTS}
        made = []
        with transaction.atomic():
            if any(value is not None for value in points.values()):
                triad, _ = care_services.bone_health_review_record(
                    case=case,
                    by=request.user,
                    date=v["date"],
                    points=points,
                    vitamin_d_nmol_l=v.get("vitamin_d_nmol_l"),
                    calcium_mg=v.get("calcium_mg"),
                    intake_concerns=v.get("intake_concerns", ""),
                )
                made.append(triad)
            if v.get("reds_result"):
                made.append(
                    care_services.reds_screen_record(
                        case=case,
                        by=request.user,
                        date=v["date"],
                        positive=v["reds_result"] == "positive",
                        indicators=v.get("reds_indicators", []),
                    )
                )
        return Response(AssessmentSerializer(made, many=True).data, status=201)

    @extend_schema(
        summary="Export a case as a FHIR R4 Bundle",
        description=fhir.__doc__,
        responses={
            **fhir_responses("A FHIR R4 Bundle of type collection."),
        },
        examples=[
            OpenApiExample("A bundle (abridged)", value=fhir.EXAMPLE_BUNDLE, response_only=True)
        ],
    )
    @action(detail=True, methods=["get"], renderer_classes=[FHIRRenderer, JSONRenderer])
    def fhir(self, request, pk=None, format=None):
        check_parameters(request)
        case = self.get_object()
        from monitoring.care.selectors import (
            readable_notes,  # the same audience rule as the pages (issue 12)
        )

        return Response(
            fhir.case_bundle(
                case,
                notes=readable_notes(request.user, self.scope.case(case.pk) or case),
            )
        )
