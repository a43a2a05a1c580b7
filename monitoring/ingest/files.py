"""An activity file (FIT, GPX or TCX) uploaded by an athlete or an integration becomes a
session: read by ``monitoring.ingest.activity_parsers``, written by ``activity_session_record``
(the single-item write path, with its permission and date checks and its evaluation request) as
a device's session, and kept as an ``ActivityFile`` (hash, name, format, size, who sent it).

Idempotent by the file's SHA-256 within the athlete: the same file again makes nothing new and
answers with the session it made. A file that cannot be read is an ``ApplicationError`` on the
``file`` field with one sentence (a 400 in the API, a form error on the page)."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import IO

from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes.models import Athlete, User
from monitoring.ingest.activity_parsers import (
    MAX_BYTES,
    FileRejected,
    ParsedActivity,
    parse_activity,
)
from monitoring.ingest.checks import active_cases_for_logging
from monitoring.ingest.items import activity_session_record
from monitoring.models import ActivityFile, Source
from protocols.models import Activity
from rehab.errors import ApplicationError

SPORTS = {
    "running": Activity.RUN,
    "run": Activity.RUN,
    "trail_running": Activity.RUN,
    "treadmill_running": Activity.RUN,
    "walking": Activity.WALK,
    "walk": Activity.WALK,
    "hiking": Activity.WALK,
    "cycling": Activity.CYCLE,
    "biking": Activity.CYCLE,
    "swimming": Activity.SWIM,
    "lap_swimming": Activity.SWIM,
    "open_water_swimming": Activity.SWIM,
    "fitness_equipment": Activity.ELLIPTICAL,
    "training": Activity.STRENGTH,
}
"""A file's sport (FIT's sport, GPX's track type, TCX's Sport attribute, lowercased) → the
session's activity; anything else is "other"."""


def read_upload(upload: IO[bytes]) -> bytes:
    """At most ``MAX_BYTES`` of an upload: a larger one is refused without reading it all."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        message = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."
        raise ApplicationError(message, {"file": message})
    return data


def activity_file_upload(
    *,
    athlete: Athlete,
    upload: IO[bytes],
    name: str,
    submitted_by: User,
    today: dt.date | None = None,
) -> tuple[ActivityFile, bool]:
    """Make the session of an uploaded file; returns (file, created). A file already uploaded
    for this athlete returns its record and ``False``, whoever sends it again."""
    active_cases_for_logging(athlete, submitted_by)
    data = read_upload(upload)
    digest = hashlib.sha256(data).hexdigest()
    stored = _stored(athlete, digest)
    if stored is not None:
        return stored, False
    try:
        parsed = parse_activity(data, name)
    except FileRejected as exc:
        raise ApplicationError(str(exc), {"file": str(exc)}) from None
    with transaction.atomic():
        session, _ = activity_session_record(
            athlete=athlete,
            date=timezone.localdate(parsed.started_at, athlete.zone),
            submitted_by=submitted_by,
            fields=session_fields(parsed),
            source=Source.DEVICE,
            external_id=f"sha256:{digest}",
            today=today,
            started_at=parsed.started_at,
        )
        try:
            with transaction.atomic():
                record = ActivityFile.objects.create(
                    athlete=athlete,
                    session=session,
                    sha256=digest,
                    original_name=name[:255],
                    format=parsed.format,
                    size=len(data),
                    uploaded_by=submitted_by,
                )
        except IntegrityError:  # the same file sent twice at once: the other upload won
            return ActivityFile.objects.select_related("session").get(
                athlete=athlete, sha256=digest
            ), False
    return record, True


def _stored(athlete: Athlete, digest: str) -> ActivityFile | None:
    return (
        ActivityFile.objects.filter(athlete=athlete, sha256=digest)
        .select_related("session")
        .first()
    )


def _whole(value: float | None, high: int) -> int | None:
    """A watch's average as a whole number, or None when it is missing or out of range."""
    if value is None or not 0 <= value <= high:
        return None
    return round(value)


def session_fields(parsed: ParsedActivity) -> dict:
    """The session fields of a parsed file (schema names and units)."""
    distance = None
    if parsed.distance_m:
        distance = Decimal(str(round(parsed.distance_m / 1000, 2)))
    return {
        "activity": SPORTS.get(parsed.sport.lower(), Activity.OTHER),
        "minutes": max(1, round(parsed.duration_s / 60)),
        "distance_km": distance,
        "steps": parsed.steps,
        "avg_heart_rate": _whole(parsed.avg_heart_rate, 250),
        "max_heart_rate": _whole(parsed.max_heart_rate, 250),
        "cadence": _whole(parsed.cadence_spm, 300),
        "ground_contact_ms": _whole(parsed.ground_contact_ms, 2000),
        "vertical_oscillation_mm": _whole(parsed.vertical_oscillation_mm, 500),
    }


def athlete_files(athlete: Athlete, *, limit: int = 20) -> list[ActivityFile]:
    """The athlete's latest uploads with their sessions (one query)."""
    return list(ActivityFile.objects.filter(athlete=athlete).select_related("session")[:limit])
