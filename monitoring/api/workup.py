"""/api/v1/bone-results/, /api/v1/energy-availability/, /api/v1/workup-tasks/: the bone-health
work-up (clinical data).

Read by the case's clinical roles, its nutritionist and the athlete (own case;
``athletes.permissions.can_view_workup``); anyone else on the case, and any case one is
not on, gets nothing (404 for one object). Recorded by the nutritionist and the case's
physicians (``can_record_bone_health``); a task changed by the role it is for, or a physician.
OAuth2 tokens (integration accounts) read within ``read`` and never write here: an integration
account holds no clinical role.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Case
from monitoring.care import bone_results
from monitoring.care import bone_rules as rules
from monitoring.care.services import workup as services
from monitoring.models import BoneHealthResult, EnergyAvailability, WorkupTask
from rehab.api import IDEMPOTENCY_CONFLICT, IDEMPOTENCY_KEY, ErrorSerializer, idempotent

RESULT = {
    "id": 12, "case": 7, "kind": "vitamin_d", "value": "59.90", "unit": "nmol/L",
    "entered_value": "24.00", "entered_unit": "ng/mL", "measured_on": "2026-12-01",
    "note": "", "recorded_by": 3, "created_at": "2026-12-02T09:00:00Z",
    "reading": "low", "reference": "above 75 nmol/L, preferably above 100 (Larson-Meyer 2015)",
}  # fmt: skip
RESULT_IN = {"case": 7, "kind": "vitamin_d", "value": 24, "unit": "ng/mL",
             "measured_on": "2026-12-01"}  # fmt: skip
ENERGY = {
    "id": 4, "case": 7, "date": "2026-12-03", "intake_kcal": 2100, "exercise_kcal": 950,
    "ffm_kg": "46.0", "ea": "25.0", "band": "low", "note": "", "recorded_by": 5,
    "created_at": "2026-12-03T10:00:00Z",
}  # fmt: skip
ENERGY_IN = {"case": 7, "date": "2026-12-03", "intake_kcal": 2100, "exercise_kcal": 950,
             "ffm_kg": 46}  # fmt: skip
TASK = {
    "id": 9, "case": 7, "kind": "dxa", "assignee_role": "physician", "due_on": "2027-01-03",
    "status": "open", "reasons": "Two or more bone stress injuries", "not_needed_reason": "",
    "closed_on": None, "closed_by": None, "created_at": "2026-12-06T12:00:00Z",
}  # fmt: skip


def _out(name: str, value: dict) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


def _in(name: str, value: dict) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


def _recordable_cases(view):
    return Case.objects.filter(pk__in=view.scope.case_ids(permissions.can_record_bone_health))


class _CaseInput(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(),
        help_text="A case on which you record the work-up (nutritionist, physician).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            self.fields["case"].queryset = _recordable_cases(view)


class _Readable(ScopedViewMixin):
    records_access = True  # a detail read is in the access log
    model: type

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return self.model.objects.none()
        ids = self.scope.case_ids(permissions.can_view_workup)
        return self.model.objects.filter(case_id__in=ids)


# --- results ---------------------------------------------------------------------------------


class BoneResultSerializer(ClassifiedSerializer):
    reading = serializers.SerializerMethodField(
        help_text="low | borderline | ok against the threshold shown, or empty (none here)."
    )
    reference = serializers.SerializerMethodField(help_text="The threshold and its source.")

    class Meta:
        model = BoneHealthResult
        reader = "summary"  # the row's: can_view_workup admits the readers
        field_classes = {"reading": "row", "reference": "row"}
        fields = [
            "id", "case", "kind", "value", "unit", "entered_value", "entered_unit",
            "measured_on", "note", "recorded_by", "created_at", "reading", "reference",
        ]  # fmt: skip
        read_only_fields = fields

    def get_reading(self, result: BoneHealthResult) -> str:
        return bone_results.interpret(result.kind, result.value)[0]

    def get_reference(self, result: BoneHealthResult) -> str:
        return bone_results.RESULT_KINDS[result.kind].reference


class BoneResultInputSerializer(_CaseInput):
    kind = serializers.ChoiceField(choices=BoneHealthResult.Kind.choices)
    value = serializers.DecimalField(max_digits=10, decimal_places=3)
    unit = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="Blank: the result's unit (Z for BMD; nmol/L for 25(OH)D, which also takes "
        "ng/mL, converted × 2.5; µg/L ferritin, or ng/mL, the same number; g/L haemoglobin; "
        "mIU/L TSH; pmol/L oestradiol; nmol/L testosterone).",
    )
    measured_on = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ResultFilter(filters.FilterSet):
    case = ScopedCaseFilter()
    kind = filters.ChoiceFilter(choices=BoneHealthResult.Kind.choices)

    class Meta:
        model = BoneHealthResult
        fields = ["case", "kind"]


@extend_schema_view(
    list=extend_schema(
        summary="List bone-health results",
        description="BMD Z-scores, 25(OH)D, ferritin and other labs of the work-up, each in "
        "its unit with the threshold it is read against. Oldest first.",
        examples=[_out("25(OH)D entered in ng/mL", RESULT)],
    ),
    retrieve=extend_schema(summary="Get a bone-health result", examples=[_out("A result", RESULT)]),
    create=extend_schema(
        summary="Record a bone-health result",
        description="Closes the work-up task it answers; the latest 25(OH)D becomes the case's "
        "vitamin D. Send an `Idempotency-Key` to make a retry safe.",
        request=BoneResultInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: BoneResultSerializer, 400: ErrorSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[_in("25(OH)D in ng/mL", RESULT_IN), _out("The result recorded", RESULT)],
    ),
)
class BoneResultViewSet(_Readable, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = BoneHealthResult
    serializer_class = BoneResultSerializer
    filterset_class = ResultFilter
    ordering_fields = ["measured_on", "id"]
    ordering = ["measured_on", "id"]

    @idempotent
    def create(self, request, *args, **kwargs):
        data = BoneResultInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = services.bone_result_record(
            case=self.scope.case(values["case"].pk),
            by=request.user,
            kind=values["kind"],
            value=values["value"],
            unit=values.get("unit") or "",
            measured_on=values["measured_on"],
            note=values.get("note") or "",
        )
        return Response(BoneResultSerializer(result).data, status=status.HTTP_201_CREATED)


# --- energy availability ---------------------------------------------------------------------


class EnergySerializer(ClassifiedSerializer):
    band = serializers.SerializerMethodField(
        help_text="low (< 30) | reduced (30–45) | optimal (≥ 45) kcal/kg FFM/day (Burke 2018)."
    )

    class Meta:
        model = EnergyAvailability
        reader = "summary"  # the row's: can_view_workup admits the readers
        field_classes = {"band": "row"}
        fields = [
            "id", "case", "date", "intake_kcal", "exercise_kcal", "ffm_kg", "ea", "band",
            "note", "recorded_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_band(self, record: EnergyAvailability) -> str:
        return rules.ea_band(record.ea)


class EnergyInputSerializer(_CaseInput):
    date = serializers.DateField()
    intake_kcal = serializers.IntegerField(help_text="Energy intake, kcal/day.")
    exercise_kcal = serializers.IntegerField(help_text="Exercise energy expenditure, kcal/day.")
    ffm_kg = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="More than 0.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    replace = serializers.BooleanField(
        required=False,
        default=False,
        help_text="One record per case and date: true corrects the date's record; without it a "
        "second record of the date is a 400 on `date`.",
    )


class EnergyFilter(filters.FilterSet):
    case = ScopedCaseFilter()

    class Meta:
        model = EnergyAvailability
        fields = ["case"]


@extend_schema_view(
    list=extend_schema(
        summary="List energy-availability records",
        description="EA = (intake − exercise energy expenditure) / fat-free mass, kcal/kg "
        "FFM/day, computed by the server (never sent). Oldest first.",
        examples=[_out("A low EA", ENERGY)],
    ),
    retrieve=extend_schema(
        summary="Get an energy-availability record", examples=[_out("A record", ENERGY)]
    ),
    create=extend_schema(
        summary="Record energy availability",
        description="One record per case and date: a second one for the date is a 400 on `date` "
        "unless `replace` is true, which corrects it. A fat-free mass of 0 or a negative intake "
        "is a 400 with field errors.",
        request=EnergyInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: EnergySerializer, 400: ErrorSerializer, 409: IDEMPOTENCY_CONFLICT},
        examples=[_in("A day's estimate", ENERGY_IN), _out("EA computed", ENERGY)],
    ),
)
class EnergyAvailabilityViewSet(_Readable, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = EnergyAvailability
    serializer_class = EnergySerializer
    filterset_class = EnergyFilter
    ordering_fields = ["date", "id"]
    ordering = ["date", "id"]

    @idempotent
    def create(self, request, *args, **kwargs):
        data = EnergyInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        record = services.energy_availability_record(
            case=self.scope.case(values["case"].pk),
            by=request.user,
            date=values["date"],
            intake_kcal=values["intake_kcal"],
            exercise_kcal=values["exercise_kcal"],
            ffm_kg=values["ffm_kg"],
            note=values.get("note") or "",
            replace=values["replace"],
        )
        return Response(EnergySerializer(record).data, status=status.HTTP_201_CREATED)


# --- tasks -----------------------------------------------------------------------------------


class TaskSerializer(ClassifiedSerializer):
    class Meta:
        model = WorkupTask
        reader = "summary"  # the row's: can_view_workup admits the readers
        fields = [
            "id", "case", "kind", "assignee_role", "due_on", "status", "reasons",
            "not_needed_reason", "closed_on", "closed_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class TaskUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=WorkupTask.Status.choices, required=False)
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="Required for not_needed."
    )
    due_on = serializers.DateField(required=False)


class TaskFilter(filters.FilterSet):
    case = ScopedCaseFilter()
    status = filters.ChoiceFilter(choices=WorkupTask.Status.choices)
    assignee_role = filters.ChoiceFilter(choices=WorkupTask.Role.choices)

    class Meta:
        model = WorkupTask
        fields = ["case", "status", "assignee_role"]


@extend_schema_view(
    list=extend_schema(
        summary="List work-up tasks",
        description="The tasks the triggers asked for (created once per case and kind), with "
        "the role they are for, the due date and the status.",
        examples=[_out("A DXA scan due", TASK)],
    ),
    retrieve=extend_schema(summary="Get a work-up task", examples=[_out("A task", TASK)]),
    partial_update=extend_schema(
        summary="Change a work-up task",
        description="Mark it done, not needed (with a `reason`) or open again, or move its "
        "due date. By the role it is for, or a physician.",
        request=TaskUpdateSerializer,
        responses={200: TaskSerializer, 400: ErrorSerializer},
        examples=[
            _in("Not needed", {"status": "not_needed", "reason": "Scanned in October"}),
            _out("The task", TASK | {"status": "not_needed", "closed_on": "2026-12-06"}),
        ],
    ),
)
class WorkupTaskViewSet(_Readable, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    model = WorkupTask
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    ordering_fields = ["due_on", "id"]
    ordering = ["due_on", "id"]
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        task = self.get_object()
        case = self.scope.case(task.case_id)
        if not permissions.can_close_workup_task(request.user, case, task.assignee_role):
            raise PermissionDenied("This task is for another role on the case.")
        task.case = case
        data = TaskUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        task = services.workup_task_update(
            task=task,
            by=request.user,
            status=values.get("status"),
            reason=values.get("reason", ""),
            due_on=values.get("due_on"),
        )
        return Response(TaskSerializer(task).data)
