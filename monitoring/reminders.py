"""Daily-log reminders: each athlete's choice (on by default, at 19:00 in the athlete's time
zone), who is due a reminder now, the once-a-day claim and the e-mail
(``monitoring.tasks.send_log_reminders`` sends them every 15 minutes)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from athletes.models import Athlete, CareTeamMember, Case, User
from athletes.models.people import zone_named
from monitoring.models import DailyLog, PushSubscription, ReminderPreference
from protocols.models import Plan


def reminder_for(user: User) -> ReminderPreference:
    """The user's reminder setting; an unsaved default (on, at 19:00) when they never chose."""
    pref = ReminderPreference.objects.filter(user=user).first()
    return pref or ReminderPreference(user=user)


def reminder_preference_update(
    *, user: User, enabled: bool, time_of_day: dt.time
) -> ReminderPreference:
    pref, _ = ReminderPreference.objects.update_or_create(
        user=user, defaults={"enabled": enabled, "time_of_day": time_of_day}
    )
    return pref


def reminders_due(now: dt.datetime) -> list[User]:
    """Athletes to remind at ``now``: on an active case with an active plan, no log for their
    today, reminders on (the default) and their time passed, not yet reminded today. Today and
    the time are the athlete's own (``Athlete.time_zone``); each user carries ``local_today``.
    One query for the time zones in use, then one per time zone."""
    names = Athlete.objects.filter(user__isnull=False).values_list("time_zone", flat=True)
    zones: dict[str, list[str]] = defaultdict(list)
    for name in set(names):
        zones[zone_named(name).key].append(name)
    due: list[User] = []
    for key, named in sorted(zones.items()):
        local = timezone.localtime(now, zone_named(key))
        users = list(
            _due_at(local.date(), local.time()).filter(athlete_profile__time_zone__in=named)
        )
        for user in users:
            user.local_today = local.date()
        due += users
    return sorted(due, key=lambda u: u.pk)


def _due_at(today: dt.date, time_now: dt.time) -> QuerySet[User]:
    """Who is due a reminder where it is ``today`` at ``time_now``."""
    on_plan = CareTeamMember.objects.filter(
        user=OuterRef("pk"),
        role=CareTeamMember.Role.ATHLETE,
        case__athlete__user=OuterRef("pk"),
        case__status=Case.Status.ACTIVE,
        case__plans__status=Plan.Status.ACTIVE,
    )
    logged = DailyLog.objects.filter(athlete__user=OuterRef("pk"), date=today)
    chosen = Q(
        log_reminder__enabled=True,
        log_reminder__time_of_day__lte=time_now,
    ) & (Q(log_reminder__last_sent_on__isnull=True) | Q(log_reminder__last_sent_on__lt=today))
    due = chosen
    if time_now >= ReminderPreference.DEFAULT_TIME:
        due |= Q(log_reminder__isnull=True)
    return (
        User.objects.filter(is_active=True, athlete_profile__isnull=False)
        .filter(~Q(email="") | Exists(PushSubscription.objects.filter(user=OuterRef("pk"))))
        .filter(Exists(on_plan))
        .exclude(Exists(logged))
        .filter(due)
        .order_by("pk")
    )


def reminder_claim(*, user_id: int, today: dt.date) -> bool:
    """Mark today's reminder as sent; False when it already was (or reminders are off).

    A conditional update with a row-count check, so two runs racing each other send one.
    """
    ReminderPreference.objects.get_or_create(user_id=user_id)
    claimed = (
        ReminderPreference.objects.filter(user_id=user_id, enabled=True)
        .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=today))
        .update(last_sent_on=today)
    )
    return claimed == 1


def reminder_email(user: User, base_url: str = "") -> tuple[str, str]:
    name = user.first_name or user.username
    where = f"{base_url.rstrip('/')}/me/log/" if base_url else "the rehab app (Log today)"
    subject = "Your daily log for today is still missing"
    body = (
        f"Hi {name},\n\nYou haven't logged today yet. It takes under a minute, and it is how "
        f"your clinician knows your plan is right for you.\n\nLog today: {where}\n\n"
        "You can change the time of this reminder, or turn it off, on your Progress page."
    )
    return subject, body
