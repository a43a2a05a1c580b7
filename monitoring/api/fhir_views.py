"""/api/v1/fhir/: the FHIR R4 REST endpoint (reads only, JSON only).

- ``metadata``: the CapabilityStatement;
- ``Questionnaire/daily-log``: the daily log's questions (public, like the API's schema: a
  definition holds no one's data);
- ``QuestionnaireResponse/log-<id>``: one daily log, for those who may read the athlete's
  clinical data (the rule of ``/api/v1/daily-logs/``); anyone else gets a 404, as for a log that
  does not exist;
- anything else under ``fhir/``: a 404.

Every error is an OperationOutcome with Content-Type ``application/fhir+json``; so are the errors
of the case export (``/api/v1/cases/{id}/fhir/``). A query parameter other than ``_format`` is a
400 naming it; a ``_format`` other than JSON is a 406.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes import permissions as access
from athletes.api_scopes import scope_for
from athletes.models import AccessRecord
from athletes.services.access import record_access
from monitoring.api import fhir_definitions as defs
from monitoring.api.fhir import questionnaire_response
from monitoring.models import DailyLog
from rehab.api_auth import TokenScopes
from rehab.errors import api_exception_handler

FHIR_JSON = "application/fhir+json"
JSON_FORMATS = {"json", "application/json", FHIR_JSON}


class FHIRRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


def fhir_exception_handler(exc, context):
    """The API's handler, its answer said as an OperationOutcome (status and headers kept)."""
    response = api_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data if isinstance(response.data, dict) else {}
    message = str(data.get("detail") or "The request failed.")
    errors = data.get("errors") or {}
    if errors:
        message += " " + " ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
    response.data = defs.operation_outcome(response.status_code, message)
    return response


def check_parameters(request, allowed: frozenset[str] = frozenset({"_format", "format"})) -> None:
    """A FHIR read takes no parameter but ``_format`` (JSON; DRF's ``format`` too): anything
    else is refused."""
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise exceptions.ParseError(f"Unknown query parameter: {', '.join(unknown)}.")
    wanted = request.query_params.get("_format")
    if wanted is not None and wanted not in JSON_FORMATS:
        raise exceptions.NotAcceptable(f"Only JSON is served (_format={wanted}).")


FORMAT = OpenApiParameter(
    "_format", str, description="json, application/json or application/fhir+json (default)."
)


class IssueSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=["error"])
    code = serializers.CharField(help_text="not-found, forbidden, login, invalid, not-supported…")
    details = serializers.DictField(help_text='{"text": the message}')
    diagnostics = serializers.CharField()


class OperationOutcomeSerializer(serializers.Serializer):
    """The body of every FHIR error (schema only)."""

    resourceType = serializers.ChoiceField(choices=["OperationOutcome"])  # noqa: N815
    issue = IssueSerializer(many=True)


OUTCOMES = {
    400: "An unknown query parameter (named in the message).",
    401: "No or invalid credentials: send `Authorization: Token <key>`.",
    403: "Your role on this case does not allow this.",
    404: "Not found, or not yours to read (the two are not told apart).",
    405: "Only GET is served.",
    406: "Only JSON is served (`_format`, `Accept`).",
    429: "Too many requests from this account: wait for the `Retry-After` seconds.",
}


def responses(what: str, codes=(400, 401, 403, 404, 405, 406, 429)) -> dict:
    """The 200 and every error of a FHIR read, each error an OperationOutcome: as
    application/fhir+json, or application/json for a client that asks for it (``Accept``,
    DRF's ``?format=json``)."""
    out: dict = {}
    for media in (FHIR_JSON, "application/json"):
        out[(200, media)] = OpenApiResponse(OpenApiTypes.OBJECT, description=what)
        for code in codes:
            out[(code, media)] = OpenApiResponse(OperationOutcomeSerializer, OUTCOMES[code])
    return out


EXAMPLE_BASE = "https://rehab.example.org/api/v1/fhir"
NOT_FOUND = OpenApiExample(
    "Not found",
    value=defs.operation_outcome(404, "QuestionnaireResponse/log-9 is not known."),
    response_only=True,
    media_type=FHIR_JSON,
    status_codes=["404"],
)
CAPABILITY_EXAMPLE = OpenApiExample(
    "CapabilityStatement (abridged)",
    value={
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": defs.PUBLISHED,
        "kind": "instance",
        "fhirVersion": defs.FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {"type": "Questionnaire", "interaction": [{"code": "read"}]},
                    {"type": "QuestionnaireResponse", "interaction": [{"code": "read"}]},
                ],
            }
        ],
    },
    response_only=True,
    media_type=FHIR_JSON,
)
QUESTIONNAIRE_EXAMPLE = OpenApiExample(
    "Questionnaire (abridged)",
    value={
        "resourceType": "Questionnaire",
        "id": "daily-log",
        "url": f"{EXAMPLE_BASE}/Questionnaire/daily-log",
        "status": "active",
        "item": [
            {
                "linkId": "pain_rest",
                "text": "Pain at rest",
                "type": "integer",
                "code": [defs.PAIN_LOINC],
                "extension": [
                    {"url": defs.MIN_VALUE, "valueInteger": 0},
                    {"url": defs.MAX_VALUE, "valueInteger": 10},
                    {"url": defs.ENTRY_FORMAT, "valueString": defs.NRS_ENTRY},
                ],
            }
        ],
    },
    response_only=True,
    media_type=FHIR_JSON,
)
RESPONSE_EXAMPLE = OpenApiExample(
    "QuestionnaireResponse",
    value={
        "resourceType": "QuestionnaireResponse",
        "id": "log-501",
        "questionnaire": f"{EXAMPLE_BASE}/Questionnaire/daily-log",
        "status": "completed",
        "subject": {"identifier": {"system": f"{EXAMPLE_BASE}/sid/athlete", "value": "12"}},
        "authored": "2026-10-20",
        "item": [{"linkId": "pain_during", "text": "Pain during activity",
                  "answer": [{"valueInteger": 2}]}],
    },
    response_only=True,
    media_type=FHIR_JSON,
)  # fmt: skip


class FHIRView(APIView):
    renderer_classes = [FHIRRenderer, JSONRenderer]
    permission_classes = [permissions.IsAuthenticated, TokenScopes]

    def get_exception_handler(self):
        return fhir_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_parameters(request)


class CapabilityStatementView(FHIRView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="FHIR: the CapabilityStatement",
        tags=["fhir"],
        parameters=[FORMAT],
        responses=responses("What this FHIR endpoint serves."),
        examples=[CAPABILITY_EXAMPLE],
    )
    def get(self, request):
        return Response(defs.capability_statement())


class QuestionnaireView(FHIRView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="FHIR: the daily log's Questionnaire",
        tags=["fhir"],
        parameters=[FORMAT],
        responses=responses("The Questionnaire each daily log's QuestionnaireResponse answers."),
        examples=[QUESTIONNAIRE_EXAMPLE],
    )
    def get(self, request):
        return Response(defs.daily_log_questionnaire())


class QuestionnaireResponseView(FHIRView):
    @extend_schema(
        summary="FHIR: a daily log as a QuestionnaireResponse",
        description="For those who may read the athlete's clinical data; for anyone else, and "
        "for a log that does not exist, a 404 OperationOutcome.",
        tags=["fhir"],
        parameters=[FORMAT],
        responses=responses("The log's answers, authored on the log's date."),
        examples=[RESPONSE_EXAMPLE, NOT_FOUND],
    )
    def get(self, request, log_id: int):
        scope = scope_for(request)
        readers = scope.athlete_ids(access.can_view_clinical)
        log = DailyLog.objects.filter(pk=log_id, athlete_id__in=readers).first()
        if log is None:
            raise exceptions.NotFound(f"QuestionnaireResponse/log-{log_id} is not known.")
        cases = [
            c
            for c in scope.cases_of_athlete(log.athlete_id)
            if access.can_view_clinical(request.user, c)
        ]
        if cases:
            record_access(request, cases[0], AccessRecord.What.FHIR)
        resource = {"resourceType": "QuestionnaireResponse", "id": f"log-{log.pk}"}
        return Response({**resource, **questionnaire_response(log)})


class UnknownView(FHIRView):
    @extend_schema(exclude=True)
    def get(self, request, rest: str):
        raise exceptions.NotFound(f"{rest} is not served here (see {defs.canonical('metadata')}).")


urlpatterns = [
    path("fhir/metadata", CapabilityStatementView.as_view(), name="fhir-metadata"),
    path(
        f"fhir/Questionnaire/{defs.QUESTIONNAIRE_ID}",
        QuestionnaireView.as_view(),
        name="fhir-questionnaire",
    ),
    path(
        "fhir/QuestionnaireResponse/log-<int:log_id>",
        QuestionnaireResponseView.as_view(),
        name="fhir-questionnaire-response",
    ),
    path("fhir/<path:rest>", UnknownView.as_view(), name="fhir-unknown"),
]
