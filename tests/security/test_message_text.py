"""E-mails and in-app notifications read the classification too: with every clinical free-text
field of the case in the site's words (``free_text``), every message the app sends about the
case — flag and "worse" e-mails, notes addressed to people, overdue reviews, log reminders —
and every notification reaches only readers who may see what it carries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from athletes import permissions
from monitoring.care import tasks as care_tasks
from monitoring.evaluation import tasks as evaluation_tasks
from monitoring.evaluation.flags import notify_many
from monitoring.models import Flag, Notification
from monitoring.models.care import CaseNote, Review
from tests.coach.conftest import TODAY
from tests.security.conftest import FOREIGN_MARKERS, OWN_TEXT

pytestmark = pytest.mark.django_db

SITE_WORDS = ("navicular", "Navicular")


def _send_everything(world) -> None:
    case = world["cases"]["own"]
    users = world["users"]
    flag = Flag.objects.filter(case=case, kind="red_flag").first()
    notify_many([flag])  # the in-app notices of an urgent flag
    evaluation_tasks.send_flag_emails(flag.pk)
    evaluation_tasks.send_flags_emails([flag.pk])
    evaluation_tasks.send_worse_emails([[flag.pk, "pain_max"]])
    for person in ("coach", "nutritionist", "psychologist", "physio"):
        for audience in ("clinical", "team", "athlete"):
            note = CaseNote.objects.create(
                case=case,
                author=users["clinician"],
                audience=audience,
                body=f"A {audience} note",
                addressed_to=users[person],
            )
            care_tasks.send_note_email(note.pk)
    Review.objects.filter(case=case).update(due_on=TODAY - dt.timedelta(days=3))
    care_tasks.send_overdue_review_emails((TODAY + dt.timedelta(days=1)).isoformat())


def test_no_message_carries_clinical_text_to_a_reader_who_may_not_see_it(world):
    case = world["cases"]["own"]
    by_email = {u.email: u for u in world["users"].values() if u is not None and u.email}
    _send_everything(world)
    assert mail.outbox, "the scenario sends e-mails"
    assert Notification.objects.filter(case=case).exists(), "and notices"
    problems = []
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for address in message.to:
            user = by_email.get(address)
            if user is None:  # the foreign case's clinician: nothing of this case
                if OWN_TEXT in text or str(case.athlete) in text:
                    problems.append(f"{address}: this case in {message.subject!r}")
                continue
            if any(m in text for m in FOREIGN_MARKERS):
                problems.append(f"{address}: the foreign case in {message.subject!r}")
            if permissions.can_view_clinical(user, case):
                continue
            if OWN_TEXT in text or any(w in text for w in SITE_WORDS):
                problems.append(f"{address} ({user.kind}): clinical text in {message.subject!r}")
    for note in Notification.objects.select_related("recipient"):
        text = f"{note.title}\n{note.body}"
        if not permissions.can_view_clinical(note.recipient, note.case) and (
            OWN_TEXT in text or any(w in text for w in SITE_WORDS)
        ):
            problems.append(f"notification to {note.recipient}: clinical text")
    assert problems == []


def test_the_clinical_team_does_get_the_clinical_text(world):
    """The same scenario e-mails the flag's clinical text to the clinical team (so its absence
    elsewhere means something)."""
    physio = world["users"]["physio"]
    _send_everything(world)
    to_physio = [m for m in mail.outbox if physio.email in m.to]
    assert any("ZEBRA-FLAG-MESSAGE" in m.body or OWN_TEXT in m.body for m in to_physio)
