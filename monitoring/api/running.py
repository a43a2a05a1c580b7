"""The case's running baseline in the API: read with the case (its clinical view's
``running_baseline``), written with ``POST /api/v1/cases/{id}/running-baseline/`` by the case's
clinical roles and by integration accounts (an OAuth2 token needs ``write:sessions``): km, runs
and minutes a week before the injury, or ``{"compute": true}`` to take the mean of the weeks
recorded before the diagnosis. The step rate and cadence goal are the clinicians' (not an
integration's)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer
from athletes.models import Case
from athletes.permissions.classification import FieldClass
from monitoring.running import selectors, services
from rehab import api_auth
from rehab.errors import ApplicationError


class RunningBaselineSerializer(ClassifiedSerializer):
    # null: not recorded
    km_week = serializers.DecimalField(
        source="pre_injury_km_week",
        max_digits=5,
        decimal_places=1,
        read_only=True,
        allow_null=True,
    )
    runs_week = serializers.DecimalField(
        source="pre_injury_runs_week",
        max_digits=3,
        decimal_places=1,
        read_only=True,
        allow_null=True,
    )
    minutes_week = serializers.IntegerField(
        source="pre_injury_minutes_week", read_only=True, allow_null=True
    )
    source = serializers.CharField(source="pre_injury_source", read_only=True)
    basis = serializers.CharField(source="pre_injury_basis", read_only=True)
    step_rate = serializers.IntegerField(
        source="baseline_step_rate", read_only=True, allow_null=True
    )
    step_rate_source = serializers.CharField(source="baseline_step_rate_source", read_only=True)
    cadence_goal_low_percent = serializers.IntegerField(read_only=True, allow_null=True)
    cadence_goal_high_percent = serializers.IntegerField(read_only=True, allow_null=True)
    cadence_goal_steps = serializers.SerializerMethodField()

    class Meta:
        model = Case
        reader = "clinical"
        fields = [
            "km_week", "runs_week", "minutes_week", "source", "basis", "step_rate",
            "step_rate_source", "cadence_goal_low_percent", "cadence_goal_high_percent",
            "cadence_goal_steps",
        ]  # fmt: skip
        field_classes = {"cadence_goal_steps": FieldClass.CLINICAL}

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField(), allow_null=True))
    def get_cadence_goal_steps(self, case: Case) -> list[int] | None:
        goal = selectors.cadence_goal(case)
        return list(goal) if goal else None


RUNNING_BASELINE_EXAMPLE = {
    "km_week": "42.5",
    "runs_week": "5.0",
    "minutes_week": 230,
    "source": "computed",
    "basis": "Mean of the 6 weeks 21 Aug 2026 – 1 Oct 2026: 30 running sessions (all with a "
    "distance).",
    "step_rate": 164,
    "step_rate_source": "computed",
    "cadence_goal_low_percent": 5,
    "cadence_goal_high_percent": 10,
    "cadence_goal_steps": [172, 180],
}


class RunningBaselineInputSerializer(serializers.Serializer):
    compute = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Compute the baseline from the runs recorded in the 8 weeks before the "
        "diagnosis (at least 4 weeks of them); send no amounts with it.",
    )
    km_week = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, max_value=400, required=False, allow_null=True
    )
    runs_week = serializers.DecimalField(
        max_digits=3, decimal_places=1, min_value=0, max_value=21, required=False, allow_null=True
    )
    minutes_week = serializers.IntegerField(
        min_value=0, max_value=3000, required=False, allow_null=True
    )
    step_rate = serializers.IntegerField(
        min_value=100, max_value=250, required=False, allow_null=True,
        help_text="Baseline steps a minute (clinicians only).",
    )  # fmt: skip
    cadence_goal_low_percent = serializers.IntegerField(
        min_value=1, max_value=20, required=False, allow_null=True
    )
    cadence_goal_high_percent = serializers.IntegerField(
        min_value=1, max_value=20, required=False, allow_null=True
    )

    VOLUME = ("km_week", "runs_week", "minutes_week")
    CADENCE = ("step_rate", "cadence_goal_low_percent", "cadence_goal_high_percent")

    def validate(self, data):
        if data.get("compute") and any(name in data for name in self.VOLUME):
            raise ValidationError({"compute": "Compute it, or send the amounts: not both."})
        if not data.get("compute") and not any(n in data for n in self.VOLUME + self.CADENCE):
            raise ValidationError({"km_week": "Send the amounts, or compute: true."})
        return data


class RunningBaselineActions:
    """``CaseViewSet``'s running-baseline action (mixed in)."""

    @extend_schema(
        summary="Record the pre-injury running baseline (and the cadence goal)",
        description="The case's clinical roles, and integration accounts (an OAuth2 token "
        "needs `write:sessions`). Send km, runs and/or minutes a week before the injury "
        "(source `entered`), or `compute: true` for the mean of the weeks recorded before the "
        "diagnosis (source `computed`, its `basis` says which weeks and sessions). Amounts "
        "left out are cleared. Clinicians may also set the baseline step rate and the cadence "
        "goal (+% on it; Warden et al. 2021 suggest 5-10%), never a gate. Clinical readers get "
        "the baseline back (200); an integration account, which reads no clinical record, a "
        "204. The "
        "`pre_injury_volume` criterion reads the baseline.",
        request=RunningBaselineInputSerializer,
        responses={200: RunningBaselineSerializer, 204: None},
        examples=[
            OpenApiExample(
                "Typed at intake", value={"km_week": 40, "runs_week": 5}, request_only=True
            ),
            OpenApiExample("Computed", value={"compute": True}, request_only=True),
            OpenApiExample("The baseline", value=RUNNING_BASELINE_EXAMPLE, response_only=True),
        ],
    )
    @action(detail=True, methods=["post"], url_path="running-baseline")
    def running_baseline(self, request, pk=None, format=None):
        case = self.get_object()
        data = RunningBaselineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = request.user
        cadence = any(name in v for name in data.CADENCE)
        if cadence and not permissions.can_set_cadence_goal(user, case):
            raise PermissionDenied("Only the case's clinical team sets the cadence goal.")
        try:
            if v.get("compute"):
                services.running_baseline_accept_computed(case=case, by=user)
            elif any(name in v for name in data.VOLUME):
                services.running_baseline_record(
                    case=case,
                    by=user,
                    km_week=v.get("km_week"),
                    runs_week=v.get("runs_week"),
                    minutes_week=v.get("minutes_week"),
                )
            if cadence:
                services.cadence_goal_set(
                    case=case,
                    by=user,
                    step_rate=v.get("step_rate"),
                    low_percent=v.get("cadence_goal_low_percent"),
                    high_percent=v.get("cadence_goal_high_percent"),
                )
        except ApplicationError:
            case.refresh_from_db()
            raise
        case.refresh_from_db()
        if not permissions.can_view_clinical(user, case):
            return Response(status=204)  # an integration sends the baseline; it reads no record
        return Response(RunningBaselineSerializer(case).data)


REQUIRED_SCOPES = {"running_baseline": api_auth.WRITE_SESSIONS}
