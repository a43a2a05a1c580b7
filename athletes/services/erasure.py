"""Erasing an athlete: every case and record, their history and their login, leaving a record of
who erased how much, and why."""

from __future__ import annotations

import logging
from collections import Counter

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import PROTECT, ProtectedError

from athletes import permissions
from athletes.models import Athlete, Case, ErasureRecord, User
from athletes.services.records import Pks, athlete_records, history_rows, record_pks
from rehab.errors import ApplicationError

audit_log = logging.getLogger("rehab.audit")


def _same_name(typed: str, athlete: Athlete) -> bool:
    def norm(text: str) -> str:
        return " ".join(str(text or "").split()).casefold()

    return bool(norm(typed)) and norm(typed) == norm(athlete.full_name)


def _check_erasure(athlete: Athlete, confirm_name: str, reason: str) -> None:
    errors = {}
    if not _same_name(confirm_name, athlete):
        errors["confirm_name"] = "Type the athlete's full name exactly as shown to confirm."
    if not str(reason or "").strip():
        errors["reason"] = "Say why the athlete's data is erased (e.g. the athlete's request)."
    if errors:
        raise ApplicationError("The athlete was not erased.", errors)


@transaction.atomic
def athlete_erase(*, case: Case, erased_by: User, confirm_name: str, reason: str) -> ErasureRecord:
    """Erase the case's athlete: every case and record, their history, and their login.

    Keeps an ``ErasureRecord`` — who, when, why and how many records of each kind — and none of
    the erased data. The person types the athlete's full name to confirm.
    """
    if not permissions.can_erase_athlete(erased_by, case):
        raise ApplicationError("Only the lead clinician of each of the athlete's cases may erase.")
    athlete = Athlete.objects.select_for_update().get(pk=case.athlete_id)
    _check_erasure(athlete, confirm_name, reason)
    former_id = athlete.pk
    records = athlete_records(athlete)
    pks = record_pks(records)  # deleting clears the instances' primary keys
    login = athlete.user if athlete.user_id else None
    counts: Counter[str] = Counter()
    # Rows that protect the athlete's data from deletion (a plan's decisions) go first.
    protected = {obj for objs in records.values() for obj in objs if _protects(obj, pks)}
    for obj in sorted(protected, key=lambda o: o._meta.label):
        counts.update(obj.delete()[1])
    counts.update(athlete.delete()[1])
    if login is not None:
        counts.update(_erase_login(login))
    counts.update(_erase_traces(pks))
    record = ErasureRecord.objects.create(
        erased_by=erased_by,
        erased_by_name=str(erased_by)[:160],
        reason=reason.strip(),
        former_athlete_id=former_id,
        case_count=len(pks.get(Case, ())),
        counts={label: n for label, n in sorted(counts.items()) if n},
    )
    audit_log.info("athlete %s erased by user %s", record.former_athlete_id, erased_by.pk)
    return record


def _erase_login(login: User) -> dict[str, int]:
    """Delete the athlete's login; one that made records others keep stays, anonymous.
    Returns how many rows of each kind went."""
    try:
        with transaction.atomic():
            return login.delete()[1]
    except ProtectedError:
        login.username = f"erased-{login.pk}"
        login.first_name = login.last_name = login.email = ""
        login.is_active = False
        login.set_unusable_password()
        login.save()
        # Where the phones were: the browsers' push subscriptions go with the person.
        _, gone = login.push_subscriptions.all().delete()
        return {"athletes.User (anonymized)": 1, **gone}


def _erase_traces(pks: Pks) -> Counter[str]:
    """Delete the history rows about the athlete and the admin log entries of their rows."""
    counts: Counter[str] = Counter()
    for history, rows in history_rows(pks).items():
        n, _ = history.objects.filter(history_id__in=[r.history_id for r in rows]).delete()
        counts["history rows"] += n
    for model, ids in pks.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        n, _ = LogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in ids]
        ).delete()
        counts["admin log entries"] += n
    return counts


def _protects(obj: models.Model, pks: Pks) -> bool:
    """Does this row point with ``PROTECT`` at another row of the athlete?"""
    return any(
        f.is_relation
        and f.remote_field.on_delete is PROTECT
        and f.related_model is not User  # the login itself is anonymized instead
        and getattr(obj, f.attname) in pks.get(f.related_model, ())
        for f in obj._meta.concrete_fields
    )
