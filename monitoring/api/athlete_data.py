"""What the endpoints of the athletes' recorded data share (daily logs, sessions, device
metrics): the filter by athlete, case and date, and the upserts.

Writes from devices are upserts (`monitoring.ingest.bulk`): one item with `POST /<kind>/`, up to
1,000 with `POST /<kind>/bulk/`; repeating either changes nothing and says so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from athletes.api.base import ScopedCaseFilter
from athletes.api_scopes import ApiScope, scope_for
from monitoring.api.validation import item_parser, parse_items
from monitoring.ingest import bulk as ingest
from monitoring.ingest import items as ingest_items
from rehab.api import AccessViewMixin, BulkResultSerializer, ErrorSerializer, IdFilter
from rehab.errors import ApplicationError


def bulk_request(item_serializer, name: str) -> type[serializers.Serializer]:
    """The body of a bulk upsert, named `name` in the schema: `items`, each an `item_serializer`."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "items": item_serializer(
                many=True,
                min_length=1,
                max_length=ingest.MAX_ITEMS,  # the schema's minItems and maxItems
                help_text=f"1 to {ingest.MAX_ITEMS:,} items, each validated on its own.",
            ),
            "__doc__": "Up to 1,000 items; the valid ones are upserted in one transaction.",
        },
    )


class AthleteDataFilter(filters.FilterSet):
    athlete = IdFilter(field_name="athlete_id", help_text="Only this athlete's rows.")
    case = ScopedCaseFilter(athlete_field="athlete_id", help_text="Rows of this case's athlete.")
    date = filters.DateFromToRangeFilter(
        help_text="`date_after` and `date_before` (inclusive, YYYY-MM-DD)."
    )


def bulk_examples(item: dict, other: dict) -> list[OpenApiExample]:
    bad_field = "date" if "date" in other else "value"
    message = (
        "Dates cannot be in the future."
        if bad_field == "date"
        else "Ensure this value is greater than or equal to 0."
    )
    return [
        OpenApiExample("Two items", value={"items": [item, other]}, request_only=True),
        OpenApiExample(
            "Stored",
            value={
                "detail": "Stored 2 items: 2 created, 0 updated, 0 unchanged.",
                "created": 2,
                "updated": 0,
                "unchanged": 0,
                "invalid": 0,
                "evaluations_queued": [7],
                "results": [
                    {"index": 0, "status": "created", "id": 501, "errors": {}},
                    {"index": 1, "status": "created", "id": 502, "errors": {}},
                ],
                "errors": {},
            },
            response_only=True,
            status_codes=["200"],
        ),
        OpenApiExample(
            "The same request again",
            value={
                "detail": "Nothing changed: 2 items already stored as sent.",
                "created": 0,
                "updated": 0,
                "unchanged": 2,
                "invalid": 0,
                "evaluations_queued": [],
                "results": [
                    {"index": 0, "status": "unchanged", "id": 501, "errors": {}},
                    {"index": 1, "status": "unchanged", "id": 502, "errors": {}},
                ],
                "errors": {},
            },
            response_only=True,
            status_codes=["200"],
        ),
        OpenApiExample(
            "One item invalid",
            value={
                "detail": "Stored 1 item: 0 created, 0 updated, 1 unchanged. "
                "1 item invalid and not stored (see errors).",
                "created": 0,
                "updated": 0,
                "unchanged": 1,
                "invalid": 1,
                "evaluations_queued": [],
                "results": [
                    {"index": 0, "status": "unchanged", "id": 501, "errors": {}},
                    {
                        "index": 1,
                        "status": "invalid",
                        "id": None,
                        "errors": {bad_field: [message]},
                    },
                ],
                "errors": {f"items.1.{bad_field}": [message]},
            },
            response_only=True,
            status_codes=["207"],
        ),
        OpenApiExample(
            "Every item invalid",
            value={
                "detail": "Nothing was stored: every item is invalid (see errors).",
                "errors": {f"items.0.{bad_field}": [message], f"items.1.{bad_field}": [message]},
            },
            response_only=True,
            status_codes=["400"],
        ),
    ]


BULK_DESCRIPTION = (
    "Upsert up to 1,000 items in one request. Each item is validated on its own: invalid items "
    "are reported in `results` and `errors` (keys `items.<index>.<field>`) and not stored; "
    "the valid ones are stored in one transaction. An item equal to what is stored is counted "
    "`unchanged`, so repeating a request changes nothing. Evaluations are queued once per "
    "affected case. **200**: every item valid; **207**: some items invalid, the others stored; "
    "**400**: nothing stored (every item invalid, or the request itself is malformed), in the "
    "shared error format."
)
BULK_RESPONSES = {
    200: BulkResultSerializer,
    207: OpenApiResponse(BulkResultSerializer, description="Some items invalid; others stored."),
    400: OpenApiResponse(
        ErrorSerializer,
        description="Nothing stored: every item is invalid (messages by "
        "`items.<index>.<field>`), or the request itself is malformed.",
    ),
}
UPSERT_DESCRIPTION = (
    "Upsert one item (the same item as in bulk). **201** when it was created, **200** when it "
    "was updated or was already stored as sent; the `Upsert-Result` header says which "
    "(`created`, `updated`, `unchanged`)."
)


@functools.cache
def _representer(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """One unbound instance per output serializer of the writes, its fields built once: the
    answer to a write is the stored row, and these serializers read nothing from the request."""
    representer = serializer_class()
    representer.fields  # noqa: B018 — built here, once
    return representer


class DeletedBySourceMixin:
    """``DELETE /<kind>/{id}/``: the source that sent a session or sample takes it back (a
    mistaken upload); anyone else who sees it gets a 403, anyone else a 404."""

    @extend_schema(
        summary="Delete a mistaken session or sample (its own source only)",
        responses={
            204: None,
            403: OpenApiResponse(
                ErrorSerializer,
                description="Sent by another source: only the one that sent it may delete it.",
                examples=[
                    OpenApiExample(
                        "Another source's",
                        value={
                            "detail": "Only the source that sent it may delete it.",
                            "code": "permission_denied",
                        },
                    )
                ],
            ),
        },
    )
    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            ingest_items.source_record_delete(obj=obj, deleted_by=request.user)
        except ApplicationError as exc:
            raise PermissionDenied(exc.message) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class IngestViewMixin:
    """`POST /<kind>/` for one item and `POST /<kind>/bulk/` for many, both upserts."""

    item_serializer_class: type[serializers.Serializer]
    upsert: Callable[..., ingest.BulkOutcome]  # one of the monitoring.ingest.bulk functions

    @property
    def scope(self) -> ApiScope:
        # A write decides by the predicates and shows no case: the light scope is enough.
        return scope_for(self.request, light=self.action in {"create", "bulk"})

    def _upsert(self, raw):
        values, errors = parse_items(raw, item_parser(self.item_serializer_class))
        return self.upsert(
            items=values, invalid=errors, submitted_by=self.request.user, scope=self.scope
        )

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):
            raise ApplicationError("Send one item as a JSON object.")
        outcome = self._upsert([request.data])
        result = outcome.results[0]
        if result.status == ingest.NOT_FOUND:  # not theirs, or no such athlete: one answer
            raise NotFound(ingest.NOT_YOURS)
        if result.status == ingest.INVALID:
            raise ApplicationError("Invalid input.", result.errors)
        obj = outcome.objects[0]
        code = status.HTTP_201_CREATED if result.status == ingest.CREATED else status.HTTP_200_OK
        if isinstance(self, AccessViewMixin):
            serializer_class = self.serializer_class_for(obj)
        else:
            serializer_class = self.get_serializer_class()
        body = _representer(serializer_class).to_representation(obj)
        headers = {"Upsert-Result": result.status}
        if result.kept:  # the athlete's own values, kept over these (see docs/api.md)
            headers["Upsert-Kept"] = ", ".join(result.kept)
        return Response(body, status=code, headers=headers)

    def bulk_upsert(self, request):
        if not isinstance(request.data, dict) or "items" not in request.data:
            raise ApplicationError(
                "Send an object with an `items` list.", {"items": "This field is required."}
            )
        unknown = sorted(set(request.data) - {"items"})
        if unknown:
            raise ApplicationError(
                "Send only `items` at the top level.", {name: "Unknown field." for name in unknown}
            )
        outcome = self._upsert(request.data["items"])
        invalid = outcome.refused
        if invalid == len(outcome.results):
            raise ApplicationError(outcome.detail, outcome.errors)
        code = 207 if invalid else 200
        body = {
            "detail": outcome.detail,
            "created": outcome.count(ingest.CREATED),
            "updated": outcome.count(ingest.UPDATED),
            "unchanged": outcome.count(ingest.UNCHANGED),
            "invalid": invalid,
            "evaluations_queued": outcome.evaluations_queued,
            "results": [
                {"index": r.index, "status": r.status, "id": r.id, "errors": r.errors}
                | ({"kept": r.kept} if r.kept else {})
                for r in outcome.results
            ],
            "errors": outcome.errors,
        }
        return Response(body, status=code)
