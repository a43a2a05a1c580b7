"""REST API of athletes, cases and care teams (/api/v1/athletes/, /cases/, /care-team-members/).

A coach, a nutritionist, a psychologist or an integration account gets the summary view of a
case and of its athlete: no site, grade, imaging, risk factors or date of birth. Which view is
decided per object by `permissions.can_view_clinical`; the `access` field says which it is.
`monitoring.api.records` extends the case endpoint with the plan, the open flags and the FHIR
export.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from athletes import permissions, services
from athletes.api_scopes import api_cases
from athletes.models import Athlete, CareTeamMember, Case, Team, User
from rehab.api import (
    AccessViewMixin,
    IdFilter,
    ScopedCaseFilter,
    ScopedViewMixin,
    SlugRelatedField,
    clinical_access,
    summary_access,
)

# --- serializers --------------------------------------------------------------------------------


class TeamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "sport"]


class AthleteRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Athlete
        fields = ["id", "first_name", "last_name"]


class AthleteSummarySerializer(serializers.ModelSerializer):
    access = summary_access()
    team = TeamRefSerializer(allow_null=True)
    cases = serializers.SerializerMethodField(help_text="Ids of this athlete's cases you see.")

    class Meta:
        model = Athlete
        fields = ["access", "id", "first_name", "last_name", "sport", "team", "cases"]

    def get_cases(self, athlete: Athlete) -> list[int]:
        return sorted(c.pk for c in self.context["view"].scope.cases_of_athlete(athlete.pk))


class AthleteClinicalSerializer(AthleteSummarySerializer):
    access = clinical_access()

    class Meta(AthleteSummarySerializer.Meta):
        fields = [*AthleteSummarySerializer.Meta.fields, "date_of_birth", "sex"]


class CareTeamMemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = CareTeamMember
        fields = ["id", "case", "user", "username", "name", "role", "added_at"]
        read_only_fields = fields

    def get_name(self, member: CareTeamMember) -> str:
        return str(member.user)


class CareTeamMemberCreateSerializer(serializers.Serializer):
    """Add a person to a case's care team, or change their role (lead clinicians, clinicians)."""

    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on whose care team you are a clinician."
    )
    username = SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        help_text="The login of the person (or integration account) to add.",
    )
    role = serializers.ChoiceField(choices=CareTeamMember.Role.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_manage_care_team)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)


class CaseSummarySerializer(serializers.ModelSerializer):
    access = summary_access()
    athlete = AthleteRefSerializer()
    care_team = CareTeamMemberSerializer(many=True)

    class Meta:
        model = Case
        fields = [
            "access", "id", "athlete", "status", "target_return_on", "returned_on", "care_team"
        ]  # fmt: skip


class CaseClinicalSerializer(CaseSummarySerializer):
    access = clinical_access()
    site_label = serializers.CharField(source="get_site_display", read_only=True)
    bone_health_flags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "site",
            "site_label",
            "side",
            "risk",
            "grade",
            "grading_system",
            "imaging",
            "imaging_on",
            "diagnosed_on",
            "prior_bsi_count",
            "red_s_screen",
            "menstrual_status",
            "vitamin_d_nmol_l",
            "bone_health_flags",
            "created_at",
        ]


# --- examples -----------------------------------------------------------------------------------

TEAM_EXAMPLE = {"id": 3, "name": "Harriers", "sport": "Athletics"}
ATHLETE_REF_EXAMPLE = {"id": 12, "first_name": "Maya", "last_name": "Okafor"}
MEMBER_EXAMPLE = {
    "id": 41,
    "case": 7,
    "user": 5,
    "username": "dana",
    "name": "Dana Reid",
    "role": "lead_clinician",
    "added_at": "2026-10-01T09:12:00Z",
}
CASE_SUMMARY_EXAMPLE = {
    "access": "summary",
    "id": 7,
    "athlete": ATHLETE_REF_EXAMPLE,
    "status": "active",
    "target_return_on": "2027-01-15",
    "returned_on": None,
    "care_team": [MEMBER_EXAMPLE],
}
CASE_CLINICAL_EXAMPLE = {
    **CASE_SUMMARY_EXAMPLE,
    "access": "clinical",
    "site": "posteromedial_tibia",
    "site_label": "Posteromedial tibia",
    "side": "left",
    "risk": "low",
    "grade": 2,
    "grading_system": "fredericson",
    "imaging": "mri",
    "imaging_on": "2026-09-29",
    "diagnosed_on": "2026-10-01",
    "prior_bsi_count": 0,
    "red_s_screen": "negative",
    "menstrual_status": "regular",
    "vitamin_d_nmol_l": "82.0",
    "bone_health_flags": [],
    "created_at": "2026-10-01T09:12:00Z",
}
ATHLETE_SUMMARY_EXAMPLE = {
    "access": "summary",
    "id": 12,
    "first_name": "Maya",
    "last_name": "Okafor",
    "sport": "Distance running",
    "team": TEAM_EXAMPLE,
    "cases": [7],
}
ATHLETE_CLINICAL_EXAMPLE = {
    **ATHLETE_SUMMARY_EXAMPLE,
    "access": "clinical",
    "date_of_birth": "2002-05-01",
    "sex": "female",
}


def examples(**named: dict) -> list[OpenApiExample]:
    """Response examples, one per view (`clinical=..., summary=...`)."""
    return [
        OpenApiExample(f"{name.capitalize()} view", value=value, response_only=True)
        for name, value in named.items()
    ]


ATHLETE_RESPONSE = PolymorphicProxySerializer(
    component_name="Athlete",
    serializers=[AthleteClinicalSerializer, AthleteSummarySerializer],
    resource_type_field_name="access",
)


# --- filters ------------------------------------------------------------------------------------


class AthleteFilter(filters.FilterSet):
    team = IdFilter(field_name="team_id", help_text="Only athletes of this team.")
    case = ScopedCaseFilter(athlete_field="pk", help_text="The athlete of this case.")

    class Meta:
        model = Athlete
        fields = ["team", "case"]


class CaseFilter(filters.FilterSet):
    athlete = IdFilter(field_name="athlete_id", help_text="Cases of this athlete.")
    team = IdFilter(field_name="athlete__team_id", help_text="Cases of this team.")
    status = filters.ChoiceFilter(choices=Case.Status.choices)

    class Meta:
        model = Case
        fields = ["athlete", "team", "status"]


class CareTeamMemberFilter(filters.FilterSet):
    case = ScopedCaseFilter(help_text="Members of this case's team.")
    role = filters.ChoiceFilter(choices=CareTeamMember.Role.choices)

    class Meta:
        model = CareTeamMember
        fields = ["case", "role"]


# --- viewsets -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List athletes",
        description="Athletes of the cases you are on (or were granted). Date of birth and sex "
        "only for those who may see clinical data on one of the athlete's cases.",
        responses=ATHLETE_RESPONSE,
        examples=examples(clinical=ATHLETE_CLINICAL_EXAMPLE, summary=ATHLETE_SUMMARY_EXAMPLE),
    ),
    retrieve=extend_schema(
        summary="Get an athlete",
        responses=ATHLETE_RESPONSE,
        examples=examples(clinical=ATHLETE_CLINICAL_EXAMPLE, summary=ATHLETE_SUMMARY_EXAMPLE),
    ),
)
class AthleteViewSet(ScopedViewMixin, AccessViewMixin, viewsets.ReadOnlyModelViewSet):
    clinical_serializer_class = AthleteClinicalSerializer
    summary_serializer_class = AthleteSummarySerializer
    serializer_class = AthleteSummarySerializer
    filterset_class = AthleteFilter
    ordering_fields = ["id", "last_name", "first_name"]
    ordering = ["last_name", "first_name", "id"]

    def get_queryset(self):
        ids = self.scope.athlete_ids(permissions.can_view_case)
        return Athlete.objects.filter(pk__in=ids).select_related("team").distinct()

    def sees_clinical(self, athlete: Athlete) -> bool:
        return any(
            permissions.can_view_clinical(self.request.user, case)
            for case in self.scope.cases_of_athlete(athlete.pk)
        )


class CaseViewSetBase(ScopedViewMixin, AccessViewMixin, viewsets.ReadOnlyModelViewSet):
    """Cases you are on; `monitoring.api.records.CaseViewSet` adds the plan, flags and FHIR
    export."""

    clinical_serializer_class = CaseClinicalSerializer
    summary_serializer_class = CaseSummarySerializer
    serializer_class = CaseSummarySerializer
    filterset_class = CaseFilter
    ordering_fields = ["id", "status", "target_return_on", "athlete__last_name"]
    ordering = ["-id"]

    def get_queryset(self):
        return api_cases(self.request.user).prefetch_related(
            Prefetch(
                "care_team",
                queryset=CareTeamMember.objects.select_related("user").order_by("role", "id"),
            )
        )

    def case_id_of(self, obj) -> int:
        return obj.pk

    def sees_clinical(self, case: Case) -> bool:
        return permissions.can_view_clinical(self.request.user, case)


MEMBER_CREATE_EXAMPLE = OpenApiExample(
    "Add a physiotherapist",
    value={"case": 7, "username": "sam", "role": "physio"},
    request_only=True,
)
MEMBER_EXAMPLE_RESPONSE = OpenApiExample("A member", value=MEMBER_EXAMPLE, response_only=True)


@extend_schema_view(
    list=extend_schema(
        summary="List care-team members",
        description="The members of the care teams of your cases. Filter by `case`.",
        examples=[MEMBER_EXAMPLE_RESPONSE],
    ),
    retrieve=extend_schema(summary="Get a care-team member", examples=[MEMBER_EXAMPLE_RESPONSE]),
    create=extend_schema(
        summary="Add a member to a care team",
        description="Lead clinicians and clinicians of the case only. Adding someone already on "
        "the team changes their role, so repeating the request changes nothing. To grant an "
        "integration account one case, add it with the role `integration`.",
        request=CareTeamMemberCreateSerializer,
        responses={201: CareTeamMemberSerializer},
        examples=[MEMBER_CREATE_EXAMPLE, MEMBER_EXAMPLE_RESPONSE],
    ),
    destroy=extend_schema(
        summary="Remove a member from a care team",
        description="Lead clinicians and clinicians only; a case keeps at least one clinician.",
        examples=[
            OpenApiExample(
                "The last clinician",
                value={
                    "detail": "A case needs at least one clinician on its care team.",
                    "errors": {},
                },
                response_only=True,
                status_codes=["400"],
            )
        ],
    ),
)
class CareTeamMemberViewSet(
    ScopedViewMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    serializer_class = CareTeamMemberSerializer
    filterset_class = CareTeamMemberFilter
    ordering_fields = ["id", "role", "added_at"]
    ordering = ["case_id", "role", "id"]
    action_predicates = {"destroy": permissions.can_manage_care_team}

    def get_queryset(self):
        ids = self.scope.case_ids(permissions.can_view_case)
        return CareTeamMember.objects.filter(case_id__in=ids).select_related("user")

    def create(self, request, *args, **kwargs):
        data = CareTeamMemberCreateSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        case = self.scope.case(data.validated_data["case"].pk)
        member = services.care_team_add(
            case=case,
            user=data.validated_data["username"],
            role=data.validated_data["role"],
            added_by=request.user,
        )
        return Response(CareTeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, member: CareTeamMember) -> None:
        services.care_team_remove(
            case=self.scope.case(member.case_id), user=member.user, removed_by=self.request.user
        )
