"""What each event carries: serializers of the classification's summary view.

Each is a ``ClassifiedSerializer`` with ``reader = "summary"`` (``athletes.permissions``'
``WEBHOOK_READS``): naming a clinical field (a flag's title or message, a case's site, a
session's pain) fails the first time it is used. The envelope is the Standard Webhooks shape,
``{"type", "timestamp", "data"}``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import serializers

from athletes.api.base import ClassifiedSerializer
from athletes.models import Case
from athletes.permissions import WEBHOOK_READS
from athletes.permissions.classification import READS
from monitoring.models import ActivitySession, Flag
from protocols.models import PhaseTransition

if READS["summary"] != WEBHOOK_READS:  # the serializers' reader must be what webhooks may carry
    raise RuntimeError("WEBHOOK_READS and the summary reader differ")


class FlagPayload(ClassifiedSerializer):
    class Meta:
        model = Flag
        reader = "summary"
        fields = [
            "id", "case", "kind", "status", "coach_message", "raised_at", "updated_at",
            "resolved_at",
        ]  # fmt: skip


class CasePayload(ClassifiedSerializer):
    class Meta:
        model = Case
        reader = "summary"
        fields = ["id", "athlete", "status", "outcome", "returned_on", "target_return_on"]


class TransitionPayload(ClassifiedSerializer):
    case = serializers.IntegerField(source="plan.case_id")
    from_phase_name = serializers.CharField(source="from_phase.name", default=None)
    to_phase_name = serializers.CharField(source="to_phase.name", default=None)

    class Meta:
        model = PhaseTransition
        reader = "summary"
        fields = [
            "id", "case", "plan", "kind", "from_phase", "from_phase_name", "to_phase",
            "to_phase_name", "effective_on", "decided_at",
        ]  # fmt: skip


class SessionPayload(ClassifiedSerializer):
    class Meta:
        model = ActivitySession
        reader = "summary"
        fields = [
            "id", "athlete", "date", "activity", "minutes", "rpe", "distance_km", "steps",
            "ground_contacts", "source", "external_id", "created_at",
        ]  # fmt: skip


PAYLOADS: dict[str, type[ClassifiedSerializer]] = {
    "flag.opened": FlagPayload,
    "flag.resolved": FlagPayload,
    "plan.transitioned": TransitionPayload,
    "case.discharged": CasePayload,
    "session.created": SessionPayload,
}
KEYS = {
    "flag.opened": "flag",
    "flag.resolved": "flag",
    "plan.transitioned": "transition",
    "case.discharged": "case",
    "session.created": "session",
}


@dataclass(frozen=True)
class Message:
    event: str
    data: dict


def message(event: str, obj) -> Message:
    """The event's data for one object, e.g. ``{"flag": {...}}``."""
    return Message(event, {KEYS[event]: dict(PAYLOADS[event](obj).data)})


def body(event: str, data: dict, *, now: dt.datetime) -> str:
    """The JSON text sent and signed (the same bytes on every attempt)."""
    envelope = {"type": event, "timestamp": now.isoformat(), "data": data}
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True)
