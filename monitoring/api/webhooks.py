"""/api/v1/webhooks/: an integration account's endpoints (or a clinic administrator's for the
clinic's own systems): register a URL and events, read its deliveries, send a test event,
rotate its secret. Another account's endpoint is a 404 (``monitoring.webhooks.selectors``);
the rules are ``athletes.permissions.webhooks``; docs/api.md "Webhooks" tells a receiver how
to verify a signature."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer
from athletes.permissions.classification import FieldClass
from monitoring.models import WebhookDelivery, WebhookEndpoint
from monitoring.webhooks import selectors, services
from monitoring.webhooks.policy import EVENTS
from rehab.api import ErrorSerializer, Pagination
from rehab.api_auth import TokenScopes
from rehab.api_conventions import KnownQueryParameters


class WebhookEndpointSerializer(ClassifiedSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENTS), read_only=True)

    class Meta:
        model = WebhookEndpoint
        reader = "summary"  # the row goes to its owner only
        fields = [
            "id", "url", "description", "events", "is_active", "disabled_at", "disabled_reason",
            "consecutive_failures", "failing_since", "owner", "clinic", "created_at", "updated_at",
        ]  # fmt: skip
        field_classes = {"events": FieldClass.ROW}
        read_only_fields = fields


class WebhookSecretSerializer(WebhookEndpointSerializer):
    """The endpoint with its signing secret: shown at creation and on rotation only."""

    secret = serializers.CharField(read_only=True, help_text="`whsec_…`: keep it; not shown again.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        field_classes = {"events": FieldClass.ROW, "secret": FieldClass.ROW}
        read_only_fields = fields


class WebhookWriteSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENTS), min_length=1, max_length=len(EVENTS)
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(
        required=False, help_text="true turns a disabled endpoint on again (its failures cleared)."
    )

    def validate(self, attrs):
        unknown = sorted(set(getattr(self, "initial_data", {}) or {}) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: "Unknown field." for name in unknown})
        return attrs


class WebhookDeliverySerializer(ClassifiedSerializer):
    class Meta:
        model = WebhookDelivery
        reader = "summary"  # its endpoint's owner; the body carries summary fields only
        fields = [
            "id", "msg_id", "event", "status", "attempts", "status_code", "response_ms", "error",
            "attempt_log", "created_at", "next_attempt_at", "delivered_at", "body",
        ]  # fmt: skip
        read_only_fields = fields


EXAMPLE = {
    "id": 4, "url": "https://club.example.org/hooks/rehab", "description": "Club system",
    "events": ["flag.opened", "flag.resolved"], "is_active": True, "disabled_at": None,
    "disabled_reason": "", "consecutive_failures": 0, "failing_since": None, "owner": 17,
    "clinic": None, "created_at": "2026-12-06T09:00:00Z", "updated_at": "2026-12-06T09:00:00Z",
}  # fmt: skip
READ = OpenApiExample("An endpoint", value=EXAMPLE, response_only=True)
WRITE = OpenApiExample(
    "Register",
    value={"url": "https://club.example.org/hooks/rehab", "events": ["flag.opened"]},
    request_only=True,
)
CHANGE = OpenApiExample(
    "Turn a disabled endpoint on again", value={"is_active": True}, request_only=True
)
NOT_YOURS = OpenApiExample(
    "Another account's endpoint",
    value={"detail": "Not found.", "code": "not_found"},
    response_only=True,
    status_codes=["404"],
)
DELIVERY = {
    "id": 90, "msg_id": "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "event": "flag.opened",
    "status": "succeeded", "attempts": 2, "status_code": 200, "response_ms": 84, "error": "",
    "attempt_log": [
        {"at": "2026-12-06T09:00:00+00:00", "status_code": 500, "response_ms": 120,
         "error": "HTTP 500"},
        {"at": "2026-12-06T09:00:31+00:00", "status_code": 200, "response_ms": 84, "error": ""},
    ],
    "created_at": "2026-12-06T09:00:00Z", "next_attempt_at": None,
    "delivered_at": "2026-12-06T09:00:31Z",
    "body": '{"data":{"flag":{"id":31,"kind":"red_flag","status":"open"}},"type":"flag.opened"}',
}  # fmt: skip
DELIVERIES = OpenApiExample(
    "Deliveries", value={"count": 1, "next": None, "previous": None, "results": [DELIVERY]},
    response_only=True,
)  # fmt: skip
TEST_QUEUED = OpenApiExample(
    "Queued",
    value={**DELIVERY, "event": "webhook.test", "status": "pending", "attempts": 0,
           "status_code": None, "response_ms": None, "attempt_log": [], "delivered_at": None},
    response_only=True,
    status_codes=["202"],
)  # fmt: skip
CREATED = OpenApiExample(
    "Created, with its secret (shown once)",
    value={**EXAMPLE, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="List webhook endpoints",
        description="Yours (or your clinic's).",
        examples=[
            OpenApiExample(
                "Endpoints",
                value={"count": 1, "next": None, "previous": None, "results": [EXAMPLE]},
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(summary="Get a webhook endpoint", examples=[READ, NOT_YOURS]),
    create=extend_schema(
        summary="Register a webhook endpoint",
        description="An https URL that resolves to public addresses, and the events it is told "
        f"of ({', '.join(EVENTS)}). The answer carries `secret`, shown this once.",
        request=WebhookWriteSerializer,
        responses={201: WebhookSecretSerializer, 400: ErrorSerializer},
        examples=[WRITE, CREATED],
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint",
        request=WebhookWriteSerializer,
        responses={200: WebhookEndpointSerializer, 400: ErrorSerializer},
        examples=[CHANGE, READ],
    ),
    update=extend_schema(
        summary="Replace a webhook endpoint's URL and events",
        request=WebhookWriteSerializer,
        responses={200: WebhookEndpointSerializer, 400: ErrorSerializer},
        examples=[WRITE, READ],
    ),
    destroy=extend_schema(summary="Delete a webhook endpoint", examples=[NOT_YOURS]),
)
class WebhookEndpointViewSet(viewsets.ModelViewSet):
    serializer_class = WebhookEndpointSerializer
    # an access token reads with `read`; managing endpoints takes a personal token or a login
    permission_classes = [IsAuthenticated, TokenScopes, KnownQueryParameters]
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return WebhookEndpoint.objects.none()
        return selectors.endpoints_for(self.request.user).order_by("-created_at", "-id")

    def check_permissions(self, request):
        super().check_permissions(request)
        # Lists and creation: a 403 for who has no endpoints at all; a detail is a 404 for them
        # (their queryset is empty), as for another account's endpoint.
        if not self.detail and not permissions.can_manage_webhooks(request.user):
            raise PermissionDenied("Only integration accounts and clinic administrators.")

    def create(self, request, *args, **kwargs):
        data = WebhookWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        endpoint = services.endpoint_create(
            by=request.user,
            url=values["url"],
            events=values["events"],
            description=values.get("description", ""),
        )
        return Response(WebhookSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        endpoint = self.get_object()
        data = WebhookWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(
            endpoint=endpoint, by=request.user, **data.validated_data
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    def perform_destroy(self, instance):
        services.endpoint_delete(endpoint=instance, by=self.request.user)

    @extend_schema(
        summary="The endpoint's deliveries",
        description="Newest first: each event sent, its attempts, status codes and response "
        "times (ms), and when the next attempt is due.",
        responses={200: WebhookDeliverySerializer(many=True)},
        examples=[DELIVERIES],
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None, **kwargs):
        endpoint = self.get_object()
        page = self.paginate_queryset(selectors.deliveries_of(endpoint))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send a test event",
        description="Queues a signed `webhook.test` event to the endpoint; read its delivery "
        "in the endpoint's deliveries.",
        request=None,
        responses={202: WebhookDeliverySerializer, 400: ErrorSerializer},
        examples=[TEST_QUEUED],
    )
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None, **kwargs):
        delivery = services.endpoint_send_test(endpoint=self.get_object(), by=request.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Rotate the secret",
        description="A new secret signs every attempt from now on (the old one at once stops); "
        "the answer is the one time it is shown.",
        request=None,
        responses={200: WebhookSecretSerializer},
        examples=[CREATED],
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None, **kwargs):
        endpoint = services.endpoint_rotate_secret(endpoint=self.get_object(), by=request.user)
        return Response(WebhookSecretSerializer(endpoint).data)
