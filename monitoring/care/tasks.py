"""Celery tasks of care-team communication: e-mail a note to the person it is addressed to, and
the clinical team about overdue reviews. Thin, taking ids, safe to run twice; each respects the
recipient's notification settings (``NotificationSetting``, opt-out per kind)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.urls import reverse
from pywebpush import WebPushException
from requests import RequestException

from athletes import permissions
from athletes.models import CareTeamMember, User
from monitoring.care import selectors as care
from monitoring.care import services as care_services
from monitoring.care.services.push import push_send
from monitoring.ingest.checks import athlete_today
from monitoring.models import Notification
from monitoring.models.care import CaseNote

# As in monitoring.evaluation.tasks (which imports this module: no import back from it).
RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


def _link(path: str) -> str:
    return getattr(settings, "REHAB_BASE_URL", "").rstrip("/") + path


@shared_task(
    name="monitoring.tasks.send_push",
    **{**RETRY, "autoretry_for": (*RETRY["autoretry_for"], WebPushException, RequestException)},
)
def send_push(user_id: int, payload: dict) -> int:
    """Push a notice to each of the person's browsers (``care_services.push_send``)."""
    return push_send(user_id, payload)


@shared_task(name="monitoring.tasks.send_note_email", **RETRY)
def send_note_email(note_id: int) -> int:
    """E-mail a note to its addressee when they may still read it and have not opted out.

    The audience is checked again at sending time: someone who left the care team meanwhile
    gets nothing. The e-mail carries the note's text only when the audience includes the
    athlete or the whole team; a clinical-only note is announced, not copied, by e-mail."""
    note = (
        CaseNote.objects.select_related("case__athlete", "addressed_to", "author")
        .filter(pk=note_id)
        .first()
    )
    if note is None or note.addressed_to is None:
        return 0
    person: User = note.addressed_to
    if not person.is_active or not person.email:
        return 0
    role = (
        CareTeamMember.objects.filter(case=note.case, user=person)
        .values_list("role", flat=True)
        .first()
    )
    if not permissions.can_be_addressed(role, note.audience):
        return 0
    if person.pk not in care_services.wants([person.pk], "note_addressed"):
        return 0
    if person.pk == note.case.athlete.user_id and care_services.push_queue(
        user=person,
        # A push shows on a locked screen: who wrote, never what (the thread is one tap away).
        title=f"{note.author or 'Your care team'} wrote to you",
        body="Open rehab to read the message.",
        url=reverse("athlete:messages") + f"#message-{note.pk}",
        tag=f"message-{note.pk}",
    ):
        return 1  # on the athlete's phone; e-mail is the fallback without it
    if person.pk == note.case.athlete.user_id:  # the athlete reads their messages on the phone
        link = _link(reverse("athlete:messages") + f"#message-{note.pk}")
    else:
        link = _link(
            reverse("care:timeline", kwargs={"case_id": note.case_id}) + f"#note-{note.pk}"
        )
    subject = f"[rehab] {note.author or 'The care team'} wrote to you about {note.case.athlete}"
    if note.audience == CaseNote.Audience.CLINICAL:
        text = "The note is for clinical staff only: read it in the app."
    else:
        text = note.body
    body = (
        f"{text}\n\nOpen it: {link}\n\nYou get this e-mail because the note was addressed to "
        "you. Change your e-mail choices under “Notification settings”."
    )
    return send_mail(subject[:200], body, None, [person.email], fail_silently=False)


@shared_task(name="monitoring.tasks.send_overdue_review_emails", **RETRY)
def send_overdue_review_emails(day: str | None = None) -> int:
    """Daily: e-mail each overdue review, once, to the case's clinical team (those who have not
    opted out). The claim is a conditional update, so overlapping runs send once; a failed send
    rolls the claim back for the next run."""
    today = dt.date.fromisoformat(day) if day else athlete_today()
    reviews = care.overdue_for_notice(today)
    teams = care_services.clinical_team_ids([r.case_id for r in reviews])
    everyone = sorted({u for ids in teams.values() for u in ids})
    wanted = care_services.wants(everyone, "review_overdue")
    emails = dict(User.objects.filter(pk__in=wanted).values_list("pk", "email"))
    sent = 0
    for review in reviews:
        recipients = [emails[u] for u in teams.get(review.case_id, []) if u in emails]
        with transaction.atomic():
            if not care_services.review_claim_overdue_notice(review_id=review.pk, today=today):
                continue
            if not recipients:
                continue
            link = _link(reverse("care:timeline", kwargs={"case_id": review.case_id}) + "#reviews")
            subject = (
                f"[rehab] Overdue review: {review.case.athlete}, "
                f"{review.get_kind_display().lower()} due {review.due_on:%d %b}"
            )
            body = (
                f"The {review.get_kind_display().lower()} planned for {review.due_on:%A %d %B} "
                f"has not been marked done.\n\nBook it or mark it done: {link}\n\nYou get this "
                "e-mail because you are on this athlete's clinical care team. Change your e-mail "
                "choices under “Notification settings”."
            )
            sent += send_mail(subject[:200], body, None, recipients, fail_silently=False)
    return sent


@shared_task(name="monitoring.tasks.send_notification_email", **RETRY)
def send_notification_email(notification_id: int) -> int:
    """E-mail an in-app notice (a care-team change) to its recipient, with a link home."""
    notice = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notice is None or not notice.recipient.is_active or not notice.recipient.email:
        return 0
    body = f"{notice.body}\n\n{_link(reverse('home'))}"
    return send_mail(f"[rehab] {notice.title}"[:200], body, None, [notice.recipient.email])
