"""The athlete's optional menstrual-cycle logging: consent on and off, period start days.
Keyword-only, atomic, raising ``ApplicationError``."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from athletes import permissions
from athletes.models import Athlete, CycleConsent, PeriodStart, User
from rehab.errors import ApplicationError

OLDEST_DAYS = 400  # a period start logged at most about 13 months back


def cycle_consent_set(*, athlete: Athlete, by: User, given: bool) -> CycleConsent:
    """Turn cycle logging on or off (only the athlete). Off hides the entries from everyone and
    stops every screen reading them; on again shows them again."""
    if not permissions.can_manage_cycle_consent(by, athlete):
        raise ApplicationError("Only the athlete turns cycle logging on or off.")
    if given not in (True, False):
        raise ApplicationError("On or off?", {"given": "Choose on or off."})
    now = timezone.now()
    with transaction.atomic():
        consent, _ = CycleConsent.objects.select_for_update().get_or_create(
            athlete=athlete, defaults={"given": False, "changed_at": now, "changed_by": by}
        )
        consent.given = given
        consent.changed_at = now
        consent.changed_by = by
        if given and consent.since is None:
            consent.since = athlete.today(now)
        consent.save()
    athlete.cycle_consent = consent
    return consent


def _check_day(athlete: Athlete, started_on, today: dt.date) -> dt.date:
    if not isinstance(started_on, dt.date):
        raise ApplicationError("Give a date.", {"started_on": "Enter the day your period started."})
    if started_on > today:
        raise ApplicationError("Not in the future.", {"started_on": "Today or earlier."})
    if started_on < today - dt.timedelta(days=OLDEST_DAYS):
        raise ApplicationError("Too long ago.", {"started_on": "Within the last 13 months."})
    return started_on


def period_start_record(
    *, athlete: Athlete, by: User, started_on, today: dt.date | None = None
) -> tuple[PeriodStart, bool]:
    """Log the day a period started (idempotent: the same day twice is one entry)."""
    if not permissions.can_log_cycle(by, athlete):
        raise ApplicationError("Turn cycle logging on first.")
    today = today or athlete.today()
    day = _check_day(athlete, started_on, today)
    try:
        with transaction.atomic():
            return PeriodStart.objects.get_or_create(athlete=athlete, started_on=day)
    except IntegrityError:  # a concurrent submission of the same day
        return PeriodStart.objects.get(athlete=athlete, started_on=day), False


def period_start_delete(*, athlete: Athlete, by: User, started_on) -> int:
    if not permissions.can_log_cycle(by, athlete):
        raise ApplicationError("Turn cycle logging on first.")
    deleted, _ = PeriodStart.objects.filter(athlete=athlete, started_on=started_on).delete()
    return deleted
