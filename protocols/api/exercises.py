"""/api/v1/exercises/: the exercise library (shipped and the clinic's own), read-only.

Not case data: any signed-in account may read it (an integration shows the athlete's exercises
by their names and diagrams). A phase's ``exercises`` (the plans' and templates' phases) name
exercises by ``key``."""

from __future__ import annotations

from django.templatetags.static import static
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from athletes.api.base import ClassifiedSerializer, ScopedViewMixin
from athletes.permissions.classification import FieldClass
from protocols.exercise_models import Trains
from protocols.models import Exercise, Impact
from rehab.api_auth import TokenScopes

EXAMPLE = {
    "id": 4, "key": "glute-bridge", "name": "Glute bridge", "trains": "strength", "sets": 3,
    "reps": 12, "seconds": None, "per_side": False, "impact": "none",
    "steps": ["Lie on your back, knees bent, feet flat and hip-width apart.", "..."],
    "cues": ["Push through your heels."], "diagram_url": "/static/exercises/glute-bridge.svg",
    "alt": "A person lying on their back with knees bent and hips lifted.", "shipped": True,
}  # fmt: skip


class ExerciseSerializer(ClassifiedSerializer):
    steps = serializers.ListField(child=serializers.CharField(), read_only=True)
    cues = serializers.ListField(child=serializers.CharField(), read_only=True)
    diagram_url = serializers.SerializerMethodField(help_text="The line diagram (SVG).")

    class Meta:
        model = Exercise
        reader = "library"
        field_classes = {"diagram_url": FieldClass.LIBRARY}
        fields = [
            "id", "key", "name", "trains", "sets", "reps", "seconds", "per_side", "impact",
            "steps", "cues", "diagram_url", "alt", "shipped",
        ]  # fmt: skip
        read_only_fields = fields

    def get_diagram_url(self, exercise: Exercise) -> str | None:
        return static(exercise.diagram) if exercise.diagram else None


class ExerciseFilter(filters.FilterSet):
    trains = filters.ChoiceFilter(choices=Trains.choices)
    impact = filters.ChoiceFilter(choices=Impact.choices)
    shipped = filters.BooleanFilter()

    class Meta:
        model = Exercise
        fields = ["trains", "impact", "shipped"]


@extend_schema_view(
    list=extend_schema(
        summary="List the exercise library",
        description="Strength, balance, mobility and plyometric exercises with their default "
        "dose, steps, cues, bone load (impact) and diagram.",
        examples=[OpenApiExample("An exercise", value=EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get an exercise",
        examples=[OpenApiExample("An exercise", value=EXAMPLE, response_only=True)],
    ),
)
class ExerciseViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, TokenScopes]
    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilter
    ordering_fields = ["id", "key", "name"]
    ordering = ["name"]
    queryset = Exercise.objects.all()
