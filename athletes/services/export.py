"""The athlete's data, all of it, as plain values and as a zip to take away."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from athletes import permissions
from athletes.models import Athlete, Case, User
from athletes.services.records import athlete_records, history_rows, record_pks
from rehab.errors import ApplicationError

audit_log = logging.getLogger("rehab.audit")

NOT_EXPORTED_APPS = frozenset(
    {"authtoken", "sessions", "otp_totp", "otp_static", "otp_hotp", "otp_email", "axes"}
)
"""Credentials that cascade from the login (API tokens, second-factor secrets): erased, never
exported."""

ACCOUNT_FIELDS = ("id", "username", "first_name", "last_name", "email", "kind", "date_joined")
"""What of the athlete's login is theirs to take away (never the password hash)."""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


NOT_EXPORTED_FIELDS = {"athletes.accessrecord": frozenset({"ip"})}
"""Fields that are not the athlete's: the address a staff member read the record from is the
staff member's (the athlete's own list shows who and when, never where from)."""


def _row(obj: models.Model) -> dict[str, Any]:
    if isinstance(obj, User):
        return {name: _plain(getattr(obj, name)) for name in ACCOUNT_FIELDS}
    skip = NOT_EXPORTED_FIELDS.get(obj._meta.label_lower, frozenset())
    return {
        f.attname: _plain(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in skip
    }


HIDDEN_CYCLE_KINDS = frozenset({"athletes.periodstart"})
"""The cycle entries: hidden from everyone while the athlete has cycle logging off
(``athletes.models.cycle``), so left out of an export whose reader may not read them."""


def athlete_data(
    athlete: Athlete, *, leave_out: frozenset[str] = frozenset()
) -> dict[str, list[dict[str, Any]]]:
    """All of the athlete's data by kind (``app.model``), each row as plain values; the kinds
    of ``leave_out`` (labels, and their histories) left out."""
    records = athlete_records(athlete)
    data: dict[str, list[dict[str, Any]]] = {}
    for model, objs in records.items():
        if model._meta.app_label in NOT_EXPORTED_APPS or model._meta.label_lower in leave_out:
            continue
        rows = [_row(o) for o in objs]
        data[model._meta.label_lower] = sorted(rows, key=lambda r: r.get("id") or 0)
    for history, found in history_rows(record_pks(records)).items():
        if history.instance_type._meta.label_lower in leave_out:
            continue
        data[history._meta.label_lower] = [_row(r) for r in found]
    return dict(sorted(data.items()))


def athlete_export(*, case: Case, exported_by: User) -> tuple[str, bytes]:
    """A zip of all of the case's athlete's data: ``data.json`` and one CSV per kind of record.

    Every case of the athlete, their plans, phases, decisions, logs, sessions, device samples,
    assessments, flags, consents and the history of each — nothing of anyone else's case. The
    cycle entries only when the exporter may read them (the athlete has cycle logging on,
    ``permissions.can_read_cycle``): while it is off they are hidden from everyone, and the
    README says they are left out.
    """
    if not permissions.can_export_athlete(exported_by, case):
        raise ApplicationError("Only the lead clinician of each of the athlete's cases may export.")
    athlete = case.athlete
    hidden = frozenset() if permissions.can_read_cycle(exported_by, case) else HIDDEN_CYCLE_KINDS
    data = athlete_data(athlete, leave_out=hidden)
    now = timezone.now()
    names = {m._meta.label_lower: m._meta.verbose_name_plural for m in apps.get_models()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        payload = {
            "exported_at": now.isoformat(),
            "exported_by": str(exported_by),
            "athlete_id": athlete.pk,
            "records": data,
        }
        archive.writestr("data.json", json.dumps(payload, indent=2, default=str))
        lines = [
            f"All data held about athlete record #{athlete.pk}, exported {now:%Y-%m-%d %H:%M} UTC",
            f"by {exported_by}.",
            "",
            "data.json holds every record; csv/ holds one file per kind of record:",
        ]
        for label, rows in data.items():
            archive.writestr(f"csv/{label}.csv", _csv(rows))
            lines.append(f"  csv/{label}.csv — {names.get(label, label)}: {len(rows)}")
        if hidden:
            lines += [
                "",
                "Left out: the menstrual-cycle entries, if any. The athlete has cycle logging",
                "turned off, which hides them from everyone; they show again if the athlete",
                "turns it back on.",
            ]
        archive.writestr("README.txt", "\n".join(lines) + "\n")
    audit_log.info(
        "athlete %s exported by user %s (%s kinds)", athlete.pk, exported_by.pk, len(data)
    )
    filename = f"athlete-{athlete.pk}-{now:%Y%m%d}.zip"
    return filename, buffer.getvalue()


def _csv(rows: Sequence[Mapping[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v) if isinstance(v, list | dict) else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    return out.getvalue()
