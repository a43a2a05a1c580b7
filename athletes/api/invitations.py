"""/api/v1/invitations/: provisioning for club systems. Invite a staff member (administrators)
or an athlete (their case's clinicians; integration accounts for the teams they are granted);
the answer carries the one-time link, which is not stored and not shown again. List, read,
revoke and send again — the same rules as the pages (``athletes.services.invitations``)."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer
from athletes.models import Athlete, CareTeamMember, Case, Invitation, Team, User
from athletes.permissions.classification import FieldClass
from athletes.services import invitations as service
from rehab.api import ErrorSerializer, Pagination
from rehab.api_auth import INVITATIONS, TokenScopes
from rehab.api_conventions import KnownQueryParameters


class InvitationSerializer(ClassifiedSerializer):
    status = serializers.CharField(read_only=True)
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Invitation
        reader = "summary"  # the row goes to its author and the clinic's administrators only
        fields = [
            "id", "email", "kind", "teams", "athlete", "case", "role", "status", "created_at",
            "sent_at", "send_count", "expires_at", "accepted_at", "revoked_at",
        ]  # fmt: skip
        field_classes = {"status": FieldClass.ROW}
        read_only_fields = fields


class IssuedSerializer(InvitationSerializer):
    """An invitation just made or sent again, with its link (shown this once)."""

    url = serializers.CharField(read_only=True, help_text="The one-time link to hand over.")
    emailed = serializers.BooleanField(read_only=True, help_text="Whether the e-mail went out.")

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "url", "emailed"]
        field_classes = {"status": FieldClass.ROW, "url": FieldClass.ROW, "emailed": FieldClass.ROW}
        read_only_fields = fields


def _issued(issued: service.Issued) -> dict:
    data = IssuedSerializer(issued.invitation).data
    return {**data, "url": issued.url, "emailed": issued.emailed}


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    kind = serializers.ChoiceField(choices=[(k, User.Kind(k).label) for k in Invitation.KINDS])
    teams = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=Team.objects.none(),
        help_text="Staff: teams they follow.",
    )
    athlete = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=Athlete.objects.none(),
        help_text="An athlete's invitation: the athlete whose login it makes.",
    )  # fmt: skip
    case = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=Case.objects.none(),
        help_text="Staff: a case they join on accepting, with `role`.",
    )  # fmt: skip
    role = serializers.ChoiceField(
        choices=CareTeamMember.Role.choices, required=False, allow_blank=True
    )

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None:  # the schema's generation
            return
        # Only what the caller's clinic holds can be named: anything else "does not exist".
        self.fields["teams"].child_relation.queryset = Team.objects.filter(clinic_id=user.clinic_id)
        self.fields["athlete"].queryset = Athlete.objects.filter(clinic_id=user.clinic_id)
        self.fields["case"].queryset = Case.objects.filter(athlete__clinic_id=user.clinic_id)

    def validate(self, attrs):
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:  # a typo must not go unnoticed
            raise serializers.ValidationError({name: "Unknown field." for name in unknown})
        if attrs.get("kind") == User.Kind.ATHLETE and not attrs.get("athlete"):
            raise serializers.ValidationError(
                {"athlete": "Required for an athlete's invitation: the athlete's id."}
            )
        return attrs


CREATE_EXAMPLE = OpenApiExample(
    "Invite an athlete",
    value={"email": "noor@example.org", "kind": "athlete", "athlete": 12},
    request_only=True,
)
INVITATION_EXAMPLE = {
    "id": 3, "email": "noor@example.org", "kind": "athlete", "teams": [], "athlete": 12,
    "case": None, "role": "", "status": "pending", "created_at": "2026-12-05T09:00:00Z",
    "sent_at": "2026-12-05T09:00:00Z", "send_count": 1, "expires_at": "2026-12-12T09:00:00Z",
    "accepted_at": None, "revoked_at": None,
}  # fmt: skip
ISSUED_EXAMPLE = OpenApiExample(
    "The invitation with its link",
    value={
        **INVITATION_EXAMPLE,
        "url": "https://rehab.example.org/account/invitation/Zk3…/",
        "emailed": True,
    },
    response_only=True,
)
READ_EXAMPLE = OpenApiExample("An invitation", value=INVITATION_EXAMPLE, response_only=True)
REVOKED_EXAMPLE = OpenApiExample(
    "Revoked",
    value={**INVITATION_EXAMPLE, "status": "revoked", "revoked_at": "2026-12-06T10:00:00Z"},
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="List invitations",
        description="The invitations you made; an administrator sees the clinic's.",
        examples=[READ_EXAMPLE],
    ),
    retrieve=extend_schema(summary="Get an invitation", examples=[READ_EXAMPLE]),
    create=extend_schema(
        summary="Invite someone",
        description="Staff (`clinician`, `physio`, `coach`, `nutritionist`, `psychologist`): "
        "clinic administrators, with `teams`, or a case's clinicians with `case` and `role`. "
        "An athlete (`athlete` kind and id): the clinicians of one of their cases, or an "
        "integration account granted the athlete's team. The answer has the one-time `url` "
        "(valid 7 days); it is e-mailed too. A second invitation of an address while one is "
        "waiting is refused (send it again instead).",
        request=InvitationCreateSerializer,
        responses={201: IssuedSerializer, 400: ErrorSerializer},
        examples=[CREATE_EXAMPLE, ISSUED_EXAMPLE],
    ),
)
class InvitationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InvitationSerializer
    permission_classes = [IsAuthenticated, TokenScopes, KnownQueryParameters]
    # An OAuth2 token reads and writes invitations with the ``invitations`` scope only.
    required_scopes = dict.fromkeys(
        ["list", "retrieve", "create", "revoke", "send_again"], INVITATIONS
    )
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Invitation.objects.none()
        user = self.request.user
        mine = Invitation.objects.filter(clinic_id=user.clinic_id).prefetch_related("teams")
        if permissions.can_administer_clinic(user):
            return mine.order_by("-created_at", "-id")
        return mine.filter(Q(created_by=user)).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        data = InvitationCreateSerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        issued = service.invitation_create(
            email=values["email"],
            kind=values["kind"],
            invited_by=request.user,
            teams=values.get("teams", []),
            athlete=values.get("athlete"),
            case=values.get("case"),
            role=values.get("role") or "",
        )
        return Response(_issued(issued), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke an invitation",
        request=None,
        responses={200: InvitationSerializer, 400: ErrorSerializer},
        examples=[REVOKED_EXAMPLE],
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None, format=None):
        invitation = service.invitation_revoke(invitation=self.get_object(), by=request.user)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(
        summary="Send an invitation again",
        description="A new link for 7 more days (the old one stops working), e-mailed again.",
        request=None,
        responses={200: IssuedSerializer, 400: ErrorSerializer},
        examples=[ISSUED_EXAMPLE],
    )
    @action(detail=True, methods=["post"], url_path="send-again")
    def send_again(self, request, pk=None, format=None):
        issued = service.invitation_resend(invitation=self.get_object(), by=request.user)
        return Response(_issued(issued))
