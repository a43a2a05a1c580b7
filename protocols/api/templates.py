"""/api/v1/templates/: the published and retired protocol templates, for clinic staff."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedViewMixin
from athletes.sites import SITE_CHOICES
from protocols.models import PhaseTemplate, ProtocolTemplate
from rehab.api_auth import TokenScopes

CRITERIA_HELP = "Items of the criteria language (docs/criteria.md): a `kind` and its parameters."


class PhaseTemplateSerializer(ClassifiedSerializer):
    class Meta:
        model = PhaseTemplate
        reader = "library"
        fields = ["id", *PhaseTemplate.COPIED_FIELDS]
        extra_kwargs = {
            "advance_when": {"help_text": CRITERIA_HELP},
            "regress_when": {"help_text": CRITERIA_HELP},
            "warn_when": {"help_text": CRITERIA_HELP},
        }


class ProtocolTemplateSerializer(ClassifiedSerializer):
    sites = serializers.ListField(child=serializers.CharField(), read_only=True)
    citations = serializers.ListField(child=serializers.CharField(), read_only=True)
    phases = PhaseTemplateSerializer(many=True, read_only=True)

    class Meta:
        model = ProtocolTemplate
        reader = "library"
        fields = [
            "id", "slug", "version", "name", "summary", "sites", "risk", "conservative",
            "status", "shipped", "citations", "published_at", "phases",
        ]  # fmt: skip


class ProtocolTemplateFilter(filters.FilterSet):
    site = filters.ChoiceFilter(
        choices=SITE_CHOICES, method="filter_site", help_text="Templates written for this site."
    )
    risk = filters.ChoiceFilter(choices=ProtocolTemplate.Risk.choices)
    conservative = filters.BooleanFilter()
    status = filters.ChoiceFilter(
        choices=[
            (ProtocolTemplate.Status.PUBLISHED, "Published"),
            (ProtocolTemplate.Status.RETIRED, "Retired"),
        ]
    )

    class Meta:
        model = ProtocolTemplate
        fields = ["site", "risk", "conservative", "status"]

    def filter_site(self, queryset, name, value):
        # A JSON list of site codes; the quotes match one whole code (SQLite and PostgreSQL).
        return queryset.filter(sites__icontains=f'"{value}"')


TEMPLATE_EXAMPLE = {
    "id": 2,
    "slug": "low-risk-tibia",
    "version": 1,
    "name": "Low-risk tibial BSI: return to running",
    "summary": "Protected loading, then a walk-run progression.",
    "sites": ["posteromedial_tibia", "fibula"],
    "risk": "low",
    "conservative": False,
    "status": "published",
    "shipped": True,
    "citations": ["Oxford University Hospitals NHS, return to running (2024)"],
    "published_at": "2026-09-01T08:00:00Z",
    "phases": [
        {
            "id": 11,
            "order": 1,
            "name": "Protected loading",
            "goal": "Pain-free walking for daily life.",
            "min_days": 7,
            "typical_days": 10,
            "weight_bearing": "fwb",
            "crutches": False,
            "impact": "none",
            "prescriptions": [{"activity": "walk", "minutes": 20, "sessions_per_week": 7}],
            "advance_when": [{"kind": "pain_max", "field": "rest", "max": 0, "days": 5}],
            "regress_when": [{"kind": "night_pain"}],
            "warn_when": [],
            "citations": [],
            "notes": "",
        }
    ],
}


class ReadsTemplateLibrary(BasePermission):
    """The library is for clinic staff (as on the pages): coaches, athletes and integration
    accounts get 403."""

    message = "The protocol library is for clinic staff."

    def has_permission(self, request, view) -> bool:
        return permissions.can_read_template_library(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List protocol templates",
        description="Published and retired templates (drafts stay in the clinic). Filter by "
        "`site`, `risk`, `conservative`.",
        examples=[OpenApiExample("A template", value=TEMPLATE_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Get a protocol template",
        examples=[OpenApiExample("A template", value=TEMPLATE_EXAMPLE, response_only=True)],
    ),
)
class ProtocolTemplateViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, TokenScopes, ReadsTemplateLibrary]
    serializer_class = ProtocolTemplateSerializer
    filterset_class = ProtocolTemplateFilter
    ordering_fields = ["id", "slug", "version", "name"]
    ordering = ["slug", "-version"]

    def get_queryset(self):
        return ProtocolTemplate.objects.filter(
            status__in=[ProtocolTemplate.Status.PUBLISHED, ProtocolTemplate.Status.RETIRED]
        ).prefetch_related(Prefetch("phases", queryset=PhaseTemplate.objects.order_by("order")))
