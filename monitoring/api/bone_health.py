"""REST API of bone health: a case's bone-health status (the hold on impact and its decision,
the latest screens, age and calcium reference, the cycle summary with consent), the REDs CAT2
screen and the clinician's clearance decision; the athlete's cycle entries.

- ``GET /api/v1/bone-health/{case}/``: the case's clinical team and nutritionist.
- ``POST /api/v1/bone-health/{case}/reds-screens/``: who records bone-health reviews (the
  clinical roles and the nutritionist); an OAuth2 token needs ``write:screens``.
- ``POST /api/v1/bone-health/{case}/decision/``: the lead clinician or a clinician; an OAuth2
  token needs ``write:screens``.
- ``/api/v1/cycle-entries/``: the athlete lists, adds and removes their own period start days
  while their consent is on; the clinical team of their cases lists them (``?athlete=``).
  Coaches, psychologists and integrations see none.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedViewMixin
from athletes.api_scopes import api_cases
from athletes.models import Athlete, Case, PeriodStart
from monitoring.care import reds
from monitoring.care.bone_facts import bone_health_status, visible_screens
from monitoring.care.services import (
    bone_health_decision_record,
    period_start_delete,
    period_start_record,
    reds_cat2_record,
)
from monitoring.ingest.checks import athlete_today
from rehab.api import ErrorSerializer

WRITE_SCOPE = "write:screens"

STATUS_EXAMPLE = {
    "case": 7, "age": 16, "under_18": True,
    "calcium_reference": "Reference 1,300 mg/day at 16 years (1,300 at 14–18, 1,000 at 19–50).",
    "impact_held": True, "hold_since": "2026-11-20", "decision": "", "decision_on": None,
    "decision_by": None, "decision_reason": "",
    "screens": [{"id": 31, "test": "reds_screen", "date": "2026-11-20", "value": 1,
                 "notes": "REDs CAT2 screen: Yellow — low-to-moderate risk..."}],
    "triad_from_record": {"bsi": [1, "this injury and 0 prior recorded on the case"]},
    "cycle": {"periods_in_12_months": 5, "full_year": True, "covered_from": "2025-11-01",
              "longest_gap_days": 61, "last_start": "2026-11-02"},
}  # fmt: skip
ENTRY_EXAMPLE = {
    "id": 4,
    "athlete": 12,
    "started_on": "2026-11-02",
    "created_at": "2026-11-02T08:01:00Z",
    "updated_at": "2026-11-02T08:01:00Z",
}
NOT_FOUND = OpenApiExample(
    "Not yours or not found",
    value={"detail": "Not found.", "code": "not_found"},
    response_only=True,
    status_codes=["404"],
)


def _out(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


# --- serializers -------------------------------------------------------------------------------


class RedsScreenInSerializer(serializers.Serializer):
    date = serializers.DateField()
    answers = serializers.DictField(
        child=serializers.BooleanField(allow_null=True),
        help_text="Indicator → true (present), false (absent) or null (not assessed). Keys: "
        + ", ".join(reds.INDICATORS)
        + ". Indicators that apply to the athlete and are left out make the screen incomplete.",
    )
    notes = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    def validate_answers(self, value):
        unknown = sorted(set(value) - set(reds.INDICATORS))
        if unknown:
            raise serializers.ValidationError(f"Unknown indicators: {', '.join(unknown)}.")
        return value


class RedsScreenOutSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(help_text="The recorded assessment's id.")
    test = serializers.CharField(help_text="reds_screen (complete) or reds_incomplete.")
    light = serializers.CharField(help_text="green, yellow, orange, red or incomplete.")
    at_least = serializers.CharField(help_text="The light the answers given reach.")
    primary = serializers.IntegerField()
    secondary = serializers.IntegerField()
    present = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    label = serializers.CharField()


class DecisionInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["impact", "hold"])
    decided_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class StatusSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    age = serializers.IntegerField(allow_null=True)
    under_18 = serializers.BooleanField()
    calcium_reference = serializers.CharField()
    impact_held = serializers.BooleanField()
    hold_since = serializers.DateField(allow_null=True)
    decision = serializers.CharField(allow_blank=True)
    decision_on = serializers.DateField(allow_null=True)
    decision_by = serializers.CharField(allow_null=True)
    decision_reason = serializers.CharField(
        allow_blank=True, help_text="Clinical roles only (blank for the nutritionist)."
    )
    screens = serializers.ListField(child=serializers.DictField())
    triad_from_record = serializers.DictField(help_text="Triad item → [points, where from].")
    cycle = serializers.DictField(allow_null=True, help_text="With the athlete's consent only.")


class CycleEntrySerializer(ClassifiedSerializer):
    class Meta:
        model = PeriodStart
        reader = "clinical"  # rows only to ``can_read_cycle``: the athlete, the clinical team
        fields = ["id", "athlete", "started_on", "created_at", "updated_at"]
        read_only_fields = ["id", "athlete", "created_at", "updated_at"]


def _status(case: Case, user) -> dict:
    page = bone_health_status(case, athlete_today())
    cycle = None
    if page.cycle is not None and permissions.can_read_cycle(user, case):
        cycle = {
            "periods_in_12_months": page.cycle.periods,
            "full_year": page.cycle.full_year,
            "covered_from": page.cycle.covered_from,
            "longest_gap_days": page.cycle.longest_gap_days,
            "last_start": page.cycle.last_start,
        }
    by = case.bone_health_decision_by
    clinical = permissions.can_view_clinical(user, case)
    return {
        "case": case.pk,
        "age": page.age,
        "under_18": page.under_18,
        "calcium_reference": page.calcium,
        "impact_held": page.held,
        "hold_since": case.bone_health_hold_since,
        "decision": case.bone_health_decision,
        "decision_on": case.bone_health_decision_on,
        "decision_by": str(by) if by else None,
        "decision_reason": case.bone_health_decision_reason if clinical else "",
        "screens": [
            {"id": a.pk, "test": a.test, "date": a.date, "value": a.value, "notes": a.notes}
            for a in visible_screens(user, case, page.latest)
        ],
        "triad_from_record": {k: list(v) for k, v in page.suggestions.items()},
        "cycle": cycle,
    }


# --- the case's bone health ----------------------------------------------------------------------


class BoneHealthViewSet(ScopedViewMixin, viewsets.GenericViewSet):
    """A case's bone health (see the module)."""

    serializer_class = StatusSerializer
    action_predicates = {
        "retrieve": permissions.can_view_bone_health,
        "reds_screen": permissions.can_record_bone_health_review,
        "decision": permissions.can_record_bone_health_decision,
    }
    required_scopes = {"reds_screen": WRITE_SCOPE, "decision": WRITE_SCOPE}
    records_access = True

    def get_queryset(self):
        return api_cases(self.request.user)

    def case_id_of(self, obj) -> int:
        return obj.pk

    @extend_schema(
        summary="Get a case's bone health",
        description="The hold on impact after a positive screen and the clearance decision, "
        "the latest screens, the athlete's age and calcium reference (1,300 mg/day at 14–18), "
        "the Triad items the record answers, and the cycle summary (with consent).",
        responses={200: StatusSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        examples=[_out("An adolescent held after a yellow screen", STATUS_EXAMPLE)],
    )
    def retrieve(self, request, pk=None, format=None):
        return Response(_status(self.get_object(), request.user))

    @extend_schema(
        summary="Record a REDs screen (IOC REDs CAT2)",
        description="Each indicator true, false or null (not assessed); the traffic light is "
        "computed (docs/bone-health.md). Complete: `reds_screen` valued 0 green … 3 red; "
        "otherwise `reds_incomplete`, never a clearance. Yellow or worse holds impact phases "
        "until a clinician's decision and brings in the nutritionist.",
        request=RedsScreenInSerializer,
        responses={201: RedsScreenOutSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "A man's screen",
                value={
                    "date": "2026-11-20",
                    "answers": {
                        "clinical_low_testosterone": False,
                        "subclinical_low_testosterone": True,
                        "low_t3": False,
                        "bsi_history": False,
                        "low_bmd": False,
                        "eating_disorder": False,
                        "low_libido": False,
                        "low_ea": True,
                        "one_low_risk_bsi": False,
                        "lipids": False,
                        "iron_deficiency": False,
                        "mood": False,
                        "red_findings": False,
                    },
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="reds-screens")
    def reds_screen(self, request, pk=None, format=None):
        case = self.get_object()
        data = RedsScreenInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        assessment, result = reds_cat2_record(
            case=case,
            by=request.user,
            date=v["date"],
            answers=v["answers"],
            notes=v.get("notes", ""),
        )
        out = {
            "assessment": assessment.pk,
            "test": assessment.test,
            "light": result.light,
            "at_least": result.at_least,
            "primary": result.primary,
            "secondary": result.secondary,
            "present": list(result.present),
            "missing": list(result.missing),
            "label": result.label,
        }
        return Response(out, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the bone-health clearance decision",
        description="After a positive screen: `impact` lets phases with impact work be "
        "recommended again, `hold` keeps them held; with the date (on or after the screen, "
        "not in the future) and the reason.",
        request=DecisionInSerializer,
        responses={200: StatusSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Impact may progress",
                value={
                    "decision": "impact",
                    "decided_on": "2026-11-27",
                    "reason": "Intake restored, testosterone rechecked within range.",
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None, format=None):
        case = self.get_object()
        data = DecisionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bone_health_decision_record(case=case, by=request.user, **data.validated_data)
        return Response(_status(case, request.user))


# --- cycle entries -------------------------------------------------------------------------------


class CycleEntryViewSet(
    ScopedViewMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The athlete's period start days (see the module)."""

    serializer_class = CycleEntrySerializer
    ordering = ["-started_on"]
    ordering_fields = ["started_on"]

    def _own(self) -> Athlete | None:
        athlete = getattr(self.request.user, "athlete_profile", None)
        return (
            athlete
            if athlete is not None and permissions.can_log_cycle(self.request.user, athlete)
            else None
        )

    def get_queryset(self):
        ids = {
            case.athlete_id
            for pk in self.scope.case_ids(permissions.can_read_cycle)
            if (case := self.scope.case(pk)) is not None
        }
        own = self._own()
        if own is not None:
            ids.add(own.pk)
        queryset = PeriodStart.objects.filter(athlete_id__in=ids)
        athlete = self.request.query_params.get("athlete")
        if athlete:
            if not athlete.isdigit():
                raise ValidationError({"athlete": ["An athlete id."]})
            queryset = queryset.filter(athlete_id=int(athlete))
        return queryset.order_by("-started_on", "-id")

    @extend_schema(
        summary="List cycle entries",
        description="Your own (athlete, consent on) and those of athletes whose clinical team "
        "you are on (their consent on).",
        parameters=[OpenApiParameter("athlete", int, description="One athlete's entries.")],
        examples=[
            _out(
                "Entries", {"count": 1, "next": None, "previous": None, "results": [ENTRY_EXAMPLE]}
            )
        ],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Log a period start day (the athlete)",
        description="Idempotent: the same day twice is one entry (200 the second time).",
        responses={201: CycleEntrySerializer, 200: CycleEntrySerializer, 400: ErrorSerializer},
        examples=[
            OpenApiExample("A start day", value={"started_on": "2026-11-02"}, request_only=True),
            _out("The entry", ENTRY_EXAMPLE),
        ],
    )
    def create(self, request, *args, **kwargs):
        athlete = getattr(request.user, "athlete_profile", None)
        data = CycleEntrySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if athlete is None:
            raise PermissionDenied("Only an athlete logs their own cycle.")
        entry, created = period_start_record(
            athlete=athlete, by=request.user, started_on=data.validated_data["started_on"]
        )
        return Response(
            CycleEntrySerializer(entry).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Remove a period start day (the athlete)",
        responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer},
        examples=[NOT_FOUND],
    )
    def destroy(self, request, *args, **kwargs):
        own = self._own()
        entry = self.get_object()
        if own is None or entry.athlete_id != own.pk:
            raise PermissionDenied("Only the athlete removes their own entries.")
        period_start_delete(athlete=own, by=request.user, started_on=entry.started_on)
        return Response(status=status.HTTP_204_NO_CONTENT)
