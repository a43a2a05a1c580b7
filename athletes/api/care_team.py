"""/api/v1/care-team-members/: who is on the care teams of the caller's cases, added and removed by
the cases' clinicians."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from athletes import permissions, services
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import CareTeamMember, Case, User
from athletes.permissions.classification import FieldClass
from rehab.api import SlugRelatedField


class CareTeamMemberSerializer(ClassifiedSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = CareTeamMember
        reader = "summary"
        fields = ["id", "case", "user", "username", "name", "role", "added_at"]
        field_classes = {"name": FieldClass.COACH_SAFE}
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


MEMBER_EXAMPLE = {
    "id": 41,
    "case": 7,
    "user": 5,
    "username": "dana",
    "name": "Dana Reid",
    "role": "lead_clinician",
    "added_at": "2026-10-01T09:12:00Z",
}


class CareTeamMemberFilter(filters.FilterSet):
    case = ScopedCaseFilter(help_text="Members of this case's team.")
    role = filters.ChoiceFilter(choices=CareTeamMember.Role.choices)

    class Meta:
        model = CareTeamMember
        fields = ["case", "role"]


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
