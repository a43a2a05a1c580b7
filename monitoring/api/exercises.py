"""/api/v1/exercise-completions/: the athlete's ticks of their phase's exercises.

Read by the case's clinical roles and the athlete (``can_view_exercises``); written by the
athlete and integration accounts (``can_tick_exercise``; OAuth2 scope ``write:logs``). A tick
is idempotent: posting the same exercise and day again answers 200 with the one completion;
DELETE un-ticks. Anyone else gets a 404, as for a case one is not on."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Case
from monitoring.exercises import services
from monitoring.ingest.checks import athlete_today
from monitoring.models import ExerciseCompletion
from rehab import api_auth as oauth
from rehab.api import ErrorSerializer, SlugRelatedField, idempotent

EXAMPLE = {
    "id": 12, "case": 7, "exercise": "glute-bridge", "done_on": "2026-12-05",
    "created_at": "2026-12-05T18:02:00Z", "updated_at": "2026-12-05T18:02:00Z",
}  # fmt: skip
EXAMPLE_IN = {"case": 7, "exercise": "glute-bridge", "done_on": "2026-12-05"}


class ExerciseCompletionSerializer(ClassifiedSerializer):
    exercise = SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = ExerciseCompletion
        reader = "clinical"
        fields = ["id", "case", "exercise", "done_on", "created_at", "updated_at"]
        read_only_fields = fields


class ExerciseCompletionInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on which you tick exercises."
    )
    exercise = serializers.SlugField(help_text="The exercise's key, one of the current phase's.")
    done_on = serializers.DateField(
        required=False, help_text="The athlete's day (today by default; up to 6 days back)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_tick_exercise)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)


class ExerciseCompletionFilter(filters.FilterSet):
    case = ScopedCaseFilter()
    done_on = filters.DateFromToRangeFilter()

    class Meta:
        model = ExerciseCompletion
        fields = ["case", "done_on"]


@extend_schema_view(
    list=extend_schema(
        summary="List exercise ticks",
        examples=[OpenApiExample("A tick", value=EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get an exercise tick",
        examples=[OpenApiExample("A tick", value=EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        summary="Tick an exercise as done (idempotent)",
        description="201 when recorded, 200 when that exercise was already ticked that day.",
        request=ExerciseCompletionInputSerializer,
        responses={
            200: ExerciseCompletionSerializer,
            201: ExerciseCompletionSerializer,
            400: ErrorSerializer,
        },
        examples=[
            OpenApiExample("Done today", value=EXAMPLE_IN, request_only=True),
            OpenApiExample("The tick", value=EXAMPLE, response_only=True),
        ],
    ),
    destroy=extend_schema(
        summary="Un-tick an exercise",
        responses={
            204: None,
            403: OpenApiResponse(
                ErrorSerializer,
                description="Only the athlete and integration accounts tick and un-tick.",
                examples=[
                    OpenApiExample(
                        "A clinician",
                        value={
                            "detail": "You do not have permission to perform this action.",
                            "code": "permission_denied",
                        },
                    )
                ],
            ),
        },
    ),
)
class ExerciseCompletionViewSet(
    ScopedViewMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    serializer_class = ExerciseCompletionSerializer
    filterset_class = ExerciseCompletionFilter
    ordering_fields = ["done_on", "id"]
    ordering = ["-done_on", "id"]
    action_predicates = {"destroy": permissions.can_tick_exercise}
    required_scopes = dict.fromkeys(["create", "destroy"], oauth.WRITE_LOGS)  # OAuth2

    def get_queryset(self):
        ids = self.scope.case_ids(permissions.can_view_exercises)
        ids |= self.scope.case_ids(permissions.can_tick_exercise)
        return ExerciseCompletion.objects.filter(case_id__in=ids).select_related("exercise")

    @idempotent
    def create(self, request, *args, **kwargs):
        data = ExerciseCompletionInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = self.scope.case(values["case"].pk)
        day = values.get("done_on") or athlete_today(case.athlete)
        existed = ExerciseCompletion.objects.filter(
            case=case, exercise__key=values["exercise"], done_on=day
        ).exists()
        completion = services.exercise_tick(
            case=case, exercise_key=values["exercise"], by=request.user, on=day
        )
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(ExerciseCompletionSerializer(completion).data, status=code)

    def perform_destroy(self, instance):
        services.exercise_tick(
            case=self.scope.case(instance.case_id),
            exercise_key=instance.exercise.key,
            by=self.request.user,
            on=instance.done_on,
            done=False,
        )
